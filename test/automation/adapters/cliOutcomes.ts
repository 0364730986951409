// How a `pulumi` command ends, as the SDK sees it, for the recording `PulumiCommand` double: a non-zero exit
// shaped exactly as the SDK's `exec` reports it, an interrupted operation ended the way the engine ends it,
// and the summary event as the CLI serialises it. Each shape was read in the source and checked against the
// real CLI v3.274.0 (transcripts in the comments; sources are the v3.274.0 Go modules, pkg/v3 and sdk/v3).
import type { EngineEvent } from "@pulumi/pulumi/automation";

// The SDK's own result class and stderr → error-class mapping (`no stack named … found` becomes a
// `StackNotFoundError`, a lock message a `ConcurrentUpdateError`), so the double fails exactly as `exec` does.
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { CommandResult } = require("@pulumi/pulumi/automation/cmd") as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => CommandResultLike;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
export const { createCommandError } = require("@pulumi/pulumi/automation/errors") as {
  createCommandError: (result: CommandResultLike) => Error;
};

export interface CommandResultLike {
  stdout: string;
  stderr: string;
  code: number;
  err?: Error;
}

/**
 * Exit codes of the CLI (pkg/cmd/pulumi/cmd/exit_codes.go:29-40 and `ExitCodeFor`). A missing stack is 6
 * (`pulumi stack select --stack nope` → "error: no stack named 'nope' found", exit 6); an unclassified error
 * is 1 (`stack init` of an existing stack, exit 1).
 */
export const EXIT = { error: 1, stackNotFound: 6 } as const;

/** A command line that ends with a non-zero exit code, and what the CLI printed on each stream. */
export class CliExit extends Error {
  constructor(
    readonly exitCode: number,
    readonly stderr: string,
    readonly stdout = "",
  ) {
    super(stderr || stdout);
  }
}

/**
 * What the SDK's `exec` (@pulumi/pulumi automation/cmd.js) throws when the CLI exits non-zero. execa rejects
 * on a non-zero exit with "Command failed with exit code N: <command line>", then the CLI's stderr and stdout
 * (execa lib/error.js `makeError`, final newlines stripped); exec's `catch` makes that whole message the
 * `stderr` of a `CommandResult` with code -2 ("unknown") and execa's error as `err`, and classifies it with
 * `createCommandError`. So the exit code is only in `commandResult.err.exitCode`.
 */
export function execFailure(command: string, args: string[], exit: CliExit): Error {
  const line = [command, ...args].join(" ");
  const stderr = exit.stderr.replace(/\n$/, "");
  const stdout = exit.stdout.replace(/\n$/, "");
  const message = [`Command failed with exit code ${exit.exitCode}: ${line}`, stderr, stdout]
    .filter(Boolean)
    .join("\n");
  const err = Object.assign(new Error(message), {
    exitCode: exit.exitCode,
    stderr,
    stdout,
    command: line,
    failed: true,
    killed: false,
  });
  return createCommandError(new CommandResult("", message, -2, err));
}

/**
 * What `exec` throws for a CLI killed by SIGINT before it handles signals (a command that is not an engine
 * operation, or an operation aborted in its first moments): execa's "Command was killed with SIGINT
 * (Interrupt): <command line>", again wrapped with code -2. Real CLI v3.274.0, `up` aborted after 50 ms:
 * err.exitCode undefined, err.signal "SIGINT".
 */
export function execKilled(command: string, args: string[]): Error {
  const line = [command, ...args].join(" ");
  const message = `Command was killed with SIGINT (Interrupt): ${line}`;
  const err = Object.assign(new Error(message), {
    signal: "SIGINT",
    command: line,
    failed: true,
    killed: true,
  });
  return createCommandError(new CommandResult("", message, -2, err));
}

