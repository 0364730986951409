// The one place where errors become HTTP status codes. The library's errors are typed and their messages say
// what to do next, so a response carries the message as it is; the status comes from the class (or, for the
// LocalWorkspace engine's errors, from their documented stable `code`), looking through `cause` as the
// `phoenix` CLI does for its exit codes.
import { InvalidInputError, LockedError } from "phoenix-fleet";

/** Bad input the service itself found (the body is not JSON, a field the API does not have). */
export class BadRequestError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid request:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "BadRequestError";
  }
}

/** This service runs one release at a time. */
export class BusyError extends Error {
  constructor(readonly running: { id: string; release: string }) {
    super(
      `release ${running.release} (${running.id}) is still running: wait for its \`end\` event ` +
        `(GET /releases/${running.id}/events) and post again`,
    );
    this.name = "BusyError";
  }
}

/** The engine's errors that mean "set up the service first" (docs/adapters.md, "Errors"). */
const MISCONFIGURED = new Set([
  "PULUMI_CLI_NOT_FOUND",
  "PULUMI_CLI_TOO_OLD",
  "PASSPHRASE_MISSING",
  "POLICY_PACK_NOT_FOUND",
]);

function ownStatus(error: unknown): number | undefined {
  if (error instanceof BadRequestError || error instanceof InvalidInputError) return 400;
  // Another workflow holds the app/env lock (another process: the `phoenix` CLI, a second service), another
  // `pulumi` holds a stack's own lock, or this service is busy: all "try again later".
  if (error instanceof LockedError || error instanceof BusyError) return 409;
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "STACK_LOCKED" || (error as Error | null)?.name === "ConcurrentUpdateError") return 409;
  if (typeof code === "string" && MISCONFIGURED.has(code)) return 503;
  return undefined;
}

/** The status of an error: its own, else the first of its causes', else 500. */
export function httpStatusOf(error: unknown): number {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const status = ownStatus(current);
    if (status !== undefined) return status;
    current = (current as { cause?: unknown }).cause;
  }
  return 500;
}

/** The JSON body of an error response. */
export function errorBody(error: unknown): { error: string; message: string; problems?: string[] } {
  const problems =
    error instanceof BadRequestError || error instanceof InvalidInputError ? [...error.problems] : undefined;
  return {
    error: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
    ...(problems && { problems }),
  };
}
