// `release`: one strategy over the building blocks, in one workflow (one lock, one journal record).
import type { DeploymentState } from "../deploymentState";
import type { WorkflowRun } from "../workflowRun";
import type { WorkflowSteps } from "../workflowSteps";
import { upAndSwap } from "./blueGreen";
import { recreate } from "./recreate";
import { rolling } from "./rolling";
import type { ReleaseOptions, ReleaseResult } from "./types";

export function runStrategy(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  switch (options.strategy) {
    case "rolling":
      return rolling(steps, run, state, options);
    case "recreate":
      return recreate(steps, run, state, options);
    default:
      return upAndSwap(steps, run, state, options);
  }
}

/** What the journal keeps of a release's options: no user data (a secret). */
export function releaseParams(options: ReleaseOptions): Record<string, unknown> {
  return {
    strategy: options.strategy,
    release: options.release,
    imageId: options.imageId,
    instanceType: options.instanceType,
    capacity: options.capacity,
    force: options.force ?? false,
    steps: options.steps,
    pauseMs: options.pauseMs,
    verify: options.verify,
    batch: options.batch,
    acceptDowntime: options.acceptDowntime,
  };
}