/**
 * An engine operation interrupted by the SDK (an aborted signal: `proc.kill("SIGINT")`, automation/cmd.js) once
 * the CLI is running its engine. The CLI's cancellation scope (pkg/backend/cancellation_scope.go:64-100) turns
 * the first SIGINT into a graceful cancel and says so on stdout; the deployment executor then reports
 * "<update|preview> canceled" (resource/deploy/deployment_executor.go:497-500 and `reportExecResult` :129-136:
 * "update" for every operation but a dry run) and returns a bail error, so the exit code is 1: `ExitCodeFor`
 * checks `result.IsBail` (exit_codes.go:91) before `CancelledError` (:111, exit 8, which `up` returns only
 * when the backend itself returns `context.Canceled`, operations/up.go:311). Nothing goes to stderr.
 *
 * Real CLI v3.274.0, inline `up` whose program sleeps, signal aborted after 2.5 s: rejected with CommandError,
 * commandResult.code -2, err.exitCode 1, CLI stderr empty; stdout "^C received; cancelling. If you would like
 * to terminate immediately, press ^C again." … "error: update canceled"; events: stdoutEvent (that message),
 * diagnosticEvent {prefix "error: ", message "update canceled\n", severity "error"}, summaryEvent {…,
 * "PolicyPacks":{}, "isPreview":false, "result":"failed"}, cancelEvent {}; `stack history`: result "failed".
 * (Aborted within the first few hundred milliseconds, before the CLI installs its handler, the process dies
 * of the signal instead: err.signal "SIGINT", "Command was killed with SIGINT (Interrupt)".)
 */
export function cancelledOperation(
  stack: string,
  previewOnly: boolean,
): { events: EngineEvent[]; exit: CliExit } {
  const kind = previewOnly ? "preview" : "update";
  let notice = "^C received; cancelling. If you would like to terminate immediately, press ^C again.\n";
  if (!previewOnly) {
    notice += "Note that terminating immediately may lead to orphaned resources and other inconsistencies.\n";
  }
  const events = [
    { preludeEvent: { config: {} } },
    { stdoutEvent: { message: notice, color: "never" } },
    {
      diagnosticEvent: {
        prefix: "error: ",
        message: `${kind} canceled\n`,
        color: "never",
        severity: "error",
      },
    },
    { summaryEvent: engineSummary({ resourceChanges: {} }, previewOnly, "failed") },
    { cancelEvent: {} },
  ].map((event) => ({ sequence: 0, timestamp: 0, ...event }) as unknown as EngineEvent);
  const heading = previewOnly ? `Previewing update (${stack}):` : `Updating (${stack}):`;
  const stdout = [
    heading,
    "",
    notice,
    "Diagnostics:",
    `  pulumi:pulumi:Stack (phoenix-${stack}):`,
    `    error: ${kind} canceled`,
    "",
  ].join("\n");
  return { events, exit: new CliExit(EXIT.error, "", stdout) };
}

/**
 * The summary event as the CLI serialises it (sdk/go/common/apitype/events.go:180-197, `SummaryEvent`): the
 * policy packs go under `PolicyPacks` — "we forgot to add the JSON tag and are now locked into to using
 * PascalCase" — although the Node SDK's type calls them `policyPacks` (automation/events.d.ts); `isPreview`
 * and `result` ("succeeded", "failed") close it. A summary given in the SDK's shape is converted.
 */
export function engineSummary(
  given: Partial<NonNullable<EngineEvent["summaryEvent"]>> & { PolicyPacks?: Record<string, string> },
  isPreview: boolean,
  result = "succeeded",
): NonNullable<EngineEvent["summaryEvent"]> {
  const { policyPacks, PolicyPacks, ...rest } = given;
  return {
    maybeCorrupt: false,
    durationSeconds: 1,
    resourceChanges: {},
    ...rest,
    PolicyPacks: PolicyPacks ?? policyPacks ?? {},
    isPreview,
    result,
  } as unknown as NonNullable<EngineEvent["summaryEvent"]>;
}
