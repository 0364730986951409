// Library errors → the CLI's exit codes (cli/exitCodes.ts). The messages already say what to do next.
import { AbortedError, InvalidInputError, LockedError } from "../../automation/errors";
import { InvalidEngineInputError, LocalWorkspaceEngineError } from "../../automation/localWorkspace/errors";
import { CliError, EXIT, type ExitCode } from "../exitCodes";

export function exitCodeOf(error: unknown): ExitCode {
  if (error instanceof CliError) return error.exitCode;
  if (error instanceof InvalidInputError || error instanceof InvalidEngineInputError) return EXIT.badInput;
  if (error instanceof LockedError) return EXIT.locked;
  if (error instanceof AbortedError) return EXIT.aborted;
  if (error instanceof LocalWorkspaceEngineError) return EXIT.missingPrerequisite;
  // Everything else (refusals such as KeepWarmError, failures that were undone) is "the job found a problem".
  return EXIT.failed;
}

/** Wrap any error of a workflow command into a CliError with the right exit code. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(message, exitCodeOf(error));
}
