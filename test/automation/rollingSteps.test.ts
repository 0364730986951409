// A rolling release step by step: its journal (the old colour checked and read, the new fleet made at its
// first batch, then per batch: grow and wait, check the old colour, route, verify, shrink, pause between
// batches only), a release with nothing live (no traffic until the last batch), a capacity above the old
// colour's maximum, and each way back with what it says: a verification failing before any shrink, the old
// colour slow to get healthy again, the traffic that cannot be put back, a failure with nothing live.
import assert from "assert";
import type { ProgressEvent } from "../../automation/events";
import { ReleaseFailedError } from "../../automation/strategies/errors";
import { planRolling } from "../../automation/strategies/rolling";
import type { ReleaseOptions } from "../../automation/strategies/types";
import { AMI_1, AMI_2, APP, ENV, harness, releaseOf, weights, type Harness } from "./harness";

const ROLLING: ReleaseOptions = { strategy: "rolling", release: "v2", imageId: AMI_2, batch: "50%" };
const config = (h: Harness, colour: string, key: string) =>
  h.engine.inspect(`${APP}-${ENV}-${colour}`)?.config[`phoenix:${key}`];
const desired = (h: Harness, colour: string) =>
  h.engine.inspect(`${APP}-${ENV}-${colour}`)?.outputs.desiredCapacity;

/** The steps the last workflow started: name, colour, detail. */
async function startedSteps(h: Harness): Promise<[string, string?, string?][]> {
  const entries = await h.journal();
  const last = entries.filter((e) => e.type === "begin").pop()!;
  return entries.flatMap((e) =>
    e.type === "step" && e.id === last.id && e.status === "started" ? [[e.step, e.colour, e.detail]] : [],
  ) as [string, string?, string?][];
}

async function blueServesFour(h: Harness): Promise<void> {
  await h.deployment.bootstrap();
  await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
  await h.deployment.swap();
}

