// How a `pulumi` command ends, as the SDK sees it, for the recording `PulumiCommand` double: a non-zero exit
// shaped exactly as the SDK's `exec` reports it, an interrupted operation ended the way the engine ends it,
// and the summary event as the CLI serialises it. Each shape was read in the source and checked against the
// real CLI v3.274.0: exit codes, messages and the cancel are read from the recorded transcripts
// (test/fixtures/transcripts, transcripts.ts); sources are the v3.274.0 Go modules, pkg/v3 and sdk/v3.
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { eventsOf, recorded, renameStack, REPO_ROOT, type TranscriptCommand } from "./transcripts";

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
 * Exit codes of the CLI, as the transcripts recorded them (pkg/cmd/pulumi/cmd/exit_codes.go:29-40 and
 * `ExitCodeFor`): a missing stack is 6 (`stack select`, `stack rm` and `up` of a stack that is not there); a
 * failed operation is 1 (a policy violation, a failing hook, a cancel: all bails); `--expect-no-changes` with
 * changes is 7.
 */
export const EXIT = {
  error: exitOf(recorded("hook-failure", ["up"], 1)),
  stackNotFound: exitOf(recorded("missing-stack", ["stack", "select"])),
  changesProposed: exitOf(recorded("refresh-drift", ["refresh"], 1)),
} as const;

function exitOf(command: TranscriptCommand): number {
  if (command.exitCode === null)
    throw new Error(`transcript: \`${command.argv.join(" ")}\` has no exit code`);
  return command.exitCode;
}

/** What the CLI prints for a stack that is not there (the transcripts' `tx-nope`). */
export function stackNotFoundStderr(stack: string): string {
  return renameStack(recorded("missing-stack", ["stack", "select"]).stderr, "tx-nope", stack);
}

/** What `refresh`/`preview`/`up --expect-no-changes` prints on stderr when there are changes. */
export function changesProposedStderr(operation: string): string {
  return recorded("refresh-drift", ["refresh"], 1).stderr.replace("for refresh", `for ${operation}`);
}

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
 * the CLI is running its engine, replayed from the transcripts `cancel` (up) and `cancel-preview` (preview),
 * recorded with the real CLI v3.274.0 while the inline program was still running: the CLI's cancellation scope
 * (pkg/backend/cancellation_scope.go:64-100) turns the first SIGINT into a graceful cancel and says so on stdout
 * ("^C received; cancelling. …"); the step in flight fails with "context canceled" (the stack resource's, as a
 * diagnostic with its URN); the summary says `result: "failed"`, and a `cancelEvent` ends the stream, as it ends
 * every stream. The exit code is 1: `ExitCodeFor` checks `result.IsBail` (exit_codes.go:91) before
 * `CancelledError` (:111, exit 8). Nothing goes to stderr. (When the program had already finished, the engine
 * reports "update canceled" instead; aborted in the first few hundred milliseconds, before the CLI installs its
 * handler, the process dies of the signal: execKilled.)
 */
export function cancelledOperation(
  stack: string,
  previewOnly: boolean,
  policyPacks: string[] = [],
): { events: EngineEvent[]; exit: CliExit } {
  const command = previewOnly ? recorded("cancel-preview", ["preview"]) : recorded("cancel", ["up"]);
  const events = eventsOf(command, "tx-cancel", stack)
    .filter((event) => policyPacks.length > 0 || !Object.keys(event).some((key) => key.startsWith("policy")))
    .map((event) =>
      event.summaryEvent
        ? {
            ...event,
            summaryEvent: engineSummary(
              { ...event.summaryEvent, PolicyPacks: policyPackSummary(policyPacks) },
              previewOnly,
              "failed",
            ),
          }
        : event,
    );
  let stdout = renameStack(command.stdout, "tx-cancel", stack).split("<repo>").join(REPO_ROOT);
  if (policyPacks.length === 0) {
    stdout = stdout.replace(/^Loading policy packs.*\n/gm, "").replace(/^Policies:\n(?: {4}.*\n)*/m, "");
  }
  return { events, exit: new CliExit(exitOf(command), command.stderr, stdout) };
}

/**
 * The summary's `PolicyPacks` for the packs of a command line: `<pack name>|local|<directory>` → version
 * (recorded: `"phoenix-immutability|local|<repo>/policies": "0.1.0"`). The double cannot run a pack to learn its
 * name: it names the repository's pack as recorded, any other by its directory's name, version 0.0.0.
 */
export function policyPackSummary(packs: string[]): Record<string, string> {
  const recordedPacks = recorded("up", ["up"]).events?.find((event) => event.summaryEvent)?.summaryEvent as
    { PolicyPacks?: Record<string, string> } | undefined;
  const known = new Map(
    Object.entries(recordedPacks?.PolicyPacks ?? {}).map(([key, version]) => {
      const [name, , dir] = key.split("|");
      return [dir.split("<repo>").join(REPO_ROOT), { name, version }] as const;
    }),
  );
  return Object.fromEntries(
    packs.map((dir) => {
      const pack = known.get(dir) ?? { name: path.basename(dir), version: "0.0.0" };
      return [`${pack.name}|local|${dir}`, pack.version];
    }),
  );
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
