// Validation of `release` options, before any engine call: every problem at once, naming the option, the
// value received and what is allowed.
import type { Problems } from "../validate";
import { STRATEGIES, type Batch, type ReleaseOptions } from "./types";

const PERCENT = /^(\d+(?:\.\d+)?)%$/;

/** A rolling release's batch when none is given. */
export const DEFAULT_BATCH = "25%";

/** A batch as a rule: a fixed count, or a fraction of the new fleet's desired capacity. */
export type BatchRule = { count: number } | { percent: number };

/** The batch rule of a valid `batch`, or undefined (with a problem added) for an invalid one. */
export function parseBatch(
  problems: Pick<Problems, "add">,
  name: string,
  batch: unknown,
): BatchRule | undefined {
  const allowed =
    'must be a whole number of instances from 1 to 1000 (2) or a percentage above 0 and at most 100 ("25%")';
  if (typeof batch === "number") {
    if (Number.isInteger(batch) && batch >= 1 && batch <= 1000) return { count: batch };
  } else if (typeof batch === "string") {
    const match = PERCENT.exec(batch.trim());
    const percent = match ? Number(match[1]) : NaN;
    if (percent > 0 && percent <= 100) return { percent };
  }
  problems.add(name, batch, allowed);
  return undefined;
}

/** What the options are called where they were given: the library's names, or the CLI's flags. */
export interface OptionNames {
  strategy: string;
  steps: string;
  pauseMs: string;
  batch: string;
  acceptDowntime: string;
  verify: string;
}

export const LIBRARY_NAMES: OptionNames = {
  strategy: "strategy",
  steps: "steps",
  pauseMs: "pauseMs",
  batch: "batch",
  acceptDowntime: "acceptDowntime",
  verify: "verify",
};

/** The problems of the strategy-specific options (the deploy and swap options are checked by their own rules). */
export function checkStrategyOptions(
  problems: Pick<Problems, "add">,
  options: Pick<ReleaseOptions, "strategy" | "steps" | "pauseMs" | "batch" | "acceptDowntime" | "verify">,
  names: OptionNames = LIBRARY_NAMES,
): void {
  const { strategy } = options;
  if (!(STRATEGIES as readonly string[]).includes(strategy)) {
    problems.add(names.strategy, strategy, `must be one of ${STRATEGIES.join(", ")}`);
    return;
  }
  const only = (name: string, value: unknown, strategies: string) => {
    if (value !== undefined) problems.add(name, value, `is for ${strategies} only, not \`${strategy}\``);
  };
  if (strategy === "rolling" || strategy === "recreate")
    only(names.steps, options.steps, "blue-green and canary");
  if (strategy === "blue-green" && options.steps !== undefined) {
    const steps = options.steps;
    if (!(Array.isArray(steps) && steps.length === 1 && steps[0] === 100))
      problems.add(
        names.steps,
        steps,
        "must be [100] for blue-green (all at once); steps before 100 are a canary",
      );
  }
  if (strategy === "recreate") {
    // Nothing to verify against: with the old release destroyed there is no traffic to put back on failure.
    only(names.pauseMs, options.pauseMs, "blue-green, canary and rolling");
    only(names.verify, options.verify, "blue-green, canary and rolling");
  }
  if (strategy === "rolling") parseBatch(problems, names.batch, options.batch ?? DEFAULT_BATCH);
  else only(names.batch, options.batch, "rolling");
  if (strategy === "recreate") {
    if (options.acceptDowntime !== true)
      problems.add(
        names.acceptDowntime,
        options.acceptDowntime,
        "must be given for recreate: the old colour is destroyed before the new one serves, so the router " +
          "answers 503 in between (confirming the run does not accept downtime)",
      );
  } else if (options.acceptDowntime !== false) {
    // `only` refuses a value that was given; false (no downtime accepted) is what the other strategies do anyway.
    only(names.acceptDowntime, options.acceptDowntime, "recreate");
  }
}

export type { Batch };
