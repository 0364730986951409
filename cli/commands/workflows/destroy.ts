// `phoenix destroy --colour <c>`: destroy an idle colour's stack.
import type { Command } from "commander";
import type { DestroyColourOptions } from "../../../automation/types";
import { COLOURS, type Colour } from "../../../programs/contract";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderDestroy } from "../../workflows/render";

export function registerDestroy(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "destroy",
    summary: "destroy an idle colour's fleet",
    description:
      "Destroys the stack of a colour without traffic and removes it. Refuses the live colour and any colour with " +
      "weight > 0, and the rollback target inside its keep-warm window unless --force.",
    examples: [
      "phoenix destroy --app shop --env prod --colour blue",
      "phoenix destroy --app shop --env prod --colour green --force --yes",
    ],
    keepWarm: true,
    options: (command) =>
      command
        .option("--colour <colour>", `the colour to destroy: ${COLOURS.join(" or ")} (required)`)
        .option("--force", "destroy even inside the keep-warm window (never a colour with traffic)"),
    parse(flags, parser): DestroyColourOptions {
      const colour = parser.required(
        "--colour",
        flags.colour as string | undefined,
        `which colour to destroy, ${COLOURS.join(" or ")}`,
      );
      parser.colour("--colour", colour);
      return { colour: colour as Colour, force: Boolean(flags.force) };
    },
    async confirm(deployment, args, settings) {
      const colour = (await deployment.status()).colours[args.colour];
      if (!colour.exists) return undefined; // nothing to destroy
      return (
        `this destroys the ${args.colour} fleet of ${settings.app}/${settings.env} (stack ${colour.stack}, ` +
        `release ${colour.release})${args.force ? ", even inside its keep-warm window" : ""}`
      );
    },
    run: (deployment, args, call) => deployment.destroy({ ...args, ...call }),
    render: renderDestroy,
  });
}
