// The one place where the library's typed errors become the CLI's exit codes (cli/exitCodes.ts). The
// messages already say what to do next, so they are printed as they are.
import { AbortedError, InvalidInputError, LockedError } from "../../automation/errors";
import {
  InvalidEngineInputError,
  PassphraseMissingError,
  PolicyPackNotFoundError,
  PulumiCliNotFoundError,
  PulumiCliTooOldError,
  StackLockedError,
} from "../../automation/localWorkspace/errors";
import { InvalidProbeInputError, ProbeConfigurationError } from "../../automation/aws/errors";
import { CliError, EXIT, type ExitCode } from "../exitCodes";

/** The exit code of one error, not looking at its causes. */
function ownExitCode(error: unknown): ExitCode | undefined {
  if (error instanceof CliError) return error.exitCode;
  if (
    error instanceof InvalidInputError ||
    error instanceof InvalidEngineInputError ||
    error instanceof InvalidProbeInputError
  )
    return EXIT.badInput;
  // The Automation API's ConcurrentUpdateError (a stack locked by another update) is matched by name:
  // importing its class would load the Automation API for every command.
  if (
    error instanceof LockedError ||
    error instanceof StackLockedError ||
    (error as Error)?.name === "ConcurrentUpdateError"
  )
    return EXIT.locked;
  if (
    error instanceof PulumiCliNotFoundError ||
    error instanceof PulumiCliTooOldError ||
    error instanceof PassphraseMissingError ||
    error instanceof PolicyPackNotFoundError ||
    error instanceof ProbeConfigurationError
  )
    return EXIT.missingPrerequisite;
  if (error instanceof AbortedError) return EXIT.aborted;
  return undefined;
}

/**
 * The exit code of a workflow error: its own, else the first of its causes' (a deploy that failed because
 * the CLI is missing is a missing prerequisite), else 1: the workflow failed, was undone or was refused
 * by a safety rule (keep-warm window, traffic on the colour, not bootstrapped, unhealthy colour).
 */
export function exitCodeOf(error: unknown): ExitCode {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== undefined && current !== null; depth++) {
    const code = ownExitCode(current);
    if (code !== undefined) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return EXIT.failed;
}

/** Any error of a workflow command as a CliError with its exit code. */
export function toCliError(error: unknown): CliError {
  if (error instanceof CliError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new CliError(message, exitCodeOf(error));
}
