// Immutable rolling release: the new release gets a fleet of its own on the idle colour (as `up` makes it),
// which grows in batches while the old colour's group shrinks, each batch health-gated, the router's weights
// following the capacity. Only capacity changes in place; no server is ever changed. It ends with the old
// colour at zero capacity, kept (the rollback target) for the keep-warm window; a rollback scales it back
// up, waits for its health, then moves the traffic. Any failure puts capacity back first, then the traffic,
// then destroys the new fleet; every capacity step journals what it changed so that recovery can do the same.
import { otherColour, type Colour, type FleetOutputs } from "../../programs/contract";
import { liveColour, plainOutputs, type DeploymentState } from "../deploymentState";
import { errorMessage, TrafficRestoreError } from "../errors";
import { checkHealthy } from "../health";
import type { CapacityConfig } from "../journal";
import { capacityOf } from "../fleetOptions";
import { describeWeights, weightsFor } from "../traffic";
import { Problems } from "../validate";
import type { WorkflowRun } from "../workflowRun";
import type { WorkflowSteps } from "../workflowSteps";
import {
  readCapacityConfig,
  resolveCapacity,
  restoreCapacityStep,
  scaleStep,
  waitHealthyStep,
  withDesired,
  type FleetCapacity,
} from "./capacity";
import { ReleaseFailedError } from "./errors";
import type { ReleaseOptions, ReleaseResult, RollingBatch } from "./types";
import { DEFAULT_BATCH, parseBatch, type BatchRule } from "./validate";

/** Instances per batch: a count (at most the whole fleet), or a percentage rounded up to at least one. */
export function batchSize(rule: BatchRule, target: number): number {
  if ("count" in rule) return Math.min(rule.count, target);
  return Math.max(1, Math.ceil((target * rule.percent) / 100));
}

/**
 * The batches from `oldDesired` instances on the old colour to `target` on the new one. The new colour grows
 * by one batch at a time; the old one shrinks in proportion (to zero at the last batch); the new colour's
 * weight is its share of the capacity, 1–99 % until the last batch, 100 % then. With no old colour (nothing
 * live) the weight stays 0 until the last batch: there is no traffic to share.
 */
export function planRolling(oldDesired: number, target: number, rule: BatchRule): RollingBatch[] {
  const size = batchSize(rule, target);
  const batches: RollingBatch[] = [];
  for (let grown = size; ; grown += size) {
    const newDesired = Math.min(grown, target);
    const last = newDesired >= target;
    const old = last ? 0 : Math.ceil((oldDesired * (target - newDesired)) / target);
    const share = old === 0 ? 0 : Math.round((100 * newDesired) / (newDesired + old));
    const weight = last ? 100 : Math.min(99, Math.max(oldDesired === 0 ? 0 : 1, share));
    batches.push({ newDesired, oldDesired: old, weight });
    if (last) return batches;
  }
}

/** The new release's final capacity: as given, else the old colour's (like for like), else the defaults. */
function targetCapacity(options: ReleaseOptions, old: FleetCapacity | undefined): FleetCapacity {
  const given = capacityOf(options.capacity);
  const base = old ?? resolveCapacity({});
  return {
    min: given.min ?? base.min,
    max: Math.max(given.max ?? base.max, given.desired ?? base.desired),
    desired: given.desired ?? base.desired,
  };
}

/** Run a rolling release (inside `release`'s workflow frame, the state read and bootstrapped). */
export async function rolling(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  options: ReleaseOptions,
): Promise<ReleaseResult> {
  const { probe } = steps.ctx;
  const from = liveColour(state.weights);
  await steps.refuseSplitTraffic(state);
  // The options were checked before the workflow began: no problem to collect, the name labels none.
  // Stryker disable next-line StringLiteral: the name only labels a problem, and a checked batch has none
  const rule = parseBatch(new Problems(), "batch", options.batch ?? DEFAULT_BATCH)!;
  const oldFleet = from ? state.fleets[from] : undefined;
  let oldRaw: CapacityConfig | undefined;
  let oldCapacity: FleetCapacity | undefined;
  if (oldFleet) {
    const old = from!; // a fleet is old only on the live colour
    await run.step("rolling:check-old", () => checkHealthy(probe, old, oldFleet, run.signal), {
      colour: old,
      detail: `release ${oldFleet.release}`,
    });
    oldRaw = await run.step("rolling:read-capacity", () => readCapacityConfig(steps, old), { colour: old });
    oldCapacity = resolveCapacity(oldRaw);
  }
  const target = targetCapacity(options, oldCapacity);
  const plan = planRolling(oldCapacity?.desired ?? 0, target.desired, rule);
  // The new fleet is made exactly as `up` makes it, at the first batch's size; its failure undoes itself.
  const deploy = await steps.deploy(
    run,
    state,
    { ...options, capacity: withDesired(target, plan[0].newDesired) },
    "up:",
  );
  const to = deploy.colour;
  let newFleet: FleetOutputs | undefined;
  let old = oldFleet;
  let weight = 0;
  let shrunk = false;
  const done: RollingBatch[] = [];
  try {
    newFleet = await run.step("rolling:read-outputs", () => fleetOutputs(steps, to), { colour: to });
    for (const [index, batch] of plan.entries()) {
      const n = index + 1;
      if (index > 0) {
        newFleet = await scaleStep(
          steps,
          run,
          `rolling:grow:${n}`,
          to,
          withDesired(target, batch.newDesired),
        );
        await waitHealthyStep(steps, run, `rolling:wait-healthy:${n}`, to, newFleet);
      }
      if (batch.weight > weight) {
        // Traffic guard: weight only to healthy capacity, on both sides of the split.
        if (from && old && batch.weight < 100)
          await run.step(`rolling:check-old:${n}`, () => checkHealthy(probe, from, old!, run.signal), {
            colour: from,
          });
        weight = batch.weight;
        await run.step(
          `rolling:route:${batch.weight}`,
          () => steps.setWeights(run, weightsFor(to, batch.weight), true),
          { colour: to, detail: describeWeights(weightsFor(to, batch.weight)) },
        );
        await run.step(
          `rolling:verify:${n}`,
          () => steps.verifyStep(run, to, newFleet!, options.verify ?? {}),
          {
            colour: to,
          },
        );
      }
      if (oldRaw) {
        // After the traffic moved: the old colour never serves more per instance than before the batch.
        // (`oldRaw` was read only with a live colour and its capacity.)
        shrunk = true;
        old = await scaleStep(
          steps,
          run,
          `rolling:shrink:${n}`,
          from!,
          withDesired(oldCapacity!, batch.oldDesired),
          oldRaw,
        );
      }
      done.push(batch);
      if (options.pauseMs && index < plan.length - 1)
        await run.step(`rolling:pause:${n}`, () => steps.ctx.clock.sleep(options.pauseMs!, run.signal));
    }
  } catch (error) {
    const outcome = await undoRolling(steps, run, state, { from, oldRaw, shrunk, routed: weight > 0, to });
    throw new ReleaseFailedError(
      "rolling",
      `batch ${done.length + 1} of ${plan.length}: ${errorMessage(error)}`,
      outcome,
      error,
    );
  }
  return {
    strategy: "rolling",
    from,
    fromRelease: oldFleet?.release,
    to,
    release: deploy.release,
    deploy,
    batches: done,
    ...(from ? { previous: "scaled-to-zero" as const } : {}),
  };
}

