// The safety invariants every workflow keeps, whatever fails: checked after every fault and every step of
// the property test.
import assert from "assert";
import { WorkflowError } from "../../automation/errors";
import type { JournalEntry } from "../../automation/journal";
import { InjectedFault } from "../../automation/memoryEngine";
import { COLOURS, stackName, type Colour } from "../../programs/contract";
import type { Fault } from "./arbitraries";
import { APP, ENV, releaseOf, weights, type Harness } from "./harness";

export interface World {
  weights: Record<Colour, number> | undefined;
  releases: Partial<Record<Colour, string>>;
}

export function observe(h: Harness): World {
  const releases: Partial<Record<Colour, string>> = {};
  for (const colour of COLOURS) {
    const release = releaseOf(h.engine, colour);
    if (release) releases[colour] = release;
  }
  return { weights: weights(h.engine), releases };
}

async function healthy(h: Harness, colour: Colour): Promise<boolean> {
  const outputs = h.engine.inspect(stackName(APP, ENV, colour))?.outputs;
  if (!outputs?.targetGroupArn) return false;
  const health = await h.probe.targetGroupHealth(String(outputs.targetGroupArn));
  return health.healthy >= Number(outputs.desiredCapacity) && health.healthy > 0;
}

/**
 * The workflows the journal shows begun and never ended: read here from the lines themselves, not by the
 * production findInterrupted that the workflows use to decide what to recover (it must not judge itself).
 */
export function openWorkflows(entries: JournalEntry[]): string[] {
  const ended = new Set(entries.filter((e) => e.type === "end").map((e) => e.id));
  // A recovery killed in turn never gets an end line of its own: it is settled once the workflow it was
  // recovering has one (a later recovery wrote it).
  const settled = (e: Extract<JournalEntry, { type: "begin" }>) =>
    ended.has(e.id) || (e.workflow === "recover" && ended.has(String(e.params.interrupted)));
  return entries.flatMap((e) => (e.type === "begin" && !settled(e) ? [`${e.workflow} ${e.id}`] : []));
}

/** Weights 0/0: the router forwards nowhere (its listener answers 503); no release is live. */
const nothingLive = (w: Record<Colour, number>) => w.blue === 0 && w.green === 0;

/**
 * A swap, rollback, heal or release finished: some release has been live, so 0/0 is no longer a valid state
 * — until a recreate destroys the live colour (downtime accepted: the router answers 503 until the next
 * release goes live, also when that recreate failed past its destroy).
 */
export function everLive(entries: JournalEntry[]): boolean {
  let live = false;
  for (const e of entries) {
    if (e.type === "end" && e.status === "ok" && ["swap", "rollback", "heal", "release"].includes(e.workflow))
      live = true;
    if (e.type === "step" && e.step === "recreate:destroy") live = false;
  }
  return live;
}

/**
 * Always, even mid-failure: no weight > 0 points at a colour without a stack (an empty target group) or
 * without capacity (its group at zero).
 */
export function assertNoWeightOnEmptyColour(h: Harness, label: string): void {
  const world = observe(h);
  for (const colour of COLOURS) {
    const weight = world.weights?.[colour] ?? 0;
    assert.ok(
      weight === 0 || world.releases[colour] !== undefined,
      `${label}: ${colour} has ${weight} % of the traffic but no fleet (${JSON.stringify(world.weights)})`,
    );
    // A fleet scaled to zero (the old colour after a rolling release) holds no capacity to serve with.
    const desired = h.engine.inspect(stackName(APP, ENV, colour))?.outputs.desiredCapacity;
    assert.ok(
      weight === 0 || Number(desired) > 0,
      `${label}: ${colour} has ${weight} % of the traffic but a desired capacity of ${String(desired)}`,
    );
  }
}

/**
 * After a workflow that failed: traffic is 100 % on one colour, which is where it was before or a colour
 * whose stack exists and is healthy — or 0/0 when that is where it was (no release live yet); no weight on
 * a colour without a fleet; no colour that had traffic lost its fleet; no release appeared that was not
 * there before (nothing a failed up created is left behind).
 */
