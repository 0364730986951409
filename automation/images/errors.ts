// The typed errors of the image workflows.
import { WorkflowError } from "../errors";

/** The bake failed (a build step, an image test, a distribution): no AMI was recorded. */
export class BakeFailedError extends WorkflowError {
  constructor(
    readonly stack: string,
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(
      `The bake of ${stack} failed: ${reason}. No AMI was recorded; the previous baked AMI stays the newest. ` +
        `Fix the build or test steps and run \`phoenix bake\` again.`,
    );
    if (options?.cause !== undefined) (this as { cause?: unknown }).cause = options.cause;
  }
}

/** `up` without an image found none to take. */
export class NoImageError extends WorkflowError {}

/** The probe cannot make the EC2 image calls a workflow needs. */
export class ImageProbeMissingError extends WorkflowError {}
