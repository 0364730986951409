// Validation of every workflow input, before any engine call. Each check pushes a message that names the
// input, shows the value received and says what is allowed; the caller throws all problems at once.
import {
  AMI_ID_PATTERN,
  COLOURS,
  NAME_PATTERN,
  RELEASE_PATTERN,
  stackName,
  type Colour,
} from "../programs/contract";
import { InvalidInputError } from "./errors";

export const INSTANCE_TYPE_PATTERN = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
/** Longest duration any option accepts: a week (a typo such as minutes given as ms is caught). */
export const MAX_DURATION_MS = 7 * 24 * 3600 * 1000;
/** Pulumi stack names are at most 100 characters. */
const MAX_STACK_NAME = 100;

/** The value as the refusal shows it: JSON where JSON can spell it (a bigint or a circular object would make
 * JSON.stringify throw, and a refusal must never fail in its own message). */
const show = (value: unknown): string => {
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  if (typeof value === "bigint") return `${value}n`;
  if (typeof value === "function") return "a function";
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return "a circular object";
  }
  return text === undefined ? String(value) : text;
};

const isInteger = (value: unknown): value is number => Number.isInteger(value);

/** Collects problems; `done()` throws InvalidInputError with all of them. */
export class Problems {
  readonly list: string[] = [];

  add(name: string, value: unknown, allowed: string): void {
    this.list.push(`\`${name}\` (${show(value)}) ${allowed}`);
  }

  name(name: string, value: unknown): void {
    if (typeof value !== "string" || !NAME_PATTERN.test(value)) {
      this.add(
        name,
        value,
        "must be 2–32 lower-case letters, digits or inner dashes, starting with a letter (it is part of stack names)",
      );
    }
  }

  release(name: string, value: unknown): void {
    if (typeof value !== "string" || !RELEASE_PATTERN.test(value)) {
      this.add(
        name,
        value,
        "must be 1–40 lower-case letters, digits, dots or inner dashes, such as `v1.4.2` or `2024-06-01.3`",
      );
    }
  }

  imageId(name: string, value: unknown): void {
    if (typeof value !== "string" || !AMI_ID_PATTERN.test(value))
      this.add(name, value, "must be an AMI id: `ami-` and 8 or 17 hex digits");
  }

  instanceType(name: string, value: unknown): void {
    if (value !== undefined && (typeof value !== "string" || !INSTANCE_TYPE_PATTERN.test(value))) {
      this.add(name, value, "must be an EC2 instance type such as `t3.micro`");
    }
  }

  colour(name: string, value: unknown): void {
    if (!(COLOURS as readonly unknown[]).includes(value))
      this.add(name, value, `must be one of ${COLOURS.join(", ")}`);
  }

  integer(name: string, value: unknown, min: number, max: number, optional = true): void {
    if (value === undefined && optional) return;
    if (!isInteger(value) || value < min || value > max) {
      this.add(name, value, `must be an integer from ${min} to ${max}`);
    }
  }

  duration(name: string, value: unknown): void {
    if (value === undefined) return;
    if (!isInteger(value) || value < 0 || value > MAX_DURATION_MS) {
      this.add(name, value, `must be a whole number of milliseconds from 0 to ${MAX_DURATION_MS} (7 days)`);
    }
  }

  /** Swap steps: integers 1–100, strictly increasing, ending at 100. */
  steps(name: string, value: unknown): void {
    const allowed =
      "must be a list of integer percentages from 1 to 100, strictly increasing, ending at 100, such as [10, 50, 100]";
    if (!Array.isArray(value) || value.length === 0 || value.length > 20) {
      this.add(name, value, `${allowed} (1 to 20 steps)`);
      return;
    }
    // Integers from 1, each above the one before, the last 100: so none is above 100.
    const positive = value.every((w) => isInteger(w) && w >= 1);
    const increasing = value.every((w, i) => i === 0 || w > (value[i - 1] as number));
    if (!positive || !increasing || value[value.length - 1] !== 100) this.add(name, value, allowed);
  }

  alarmNames(name: string, value: unknown): void {
    if (value === undefined) return;
    if (
      !Array.isArray(value) ||
      value.length > 100 ||
      value.some((a) => typeof a !== "string" || a.length < 1 || a.length > 255)
    ) {
      this.add(name, value, "must be a list of up to 100 CloudWatch alarm names (1–255 characters each)");
    }
  }

  done(): void {
    if (this.list.length > 0) throw new InvalidInputError(this.list);
  }
}

/** Check the app/env pair, including that every stack name built from them is valid. */
export function checkAppEnv(problems: Problems, app: unknown, env: unknown): void {
  problems.name("app", app);
  problems.name("env", env);
  if (
    typeof app === "string" &&
    typeof env === "string" &&
    stackName(app, env, "network").length > MAX_STACK_NAME
  ) {
    problems.add(
      "app",
      app,
      `and \`env\` together must make stack names of at most ${MAX_STACK_NAME} characters`,
    );
  }
}

export function isColour(value: unknown): value is Colour {
  return (COLOURS as readonly unknown[]).includes(value);
}
