// The typed error of a failed release: which strategy, where it failed, and what state it left.
import { WorkflowError } from "../errors";
import type { Strategy } from "./types";

/**
 * A release failed after it had begun changing stacks. `outcome` says where capacity and traffic are now
 * (put back on the old colour, or for recreate: no colour serving); `cause` is the original error.
 */
export class ReleaseFailedError extends WorkflowError {
  constructor(
    readonly strategy: Strategy,
    readonly reason: string,
    readonly outcome: string,
    override readonly cause?: unknown,
  ) {
    // A reason that is a whole sentence (a DeployFailedError's message) keeps its own full stop, not two.
    super(`Release (${strategy}) failed: ${reason.replace(/\.$/, "")}. ${outcome}`);
  }
}
