// The health gate (docs/workflows.md, "Traffic only ever goes to a healthy fleet"): a colour is healthy only
// when every one of its auto scaling group's `desired` targets is healthy, and a group that wants no instances
// is never healthy. Pinned at its threshold, on the gate alone and in each workflow that moves traffic (swap,
// rollback, heal), with the memory probe scripted into partial health, draining and unhealthy targets and a
// desired capacity of 0.
import assert from "assert";
import { SwapFailedError, UnhealthyError, WorkflowError } from "../../automation/errors";
import { checkHealthy } from "../../automation/health";
import type { CloudProbe } from "../../automation/seams";
import type { FleetOutputs } from "../../programs/contract";
import { AMI_2, APP, ENV, deployedOnce, harness, weights, type Harness } from "./harness";

const FLEET = {
  autoScalingGroupName: "shop-prod-green-asg",
  targetGroupArn: "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-prod-green/0123",
  desiredCapacity: 2,
} as unknown as FleetOutputs;

/** A probe that reads `desired` for the group and `byState` for its target group. */
function reading(desired: number, byState: Record<string, number>): CloudProbe {
  return {
    desiredCapacity: async () => desired,
    targetGroupHealth: async (targetGroupArn) => ({ targetGroupArn, healthy: byState.healthy ?? 0, byState }),
    alarmsInAlarm: async () => [],
  };
}

async function refused(probe: CloudProbe, reason: RegExp): Promise<void> {
  await assert.rejects(checkHealthy(probe, "green", FLEET), (error: unknown) => {
    assert.ok(error instanceof UnhealthyError, String(error));
    assert.match(error.message, reason);
    return true;
  });
}

