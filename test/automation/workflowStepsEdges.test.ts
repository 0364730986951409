// Edges of the workflow steps (issue 12), each pinning a behaviour a user would notice: an abort reaches the
// engine call in flight; undo and compensation steps (their names, colours and errors); the config a replaced
// fleet gets; the router's reported weights; skipped canary steps and pauses; the first live colour; the
// alarms checked after a step; what destroy does with a colour whose stack or fleet is gone.
import assert from "assert";
import { AbortedError, ColourInUseError, DeployFailedError, SwapFailedError } from "../../automation/errors";
import type { EngineCall } from "../../automation/memoryEngine";
import type { EngineStack } from "../../automation/seams";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const BLUE = `${APP}-${ENV}-blue`;
const GREEN = `${APP}-${ENV}-green`;
const ROUTER = `${APP}-${ENV}-router`;
const HOUR = 3600_000;

type Line = { step?: string; status?: string; colour?: string; detail?: string; error?: string };

async function stepLines(h: Harness, from: number): Promise<Line[]> {
  return (await h.journal()).slice(from).filter((l) => l.type === "step") as Line[];
}
const started = (lines: Line[]) => lines.filter((l) => l.status === "started").map((l) => l.step);

/** Makes the router stack's next `up` report `weightsOut` instead of what it deployed (it ignored its config). */
function routerReports(h: Harness, weightsOut: unknown): void {
  let ups = 0;
  const select = h.engine.createOrSelectStack.bind(h.engine);
  h.engine.createOrSelectStack = async (name, role) => {
    const stack = await select(name, role);
    if (name !== ROUTER) return stack;
    const up = stack.up.bind(stack);
    return Object.assign(stack, {
      up: async (...args: Parameters<EngineStack["up"]>) => {
        const result = await up(...args);
        if (++ups > 1) return result;
        return { ...result, outputs: { ...result.outputs, weights: { value: weightsOut, secret: false } } };
      },
    });
  };
}

describe("an abort reaches the engine call in flight", () => {
  // The engine call `hangs` picks never ends on its own: only its abort signal ends it. A call that was not
  // given the workflow's signal would hang the test.
  let h: Harness;
  let hangs: (call: EngineCall) => boolean = () => false;
  const controller = { current: new AbortController() };
  beforeEach(async () => {
    hangs = () => false;
    controller.current = new AbortController();
    h = harness({
      engine: {
        latencyMs: (call) => (hangs(call) ? (controller.current.abort(new Error("Ctrl-C")), 1) : 0),
        sleep: (_ms, signal) =>
          new Promise<void>((_resolve, reject) => {
            if (signal?.aborted) reject(signal.reason);
            signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
          }),
      },
    });
    await deployedOnce(h);
  });
  afterEach(() => h.cleanup());

  for (const method of ["preview", "up"] as const)
    it(`up: the ${method} of the new colour is aborted, and what up created is destroyed`, async () => {
      hangs = (call) => call.method === method && call.stack === GREEN;
      await assert.rejects(
        h.deployment.up({ release: "v2", imageId: AMI_2, signal: controller.current.signal }),
        AbortedError,
      );
      assert.ok(!h.engine.stackNames().includes(GREEN));
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });

  it("up over an older idle release: its destroy is aborted, and the undo finishes it", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.clock.now += HOUR + 1;
    let destroys = 0;
    // Only the first destroy hangs: the undo's own (not abortable) must run to the end.
    hangs = (call) => call.method === "destroy" && call.stack === BLUE && ++destroys === 1;
    await assert.rejects(
      h.deployment.up({ release: "v3", imageId: AMI_1, signal: controller.current.signal }),
      AbortedError,
    );
    assert.ok(!h.engine.stackNames().includes(BLUE));
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });

  it("destroy: the engine destroy is aborted, and the half-destroyed colour is left for the next workflow", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    hangs = (call) => call.method === "destroy" && call.stack === GREEN;
    await assert.rejects(
      h.deployment.destroy({ colour: "green", signal: controller.current.signal }),
      AbortedError,
    );
    assert.strictEqual((await h.deployment.status()).interrupted?.lastStep, "destroy");
  });

  it("a redeploy whose preview is aborted still gets its config back (a compensation is not abortable)", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2, instanceType: "t3.small" });
    hangs = (call) => call.method === "preview" && call.stack === GREEN;
    await assert.rejects(
      h.deployment.up({
        release: "v2",
        imageId: AMI_2,
        instanceType: "t3.large",
        signal: controller.current.signal,
      }),
      AbortedError,
    );
    assert.strictEqual(h.engine.inspect(GREEN)?.config["phoenix:instanceType"], "t3.small");
    assert.strictEqual(releaseOf(h.engine, "green"), "v2", "the fleet that was there stays");
  });
});

