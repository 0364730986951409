// Recreate, for environments that accept downtime (non-production, singletons): the live colour is drained
// (the router goes to 0/0, where its listener's fixed-response default action answers 503: never a forward
// to an empty target group, components/blueGreenRouter.ts), its stack destroyed, then the new release created
// as `up` creates it and put live at 100 %. Up to the destroy, a failure puts the traffic back; after it, the
// old release is gone: a failure leaves no colour serving (503) and nothing half-made, and says so.
import type { Colour } from "../../programs/contract";
import { liveColour, type DeploymentState } from "../deploymentState";
import { DeployFailedError, errorMessage } from "../errors";
import { weightsFor } from "../traffic";
import type { WorkflowRun } from "../workflowRun";
import type { WorkflowSteps } from "../workflowSteps";
import { ReleaseFailedError } from "./errors";
import type { ReleaseOptions, ReleaseResult } from "./types";

/**
 * The journal's name for the step that destroys the old colour: recovery reads it as "past the point of no
 * return" (automation/recovery.ts): it completes the destroy instead of putting the traffic back.
 */
export const RECREATE_DESTROY_STEP = "recreate:destroy";

const NOTHING_SERVES = { blue: 0, green: 0 };

export async function recreate(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  const { clock } = steps.ctx;
  const from = liveColour(state.weights);
  await steps.refuseSplitTraffic(state);
  const old = from ? state.fleets[from] : undefined;
  let drainedAt: number | undefined;
  let after = state;
  if (from) {
    await steps.route(run, state, NOTHING_SERVES, "recreate:drain", from);
    drainedAt = clock.now();
    try {
      await run.step(RECREATE_DESTROY_STEP, () => steps.destroyStack(run, from, true), {
        colour: from,
        detail: old ? `release ${old.release}` : "empty stack",
      });
    } catch (error) {
      // Half destroyed, or not at all: either way no traffic may go back to it. Left open: the next workflow
      // completes the destroy (recovery), and the router stays at 0/0 meanwhile.
      run.leftOpen = true;
      throw new ReleaseFailedError(
        "recreate",
        `destroying ${from}: ${errorMessage(error)}`,
        "The router answers 503 (no colour serves); the next workflow completes the destroy. Then run the release again.",
        error,
      );
    }
    const existing = new Set(state.existing);
    existing.delete(from);
    after = {
      ...state,
      existing,
      weights: { ...NOTHING_SERVES },
      fleets: { ...state.fleets, [from]: undefined },
    };
  }
  const gone = old ? `Release ${old.release} on ${from} was destroyed: no colour serves (503). ` : "";
  let to: Colour | undefined;
  try {
    const deploy = await steps.deploy(run, after, options, "up:");
    to = deploy.colour;
    await steps.route(run, after, weightsFor(deploy.colour, 100), "recreate:route", deploy.colour);
    return {
      strategy: "recreate",
      from,
      fromRelease: old?.release,
      to: deploy.colour,
      release: deploy.release,
      deploy,
      // Drained exactly when something was live (`from`).
      ...(from ? { previous: "destroyed" as const, downtimeMs: clock.now() - drainedAt! } : {}),
    };
  } catch (error) {
    if (error instanceof DeployFailedError) {
      if (!error.cleanedUp) run.leftOpen = true;
      throw new ReleaseFailedError(
        "recreate",
        error.message,
        `${gone}Run the release again once fixed.`,
        error,
      );
    }
    // The route to the new colour failed (and was put back at 0/0): its fleet goes too, nothing half-made.
    let cleaned = true;
    if (to)
      await run
        .step("up:undo", () => steps.retry(() => steps.destroyStack(run, to!, false)), { colour: to }, false)
        .catch(() => ((cleaned = false), (run.leftOpen = true)));
    throw new ReleaseFailedError(
      "recreate",
      errorMessage(error),
      `${gone}${cleaned ? `The new fleet on ${to} was destroyed. ` : ""}Run the release again once fixed.`,
      error,
    );
  }
}
