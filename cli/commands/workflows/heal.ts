// `phoenix heal`: put every drifted stack of the app/env back as declared (see automation/heal.ts).
import type { Command } from "commander";
import type { HealOptions } from "../../../automation/types";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderHeal } from "../../workflows/render";
import { addShiftOptions, parseVerify } from "./swap";

export function registerHeal(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "heal",
    summary: "put every drifted stack back: network rules, router weights, fleets (redeploy, swap, destroy)",
    description:
      "Checks every stack of the app/env for drift, then by kind: revokes security group rules that no Phoenix " +
      "resource declares and restores other network drift (`up --refresh`); puts the router's recorded weights " +
      "back with one listener update; when the live fleet drifted, deploys the same release with the same config " +
      "to the idle colour, moves the traffic there (--steps, verified like `phoenix swap`) and destroys the drifted " +
      "colour (detect, nuke, replace); a drifted idle fleet is destroyed and redeployed. Refusals come before any " +
      "change. Without drift it changes nothing.",
    examples: [
      "phoenix heal --app shop --env prod",
      "phoenix heal --app shop --env prod --steps 25,100 --alarm shop-prod-5xx --yes",
    ],
    keepWarm: true,
    healthTimeout: true,
    options: (command) =>
      addShiftOptions(command).option(
        "--force",
        "replace the idle colour even while it is the rollback target",
      ),
    parse: (flags, parser): HealOptions => ({
      steps: parser.steps("--steps", flags.steps as string | undefined),
      verify: parseVerify(flags, parser),
      force: Boolean(flags.force),
    }),
    // Whether anything drifted is only known inside the workflow (under its lock), so heal always asks.
    confirm: async (_deployment, args, settings) =>
      `heal puts every drifted stack of ${settings.app}/${settings.env} back: it revokes security group rules ` +
      `that no Phoenix resource declares, restores the router's recorded weights, and if a fleet drifted, ` +
      `redeploys its release${args.force ? " (--force: even over the rollback target)" : ""}, moving the ` +
      `traffic off a drifted live colour and destroying it`,
    run: (deployment, args, call) => deployment.heal({ ...args, ...call }),
    render: renderHeal,
  });
}
