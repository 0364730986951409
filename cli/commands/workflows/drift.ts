// `phoenix drift`: refresh-preview every stack of the app/env; exit 1 when something drifted.
import type { Command } from "commander";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderDrift } from "../../workflows/render";

export function registerDrift(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "drift",
    summary: "check every stack of the app/env for drift (exit 1 when something drifted)",
    description:
      "Refresh-previews the network, the router, the live colour and the idle colour (when it holds a release) and " +
      "lists per stack the resources changed or deleted outside Pulumi, with the properties that differ, and the " +
      "security group rules that no Phoenix resource declares. Changes nothing. Exit code 1 when anything drifted, " +
      "so it can run on a schedule.",
    examples: [
      "phoenix drift --app shop --env prod",
      "phoenix drift --app shop --env prod --json || phoenix heal --app shop --env prod --yes",
    ],
    parse: () => undefined,
    run: (deployment, _args, call) => deployment.drift(call),
    render: renderDrift,
    problem: (result, settings) =>
      result.drifted.length > 0
        ? `drift found in ${result.stacks
            .filter((s) => s.drifted.length > 0)
            .map((s) => s.stack)
            .join(", ")}: ${result.drifted.length} resource(s) differ from the state; ` +
          `put them back with \`phoenix heal --app ${settings.app} --env ${settings.env}\``
        : undefined,
  });
}
