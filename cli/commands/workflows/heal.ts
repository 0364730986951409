// `phoenix heal`: on drift, redeploy the live release to the idle colour, swap to it, destroy the drifted one.
import type { Command } from "commander";
import type { HealOptions } from "../../../automation/types";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderHeal } from "../../workflows/render";
import { addShiftOptions, parseVerify } from "./swap";

export function registerHeal(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "heal",
    summary: "replace a drifted live colour: redeploy, swap, destroy",
    description:
      "Checks the live colour for drift; when it drifted, deploys the same release with the same config to the " +
      "idle colour, moves the traffic there (--steps, verified like `phoenix swap`) and destroys the drifted " +
      "colour: detect, nuke, replace. Without drift it changes nothing.",
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
      `if the live colour of ${settings.app}/${settings.env} drifted, heal deploys its release to the idle ` +
      `colour${args.force ? " (--force: even over the rollback target)" : ""}, moves the traffic there and ` +
      `destroys the drifted colour`,
    run: (deployment, args, call) => deployment.heal({ ...args, ...call }),
    render: renderHeal,
  });
}