describe("the health gate", () => {
  describe("checkHealthy, at its threshold", () => {
    it("passes when every desired target is healthy (2 of 2)", async () => {
      const health = await checkHealthy(reading(2, { healthy: 2 }), "green", FLEET);
      assert.deepStrictEqual(health, { healthy: 2, desired: 2, byState: { healthy: 2 } });
    });

    it("passes with more healthy targets than desired (targets of a scale-in still registered)", async () => {
      assert.strictEqual((await checkHealthy(reading(2, { healthy: 3 }), "green", FLEET)).healthy, 3);
    });

    it("passes a group of one with its one target healthy", async () => {
      assert.strictEqual((await checkHealthy(reading(1, { healthy: 1 }), "green", FLEET)).desired, 1);
    });

    it("refuses one healthy target short of desired (1 of 2, the other unhealthy)", async () => {
      await refused(reading(2, { healthy: 1, unhealthy: 1 }), /fewer healthy targets than desired/);
    });

    it("does not count draining targets as healthy (1 healthy + 1 draining of 2)", async () => {
      await refused(reading(2, { healthy: 1, draining: 1 }), /fewer healthy targets than desired/);
    });

    it("refuses a group whose desired capacity is 0, though no target is unhealthy", async () => {
      await refused(reading(0, {}), /its auto scaling group wants no instances/);
    });

    it("refuses a group whose desired capacity is 0 even with healthy targets still registered", async () => {
      await refused(reading(0, { healthy: 2 }), /its auto scaling group wants no instances/);
    });

    it("names the healthy, desired and per-state counts in the error", async () => {
      await assert.rejects(
        checkHealthy(reading(3, { healthy: 1, unhealthy: 1, initial: 1 }), "green", FLEET),
        (error: UnhealthyError) => {
          assert.strictEqual(error.healthy, 1);
          assert.strictEqual(error.desired, 3);
          assert.deepStrictEqual(error.byState, { healthy: 1, unhealthy: 1, initial: 1 });
          return true;
        },
      );
    });
  });

  describe("in the workflows, with the memory probe scripted", () => {
    let h: Harness;
    beforeEach(async () => {
      h = harness();
      await deployedOnce(h); // v1 live on blue
      await h.deployment.up({ release: "v2", imageId: AMI_2 }); // v2 on green, idle
    });
    afterEach(() => h.cleanup());

    const upCalls = (h: Harness) => h.engine.calls.filter((c) => c.method === "up").length;

    async function swapRefused(h: Harness, reason: RegExp): Promise<void> {
      const ups = upCalls(h);
      await assert.rejects(h.deployment.swap(), (error: unknown) => {
        assert.ok(error instanceof SwapFailedError, String(error));
        assert.match(error.message, reason);
        return true;
      });
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(upCalls(h), ups, "no router update was made");
    }

    it("the memory probe's fleets want 2 instances (the scripted states below are partial)", async () => {
      const green = h.engine.inspect(`${APP}-${ENV}-green`)!.outputs;
      assert.strictEqual(await h.probe.desiredCapacity(green.autoScalingGroupName as string), 2);
    });

    it("swap refuses a colour with one of its two targets unhealthy, then goes once both are", async () => {
      h.probe.setTargetStates(APP, ENV, "green", { healthy: 1, unhealthy: 1 });
      await swapRefused(h, /fewer healthy targets than desired/);
      h.probe.setTargetStates(APP, ENV, "green", { healthy: 2 });
      await h.deployment.swap();
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });

    it("swap refuses a colour whose second target is still draining", async () => {
      h.probe.setTargetStates(APP, ENV, "green", { healthy: 1, draining: 1 });
      await swapRefused(h, /fewer healthy targets than desired/);
    });

    it("swap never gives traffic to a colour scaled to 0", async () => {
      h.probe.setDesiredCapacity(APP, ENV, "green", 0);
      await swapRefused(h, /wants no instances/);
    });

    it("a swap step whose verify finds the colour partly unhealthy puts the traffic back", async () => {
      // Healthy before the step, one target unhealthy once it has traffic.
      const health = h.probe.targetGroupHealth.bind(h.probe);
      h.probe.targetGroupHealth = async (arn, signal) => {
        const routed = weights(h.engine)?.green ?? 0;
        const read = await health(arn, signal);
        return routed > 0 && arn === h.probe.targetGroupOf(APP, ENV, "green")
          ? { targetGroupArn: arn, healthy: 1, byState: { healthy: 1, unhealthy: 1 } }
          : read;
      };
      await assert.rejects(h.deployment.swap({ steps: [10, 100] }), SwapFailedError);
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });

    describe("rollback", () => {
      beforeEach(async () => {
        await h.deployment.swap(); // v2 live on green, v1 warm on blue: the rollback target
      });

      async function rollbackRefused(h: Harness, reason: RegExp): Promise<void> {
        const ups = upCalls(h);
        await assert.rejects(h.deployment.rollback(), (error: unknown) => {
          assert.ok(error instanceof UnhealthyError, String(error));
          assert.strictEqual(error.colour, "blue");
          assert.match(error.message, reason);
          return true;
        });
        assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
        assert.strictEqual(upCalls(h), ups, "no router update was made");
      }

      it("refuses a target with one of its two targets unhealthy, traffic untouched", async () => {
        h.probe.setTargetStates(APP, ENV, "blue", { healthy: 1, unhealthy: 1 });
        await rollbackRefused(h, /fewer healthy targets than desired/);
      });

      it("refuses a target scaled to 0 (it must be scaled up first)", async () => {
        h.probe.setDesiredCapacity(APP, ENV, "blue", 0);
        await rollbackRefused(h, /wants no instances/);
      });

      it("goes to a target whose every desired target is healthy", async () => {
        h.probe.setDesiredCapacity(APP, ENV, "blue", 3);
        h.probe.setTargetStates(APP, ENV, "blue", { healthy: 3, draining: 1 });
        await h.deployment.rollback();
        assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      });
    });

    describe("heal of a drifted router", () => {
      beforeEach(async () => {
        await h.deployment.destroy({ colour: "green", force: true }); // blue live, nothing idle
        const listener = h.engine
          .inspect(`${APP}-${ENV}-router`)!
          .resources.find((r) => r.type === "aws:lb/listener:Listener")!.name;
        h.engine.simulateDrift(`${APP}-${ENV}-router`, listener, {
          defaultActions: [{ type: "forward", weights: "50/50 by hand" }],
        });
      });

      it("refuses to give the weights back to a live colour with a target unhealthy, changing nothing", async () => {
        h.probe.setTargetStates(APP, ENV, "blue", { healthy: 1, unhealthy: 1 });
        const ups = upCalls(h);
        await assert.rejects(h.deployment.heal(), (error: unknown) => {
          assert.ok(error instanceof WorkflowError, String(error));
          assert.match(error.message, /fewer healthy targets than desired/);
          return true;
        });
        assert.strictEqual(upCalls(h), ups);
      });

      it("gives the weights back once every desired target is healthy", async () => {
        h.probe.setTargetStates(APP, ENV, "blue", { healthy: 2 });
        const ups = upCalls(h);
        const result = await h.deployment.heal();
        assert.strictEqual(result.healed, true);
        assert.strictEqual(upCalls(h), ups + 1, "one router update");
      });
    });
  });
});
