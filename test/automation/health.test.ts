// The health wait gives up at once on a probe error that says retrying cannot help (`retryable: false`),
// and keeps polling with backoff through transient ones. A failed `up` still destroys what it created; a
// swap whose verify step hits such an error puts the traffic back at once.
import assert from "assert";
import {
  AlarmsNotFoundError,
  ProbeConfigurationError,
  ProbeThrottledError,
  TargetGroupNotFoundError,
} from "../../automation/aws/errors";
import {
  DeployFailedError,
  ProbeFailedError,
  SwapFailedError,
  UnhealthyError,
} from "../../automation/errors";
import { isPermanentProbeError, waitHealthy, type Clock } from "../../automation/health";
import type { CloudProbe } from "../../automation/seams";
import type { FleetOutputs } from "../../programs/contract";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, weights, type Harness } from "./harness";
import { assertConsistent, assertSafeAfterFailure, observe } from "./invariants";

const FLEET = {
  autoScalingGroupName: "shop-prod-green-asg",
  targetGroupArn:
    "arn:aws:elasticloadbalancing:eu-west-1:123456789012:targetgroup/shop-prod-green/0123456789abcdef",
  desiredCapacity: 2,
} as unknown as FleetOutputs;

/** A probe whose target health reads fail with `errors` in turn, then report `healthy` of 2. */
function scriptedProbe(errors: unknown[]): CloudProbe & { reads: number } {
  const probe = {
    reads: 0,
    targetGroupHealth: async (targetGroupArn: string) => {
      probe.reads++;
      const error = errors.shift();
      if (error !== undefined) throw error;
      return { targetGroupArn, healthy: 2, byState: { healthy: 2 } };
    },
    desiredCapacity: async () => 2,
    alarmsInAlarm: async () => [],
  };
  return probe;
}

function fakeClock(): Clock & { sleeps: number[]; time: number } {
  const clock = {
    time: 0,
    sleeps: [] as number[],
    now: () => clock.time,
    sleep: async (ms: number) => {
      clock.sleeps.push(ms);
      clock.time += ms;
    },
  };
  return clock;
}

