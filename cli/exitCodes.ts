// Exit codes of the `phoenix` command. Documented in the README; scripts rely on them, so never renumber.
export const EXIT = {
  /** Done as asked. */
  ok: 0,
  /** The job ran and found a problem: a mandatory policy violated, a workflow failed and was undone, drift. */
  failed: 1,
  /** Unusable input: bad arguments, a file that is not JSON or not a stack export, invalid config. */
  badInput: 2,
  /** Another workflow holds the app/env lock. */
  locked: 3,
  /** Something Phoenix needs is missing (the `pulumi` CLI, credentials). */
  missingPrerequisite: 4,
  /** Interrupted (Ctrl-C) or the user declined a confirmation. */
  aborted: 130,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error that carries the exit code the CLI should end with; its message is printed as it is. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
    this.name = "CliError";
  }
}
