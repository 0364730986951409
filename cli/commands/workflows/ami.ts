// `phoenix ami list` and `phoenix ami prune`: the baked AMIs of an app/env, and retiring the old ones safely.
import type { Command } from "commander";
import type { AmiListOptions, PruneOptions } from "../../../automation/images/types";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import type { FlagParser } from "../../workflows/flags";
import { renderAmiList, renderPrune } from "../../workflows/renderImages";

const DAY_MS = 86_400_000;

/** `7d`, `30d` (up to a year), or any duration the other flags take. */
function delay(parser: FlagParser, raw: string | undefined): number | undefined {
  const days = raw === undefined ? undefined : /^\s*(\d+)d\s*$/.exec(raw)?.[1];
  if (days === undefined) return parser.duration("--deregister-after", raw);
  if (Number(days) > 365) parser.add("--deregister-after", raw, "must be at most 365d");
  return Number(days) * DAY_MS;
}

export function registerAmi(program: Command, io: CliIo): void {
  const ami = program.command("ami").summary("list and prune the baked AMIs of an app/env");
  registerWorkflowCommand(ami, io, {
    name: "list",
    summary: "list the AMIs of the app/env, newest first",
    description:
      "Lists the AMIs EC2 holds under the app/env's golden AMI tag (phoenix:golden-ami=<app>-<env>): Phoenix's " +
      "bakes and the scheduled pipeline's runs alike, joined with the bake records (bake id, parent image, " +
      "recipe version). Any of them can be released with `phoenix up --image-id`. Changes nothing.",
    examples: [
      "phoenix ami list --app shop --env prod",
      "phoenix ami list --app shop --env prod --limit 1 --json",
    ],
    progress: false,
    options: (command) => command.option("--limit <n>", "the newest <n> only"),
    parse: (flags, parser): AmiListOptions => ({
      limit: parser.integer("--limit", flags.limit as string | undefined, 1, 100_000),
    }),
    run: (deployment, args, call) => deployment.amis({ ...args, ...call }),
    render: (result, settings) => renderAmiList(result, settings),
  });
  registerWorkflowCommand(ami, io, {
    name: "prune",
    summary: "deprecate old baked AMIs, and deregister them a while later; never one in use",
    description:
      "Deprecates every AMI of the app/env that is neither among the newest --keep nor used by any stack of the " +
      "app (the live colour, the warm one, the rollback target, the fleets of the other envs, the golden-ami " +
      "stacks), and deregisters with its snapshots each one deprecated at least --deregister-after ago (a later " +
      "run). Puts Phoenix's in-use tags right, which GoldenAmi's lifecycle policy honours. --dry-run lists what " +
      "would go and why each survivor is kept.",
    examples: [
      "phoenix ami prune --app shop --env prod --keep 3 --dry-run",
      "phoenix ami prune --app shop --env prod --keep 3 --deregister-after 14d --yes",
    ],
    options: (command) =>
      command
        .option("--keep <n>", "the newest <n> baked AMIs are always kept (required, at least 1)")
        .option("--deregister-after <duration>", "delay between deprecation and deregistration (default 7d)")
        .option("--dry-run", "list what would go and why each survivor is kept; change nothing"),
    parse: (flags, parser): PruneOptions => {
      const keep = parser.required(
        "--keep",
        flags.keep as string | undefined,
        "how many newest AMIs to keep, such as `--keep 3`",
      );
      return {
        keep: parser.integer("--keep", keep, 1, 1000) ?? 0,
        deregisterAfterMs: delay(parser, flags.deregisterAfter as string | undefined),
        dryRun: Boolean(flags.dryRun),
      };
    },
    async confirm(deployment, args, settings) {
      if (args.dryRun) return undefined;
      const plan = await deployment.pruneAmis({ ...args, dryRun: true });
      const going = plan.decisions.filter((d) => d.action);
      if (going.length === 0) return undefined;
      const count = (action: string) => going.filter((d) => d.action === action).length;
      return (
        `pruning ${settings.app}/${settings.env} deprecates ${count("deprecate")} and deregisters ` +
        `${count("deregister")} AMI(s) with their snapshots (--dry-run lists them)`
      );
    },
    run: (deployment, args, call) => deployment.pruneAmis({ ...args, ...call }),
    render: renderPrune,
  });
}
