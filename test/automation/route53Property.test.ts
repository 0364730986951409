// The property suite in route53 router mode: random sequences of up, swap, rollback, destroy, drift, heal,
// health flaps, alarms and a record changed by hand, with random engine failures. After every step the safety
// invariants of the ALB suite hold (test/automation/invariants.ts) and the records agree with the router:
// none while nothing is live, else exactly the two of them (blue, green) carrying the router's weights.
import assert from "assert";
import fc from "fast-check";
import { stackName, type Colour } from "../../programs/contract";
import { colour, faults, type Fault } from "./arbitraries";
import { AMI_1, AMI_2, APP, ENV, harness, weights, type Harness } from "./harness";
import { assertConsistent, openWorkflows, runFaulted } from "./invariants";
import { runs } from "../helpers/fastCheckSeed";

const ROUTE53 = { mode: "route53" as const, zoneId: "Z0123456789ABC", recordName: "shop.example.com" };
const RECORD = "aws:route53/record:Record";

type Op =
  | { kind: "up"; release: number; faults: Fault[] }
  | { kind: "swap"; steps: number[]; faults: Fault[] }
  | { kind: "rollback"; faults: Fault[] }
  | { kind: "destroy"; colour: Colour; faults: Fault[] }
  | { kind: "heal"; faults: Fault[] }
  | { kind: "health"; colour: Colour; healthy: boolean }
  | { kind: "alarm"; on: boolean }
  | { kind: "driftRecord"; colour: Colour }
  | { kind: "wait"; ms: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("up" as const),
      release: fc.integer({ min: 1, max: 4 }),
      faults,
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant("swap" as const),
      steps: fc.constantFrom<number[]>([100], [10, 50, 100]),
      faults,
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("rollback" as const), faults }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant("destroy" as const), colour, faults }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("heal" as const), faults }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant("health" as const), colour, healthy: fc.boolean() }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("alarm" as const), on: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant("driftRecord" as const), colour }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("wait" as const),
      ms: fc.integer({ min: 0, max: 2 * 3600_000 }),
    }),
  },
);

function records(h: Harness) {
  return (h.engine.inspect(stackName(APP, ENV, "router"))?.resources ?? []).filter((r) => r.type === RECORD);
}

/** The records say what the router's outputs say: none at 0/0, else blue and green with the router's weights. */
function assertRecordsMatchRouter(h: Harness, label: string): void {
  const w = weights(h.engine);
  if (!w) return;
  const found = records(h);
  if (w.blue === 0 && w.green === 0) {
    assert.deepStrictEqual(found, [], `${label}: no record while nothing is live`);
    return;
  }
  const byColour = Object.fromEntries(
    found.map((r) => [
      String(r.inputs.setIdentifier),
      (r.inputs.weightedRoutingPolicies as Array<{ weight: number }>)[0].weight,
    ]),
  );
  assert.deepStrictEqual(
    byColour,
    { blue: w.blue, green: w.green },
    `${label}: records against router weights`,
  );
}

async function runWorkflow(h: Harness, step: Op): Promise<unknown> {
  const verify = { alarmNames: ["shop-5xx"] };
  switch (step.kind) {
    case "up":
      return h.deployment.up({
        release: `v${step.release}`,
        imageId: step.release % 2 ? AMI_1 : AMI_2,
        force: true,
      });
    case "swap":
      return h.deployment.swap({ steps: step.steps, verify });
    case "rollback":
      return h.deployment.rollback();
    case "destroy":
      return h.deployment.destroy({ colour: step.colour, force: true });
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
      h.probe.setHealthy(APP, ENV, step.colour, step.healthy);
      return;
    case "alarm":
      h.probe.setAlarm("shop-5xx", step.on);
      return;
    case "wait":
      h.clock.now += step.ms;
      return;
    case "driftRecord": {
      // A record's weight changed by hand in the console: heal puts the recorded weights back.
      const record = records(h).find((r) => r.inputs.setIdentifier === step.colour);
      if (record)
        h.engine.simulateDrift(stackName(APP, ENV, "router"), record.name, {
          weightedRoutingPolicies: [{ weight: 37 }],
        });
      return;
    }
  }
  await runFaulted(h, step.faults, label, () => runWorkflow(h, step));
  if (openWorkflows(await h.journal()).length === 0) {
    await assertConsistent(h, label);
    assertRecordsMatchRouter(h, label);
  }
}

describe("random workflow sequences in route53 router mode (fast-check)", function () {
  this.timeout(300_000);
  it("keep the safety invariants, and the records agree with the router, after every step", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 10 }), async (ops) => {
        const h = harness();
        try {
          await h.deployment.bootstrap({ router: ROUTE53 });
          for (const [index, step] of ops.entries()) await apply(h, step, index);
          await h.deployment.bootstrap();
          await assertConsistent(h, "after the sequence");
          assertRecordsMatchRouter(h, "after the sequence");
        } finally {
          h.cleanup();
        }
      }),
      { numRuns: runs(30) },
    );
  });
});
