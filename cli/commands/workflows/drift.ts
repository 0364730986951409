// `phoenix drift`: refresh-preview the live colour; exit 1 when something drifted.
import type { Command } from "commander";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderDrift } from "../../workflows/render";

export function registerDrift(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "drift",
    summary: "check the live colour for drift (exit 1 when it drifted)",
    description:
      "Refresh-previews the live colour's stack and lists the resources changed or deleted outside Pulumi, with " +
      "the properties that differ. Changes nothing. Exit code 1 when anything drifted, so it can run on a schedule.",
    examples: [
      "phoenix drift --app shop --env prod",
      "phoenix drift --app shop --env prod --json || phoenix heal --app shop --env prod --yes",
    ],
    parse: () => undefined,
    run: (deployment, _args, call) => deployment.drift(call),
    render: renderDrift,
    problem: (result, settings) =>
      result.drifted.length > 0
        ? `drift found on ${result.colour}: ${result.drifted.length} resource(s) differ from the state; ` +
          `replace the fleet with \`phoenix heal --app ${settings.app} --env ${settings.env}\``
        : undefined,
  });
}
