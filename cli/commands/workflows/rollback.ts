// `phoenix rollback`: 100 % of the traffic back on the previous colour, while its fleet exists.
import type { Command } from "commander";
import { otherColour } from "../../../programs/contract";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderRollback } from "../../workflows/render";

export function registerRollback(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "rollback",
    summary: "put 100 % of the traffic back on the previous colour",
    description:
      "Routes all the traffic back to the previous colour in one step, while its fleet exists and is healthy. " +
      "The colour it leaves keeps its fleet (destroy it with `phoenix destroy` once you are done with it).",
    examples: [
      "phoenix rollback --app shop --env prod",
      "phoenix rollback --app shop --env prod --yes --json",
    ],
    parse: () => undefined,
    async confirm(deployment, _args, settings) {
      const status = await deployment.status();
      if (status.nothingLive) return undefined; // no release live, nothing to roll back: the library says so
      if (!status.live)
        return `this puts 100 % of the split traffic of ${settings.app}/${settings.env} on one colour`;
      const to = status.colours[otherColour(status.live)];
      if (!to.exists) return undefined; // nothing to roll back to: the library says so
      return (
        `this moves 100 % of the traffic of ${settings.app}/${settings.env} from ${status.live} ` +
        `(release ${status.colours[status.live].release ?? "none"}) back to ${to.colour} (release ${to.release})`
      );
    },
    run: (deployment, _args, call) => deployment.rollback(call),
    render: renderRollback,
  });
}
