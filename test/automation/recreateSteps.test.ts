// recreate step by step: its journal (drain, destroy, the new fleet's up, route), the freed colour reused, the
// downtime measured on the workflow's clock, a first release with nothing to drain, the refusal of split
// traffic, and each failure with the state it leaves and says: the destroy failing (left for recovery), Ctrl-C
// during the destroy, the route to the new fleet failing (its fleet destroyed, or left when that fails too),
// the new fleet failing its health with its undo failing.
import assert from "assert";
import { WorkflowError } from "../../automation/errors";
import { ReleaseFailedError } from "../../automation/strategies/errors";
import type { ReleaseOptions } from "../../automation/strategies/types";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const RECREATE: ReleaseOptions = {
  strategy: "recreate",
  release: "v2",
  imageId: AMI_2,
  acceptDowntime: true,
};
const BLUE = `${APP}-${ENV}-blue`;
const ROUTER = `${APP}-${ENV}-router`;

/** The steps the last workflow started: name, colour, detail. */
async function startedSteps(h: Harness): Promise<[string, string?, string?][]> {
  const entries = await h.journal();
  const last = entries.filter((e) => e.type === "begin").pop()!;
  return entries.flatMap((e) =>
    e.type === "step" && e.id === last.id && e.status === "started" ? [[e.step, e.colour, e.detail]] : [],
  ) as [string, string?, string?][];
}

const lastRecord = async (h: Harness) => (await h.deployment.history()).at(-1)!;

describe("recreate, step by step", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("drains, destroys the old colour, deploys the release on the freed colour, routes to it", async () => {
    await deployedOnce(h);
    const result = await h.deployment.release(RECREATE);
    assert.deepStrictEqual(
      { ...result, deploy: undefined },
      {
        strategy: "recreate",
        from: "blue",
        fromRelease: "v1",
        to: "blue",
        release: "v2",
        deploy: undefined,
        previous: "destroyed",
        downtimeMs: 0,
      },
    );
    assert.deepStrictEqual(await startedSteps(h), [
      ["read-state", undefined, undefined],
      ["recreate:drain", "blue", "blue 0 % / green 0 %"],
      ["recreate:destroy", "blue", "release v1"],
      ["up:configure", "blue", "release v2"],
      ["up:preview", "blue", undefined],
      ["up:deploy", "blue", undefined],
      ["up:read-outputs", "blue", undefined],
      ["up:wait-healthy", "blue", undefined],
      ["recreate:route", "blue", "blue 100 % / green 0 %"],
    ]);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("counts the downtime on the workflow's clock, from the drain to the route", async () => {
    await deployedOnce(h);
    h.deployment = h.another({
      onProgress: (e) => void (e.kind === "step-start" && e.step === "up:deploy" && (h.clock.now += 42_000)),
    });
    assert.strictEqual((await h.deployment.release(RECREATE)).downtimeMs, 42_000);
  });

  it("with nothing live: no drain, no destroy; the release goes live with nothing before it", async () => {
    await h.deployment.bootstrap();
    const result = await h.deployment.release({ ...RECREATE, release: "v1", imageId: AMI_1 });
    assert.deepStrictEqual(
      { ...result, deploy: undefined },
      {
        strategy: "recreate",
        from: undefined,
        fromRelease: undefined,
        to: "blue",
        release: "v1",
        deploy: undefined,
      },
    );
    assert.deepStrictEqual(
      (await startedSteps(h)).map(([step]) => step),
      [
        "read-state",
        "up:configure",
        "up:preview",
        "up:deploy",
        "up:read-outputs",
        "up:wait-healthy",
        "recreate:route",
      ],
    );
  });

  it("refuses split traffic before any change, saying how to finish it", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    // An operator split the traffic by hand on the router stack.
    const router = await h.engine.createOrSelectStack(ROUTER, "router");
    await router.setAllConfig({
      "phoenix:blueWeight": { value: "60" },
      "phoenix:greenWeight": { value: "40" },
    });
    await router.up();
    const calls = h.engine.callCount;
    const error = await h.deployment.release({ ...RECREATE, release: "v3" }).catch((e: unknown) => e);
    assert.ok(error instanceof WorkflowError, String(error));
    assert.match(
      error.message,
      /^The traffic is split \(blue 60 % \/ green 40 %\): run `phoenix rollback` to put 100 % back on blue \(release v1, deployment [0-9a-z-]+, the fleet that last took all the traffic\), then retry\. Nothing was changed\.$/,
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 60, green: 40 });
    assert.ok(
      h.engine.calls.slice(calls).every((c) => !["up", "destroy", "setAllConfig"].includes(c.method)),
      "nothing changed",
    );
  });

  it("the destroy failing: 503, left for the next workflow to complete, and said so", async () => {
    await deployedOnce(h);
    h.engine.failWhen((call) => (call.method === "destroy" && call.stack === BLUE ? "before" : undefined));
    const error = await h.deployment.release(RECREATE).catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /^Release \(recreate\) failed: destroying blue: injected fault before engine call #\d+ \(destroy shop-prod-blue\)\. The router answers 503 \(no colour serves\); the next workflow completes the destroy\. Then run the release again\.$/,
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.strictEqual((await lastRecord(h)).status, "interrupted", "left open for recovery");
  });

  it("Ctrl-C during the destroy stops it: the old fleet is not destroyed behind the user's back", async () => {
    await deployedOnce(h);
    const controller = new AbortController();
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "recreate:destroy") controller.abort(new Error("Ctrl-C"));
      },
    });
    const error = await h.deployment
      .release({ ...RECREATE, signal: controller.signal })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.strictEqual(String(error.cause), "Error: Ctrl-C");
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1", "the destroy did not run");
  });

  it("the route to the new fleet failing: back to 0/0, the new fleet destroyed, and said so", async () => {
    await deployedOnce(h);
    let routerUps = 0;
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === ROUTER && ++routerUps === 2 ? "before" : undefined,
    );
    const error = await h.deployment.release(RECREATE).catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /^Release \(recreate\) failed: injected fault before engine call #\d+ \(up shop-prod-router\)\. Release v1 on blue was destroyed: no colour serves \(503\)\. The new fleet on blue was destroyed\. Run the release again once fixed\.$/,
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.deepStrictEqual(
      [releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")],
      [undefined, undefined],
    );
    const undo = (await startedSteps(h)).find(([step]) => step === "up:undo");
    assert.deepStrictEqual(undo, ["up:undo", "blue", undefined]);
    assert.strictEqual((await lastRecord(h)).status, "failed");
  });

  it("the route failing and the new fleet's destroy too: left for the next workflow, not claimed destroyed", async () => {
    await deployedOnce(h);
    let routerUps = 0;
    let past = false;
    h.engine.failWhen((call) => {
      if (call.method === "up" && call.stack === ROUTER && ++routerUps === 2)
        return ((past = true), "before");
      return past && call.method === "destroy" ? "before" : undefined;
    });
    const error = await h.deployment.release(RECREATE).catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /Release v1 on blue was destroyed: no colour serves \(503\)\. Run the release again once fixed\.$/,
    );
    assert.strictEqual(releaseOf(h.engine, "blue"), "v2", "the new fleet is still there");
    assert.strictEqual((await lastRecord(h)).status, "interrupted");
  });

  it("the new fleet never healthy and its undo failing: left open, the reason is the deploy's", async () => {
    await deployedOnce(h);
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "up:wait-healthy") {
          h.probe.setHealthy(APP, ENV, "blue", false);
          h.engine.failWhen((call) => (call.method === "destroy" ? "before" : undefined));
        }
      },
    });
    const error = await h.deployment.release(RECREATE).catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /^Release \(recreate\) failed: .*blue.*\. Release v1 on blue was destroyed: no colour serves \(503\)\. Run the release again once fixed\.$/s,
    );
    assert.doesNotMatch(error.message, /The new fleet/);
    assert.strictEqual((await lastRecord(h)).status, "interrupted");
  });
});

