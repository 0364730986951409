// `phoenix history`: the journal of an app/env, one record per workflow.
import type { Command } from "commander";
import type { HistoryOptions } from "../../../automation/types";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderHistory } from "../../workflows/render";

export function registerHistory(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "history",
    summary: "list the workflows run on an app/env, from the journal",
    description:
      "Lists the workflows of the journal, oldest first: when, status, duration, parameters, and the error or " +
      "what recovery did. The journal is append-only JSON lines next to the state.",
    examples: [
      "phoenix history --app shop --env prod",
      "phoenix history --app shop --env prod --limit 5 --json | jq '.result[].status'",
    ],
    progress: false,
    options: (command) => command.option("--limit <n>", "the most recent <n> workflows only"),
    parse: (flags, parser): HistoryOptions => ({
      limit: parser.integer("--limit", flags.limit as string | undefined, 1, 1_000_000),
    }),
    run: (deployment, args) => deployment.history(args),
    render: (result, settings) => renderHistory(result, settings),
  });
}
