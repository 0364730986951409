// `phoenix swap`: move the traffic to the other colour step by step, verifying after each step.
import type { Command } from "commander";
import type { SwapOptions, VerifyOptions } from "../../../automation/types";
import { COLOURS, otherColour } from "../../../programs/contract";
import type { CliIo } from "../../io";
import { collect, registerWorkflowCommand, type Flags } from "../../workflows/command";
import type { FlagParser } from "../../workflows/flags";
import { renderSwap } from "../../workflows/render";

/** `--steps`, `--alarm`, `--settle` and `--dns-settle`, shared with `heal`. */
export function addShiftOptions(command: Command): Command {
  return command
    .option("--steps <percentages>", "traffic on the new colour after each step, ending at 100 (default 100)")
    .option(
      "--alarm <name>",
      "CloudWatch alarm that must not be in ALARM after each step (repeatable)",
      collect,
    )
    .option("--settle <duration>", "wait after each step before verifying, e.g. 1m (default 0)")
    .option(
      "--dns-settle <duration>",
      "route53 router: least wait after each step before verifying, while resolvers still cache the old answer (default 60s)",
    );
}

export function parseVerify(flags: Flags, parser: FlagParser): VerifyOptions | undefined {
  const alarmNames = parser.alarms("--alarm", flags.alarm as string[] | undefined);
  const settleMs = parser.duration("--settle", flags.settle as string | undefined);
  const dnsSettleMs = parser.duration("--dns-settle", flags.dnsSettle as string | undefined);
  if (alarmNames === undefined && settleMs === undefined && dnsSettleMs === undefined) return undefined;
  // Without --dns-settle the key stays out, as before the flag existed.
  return dnsSettleMs === undefined ? { alarmNames, settleMs } : { alarmNames, settleMs, dnsSettleMs };
}

export function registerSwap(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "swap",
    summary: "move the traffic to the new colour, step by step, verifying after each",
    description:
      "Shifts the router's weights to the other colour (each step is one update of one resource, the listener; " +
      "with the route53 router, of the two weighted records, and each step waits at least --dns-settle before verifying). " +
      "--steps 10,50,100 is a canary. Before each step the new colour must report every desired target healthy; " +
      "after each step its targets must still be healthy and no --alarm may be in ALARM. Any failure puts 100 % " +
      "back on the old colour and says which step failed and why. The old colour keeps its fleet as the rollback " +
      "target for the keep-warm window. The first swap (no release live yet, the router at 0/0) puts the new " +
      "colour at 100 % at once after its health check, skipping earlier steps; a failure puts the router back at 0/0.",
    examples: [
      "phoenix swap --app shop --env prod --yes",
      "phoenix swap --app shop --env prod --steps 10,50,100 --pause 5m --settle 1m \\\n" +
        "    --alarm shop-prod-5xx --alarm shop-prod-p99-latency",
    ],
    options: (command) =>
      addShiftOptions(command).option(
        "--pause <duration>",
        "pause between steps, e.g. 30s or 5m (default 0)",
      ),
    parse: (flags, parser): SwapOptions => ({
      steps: parser.steps("--steps", flags.steps as string | undefined),
      pauseMs: parser.duration("--pause", flags.pause as string | undefined),
      verify: parseVerify(flags, parser),
    }),
    async confirm(deployment, args, settings) {
      const status = await deployment.status();
      if (status.nothingLive) {
        const deployed = COLOURS.filter((c) => status.colours[c].exists);
        // No fleet to put live: the library refuses with its own message, before changing anything.
        if (deployed.length === 0) return undefined;
        const what =
          deployed.length === 1
            ? `${deployed[0]} (release ${status.colours[deployed[0]].release})`
            : "the colour deployed last";
        return (
          `no release of ${settings.app}/${settings.env} is live yet: this puts ${what} live at 100 % at once ` +
          `(nothing to share the traffic with, so no canary steps)`
        );
      }
      if (!status.live) return `this moves the split traffic of ${settings.app}/${settings.env}`;
      const to = otherColour(status.live);
      // Nothing to move to: the library refuses with its own message, before changing anything.
      if (!status.colours[to].exists) return undefined;
      return (
        `this moves the traffic of ${settings.app}/${settings.env} from ${status.live} ` +
        `(release ${status.colours[status.live].release ?? "none"}) to ${to} (release ${status.colours[to].release}) ` +
        `in steps of ${(args.steps ?? [100]).join(", ")} %`
      );
    },
    run: (deployment, args, call) => deployment.swap({ ...args, ...call }),
    render: renderSwap,
  });
}
