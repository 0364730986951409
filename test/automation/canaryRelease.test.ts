// blue-green and canary through `release`, step by step: the journal of a canary with pauses between its
// steps (none after the last), what the journal keeps of the options, the first release (nothing to share the
// traffic with: the steps before 100 skipped), and a failed swap whose new fleet cannot be destroyed (said,
// left for the next workflow), or whose traffic cannot be put back (the new fleet kept: it may serve).
import assert from "assert";
import { TrafficRestoreError } from "../../automation/errors";
import { ReleaseFailedError } from "../../automation/strategies/errors";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const GREEN = `${APP}-${ENV}-green`;
const ROUTER = `${APP}-${ENV}-router`;

async function lastWorkflow(h: Harness) {
  const entries = await h.journal();
  const begin = entries.filter((e) => e.type === "begin").pop()!;
  const steps = entries.flatMap((e) =>
    e.type === "step" && e.id === begin.id && e.status === "started" ? [[e.step, e.colour, e.detail]] : [],
  );
  return { params: begin.type === "begin" ? begin.params : undefined, steps };
}

describe("blue-green and canary releases, step by step", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("canary: up, then each step checked, routed, verified, paused after (not after the last)", async () => {
    await deployedOnce(h);
    const start = h.clock.now;
    const result = await h.deployment.release({
      strategy: "canary",
      release: "v2",
      imageId: AMI_2,
      pauseMs: 5000,
    });
    assert.strictEqual(h.clock.now - start, 10_000, "two pauses");
    assert.deepStrictEqual(
      { ...result, deploy: undefined, steps: result.steps?.map((s) => s.weight) },
      {
        strategy: "canary",
        from: "blue",
        fromRelease: "v1",
        to: "green",
        release: "v2",
        deploy: undefined,
        steps: [10, 50, 100],
        previous: "kept",
      },
    );
    const { params, steps } = await lastWorkflow(h);
    assert.deepStrictEqual(params, {
      strategy: "canary",
      release: "v2",
      imageId: AMI_2,
      force: false,
      pauseMs: 5000,
    });
    assert.deepStrictEqual(steps, [
      ["read-state", undefined, undefined],
      ["up:configure", "green", "release v2"],
      ["up:preview", "green", undefined],
      ["up:deploy", "green", undefined],
      ["up:read-outputs", "green", undefined],
      ["up:wait-healthy", "green", undefined],
      ["swap:read-state", undefined, undefined],
      ["swap:check-health:10", "green", undefined],
      ["swap:route:10", "green", "blue 90 % / green 10 %"],
      ["swap:verify:10", "green", undefined],
      ["swap:pause:10", undefined, undefined],
      ["swap:check-health:50", "green", undefined],
      ["swap:route:50", "green", "blue 50 % / green 50 %"],
      ["swap:verify:50", "green", undefined],
      ["swap:pause:50", undefined, undefined],
      ["swap:check-health:100", "green", undefined],
      ["swap:route:100", "green", "blue 0 % / green 100 %"],
      ["swap:verify:100", "green", undefined],
    ]);
  });

  it("the first release: nothing to share the traffic with, so the canary steps before 100 are skipped", async () => {
    await h.deployment.bootstrap();
    const result = await h.deployment.release({
      strategy: "canary",
      release: "v1",
      imageId: AMI_1,
      force: true,
    });
    assert.deepStrictEqual(
      { ...result, deploy: undefined, steps: result.steps?.map((s) => s.weight) },
      {
        strategy: "canary",
        from: undefined,
        fromRelease: undefined,
        to: "blue",
        release: "v1",
        deploy: undefined,
        steps: [100],
        skippedSteps: [10, 50],
      },
    );
    assert.strictEqual((await lastWorkflow(h)).params?.force, true);
  });

  it("a failed swap destroys the new fleet in a journaled, named step", async () => {
    await deployedOnce(h);
    h.probe.setAlarm("shop-5xx", true);
    const error = await h.deployment
      .release({
        strategy: "blue-green",
        release: "v2",
        imageId: AMI_2,
        verify: { alarmNames: ["shop-5xx"] },
      })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(error.message, /\. The traffic is where it was; the new fleet on green was destroyed\.$/);
    const { steps } = await lastWorkflow(h);
    assert.deepStrictEqual(steps.at(-1), ["up:undo", "green", "destroy the new release's fleet"]);
    assert.strictEqual((await h.deployment.history()).at(-1)!.status, "failed");
  });

  it("a failed swap whose new fleet cannot be destroyed: said, and left for the next workflow", async () => {
    await deployedOnce(h);
    h.probe.setAlarm("shop-5xx", true);
    h.engine.failWhen((call) => (call.method === "destroy" && call.stack === GREEN ? "before" : undefined));
    const error = await h.deployment
      .release({
        strategy: "blue-green",
        release: "v2",
        imageId: AMI_2,
        verify: { alarmNames: ["shop-5xx"] },
      })
      .catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /\. The traffic is where it was; the next workflow destroys the new fleet\.$/,
    );
    assert.strictEqual(releaseOf(h.engine, "green"), "v2");
    assert.strictEqual((await h.deployment.history()).at(-1)!.status, "interrupted");
  });

  it("a failed swap whose traffic cannot be put back: that error, and the new fleet kept (it may serve)", async () => {
    await deployedOnce(h);
    h.probe.setAlarm("shop-5xx", true);
    let routerUps = 0;
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === ROUTER && ++routerUps > 1 ? "before" : undefined,
    );
    const error = await h.deployment
      .release({
        strategy: "canary",
        release: "v2",
        imageId: AMI_2,
        steps: [50, 100],
        verify: { alarmNames: ["shop-5xx"] },
      })
      .catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof TrafficRestoreError, String(error));
    assert.deepStrictEqual(weights(h.engine), { blue: 50, green: 50 });
    assert.strictEqual(releaseOf(h.engine, "green"), "v2");
  });
});
