// Random sequences of workflows with random engine failures, health flaps, alarms and drift: after every
// step, traffic is 100 % on one colour that has a fleet (or where it was), no colour with traffic was ever
// destroyed, a failed workflow leaves no new release behind, and every failure is in the journal.
import assert from "assert";
import fc from "fast-check";
import { InjectedFault } from "../../automation/memoryEngine";
import { STRATEGIES, type Batch, type Strategy } from "../../automation/strategies/types";
import { COLOURS, stackName, type Colour } from "../../programs/contract";
import { colour, faults, type Fault } from "./arbitraries";
import { AMI_1, AMI_2, APP, ENV, harness, releaseOf, weights, type Harness } from "./harness";
import { assertConsistent, assertNoWeightOnEmptyColour, openWorkflows, runFaulted } from "./invariants";
import { runs } from "../helpers/fastCheckSeed";

type Op =
  | { kind: "up"; release: number; force: boolean; faults: Fault[] }
  | { kind: "swap"; steps: number[]; faults: Fault[] }
  | { kind: "release"; release: number; strategy: Strategy; batch: Batch; faults: Fault[] }
  | { kind: "rollback"; faults: Fault[] }
  | { kind: "destroy"; colour: Colour; force: boolean; faults: Fault[] }
  | { kind: "drift"; faults: Fault[] }
  | { kind: "heal"; faults: Fault[] }
  | { kind: "health"; colour: Colour; healthy: boolean }
  | { kind: "alarm"; on: boolean }
  | { kind: "driftLive" }
  | { kind: "driftRouter" }
  | { kind: "wait"; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("up" as const),
      release: fc.integer({ min: 1, max: 5 }),
      force: fc.boolean(),
      faults,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("swap" as const),
      steps: fc.constantFrom<number[]>([100], [10, 50, 100], [25, 100]),
      faults,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("release" as const),
      release: fc.integer({ min: 1, max: 5 }),
      strategy: fc.constantFrom<Strategy>(...STRATEGIES),
      batch: fc.constantFrom<Batch>(1, 2, "50%", "34%"),
      faults,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("rollback" as const), faults }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("destroy" as const), colour, force: fc.boolean(), faults }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("drift" as const), faults }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("heal" as const), faults }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("health" as const), colour, healthy: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("alarm" as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("driftLive" as const) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("driftRouter" as const) }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      ms: fc.integer({ min: 0, max: 2 * 3600_000 }),
    }),
  },
);

function liveOf(h: Harness): Colour | undefined {
  const w = weights(h.engine);
  return w && COLOURS.find((c) => w[c] === 100);
}

async function runWorkflow(h: Harness, step: Op): Promise<unknown> {
  const verify = { alarmNames: ["shop-5xx"] };
  switch (step.kind) {
    case "up":
      return h.deployment.up({
        release: `v${step.release}`,
        imageId: step.release % 2 ? AMI_1 : AMI_2,
        force: step.force,
      });
    case "swap":
      return h.deployment.swap({ steps: step.steps, verify });
    case "release":
      return h.deployment.release({
        strategy: step.strategy,
        release: `v${step.release}`,
        imageId: step.release % 2 ? AMI_1 : AMI_2,
        verify: step.strategy === "recreate" ? undefined : verify,
        ...(step.strategy === "rolling" ? { batch: step.batch } : {}),
        ...(step.strategy === "recreate" ? { acceptDowntime: true } : {}),
      });
    case "rollback":
      return h.deployment.rollback();
    case "destroy":
      return h.deployment.destroy({ colour: step.colour, force: step.force });
    case "drift":
      return h.deployment.drift();
    case "heal":
      return h.deployment.heal({ verify, force: true });
    default:
      throw new Error(`not a workflow: ${step.kind}`);
  }
}

async function apply(h: Harness, step: Op, index: number): Promise<void> {
  const label = `step ${index} ${JSON.stringify(step)}`;
  switch (step.kind) {
    case "health":
      if (h.engine.inspect(stackName(APP, ENV, "network")))
        h.probe.setHealthy(APP, ENV, step.colour, step.healthy);
      return;
    case "alarm":
      h.probe.setAlarm("shop-5xx", step.on);
      return;
    case "wait":
      h.clock.now += step.ms;
      return;
    case "driftLive": {
      const live = liveOf(h);
      if (live && releaseOf(h.engine, live))
        h.engine.simulateDrift(stackName(APP, ENV, live), `${APP}-${ENV}-${live}-asg`, { maxSize: 9 });
      return;
    }
    case "driftRouter": {
      // The listener's weights changed by hand: heal must put the recorded ones back (or swap them anyway).
      const router = h.engine.inspect(stackName(APP, ENV, "router"));
      const listener = router?.resources.find((r) => r.type === "aws:lb/listener:Listener");
      if (listener)
        h.engine.simulateDrift(stackName(APP, ENV, "router"), listener.name, { defaultActions: [] });
      return;
    }
  }
  const journalBefore = (await h.journal()).length;
  const { failed } = await runFaulted(h, step.faults, label, () => runWorkflow(h, step));
  if (failed !== undefined) {
    const written = (await h.journal()).slice(journalBefore);
    // A refusal before the workflow began (invalid state, lock) writes nothing; any engine failure is journaled.
    const refusedEarly =
      written.every((e) => e.type !== "step" || e.status !== "failed") &&
      !written.some((e) => e.type === "end" && e.status === "failed");
    if (failed instanceof InjectedFault || /injected fault/.test(String((failed as Error).message))) {
      assert.ok(!refusedEarly, `${label}: the journal must record the failure`);
    }
  }
  if (openWorkflows(await h.journal()).length === 0) await assertConsistent(h, label);
}

describe("random workflow sequences with random failures (fast-check)", function () {
  // Four release strategies on top of the building blocks: a rolling release alone makes ~30 engine calls.
  this.timeout(300_000);
  it("keep the safety invariants after every step", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const h = harness();
        try {
          await h.deployment.bootstrap();
          assertNoWeightOnEmptyColour(h, "right after bootstrap");
          for (const [index, step] of ops.entries()) await apply(h, step, index);
          // Whatever was left open, one more workflow brings everything back to a consistent state.
          await h.deployment.bootstrap();
          await assertConsistent(h, "after the sequence");
        } finally {
          h.cleanup();
        }
      }),
      { numRuns: runs(60) },
    );
  });
});