async function fleetOutputs(steps: WorkflowSteps, colour: Colour): Promise<FleetOutputs> {
  return plainOutputs(await (await steps.ctx.stacks.select(colour)).outputs()) as unknown as FleetOutputs;
}

/**
 * Put a failed rolling release back: the old colour's capacity first (the traffic goes back to it next),
 * its health awaited; then the traffic; then the new fleet destroyed. Every action is retried and not
 * abortable; one that still fails leaves the run open, and recovery finishes from the journal.
 */
async function undoRolling(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  at: { from?: Colour; oldRaw?: CapacityConfig; shrunk: boolean; routed: boolean; to: Colour },
): Promise<string> {
  let slow = "";
  let undone = true;
  // Shrunk only with a live colour whose capacity was read (`from`, `oldRaw`).
  if (at.shrunk) {
    try {
      const old = await restoreCapacityStep(steps, run, "rolling:undo-shrink", at.from!, at.oldRaw!);
      await waitHealthyStep(steps, run, "rolling:undo-wait-healthy", at.from!, old, false).catch(
        () => (slow = `, though ${at.from} did not report every target healthy in time`),
      );
    } catch {
      undone = false;
    }
  }
  if (at.routed && undone) {
    try {
      await steps.restoreTraffic(run, state.weights, "rolling release");
    } catch {
      undone = false;
    }
  }
  if (undone) {
    try {
      await run.step(
        "up:undo",
        () => steps.retry(() => steps.destroyStack(run, at.to, false)),
        { colour: at.to, detail: "destroy the new release's fleet" },
        false,
      );
    } catch {
      undone = false;
    }
  }
  if (!undone) {
    run.leftOpen = true;
    return (
      "Putting the old colour back did not finish: the next workflow (`phoenix status` shows it) completes it " +
      "from the journal: capacity, then traffic, then the new fleet."
    );
  }
  return at.from
    ? `Capacity and traffic are back on ${at.from} (100 %)${slow}; the new fleet on ${at.to} was destroyed.`
    : `The router is back at 0/0; the new fleet on ${at.to} was destroyed.`;
}

/**
 * For `rollback` after a rolling release: the rollback target was scaled to zero, so first scale it back up
 * to the capacity now serving the traffic and wait for its health; `body` then moves the traffic. If the
 * scale-up, the health wait or `body` fails, the target goes back to zero capacity.
 */
export async function withTargetScaledUp<T>(
  steps: WorkflowSteps,
  run: WorkflowRun,
  target: Colour,
  body: (fleet: FleetOutputs) => Promise<T>,
): Promise<T> {
  const raw = await run.step("rolling:read-capacity", () => readCapacityConfig(steps, target), {
    colour: target,
  });
  const serving = resolveCapacity(await readCapacityConfig(steps, otherColour(target)));
  const capacity = withDesired({ ...resolveCapacity(raw), min: serving.min }, serving.desired);
  let scaled = false;
  try {
    const fleet = await scaleStep(steps, run, "rolling:scale-up", target, capacity, raw);
    scaled = true;
    await waitHealthyStep(steps, run, "rolling:wait-healthy", target, fleet);
    return await body(fleet);
  } catch (error) {
    // Traffic not put back: it may still be on the target, which must keep its capacity (recovery decides).
    if (error instanceof TrafficRestoreError) throw error;
    if (scaled || run.lastStep === "rolling:scale-up") {
      try {
        await restoreCapacityStep(steps, run, "rolling:undo-scale-up", target, raw);
      } catch {
        run.leftOpen = true;
      }
    }
    throw error;
  }
}
