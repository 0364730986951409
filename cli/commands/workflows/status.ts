// `phoenix status`: the traffic picture of an app/env. Reads only; takes no lock.
import type { Command } from "commander";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderStatus } from "../../workflows/render";

export function registerStatus(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "status",
    summary: "show the traffic picture: ALB, weights, colours, releases, health",
    description:
      "Draws the ALB, the listener's weights and each colour with its release, AMI, identity and target health; " +
      "says which colour is the protected rollback target and until when, the last workflow, and any workflow " +
      "that was interrupted (the next workflow completes or undoes it). Changes nothing and takes no lock.",
    examples: [
      "phoenix status --app shop --env prod",
      "phoenix status --app shop --env prod --json | jq .result.weights",
    ],
    keepWarm: true,
    progress: false,
    parse: () => undefined,
    run: (deployment, _args, call) => deployment.status({ signal: call.signal }),
    render: (result, settings) => renderStatus(result, settings),
  });
}
