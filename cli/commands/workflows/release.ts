// `phoenix release`: a release by a strategy (blue-green, canary, rolling, recreate) in one workflow, over the
// building blocks `up` and `swap`. Strategy options are checked by the library's own rule, with flag names.
import type { Command } from "commander";
import {
  STRATEGIES,
  type Batch,
  type ReleaseOptions,
  type ReleaseResult,
  type Strategy,
} from "../../../automation/strategies/types";
import { checkStrategyOptions, type OptionNames } from "../../../automation/strategies/validate";
import { otherColour } from "../../../programs/contract";
import type { CliIo } from "../../io";
import type { DeploymentSettings } from "../../workflows/context";
import { registerWorkflowCommand, type Flags } from "../../workflows/command";
import type { FlagParser } from "../../workflows/flags";
import { addShiftOptions, parseVerify } from "./swap";
import { addDeployOptions, parseDeployOptions } from "./up";

const FLAG_NAMES: OptionNames = {
  strategy: "--strategy",
  steps: "--steps",
  pauseMs: "--pause",
  batch: "--batch",
  acceptDowntime: "--accept-downtime",
  verify: "--alarm/--settle",
};

/** `--batch 2` is a count of instances, `--batch 25%` a share of the new fleet. */
function batchOf(raw: string | undefined): Batch | undefined {
  if (raw === undefined) return undefined;
  return /^\s*\d+\s*$/.test(raw) ? Number(raw) : (raw.trim() as Batch);
}

async function parseRelease(flags: Flags, parser: FlagParser, io: CliIo): Promise<ReleaseOptions> {
  const strategy = parser.required(
    "--strategy",
    flags.strategy as string | undefined,
    `how the release reaches the traffic: one of ${STRATEGIES.join(", ")}`,
  ) as Strategy | undefined;
  const deploy = await parseDeployOptions(flags, parser, io);
  const options: ReleaseOptions = {
    ...deploy,
    strategy: strategy ?? "blue-green",
    steps: parser.steps("--steps", flags.steps as string | undefined),
    pauseMs: parser.duration("--pause", flags.pause as string | undefined),
    verify: parseVerify(flags, parser),
    batch: batchOf(flags.batch as string | undefined),
    acceptDowntime: flags.acceptDowntime === true,
  };
  if (strategy !== undefined) checkStrategyOptions(parser, options, FLAG_NAMES);
  return options;
}

const target = (s: DeploymentSettings) => `--app ${s.app} --env ${s.env}`;

export function renderRelease(r: ReleaseResult, s: DeploymentSettings): string {
  const head = `Released ${r.release} to ${s.app}/${s.env} (${r.strategy}): 100 % on ${r.to}`;
  const lines: string[] = [];
  if (r.steps) lines.push(`${head}, traffic steps ${r.steps.map((step) => `${step.weight} %`).join(" → ")}.`);
  else if (r.batches)
    lines.push(
      `${head}, ${r.batches.length} batches: ` +
        r.batches
          .map((b) => `${r.to} ${b.newDesired} / ${r.from ?? "-"} ${b.oldDesired} at ${b.weight} %`)
          .join(", ") +
        ".",
    );
  else lines.push(`${head}.`);
  if (r.skippedSteps?.length)
    lines.push(
      `Canary steps ${r.skippedSteps.map((w) => `${w} %`).join(", ")} skipped: no live release to share the traffic with.`,
    );
  if (r.previous === "kept")
    lines.push(
      `${r.from} keeps release ${r.fromRelease} as the rollback target: phoenix rollback ${target(s)}`,
    );
  if (r.previous === "scaled-to-zero")
    lines.push(
      `${r.from} keeps release ${r.fromRelease} at zero capacity as the rollback target (a rollback scales it back ` +
        `up, waits for its health, then moves the traffic): phoenix rollback ${target(s)}`,
    );
  if (r.previous === "destroyed")
    lines.push(
      `Release ${r.fromRelease} on ${r.from} was destroyed; no colour served for ${Math.round((r.downtimeMs ?? 0) / 1000)} s (503). There is no rollback target.`,
    );
  if (!r.from) lines.push(`There is no rollback target yet: the next release goes to ${otherColour(r.to)}.`);
  return `${lines.join("\n")}\n`;
}

export function registerRelease(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "release",
    summary: "deploy a release and put it live by a strategy: blue-green, canary, rolling or recreate",
    description:
      "One workflow over the building blocks `up` and `swap` (docs/strategies.md). blue-green: up to the idle " +
      "colour, then all the traffic at once. canary: up, then --steps (default 10,50,100), verified after each. " +
      "rolling: the new colour's auto scaling group grows by --batch (instances, or a percentage of the fleet; " +
      "default 25%) while the old one shrinks, each batch health-gated, the traffic weights following the " +
      "capacity; the old colour ends at zero capacity, kept as the rollback target. recreate: for environments " +
      "that accept downtime: the old colour is drained (the router answers 503) and destroyed, then the new one " +
      "is created and put live; it needs --accept-downtime (--yes alone is not enough). Any failure puts " +
      "capacity and traffic back on the old colour and destroys the new fleet (recreate: past its destroy, " +
      "no colour serves until the next release).",
    examples: [
      "phoenix release --app shop --env prod --strategy canary --release v1.4.3 --image-id ami-0fedcba9876543210 \\\n" +
        "    --steps 10,50,100 --pause 5m --alarm shop-prod-5xx --yes",
      "phoenix release --app shop --env prod --strategy rolling --batch 25% --release v1.4.3 \\\n" +
        "    --image-id ami-0fedcba9876543210 --alarm shop-prod-5xx --yes",
      "phoenix release --app shop --env dev --strategy recreate --accept-downtime --release v1.4.3 \\\n" +
        "    --image-id ami-0fedcba9876543210 --yes",
    ],
    keepWarm: true,
    healthTimeout: true,
    options: (command) =>
      addShiftOptions(addDeployOptions(command))
        .option(
          "--strategy <name>",
          `how the release reaches the traffic: ${STRATEGIES.join(", ")} (required)`,
        )
        .option("--pause <duration>", "canary: pause between steps; rolling: between batches (default 0)")
        .option(
          "--batch <n|percent>",
          "rolling: instances per batch, or a share of the fleet such as 25% (default 25%)",
        )
        .option(
          "--accept-downtime",
          "recreate: required; the environment accepts a time without any colour serving (503)",
        ),
    parse: parseRelease,
    async confirm(deployment, args, settings) {
      const status = await deployment.status();
      const live = status.live;
      const app = `${settings.app}/${settings.env}`;
      if (!live) return `this deploys ${args.release} to ${app} and puts it live (${args.strategy})`;
      const from = `${live} (release ${status.colours[live].release ?? "none"})`;
      if (args.strategy === "recreate")
        return `this destroys ${from} of ${app} before ${args.release} serves: ${app} answers 503 in between`;
      if (args.strategy === "rolling")
        return `this moves ${app} from ${from} to ${args.release} in batches of ${args.batch ?? "25%"}, scaling ${live} to zero`;
      return `this moves the traffic of ${app} from ${from} to ${args.release} in steps of ${(args.steps ?? (args.strategy === "canary" ? [10, 50, 100] : [100])).join(", ")} %`;
    },
    run: (deployment, args, call) => deployment.release({ ...args, ...call }),
    render: renderRelease,
  });
}