describe("rolling, step by step", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("journals each batch: grow and wait, check the old colour, route, verify, shrink; pauses between batches", async () => {
    await blueServesFour(h);
    const start = h.clock.now;
    const seen: ProgressEvent[] = [];
    h.deployment = h.another({ onProgress: (e) => seen.push(e) });
    const result = await h.deployment.release({ ...ROLLING, pauseMs: 5000 });
    // The grow's up is reported as the green stack's up, its health wait as green's health readings.
    const afterGrow = seen.slice(
      seen.findIndex((e) => e.kind === "step-start" && e.step === "rolling:grow:2"),
    );
    const engine = afterGrow.find((e) => e.kind === "engine");
    assert.deepStrictEqual(engine?.kind === "engine" && [engine.stack, engine.operation], [
      `${APP}-${ENV}-green`,
      "up",
    ]);
    const health = afterGrow.find((e) => e.kind === "health");
    assert.deepStrictEqual(health?.kind === "health" && [health.colour, health.attempt], ["green", 1]);
    assert.strictEqual(result.strategy, "rolling");
    assert.deepStrictEqual(result.batches, [
      { newDesired: 2, oldDesired: 2, weight: 50 },
      { newDesired: 4, oldDesired: 0, weight: 100 },
    ]);
    assert.strictEqual(h.clock.now - start, 5000, "one pause: between the two batches, none after the last");
    assert.deepStrictEqual(await startedSteps(h), [
      ["read-state", undefined, undefined],
      ["rolling:check-old", "blue", "release v1"],
      ["rolling:read-capacity", "blue", undefined],
      ["up:configure", "green", "release v2"],
      ["up:preview", "green", undefined],
      ["up:deploy", "green", undefined],
      ["up:read-outputs", "green", undefined],
      ["up:wait-healthy", "green", undefined],
      ["rolling:read-outputs", "green", undefined],
      ["rolling:check-old:1", "blue", undefined],
      ["rolling:route:50", "green", "blue 50 % / green 50 %"],
      ["rolling:verify:1", "green", undefined],
      ["rolling:shrink:1", "blue", "blue to desired 2 (min 1, max 6)"],
      ["rolling:pause:1", undefined, undefined],
      ["rolling:grow:2", "green", "green to desired 4 (min 1, max 6)"],
      ["rolling:wait-healthy:2", "green", undefined],
      ["rolling:route:100", "green", "blue 0 % / green 100 %"],
      ["rolling:verify:2", "green", undefined],
      ["rolling:shrink:2", "blue", "blue to desired 0 (min 0, max 6)"],
    ]);
  });

  it("the old colour unhealthy at the start: refused before the new fleet is made", async () => {
    await blueServesFour(h);
    h.probe.setHealthy(APP, ENV, "blue", false);
    await assert.rejects(h.deployment.release(ROLLING), /blue/);
    assert.strictEqual(releaseOf(h.engine, "green"), undefined);
    assert.ok(!(await startedSteps(h)).some(([step]) => step === "up:configure"), "no new fleet begun");
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("the old colour unhealthy before a batch's route: the traffic never moves to the split", async () => {
    await blueServesFour(h);
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "rolling:check-old:1")
          h.probe.setHealthy(APP, ENV, "blue", false);
      },
    });
    await assert.rejects(h.deployment.release(ROLLING), ReleaseFailedError);
    assert.ok(!(await startedSteps(h)).some(([step]) => step.startsWith("rolling:route")), "no route");
  });

  it("refuses split traffic before any change, naming the way out", async () => {
    await blueServesFour(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const router = await h.engine.createOrSelectStack(`${APP}-${ENV}-router`, "router");
    await router.setAllConfig({
      "phoenix:blueWeight": { value: "60" },
      "phoenix:greenWeight": { value: "40" },
    });
    await router.up();
    await assert.rejects(
      h.deployment.release({ ...ROLLING, release: "v3" }),
      /^WorkflowError: The traffic is split \(blue 60 % \/ green 40 %\): run `phoenix rollback`/,
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 60, green: 40 });
  });

  it("the old colour at the program's default capacity: the new fleet takes it like for like", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
    await h.deployment.release(ROLLING);
    assert.deepStrictEqual([desired(h, "green"), desired(h, "blue")], [2, 0]);
  });

  it("with nothing live: grows without traffic, routes once at the last batch, shrinks nothing", async () => {
    await h.deployment.bootstrap();
    await h.deployment.release({ ...ROLLING, release: "v1", batch: 1, capacity: 3 });
    assert.deepStrictEqual(
      (await startedSteps(h)).map(([step]) => step).filter((step) => step.startsWith("rolling:")),
      [
        "rolling:read-outputs",
        "rolling:grow:2",
        "rolling:wait-healthy:2",
        "rolling:grow:3",
        "rolling:wait-healthy:3",
        "rolling:route:100",
        "rolling:verify:3",
      ],
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("the capacity given is the new fleet's, whatever the old colour had", async () => {
    await blueServesFour(h);
    await h.deployment.release({ ...ROLLING, capacity: { min: 1, max: 10, desired: 8 } });
    assert.deepStrictEqual(
      [desired(h, "green"), config(h, "green", "maxSize"), config(h, "green", "minSize")],
      [8, "10", "1"],
    );
  });

  it("the first verification failing: traffic back and the new fleet gone; the old colour never shrank", async () => {
    await blueServesFour(h);
    h.probe.setAlarm("shop-5xx", true);
    const error = await h.deployment
      .release({ ...ROLLING, verify: { alarmNames: ["shop-5xx"] } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /^Release \(rolling\) failed: batch 1 of 2: .*\. Capacity and traffic are back on blue \(100 %\); the new fleet on green was destroyed\.$/s,
    );
    const steps = (await startedSteps(h)).map(([step]) => step);
    assert.deepStrictEqual(steps.slice(steps.indexOf("rolling:verify:1")), [
      "rolling:verify:1",
      "restore-traffic",
      "up:undo",
    ]);
    const undo = (await startedSteps(h)).slice(-2);
    assert.deepStrictEqual(undo, [
      ["restore-traffic", "blue", "after rolling release: blue 100 % / green 0 %"],
      ["up:undo", "green", "destroy the new release's fleet"],
    ]);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    assert.strictEqual(desired(h, "blue"), 4);
  });

  it("the old colour slow to get healthy after its capacity is put back: said, the rest still undone", async () => {
    await blueServesFour(h);
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "rolling:wait-healthy:2")
          h.probe.setHealthy(APP, ENV, "green", false);
        if (e.kind === "step-start" && e.step === "rolling:undo-wait-healthy")
          h.probe.setHealthy(APP, ENV, "blue", false);
      },
    });
    const error = await h.deployment.release(ROLLING).catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /Capacity and traffic are back on blue \(100 %\), though blue did not report every target healthy in time; the new fleet on green was destroyed\.$/,
    );
    assert.strictEqual(desired(h, "blue"), 4);
    assert.strictEqual(releaseOf(h.engine, "green"), undefined);
    const steps = await startedSteps(h);
    assert.deepStrictEqual(
      steps.filter(([step]) => step.startsWith("rolling:undo")),
      [
        ["rolling:undo-shrink", "blue", "blue back to desired 4 (min 1, max 6)"],
        ["rolling:undo-wait-healthy", "blue", undefined],
      ],
    );
  });

  it("the traffic that cannot be put back: left for the next workflow, which finishes it from the journal", async () => {
    await blueServesFour(h);
    let failing = false;
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "rolling:wait-healthy:2") {
          h.probe.setHealthy(APP, ENV, "green", false);
          failing = true;
        }
      },
    });
    h.engine.failWhen((call) =>
      failing && call.method === "up" && call.stack === `${APP}-${ENV}-router` ? "before" : undefined,
    );
    const error = await h.deployment.release(ROLLING).catch((e: unknown) => e);
    h.engine.clearFaults();
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /Putting the old colour back did not finish: the next workflow \(`phoenix status` shows it\) completes it from the journal: capacity, then traffic, then the new fleet\.$/,
    );
    assert.strictEqual((await h.deployment.history()).at(-1)!.status, "interrupted");
    assert.strictEqual(releaseOf(h.engine, "green"), "v2", "not destroyed while it may have traffic");
  });

  it("with nothing live, a failing batch puts the router back at 0/0 (where it was) and removes the new fleet", async () => {
    await h.deployment.bootstrap();
    h.deployment = h.another({
      onProgress: (e) => {
        if (e.kind === "step-start" && e.step === "rolling:wait-healthy:2")
          h.probe.setHealthy(APP, ENV, "blue", false);
      },
    });
    const error = await h.deployment
      .release({ ...ROLLING, release: "v1", batch: 1, capacity: 3 })
      .catch((e: unknown) => e);
    assert.ok(error instanceof ReleaseFailedError, String(error));
    assert.match(
      error.message,
      /^Release \(rolling\) failed: batch 2 of 3: .*\. The router is back at 0\/0; the new fleet on blue was destroyed\.$/s,
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.strictEqual(releaseOf(h.engine, "blue"), undefined);
    const steps = (await startedSteps(h)).map(([step]) => step);
    assert.deepStrictEqual(
      steps.slice(steps.indexOf("rolling:wait-healthy:2") + 1),
      ["up:undo"],
      "nothing to restore",
    );
  });

  describe("planRolling (pure)", () => {
    it("a percentage is of the new fleet's size: 50 % of 4 is two batches of 2", () => {
      assert.deepStrictEqual(planRolling(4, 4, { percent: 50 }), [
        { newDesired: 2, oldDesired: 2, weight: 50 },
        { newDesired: 4, oldDesired: 0, weight: 100 },
      ]);
    });
    it("a first batch too small to round to 1 % still gets 1 % of the traffic, never 0", () => {
      assert.deepStrictEqual(planRolling(300, 300, { count: 1 })[0], {
        newDesired: 1,
        oldDesired: 299,
        weight: 1,
      });
    });
  });
});
