// Recovery: a workflow that began and never ended (a crash, a kill, an undo that could not finish) is
// completed or undone by the next workflow, from what the journal says it was doing and what the stacks hold.
import type { ProgressEvent } from "./events";
import type { CapacityConfig, InterruptedWorkflow } from "./journal";
import type { HeldLock } from "./records/types";
import type { InterruptedOperation } from "./seams";
import { COLOURS, type Colour } from "../programs/contract";
import type { DeploymentState } from "./deploymentState";
import {
  describeCapacity,
  readCapacityConfig,
  resolveCapacity,
  restoreCapacityStep,
  waitHealthyStep,
} from "./strategies/capacity";
import { RECREATE_DESTROY_STEP } from "./strategies/recreate";
import { describeWeights } from "./traffic";
import { WorkflowRun } from "./workflowRun";
import type { WorkflowSteps } from "./workflowSteps";

/** The creates a killed update left pending in `colour`'s stack (none when the engine keeps no such record). */
async function interruptedCreates(steps: WorkflowSteps, colour: Colour): Promise<InterruptedOperation[]> {
  const stack = await steps.ctx.stacks.select(colour);
  // Stryker disable next-line ArrayDeclaration: a stray string has no `operation` and is filtered out
  const pending = (await stack.interruptedOperations?.()) ?? [];
  return pending.filter((operation) => operation.operation === "creating");
}

function describeLeftovers(creates: InterruptedOperation[]): string {
  const names = creates.map((create) => `${create.resourceType} ${create.name}`).join(", ");
  return (
    `the interrupted update was creating ${names}: the engine cannot know whether each exists; ` +
    `if it does, it belongs to no stack: find it by that name and delete it`
  );
}

/** A colour whose capacity an interrupted workflow changed, and the capacity config it had before. */
interface CapacityRestore {
  colour: Colour;
  raw: CapacityConfig;
}

/**
 * The capacities to put back: for each colour, the first `scaledFrom` the interrupted workflow journaled
 * (the capacity it found), where the colour's fleet still exists and differs from it; split by whether
 * putting it back grows the fleet (before the traffic returns to it) or shrinks it (after the traffic left).
 */
async function capacityToRestore(
  steps: WorkflowSteps,
  done: InterruptedWorkflow["steps"],
  state: DeploymentState,
): Promise<{ grow: CapacityRestore[]; shrink: CapacityRestore[] }> {
  const grow: CapacityRestore[] = [];
  const shrink: CapacityRestore[] = [];
  for (const colour of COLOURS) {
    const raw = done.find((s) => s.colour === colour && s.scaledFrom)?.scaledFrom;
    const fleet = state.fleets[colour];
    if (!raw || !fleet) continue;
    const now = resolveCapacity(await readCapacityConfig(steps, colour));
    const before = resolveCapacity(raw);
    if (now.desired === before.desired && now.min === before.min && now.max === before.max) continue;
    (before.desired > fleet.desiredCapacity ? grow : shrink).push({ colour, raw });
  }
  return { grow, shrink };
}

async function restoreCapacities(
  steps: WorkflowSteps,
  run: WorkflowRun,
  restores: CapacityRestore[],
  actions: string[],
): Promise<void> {
  for (const { colour, raw } of restores) {
    const fleet = await restoreCapacityStep(steps, run, "restore-capacity", colour, raw);
    if (fleet.desiredCapacity > 0)
      // Stryker disable next-line BooleanLiteral: a recover run has no abort signal
      await waitHealthyStep(steps, run, "restore-capacity:wait-healthy", colour, fleet, false).catch(() => {
        actions.push(`${colour} did not report every target healthy in time`);
      });
    actions.push(`${colour}'s capacity put back to ${describeCapacity(resolveCapacity(raw))}`);
  }
}