export async function assertSafeAfterFailure(h: Harness, before: World, label: string): Promise<void> {
  assert.deepStrictEqual(h.violations, [], `${label}: no colour with traffic may be destroyed`);
  assertNoWeightOnEmptyColour(h, label);
  const after = observe(h);
  const entries = await h.journal();
  const interrupted = openWorkflows(entries).length > 0;
  const downtime = pastRecreateDestroy(entries);
  if (before.weights === undefined) {
    assert.ok(
      after.weights === undefined || nothingLive(after.weights),
      `${label}: bootstrap starts the router at 0/0 (no release live), got ${JSON.stringify(after.weights)}`,
    );
  } else {
    assert.ok(after.weights, `${label}: the router stack must survive`);
    // A run left open (its own undo failed) may leave a split; the next workflow restores it (checked after recovery).
    if (!interrupted) assertTrafficSafe(before, after, label, downtime);
    for (const colour of COLOURS) {
      if (after.weights[colour] > 0 && before.releases[colour]) {
        assert.strictEqual(
          after.releases[colour],
          before.releases[colour],
          `${label}: ${colour} has ${after.weights[colour]} % and must keep its fleet`,
        );
      }
    }
    const live = COLOURS.find((c) => after.weights![c] === 100);
    if (live && live !== COLOURS.find((c) => before.weights![c] === 100)) {
      assert.ok(await healthy(h, live), `${label}: traffic moved to ${live}, which must be healthy`);
    }
  }
  if (!interrupted) {
    for (const colour of COLOURS) {
      if (after.releases[colour] !== undefined) {
        assert.strictEqual(
          after.releases[colour],
          before.releases[colour],
          `${label}: a failed workflow left release ${after.releases[colour]} on ${colour}`,
        );
      }
    }
  }
}

/**
 * The last workflow (not a recovery) was a recreate that got to destroying the live colour: the downtime it
 * was allowed to cause may have begun, so the router at 0/0 (503) is a valid outcome of its failure.
 */
export function pastRecreateDestroy(entries: JournalEntry[]): boolean {
  const last = [...entries].reverse().find((e) => e.type === "begin" && e.workflow !== "recover");
  return entries.some((e) => e.type === "step" && e.id === last?.id && e.step === "recreate:destroy");
}

export function assertTrafficSafe(
  before: World,
  after: World,
  label: string,
  downtimeAccepted = false,
): void {
  const w = after.weights!;
  if (nothingLive(w)) {
    assert.ok(
      downtimeAccepted || (before.weights !== undefined && nothingLive(before.weights)),
      `${label}: the router may be at 0/0 only where it was before, got 0/0 after ${JSON.stringify(before.weights)}`,
    );
    return;
  }
  assert.ok(
    (w.blue === 100 && w.green === 0) || (w.blue === 0 && w.green === 100),
    `${label}: traffic must be 100 % on one colour, got ${JSON.stringify(w)}`,
  );
  const live = w.blue === 100 ? "blue" : "green";
  const unchanged = before.weights?.[live] === 100;
  assert.ok(
    unchanged || after.releases[live] !== undefined,
    `${label}: traffic moved to ${live}, which has no fleet`,
  );
}

/**
 * Always true once no workflow is open: one colour at 100 % (or 0/0 while no release has ever gone live),
 * no weight on a colour without a fleet, every colour stack exists exactly when it holds a fleet.
 */
export async function assertConsistent(h: Harness, label: string): Promise<void> {
  assert.deepStrictEqual(h.violations, [], `${label}: no colour with traffic may be destroyed`);
  assertNoWeightOnEmptyColour(h, label);
  const world = observe(h);
  const w = world.weights;
  const entries = await h.journal();
  if (w && nothingLive(w)) {
    assert.ok(!everLive(entries), `${label}: the router is back at 0/0 after a release went live`);
  } else if (w) {
    assert.ok(
      (w.blue === 100 && w.green === 0) || (w.blue === 0 && w.green === 100),
      `${label}: traffic must be 100 % on one colour, got ${JSON.stringify(w)}`,
    );
  }
  for (const colour of COLOURS) {
    const exists = h.engine.stackNames().includes(stackName(APP, ENV, colour));
    assert.strictEqual(
      exists,
      world.releases[colour] !== undefined,
      `${label}: the ${colour} stack ${exists ? "exists but is empty" : "is missing"}`,
    );
  }
  assert.deepStrictEqual(openWorkflows(entries), [], `${label}: no workflow may stay open`);
}

/**
 * One workflow of a property step, run with the step's engine faults. A failure must be a workflow's refusal or
 * an injected fault and must leave everything safe (assertSafeAfterFailure); a success must have destroyed no
 * colour with traffic. Either way no weight may sit on a colour without capacity. Returns the failure, if any.
 */
export async function runFaulted(
  h: Harness,
  faults: Fault[],
  label: string,
  run: () => Promise<unknown>,
): Promise<{ failed: unknown }> {
  const before = observe(h);
  const base = h.engine.callCount;
  for (const fault of faults) h.engine.failCall(base + fault.offset, fault.mode);
  let failed: unknown;
  try {
    await run();
  } catch (error) {
    failed = error;
  }
  h.engine.clearFaults();
  if (failed !== undefined) {
    const expected = failed instanceof WorkflowError || failed instanceof InjectedFault;
    assert.ok(expected, `${label}: unexpected ${String((failed as Error).stack ?? failed)}`);
    await assertSafeAfterFailure(h, before, label);
  } else {
    assert.deepStrictEqual(h.violations, [], label);
  }
  assertNoWeightOnEmptyColour(h, label);
  return { failed };
}