describe("health wait and probe errors", () => {
  describe("waitHealthy", () => {
    const options = (clock: Clock) => ({ timeoutMs: 600_000, initialDelayMs: 2000, clock });

    for (const [label, error] of [
      ["missing credentials", new ProbeConfigurationError("no credentials (Could not load credentials)")],
      ["a target group that does not exist", new TargetGroupNotFoundError(FLEET.targetGroupArn)],
      ["any error flagged retryable: false", Object.assign(new Error("AccessDenied"), { retryable: false })],
    ] as const) {
      it(`stops at the first check on ${label}, without sleeping`, async () => {
        const clock = fakeClock();
        const probe = scriptedProbe([error, error, error]);
        await assert.rejects(waitHealthy(probe, "green", FLEET, options(clock)), (thrown: Error) => {
          assert.ok(thrown instanceof ProbeFailedError, String(thrown));
          assert.strictEqual(thrown.cause, error);
          assert.strictEqual(thrown.attempt, 1);
          assert.ok(thrown.message.startsWith("Cannot check the health of the green colour: "));
          assert.ok(thrown.message.includes(error.message), "it carries the probe's advice");
          assert.match(thrown.message, /stopped at check 1 instead of polling until its timeout/);
          return true;
        });
        assert.strictEqual(probe.reads, 1);
        assert.deepStrictEqual(clock.sleeps, []);
      });
    }

    it("retries throttling and errors without the flag with doubling pauses, then reads healthy", async () => {
      const clock = fakeClock();
      const probe = scriptedProbe([
        new ProbeThrottledError("DescribeTargetHealth", 5),
        new Error("socket hang up"),
        Object.assign(new Error("ServiceUnavailable"), { retryable: true }),
      ]);
      const reading = await waitHealthy(probe, "green", FLEET, options(clock));
      assert.deepStrictEqual(reading, { healthy: 2, desired: 2, byState: { healthy: 2 } });
      assert.strictEqual(probe.reads, 4);
      assert.deepStrictEqual(clock.sleeps, [2000, 4000, 8000]);
    });

    it("keeps retrying a transient error until the deadline and names it in the UnhealthyError", async () => {
      const clock = fakeClock();
      const throttled = new ProbeThrottledError("DescribeTargetHealth", 5);
      const probe = scriptedProbe(Array.from({ length: 100 }, () => throttled));
      await assert.rejects(
        waitHealthy(probe, "green", FLEET, { ...options(clock), timeoutMs: 60_000 }),
        (thrown: Error) =>
          thrown instanceof UnhealthyError &&
          /probe error: AWS throttled DescribeTargetHealth after 5 attempts.* after 8 checks in 60000 ms/.test(
            thrown.message,
          ),
      );
      // Doubling up to the 15 s cap, the last pause cut to the 1 s left: the wait ran to its deadline.
      assert.deepStrictEqual(clock.sleeps, [2000, 4000, 8000, 15_000, 15_000, 15_000, 1000]);
      assert.strictEqual(probe.reads, 8);
    });

    it("an abort during a probe read ends the wait with the probe's error at once, without sleeping", async () => {
      const clock = fakeClock();
      const controller = new AbortController();
      const cancelled = new Error("request cancelled");
      const probe = scriptedProbe([]);
      probe.targetGroupHealth = async () => {
        controller.abort();
        throw cancelled;
      };
      await assert.rejects(
        waitHealthy(probe, "green", FLEET, { ...options(clock), signal: controller.signal }),
        (thrown: unknown) => thrown === cancelled,
      );
      assert.deepStrictEqual(clock.sleeps, []);
    });
  });

  describe("isPermanentProbeError", () => {
    it("is true only for an object flagged retryable: false", () => {
      assert.strictEqual(
        isPermanentProbeError(Object.assign(new Error("AccessDenied"), { retryable: false })),
        true,
      );
      assert.strictEqual(isPermanentProbeError({ retryable: false }), true);
      assert.strictEqual(isPermanentProbeError({ retryable: "false" }), false);
      assert.strictEqual(isPermanentProbeError(new Error("socket hang up")), false);
    });

    it("is false, without throwing, for null, undefined and other values thrown", () => {
      assert.strictEqual(isPermanentProbeError(null), false);
      assert.strictEqual(isPermanentProbeError(undefined), false);
      assert.strictEqual(isPermanentProbeError("timeout"), false);
      assert.strictEqual(isPermanentProbeError(Object.assign(() => undefined, { retryable: false })), false);
    });
  });

  describe("in the workflows", () => {
    let h: Harness;
    beforeEach(() => (h = harness({ deployment: { healthTimeoutMs: 600_000 } })));
    afterEach(() => h.cleanup());

    it("a failed up on a probe that is not configured fails fast and destroys what it created", async () => {
      await h.deployment.bootstrap();
      const before = observe(h);
      const started = h.clock.now;
      h.probe.failWhen(() => new ProbeConfigurationError("no region"));
      await assert.rejects(h.deployment.up({ release: "v1", imageId: AMI_1 }), (error: Error) => {
        assert.ok(error instanceof DeployFailedError, String(error));
        assert.ok(error.cause instanceof ProbeFailedError);
        assert.strictEqual(error.cleanedUp, true);
        assert.match(
          error.message,
          /^Deploying v1 to blue failed: Cannot check the health of the blue colour: AWS is not configured for the probe: no region\. Set AWS_REGION and credentials/,
        );
        assert.match(
          error.message,
          /What this call created was destroyed; fix the cause and run `phoenix up` again\.$/,
        );
        return true;
      });
      assert.strictEqual(h.clock.now - started, 0, "no pause: the wait did not poll again");
      assert.strictEqual(h.probe.calls.length, 1);
      await assertSafeAfterFailure(h, before, "after the failed up");
      await assertConsistent(h, "after the failed up");
      const steps = (await h.journal()).filter((e) => e.type === "step" && e.status !== "started");
      assert.deepStrictEqual(
        steps.slice(-2).map((e) => e.type === "step" && [e.step, e.status]),
        [
          ["wait-healthy", "failed"],
          ["undo", "ok"],
        ],
      );
      const end = (await h.journal()).pop();
      assert.strictEqual(end?.type === "end" && end.status, "failed");
      // Once the probe is fixed, the same release deploys.
      h.probe.failWhen(undefined);
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
    });

    it("a verify step whose alarms do not exist fails the swap at once, traffic back on the old colour", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      h.probe.failWhen((method) =>
        method === "alarmsInAlarm" ? new AlarmsNotFoundError(["shop-5xx"]) : undefined,
      );
      await assert.rejects(
        h.deployment.swap({ steps: [10, 100], verify: { alarmNames: ["shop-5xx"] } }),
        (error: Error) => {
          assert.ok(error instanceof SwapFailedError, String(error));
          assert.strictEqual(error.step, 1);
          assert.strictEqual(error.restoredTo, "blue");
          assert.match(error.message, /CloudWatch has no alarm named "shop-5xx".*fix the alarm names/);
          return true;
        },
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(h.probe.calls.filter((c) => c.method === "alarmsInAlarm").length, 1);
      await assertConsistent(h, "after the failed swap");
    });

    it("a health check before a swap step on a missing target group refuses the step, traffic untouched", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      const routerUps = h.engine.calls.filter(
        (c) => c.method === "up" && c.stack === `${APP}-${ENV}-router`,
      ).length;
      h.probe.failWhen((method, target) =>
        method === "targetGroupHealth" ? new TargetGroupNotFoundError(target) : undefined,
      );
      await assert.rejects(h.deployment.swap(), (error: Error) => {
        assert.ok(error instanceof SwapFailedError, String(error));
        assert.strictEqual(error.restoredTo, undefined);
        assert.match(
          error.message,
          /does not exist \(ELBv2 DescribeTargetHealth\): check that the network stack/,
        );
        return true;
      });
      assert.strictEqual(
        h.engine.calls.filter((c) => c.method === "up" && c.stack === `${APP}-${ENV}-router`).length,
        routerUps,
        "the router was not touched",
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });
  });
});