/** Complete or undo a workflow that began and never ended (a crash, a kill, an undo that failed). */
export async function recoverInterrupted(
  steps: WorkflowSteps,
  interrupted: InterruptedWorkflow,
  emit: (event: ProgressEvent) => void,
  lock: HeldLock,
): Promise<void> {
  const run = new WorkflowRun("recover", lock.journal, emit, steps.ctx.clock, undefined, lock);
  const { begin, before } = interrupted;
  const done = interrupted.steps;
  await run.begin({ interrupted: begin.id, workflow: begin.workflow, lastStep: interrupted.lastStep });
  const actions: string[] = [];
  try {
    const state = await steps.readState(run);
    // A recreate past its destroy of the old colour cannot give the traffic back: it completes the destroy.
    const recreateDestroy = done.find((s) => s.step === RECREATE_DESTROY_STEP);
    const inDestroyPhase =
      begin.workflow === "destroy" ||
      recreateDestroy !== undefined ||
      done.some((s) => s.step.startsWith("destroy:"));
    // Capacity changed in place (rolling release, rollback after one): what grows back goes before the traffic
    // returns, what shrinks back after it.
    const capacity = await capacityToRestore(steps, done, state);
    await restoreCapacities(steps, run, capacity.grow, actions);
    // 1. Traffic: back where the interrupted workflow found it (unless it was past its swap, in heal's destroy phase).
    if (
      before &&
      state.router &&
      !inDestroyPhase &&
      (before.weights.blue !== state.weights.blue || before.weights.green !== state.weights.green)
    ) {
      await steps.restoreTraffic(run, before.weights, `interrupted ${begin.workflow}`);
      state.weights = { ...before.weights };
      actions.push(`traffic restored to ${describeWeights(before.weights)}`);
    }
    await restoreCapacities(steps, run, capacity.shrink, actions);
    // 2. A fleet an interrupted up created and never finished: destroyed (it has no traffic).
    const upColour = done.find(
      (s) => s.colour && (begin.workflow === "up" || s.step.startsWith("up:")),
    )?.colour;
    // A finished up stays (it only lacks its end line); heal's up is undone with the rest of heal.
    const upFinished =
      // Stryker disable next-line ConditionalExpression: only `up` has a step named plain "wait-healthy" (the others prefix theirs)
      begin.workflow === "up" && done.some((s) => s.status === "ok" && s.step === "wait-healthy");
    if (upColour && !upFinished && state.weights[upColour] === 0 && state.existing.has(upColour)) {
      // Read before the destroy drops them: creates a killed update left pending may exist outside every stack.
      const leftovers = await interruptedCreates(steps, upColour);
      const leftoverNote = leftovers.length > 0 ? describeLeftovers(leftovers) : undefined;
      await run.step(
        "undo-up",
        // Stryker disable next-line BooleanLiteral: a recover run has no abort signal
        () => steps.retry(() => steps.destroyStack(run, upColour, false)),
        { colour: upColour, ...(leftoverNote ? { detail: leftoverNote } : {}) },
        // Stryker disable next-line BooleanLiteral: a recover run has no abort signal
        false,
      );
      actions.push(`destroyed the ${upColour} stack left by the interrupted ${begin.workflow}`);
      if (leftoverNote) actions.push(leftoverNote);
    }
    // 3. A destroy that was under way (destroy, or heal past its swap): completed, never on a colour with traffic.
    const destroyColour =
      begin.workflow === "heal"
        ? done.find((s) => s.step === "refresh-preview")?.colour
        : (recreateDestroy ?? done.find((s) => s.step === "destroy"))?.colour;
    if (
      destroyColour &&
      inDestroyPhase &&
      state.weights[destroyColour] === 0 &&
      state.existing.has(destroyColour)
    ) {
      await run.step(
        "complete-destroy",
        // Stryker disable next-line BooleanLiteral: a recover run has no abort signal
        () => steps.retry(() => steps.destroyStack(run, destroyColour, false)),
        { colour: destroyColour },
        // Stryker disable next-line BooleanLiteral: a recover run has no abort signal
        false,
      );
      actions.push(`completed the destroy of ${destroyColour}`);
    }
    await run.record({
      type: "end",
      id: begin.id,
      workflow: begin.workflow,
      at: run.iso(),
      status: "recovered",
      durationMs: 0,
      recovery: actions.join("; ") || "nothing to undo",
    });
    await run.end("ok");
  } catch (error) {
    await run.end("failed", { error });
    throw error;
  }
}