describe("recreate and blue-green undo, under Ctrl-C", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("a failed deploy's sentence ends with one full stop in the release's message", async () => {
    await deployedOnce(h);
    let past = false;
    h.deployment = h.another({
      onProgress: (e) => void (e.kind === "step-end" && e.step === "recreate:destroy" && (past = true)),
    });
    h.engine.failWhen((c) => (past && c.method === "setAllConfig" ? "before" : undefined));
    const error = await h.deployment.release(RECREATE).catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(error.message, /run `phoenix up` again\. Release v1 on blue was destroyed/);
  });

  it("Ctrl-C while routing to the new fleet: its destroy still runs to the end (a compensation)", async () => {
    await deployedOnce(h);
    const controller = new AbortController();
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "recreate:route") controller.abort(new Error("Ctrl-C"));
      },
    });
    const error = await h.deployment
      .release({ ...RECREATE, signal: controller.signal })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(error.message, /The new fleet on blue was destroyed\. Run the release again once fixed\.$/);
    assert.deepStrictEqual(
      [releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")],
      [undefined, undefined],
    );
  });

  it("Ctrl-C during a blue-green swap: traffic back, and the new fleet's destroy runs to the end", async () => {
    await deployedOnce(h);
    const controller = new AbortController();
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "swap:verify:100") controller.abort(new Error("Ctrl-C"));
      },
    });
    const error = await h.deployment
      .release({ strategy: "blue-green", release: "v2", imageId: AMI_2, signal: controller.signal })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(error.message, /The traffic is where it was; the new fleet on green was destroyed\.$/);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    assert.strictEqual(releaseOf(h.engine, "green"), undefined);
  });
});
