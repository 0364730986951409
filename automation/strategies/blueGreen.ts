// blue-green and canary as one release: `up` to the idle colour, then `swap` ([100] or canary steps). If
// the swap fails, its traffic is back on the old colour already; the new fleet is then destroyed as well, so a
// failed release leaves what it found (the building blocks `up` and `swap` keep a deployed colour instead).
import type { DeploymentState } from "../deploymentState";
import { errorMessage, SwapFailedError, TrafficRestoreError } from "../errors";
import type { WorkflowRun } from "../workflowRun";
import type { WorkflowSteps } from "../workflowSteps";
import { ReleaseFailedError } from "./errors";
import type { ReleaseOptions, ReleaseResult } from "./types";

export const CANARY_STEPS = [10, 50, 100];

export async function upAndSwap(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  const strategy = options.strategy;
  const shiftSteps = options.steps ?? (strategy === "canary" ? CANARY_STEPS : [100]);
  const deploy = await steps.deploy(run, state, options, "up:");
  try {
    const deployed = await steps.readState(run, "swap:read-state");
    const swap = await steps.shift(
      run,
      deployed,
      shiftSteps,
      options.pauseMs ?? 0,
      options.verify ?? {},
      "swap:",
    );
    return {
      strategy,
      from: swap.from,
      fromRelease: swap.from ? state.fleets[swap.from]?.release : undefined,
      to: swap.to,
      release: swap.release,
      deploy,
      steps: swap.steps,
      ...(swap.skippedSteps ? { skippedSteps: swap.skippedSteps } : {}),
      ...(swap.from ? { previous: "kept" as const } : {}),
    };
  } catch (error) {
    // Traffic not put back: the new colour may still serve; recovery restores the traffic, then destroys it.
    if (error instanceof TrafficRestoreError) throw error;
    let cleaned = true;
    await run
      .step(
        "up:undo",
        () => steps.retry(() => steps.destroyStack(run, deploy.colour, false)),
        { colour: deploy.colour, detail: "destroy the new release's fleet" },
        false,
      )
      .catch(() => ((cleaned = false), (run.leftOpen = true)));
    const reason =
      error instanceof SwapFailedError
        ? `swap step ${error.step} (${error.weight} %): ${error.reason}`
        : errorMessage(error);
    throw new ReleaseFailedError(
      strategy,
      reason,
      `The traffic is where it was${cleaned ? `; the new fleet on ${deploy.colour} was destroyed` : "; the next workflow destroys the new fleet"}.`,
      error,
    );
  }
}
