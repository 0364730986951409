// Fault injection at EVERY engine call of every workflow. The calls are enumerated by counting them in a
// clean run; then call k fails, before and after it takes effect, for every k. After each failure the
// safety invariants must hold, the journal must record the failure, and the next workflow must leave a
// consistent state (completing or undoing what the failed one left).
import assert from "assert";
import type { FaultMode } from "../../automation/memoryEngine";
import { AMI_1, AMI_2, deployedOnce, harness, type Harness } from "./harness";
import { assertConsistent, assertSafeAfterFailure, observe } from "./invariants";

const HOURS_2 = 2 * 3600_000;

interface Scenario {
  name: string;
  prepare(h: Harness): Promise<void>;
  run(h: Harness): Promise<unknown>;
}

async function greenLiveBlueRetired(h: Harness): Promise<void> {
  await deployedOnce(h);
  await h.deployment.up({ release: "v2", imageId: AMI_2 });
  await h.deployment.swap();
}

const driftBlue = (h: Harness) =>
  h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 9 });

/** The listener's weights and the green target group's health check changed by hand. */
function driftRouterAndNetwork(h: Harness): void {
  const named = (stack: string, type: string, pattern = /./) =>
    h.engine.inspect(stack)!.resources.find((r) => r.type === type && pattern.test(r.name))!.name;
  h.engine.simulateDrift("shop-prod-router", named("shop-prod-router", "aws:lb/listener:Listener"), {
    defaultActions: [{ type: "forward", weights: "by hand" }],
  });
  h.engine.simulateDrift(
    "shop-prod-network",
    named("shop-prod-network", "aws:lb/targetGroup:TargetGroup", /green/),
    { healthCheck: { path: "/by-hand" } },
  );
}

const SCENARIOS: Scenario[] = [
  { name: "bootstrap", prepare: async () => {}, run: (h) => h.deployment.bootstrap() },
  {
    name: "first up",
    prepare: (h) => h.deployment.bootstrap().then(() => undefined),
    run: (h) => h.deployment.up({ release: "v1", imageId: AMI_1 }),
  },
  {
    name: "up replacing an older idle release",
    prepare: async (h) => {
      await greenLiveBlueRetired(h);
      h.clock.now += HOURS_2;
    },
    run: (h) => h.deployment.up({ release: "v3", imageId: AMI_1, capacity: 3 }),
  },
  {
    name: "canary swap [10, 50, 100]",
    prepare: async (h) => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
    },
    run: (h) => h.deployment.swap({ steps: [10, 50, 100], verify: { alarmNames: ["shop-5xx"] } }),
  },
  { name: "rollback", prepare: greenLiveBlueRetired, run: (h) => h.deployment.rollback() },
  {
    name: "destroy",
    prepare: async (h) => {
      await greenLiveBlueRetired(h);
      h.clock.now += HOURS_2;
    },
    run: (h) => h.deployment.destroy({ colour: "blue" }),
  },
  {
    name: "first swap [10, 50, 100], nothing live yet",
    prepare: async (h) => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
    },
    run: (h) => h.deployment.swap({ steps: [10, 50, 100], verify: { alarmNames: ["shop-5xx"] } }),
  },
  {
    name: "destroy of the only fleet, nothing live yet",
    prepare: async (h) => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
    },
    run: (h) => h.deployment.destroy({ colour: "blue" }),
  },
  {
    name: "release, rolling in batches of 50 %",
    prepare: deployedOnce,
    run: (h) =>
      h.deployment.release({
        strategy: "rolling",
        release: "v2",
        imageId: AMI_2,
        batch: "50%",
        verify: { alarmNames: ["shop-5xx"] },
      }),
  },
  {
    name: "rollback after a rolling release (old colour at zero capacity)",
    prepare: async (h) => {
      await deployedOnce(h);
      await h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: 1 });
    },
    run: (h) => h.deployment.rollback(),
  },
  {
    name: "release, recreate",
    prepare: deployedOnce,
    run: (h) =>
      h.deployment.release({ strategy: "recreate", release: "v2", imageId: AMI_2, acceptDowntime: true }),
  },
  {
    name: "release, canary [10, 50, 100]",
    prepare: deployedOnce,
    run: (h) =>
      h.deployment.release({
        strategy: "canary",
        release: "v2",
        imageId: AMI_2,
        verify: { alarmNames: ["shop-5xx"] },
      }),
  },
  {
    name: "drift",
    prepare: async (h) => {
      await deployedOnce(h);
      driftBlue(h);
    },
    run: (h) => h.deployment.drift(),
  },
  {
    name: "heal",
    prepare: async (h) => {
      await deployedOnce(h);
      driftBlue(h);
    },
    run: (h) => h.deployment.heal(),
  },
  {
    name: "heal of a changed listener and network",
    prepare: async (h) => {
      await deployedOnce(h);
      driftRouterAndNetwork(h);
    },
    run: (h) => h.deployment.heal(),
  },
  {
    name: "heal of a drifted idle fleet",
    prepare: async (h) => {
      await greenLiveBlueRetired(h);
      h.clock.now += HOURS_2;
      driftBlue(h);
    },
    run: (h) => h.deployment.heal(),
  },
];

/** Engine calls the workflow makes in a clean run after `prepare`. */
async function countCalls(scenario: Scenario): Promise<number> {
  const h = harness();
  try {
    await scenario.prepare(h);
    const before = h.engine.callCount;
    await scenario.run(h);
    return h.engine.callCount - before;
  } finally {
    h.cleanup();
  }
}

describe("fault injection at every engine call", function () {
  this.timeout(120_000);
  for (const scenario of SCENARIOS) {
    it(`${scenario.name}: safe after a failure at each call, before, midway and after it takes effect`, async () => {
      const calls = await countCalls(scenario);
      assert.ok(calls >= 2, `${scenario.name} makes ${calls} engine calls`);
      let checked = 0;
      for (let k = 1; k <= calls; k++) {
        for (const mode of ["before", "midway", "after"] as FaultMode[]) {
          const label = `${scenario.name}, call ${k}/${calls} failing ${mode}`;
          const h = harness();
          try {
            await scenario.prepare(h);
            const before = observe(h);
            const journalBefore = (await h.journal()).length;
            h.engine.failCall(h.engine.callCount + k, mode);
            await assert.rejects(
              scenario.run(h),
              (error: Error) =>
                /injected fault/.test(`${error.message} ${String((error as { cause?: unknown }).cause)}`) ||
                assert.fail(`${label}: ${error.message}`),
            );
            await assertSafeAfterFailure(h, before, label);
            const written = (await h.journal()).slice(journalBefore);
            assert.ok(
              written.some(
                (e) =>
                  (e.type === "step" && e.status === "failed") || (e.type === "end" && e.status === "failed"),
              ),
              `${label}: the journal must record the failure`,
            );
            // The next workflow completes or undoes whatever the failed one left open.
            await h.deployment.bootstrap();
            await assertConsistent(h, `${label}, after the next workflow`);
            checked++;
          } finally {
            h.cleanup();
          }
        }
      }
      assert.strictEqual(checked, calls * 3);
    });
  }
});
