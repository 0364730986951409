// Recovery: a workflow that began and never ended (a crash, a kill, an undo that could not finish) is
// completed or undone by the next workflow, from what the journal says it was doing and what the stacks hold.
import type { ProgressEvent } from "./events";
import type { InterruptedWorkflow } from "./journal";
import type { HeldLock } from "./records/types";
import type { InterruptedOperation } from "./seams";
import type { Colour } from "../programs/contract";
import { describeWeights } from "./traffic";
import { WorkflowRun } from "./workflowRun";
import type { WorkflowSteps } from "./workflowSteps";

/** The creates a killed update left pending in `colour`'s stack (none when the engine keeps no such record). */
async function interruptedCreates(steps: WorkflowSteps, colour: Colour): Promise<InterruptedOperation[]> {
  const stack = await steps.ctx.stacks.select(colour);
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
    const inDestroyPhase = begin.workflow === "destroy" || done.some((s) => s.step.startsWith("destroy:"));
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
    // 2. A fleet an interrupted up created and never finished: destroyed (it has no traffic).
    const upColour = done.find(
      (s) => s.colour && (begin.workflow === "up" || s.step.startsWith("up:")),
    )?.colour;
    // A finished up stays (it only lacks its end line); heal's up is undone with the rest of heal.
    const upFinished =
      begin.workflow === "up" && done.some((s) => s.status === "ok" && s.step === "wait-healthy");
    if (upColour && !upFinished && state.weights[upColour] === 0 && state.existing.has(upColour)) {
      // Read before the destroy drops them: creates a killed update left pending may exist outside every stack.
      const leftovers = await interruptedCreates(steps, upColour);
      const leftoverNote = leftovers.length > 0 ? describeLeftovers(leftovers) : undefined;
      await run.step(
        "undo-up",
        () => steps.retry(() => steps.destroyStack(run, upColour, false)),
        { colour: upColour, ...(leftoverNote ? { detail: leftoverNote } : {}) },
        false,
      );
      actions.push(`destroyed the ${upColour} stack left by the interrupted ${begin.workflow}`);
      if (leftoverNote) actions.push(leftoverNote);
    }
    // 3. A destroy that was under way (destroy, or heal past its swap): completed, never on a colour with traffic.
    const destroyColour =
      begin.workflow === "heal"
        ? done.find((s) => s.step === "refresh-preview")?.colour
        : done.find((s) => s.step === "destroy")?.colour;
    if (
      destroyColour &&
      inDestroyPhase &&
      state.weights[destroyColour] === 0 &&
      state.existing.has(destroyColour)
    ) {
      await run.step(
        "complete-destroy",
        () => steps.retry(() => steps.destroyStack(run, destroyColour, false)),
        { colour: destroyColour },
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
