// `rollback`: 100 % of the traffic back on the fleet that served before the current one, while that very fleet
// (its deployment id) still exists and is healthy. Anything else on the other colour (a release never live, a
// redeploy) is refused before any change: `swap` puts it live, health-gated and stepwise.
import { otherColour, type FleetOutputs } from "../programs/contract";
import { NothingToRollBackError, RollbackRefusedError } from "./errors";
import { checkHealthy } from "./health";
import { rollbackTarget, SET_WEIGHTS_BY_HAND } from "./rollbackTarget";
import { withTargetScaledUp } from "./strategies/rolling";
import { weightsFor } from "./traffic";
import type { RollbackResult } from "./types";
import type { WorkflowRun } from "./workflowRun";
import type { WorkflowSteps } from "./workflowSteps";

export async function rollBack(steps: WorkflowSteps, run: WorkflowRun): Promise<RollbackResult> {
  const state = await steps.readState(run);
  steps.requireBootstrapped(state);
  const target = rollbackTarget(state, await steps.ctx.journal.read());
  if (!target.available) {
    if (target.reason === "split") {
      throw new NothingToRollBackError(
        // Stryker disable next-line Regex: SET_WEIGHTS_BY_HAND begins with its first "s"
        `Refusing to roll back: ${target.explanation}. ${SET_WEIGHTS_BY_HAND.replace(/^s/, "S")}. Nothing was changed.`,
      );
    }
    if (target.reason === "nothing-live") {
      throw new NothingToRollBackError(
        "No release has gone live yet (the router is at 0/0), so there is no previous colour to roll back to: " +
          "put a deployed release live with `phoenix swap` instead.",
      );
    }
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: "no-fleet" is the reason exactly when there is no candidate (rollbackTarget.ts); either half decides alone, both narrow the types
    if (target.reason === "no-fleet" || !target.candidate) {
      throw new NothingToRollBackError(
        `There is no previous colour to roll back to: the ${otherColour(target.from!)} stack holds no fleet ` +
          `(destroyed, or never deployed). Deploy the previous release with \`phoenix up\` and swap to it instead.`,
      );
    }
    throw new RollbackRefusedError(
      target.reason,
      target.from!,
      target.current?.release,
      target.candidate.colour,
      target.candidate.release,
      target.explanation,
    );
  }
  const { from, target: fleet } = target;
  const to = fleet.colour;
  const moveTraffic = async (outputs: FleetOutputs) => {
    await run.step("check-health", () => checkHealthy(steps.ctx.probe, to, outputs, run.signal), {
      colour: to,
      detail: `release ${fleet.release}, deployment ${fleet.deploymentId}`,
    });
    await steps.route(run, state, weightsFor(to, 100), "route", to);
  };
  // A rolling release left the previous fleet at zero capacity: scale it back up, healthy, then move.
  if (state.fleets[to]!.desiredCapacity === 0) await withTargetScaledUp(steps, run, to, moveTraffic);
  else await moveTraffic(state.fleets[to]!);
  return {
    from,
    fromRelease: target.current?.release,
    to,
    release: fleet.release,
    deploymentId: fleet.deploymentId,
  };
}
