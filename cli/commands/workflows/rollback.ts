// `phoenix rollback`: 100 % of the traffic back on the fleet that served before the live one, while it exists.
import type { Command } from "commander";
import { isSplit } from "../../../automation/deploymentState";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderRollback } from "../../workflows/render";

export function registerRollback(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "rollback",
    summary: "put 100 % of the traffic back on the previous colour",
    description:
      "Routes all the traffic back in one step to the fleet that served before the live one, while that very " +
      "fleet (its deployment, as the records name it) still exists and is healthy. Anything else on the other " +
      "colour (a release never live, a redeploy of one that served) is refused before any change: put it live " +
      "with `phoenix swap`, which is health-gated and stepwise. With the traffic split (an edit by hand, or a " +
      "canary step that could not be undone), it goes back to the fleet that last took all the traffic, while " +
      "that very fleet still runs. `phoenix status` names the rollback target. " +
      "The colour it leaves keeps its fleet (destroy it with `phoenix destroy` once you are done with it).",
    examples: [
      "phoenix rollback --app shop --env prod",
      "phoenix rollback --app shop --env prod --yes --json",
    ],
    parse: () => undefined,
    async confirm(deployment, _args, settings) {
      const status = await deployment.status();
      // No target (nothing live, no fleet, a release never live, a redeploy): the library refuses, naming why.
      if (!status.rollback?.available || !status.live) return undefined;
      const { colour, release, deploymentId, servedUntil } = status.rollback;
      if (isSplit(status.weights)) {
        return (
          `this moves 100 % of the traffic of ${settings.app}/${settings.env}, now split (blue ` +
          `${status.weights.blue} % / green ${status.weights.green} %), to ${colour} (release ${release}, ` +
          `deployment ${deploymentId}, the fleet that last took all of it, at ${servedUntil})`
        );
      }
      return (
        `this moves 100 % of the traffic of ${settings.app}/${settings.env} at once from ${status.live} ` +
        `(release ${status.colours[status.live].release ?? "none"}) back to ${colour} (release ${release}, ` +
        `deployment ${deploymentId}, the fleet that served until ${servedUntil})`
      );
    },
    run: (deployment, _args, call) => deployment.rollback(call),
    render: renderRollback,
  });
}