describe("workflow step edges", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  describe("deploy", () => {
    it("an undo that fails every attempt journals the engine's error on its failed line", async () => {
      await h.deployment.bootstrap();
      h.engine.failWhen((call) =>
        call.stack === BLUE && (call.method === "up" || call.method === "destroy") ? "before" : undefined,
      );
      const from = (await h.journal()).length;
      await assert.rejects(h.deployment.up({ release: "v1", imageId: AMI_1 }), DeployFailedError);
      h.engine.failWhen(undefined);
      const undo = (await stepLines(h, from)).filter((l) => l.step === "undo");
      assert.deepStrictEqual(
        undo.map((l) => [l.status, l.colour, l.detail]),
        [
          ["started", "blue", "destroy what this up created"],
          ["failed", "blue", undefined],
        ],
      );
      assert.match(undo[1].error!, /^injected fault before engine call #\d+ \(destroy shop-prod-blue\)$/);
    });

    it("an empty stack on the idle colour counts as new: a failed up destroys it", async () => {
      await deployedOnce(h);
      await h.engine.createOrSelectStack(GREEN, "fleet");
      h.engine.failWhen((call) => (call.method === "preview" && call.stack === GREEN ? "before" : undefined));
      await assert.rejects(h.deployment.up({ release: "v2", imageId: AMI_2 }), DeployFailedError);
      h.engine.failWhen(undefined);
      assert.ok(!h.engine.stackNames().includes(GREEN));
    });

    it("an older idle release whose destroy fails half way: the undo finishes it, the error says cleaned up", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await h.deployment.swap();
      h.clock.now += HOUR + 1;
      let destroys = 0;
      h.engine.failWhen((call) =>
        call.method === "destroy" && call.stack === BLUE && ++destroys === 1 ? "midway" : undefined,
      );
      const error = await h.deployment.up({ release: "v3", imageId: AMI_1 }).catch((e: unknown) => e);
      h.engine.failWhen(undefined);
      assert.ok(error instanceof DeployFailedError && error.cleanedUp, String(error));
      assert.ok(!h.engine.stackNames().includes(BLUE));
    });

    it("a failure before the new colour's stack exists destroys nothing", async () => {
      await deployedOnce(h);
      // Only the first select fails: an undo that selected the stack would create it, to destroy it.
      let selects = 0;
      h.engine.failWhen((call) =>
        call.method === "createOrSelectStack" && call.stack === GREEN && ++selects === 1
          ? "before"
          : undefined,
      );
      const destroys = h.engine.calls.filter((c) => c.method === "destroy").length;
      await assert.rejects(h.deployment.up({ release: "v2", imageId: AMI_2 }), DeployFailedError);
      h.engine.failWhen(undefined);
      assert.strictEqual(h.engine.calls.filter((c) => c.method === "destroy").length, destroys);
      assert.ok(!h.engine.stackNames().includes(GREEN));
    });

    it("a replaced release's new stack gets only the keys it sets: none blanked", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await h.deployment.swap();
      h.clock.now += HOUR + 1;
      await h.deployment.up({ release: "v3", imageId: AMI_1 });
      const config = h.engine.inspect(BLUE)!.config;
      assert.deepStrictEqual(
        Object.keys(config).filter((key) => config[key] === ""),
        [],
      );
      assert.strictEqual(config["phoenix:release"], "v3");
    });

    it("a redeploy's refused preview puts the config back in a restore-config step on the colour", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      h.engine.failWhen((call) => (call.method === "preview" && call.stack === GREEN ? "before" : undefined));
      const from = (await h.journal()).length;
      await assert.rejects(h.deployment.up({ release: "v2", imageId: AMI_2, instanceType: "t3.large" }));
      h.engine.failWhen(undefined);
      const lines = await stepLines(h, from);
      assert.deepStrictEqual(
        lines.filter((l) => l.step === "restore-config").map((l) => [l.status, l.colour]),
        [
          ["started", "green"],
          ["ok", "green"],
        ],
      );
      assert.strictEqual(h.engine.inspect(GREEN)?.config["phoenix:instanceType"], "");
    });

    it("the keep-warm window ends exactly keepWarmMs after the retirement", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await h.deployment.swap();
      h.clock.now += HOUR - 1;
      await assert.rejects(h.deployment.up({ release: "v3", imageId: AMI_1 }), { name: "KeepWarmError" });
      h.clock.now += 1;
      assert.strictEqual((await h.deployment.up({ release: "v3", imageId: AMI_1 })).replacedRelease, "v1");
    });
  });

  describe("swap", () => {
    beforeEach(async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
    });

    it("a swap from a live colour skips no step; its result says so by leaving skippedSteps out", async () => {
      const result = await h.deployment.swap({ steps: [50, 100] });
      assert.deepStrictEqual(Object.keys(result).sort(), ["from", "release", "steps", "to"]);
      assert.deepStrictEqual([result.from, result.to, result.release], ["blue", "green", "v2"]);
      assert.deepStrictEqual(
        result.steps.map((s) => [s.weight, s.changedResources]),
        [
          [50, 1],
          [100, 1],
        ],
      );
    });

    it("canary steps without a pause journal no pause step", async () => {
      const from = (await h.journal()).length;
      await h.deployment.swap({ steps: [50, 100] });
      assert.deepStrictEqual(started(await stepLines(h, from)), [
        "read-state",
        "check-health:50",
        "route:50",
        "verify:50",
        "check-health:100",
        "route:100",
        "verify:100",
      ]);
    });

    it("keeps the router stack's role in its config", async () => {
      await h.deployment.swap();
      assert.strictEqual(h.engine.inspect(ROUTER)?.config["phoenix:role"], "router");
    });

    it("checks no alarm when the list is empty; names every alarm in ALARM", async () => {
      await h.deployment.swap({ verify: { alarmNames: [] } });
      assert.deepStrictEqual(
        h.probe.calls.filter((c) => c.method === "alarmsInAlarm"),
        [],
      );
      await h.deployment.up({ release: "v3", imageId: AMI_1, force: true });
      h.probe.setAlarm("high-5xx", true);
      h.probe.setAlarm("latency-p99", true);
      await assert.rejects(
        h.deployment.swap({ verify: { alarmNames: ["high-5xx", "ok-alarm", "latency-p99"] } }),
        (error: unknown) =>
          error instanceof SwapFailedError &&
          error.reason === "CloudWatch alarms in ALARM: high-5xx, latency-p99",
      );
    });

    it("a router that reports no weights fails the step, naming what it reported", async () => {
      routerReports(h, undefined);
      await assert.rejects(
        h.deployment.swap(),
        (error: unknown) =>
          error instanceof SwapFailedError &&
          error.reason ===
            "the router stack reports weights undefined after an update to blue 0 % / green 100 %",
      );
    });

    it("a router that reports the right blue weight but another green weight fails the step", async () => {
      routerReports(h, { blue: 0, green: 50 });
      await assert.rejects(
        h.deployment.swap(),
        (error: unknown) =>
          error instanceof SwapFailedError &&
          error.reason ===
            'the router stack reports weights {"blue":0,"green":50} after an update to blue 0 % / green 100 %',
      );
    });
  });

  describe("the first swap", () => {
    it("with one fleet left, goes to it even when the journal's last deploy was to the other colour", async () => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await h.deployment.destroy({ colour: "green" });
      const result = await h.deployment.swap({ steps: [100] });
      assert.deepStrictEqual([result.from, result.to, result.release], [undefined, "blue", "v1"]);
      assert.strictEqual(result.skippedSteps, undefined, "a single step of 100 % skips nothing");
      const route = (await h.journal()).find((l) => l.type === "step" && l.step === "route:100");
      assert.strictEqual(
        route?.type === "step" ? route.detail : undefined,
        "blue 100 % / green 0 %; no release was live: straight to 100 %",
      );
    });
  });

  describe("destroy", () => {
    it("a colour with traffic whose stack is gone: nothing to destroy", async () => {
      await deployedOnce(h);
      await h.engine.createOrSelectStack(BLUE, "fleet").then((s) => s.destroy());
      await h.engine.removeStack(BLUE);
      assert.deepStrictEqual(await h.deployment.destroy({ colour: "blue" }), {
        colour: "blue",
        destroyed: false,
      });
    });

    it("a colour with traffic whose stack is empty is still refused", async () => {
      await deployedOnce(h);
      await h.engine.createOrSelectStack(BLUE, "fleet").then((s) => s.destroy());
      await assert.rejects(h.deployment.destroy({ colour: "blue" }), ColourInUseError);
      assert.ok(h.engine.stackNames().includes(BLUE));
    });
  });
});
