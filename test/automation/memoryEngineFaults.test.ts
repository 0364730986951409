// MemoryEngine's faults on demand, simulated latency, refresh and Image Builder failures, pinned on small
// hand-written programs: what a test that injects them sees (which calls fail, what each mode leaves behind,
// the errors and events word for word), and the AMIs a bake leaves in the simulated account.
import assert from "assert";
import { getEventListeners } from "events";
import type { ConfigMap, EngineEvent } from "@pulumi/pulumi/automation";
import { InjectedFault, MemoryEngine, type MemoryEngineOptions } from "../../automation/memoryEngine";
import { onFakeTime } from "../helpers/fakeTime";
import type { FakeProgramContext, FakeProgramResult } from "../../automation/memory/fakePrograms";

const GROUP = "aws:autoscaling/group:Group";

/** Four resources after the stack's own: enough for "half of the steps" to mean something. */
function program({ config }: FakeProgramContext): FakeProgramResult {
  return {
    resources: ["a", "b", "c", "d"].map((name) => ({
      type: GROUP,
      name,
      inputs: { maxSize: Number(config.maxSize ?? 1) },
    })),
    outputs: { size: Number(config.maxSize ?? 1) },
  };
}

const cfg = (values: Record<string, string>): ConfigMap =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`phoenix:${k}`, { value: v }]));

async function stackOn(options: MemoryEngineOptions = {}) {
  const engine = new MemoryEngine({ programs: { fleet: program }, ...options });
  const stack = await engine.createOrSelectStack("s", "fleet");
  return { engine, stack };
}

const names = (engine: MemoryEngine) => engine.inspect("s")!.resources.map((r) => r.name);

describe("MemoryEngine faults on demand", () => {
  it("fails the numbered call before it takes effect, with an InjectedFault that names the call", async () => {
    const { engine, stack } = await stackOn();
    engine.failCall(3, "before");
    await stack.setAllConfig(cfg({ maxSize: "2" }));
    const fault = await stack.up().then(
      () => assert.fail("call 3 must fail"),
      (error: unknown) => error as InjectedFault,
    );
    assert.ok(fault instanceof InjectedFault);
    assert.deepStrictEqual(
      [fault.name, fault.message, fault.mode, fault.call],
      [
        "InjectedFault",
        "injected fault before engine call #3 (up s)",
        "before",
        { index: 3, method: "up", stack: "s" },
      ],
    );
    assert.deepStrictEqual(names(engine), []);
    assert.deepStrictEqual((await stack.up()).summary.resourceChanges, { create: 5 }, "call 4 works");
  });

  it("fails after the effect: everything applied, outputs registered, yet an error", async () => {
    const { engine, stack } = await stackOn();
    engine.failCall(2, "after");
    await assert.rejects(stack.up(), { message: "injected fault after engine call #2 (up s)" });
    assert.deepStrictEqual(names(engine), ["phoenix-s", "a", "b", "c", "d"]);
    assert.deepStrictEqual(engine.inspect("s")!.outputs, { size: 1 });
  });

  it("names a call without a stack without one", async () => {
    const { engine } = await stackOn();
    engine.failCall(2, "after");
    await assert.rejects(engine.listStacks(), {
      message: "injected fault after engine call #2 (listStacks)",
    });
  });

  it("applies the first half of an up's steps midway (rounded up), and keeps the last good outputs", async () => {
    const { engine, stack } = await stackOn();
    engine.failCall(2, "midway");
    await assert.rejects(stack.up(), { message: "injected fault midway engine call #2 (up s)" });
    assert.deepStrictEqual(names(engine), ["phoenix-s", "a", "b"], "3 of 5 steps");
    assert.deepStrictEqual(engine.inspect("s")!.outputs, {});
    await stack.up();
    assert.deepStrictEqual(engine.inspect("s")!.outputs, { size: 1 });
    await stack.setAllConfig(cfg({ maxSize: "2" }));
    engine.failCall(engine.callCount + 1, "midway");
    await assert.rejects(stack.up());
    assert.deepStrictEqual(
      engine.inspect("s")!.outputs,
      { size: 1 },
      "the failed update's outputs are not kept",
    );
    assert.deepStrictEqual(
      engine.inspect("s")!.resources.map((r) => r.inputs.maxSize),
      [undefined, 2, 2, 1, 1],
    );
    assert.deepStrictEqual(
      (await stack.up()).summary.resourceChanges,
      { same: 3, update: 2 },
      "not midway again",
    );
  });

  it("destroys the first half (rounded up) of the resources midway, last created first, and keeps the outputs", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.failCall(engine.callCount + 1, "midway");
    await assert.rejects(stack.destroy({ remove: true }));
    assert.deepStrictEqual(names(engine), ["phoenix-s", "a"]);
    assert.deepStrictEqual(engine.inspect("s")!.outputs, { size: 1 });
    assert.deepStrictEqual(engine.stackNames(), ["s"], "a failed destroy removes no stack");
  });

  it("fails any other call midway as after: its effect taken, then the fault", async () => {
    const { engine, stack } = await stackOn();
    engine.failCall(2, "midway");
    await assert.rejects(stack.setAllConfig(cfg({ maxSize: "3" })), {
      message: "injected fault midway engine call #2 (setAllConfig s)",
    });
    assert.deepStrictEqual(engine.inspect("s")!.config, { "phoenix:maxSize": "3" });
    engine.failCall(3, "midway");
    await assert.rejects(stack.preview(), { message: "injected fault midway engine call #3 (preview s)" });
    assert.deepStrictEqual(names(engine), []);
  });

  it("fails the calls a rule picks, until it is replaced or the faults are cleared", async () => {
    const { engine, stack } = await stackOn();
    engine.failWhen((call) => (call.method === "preview" ? "before" : undefined));
    await assert.rejects(stack.preview(), { message: "injected fault before engine call #2 (preview s)" });
    await stack.outputs();
    engine.failWhen((call) => (call.method === "outputs" ? "after" : undefined));
    await stack.preview();
    await assert.rejects(stack.outputs(), InjectedFault);
    engine.failCall(engine.callCount + 2, "before");
    engine.clearFaults();
    await stack.outputs();
    await stack.outputs();
    engine.failCall(engine.callCount + 1, "before");
    engine.failWhen(undefined);
    await assert.rejects(stack.outputs(), InjectedFault, "failWhen(undefined) leaves numbered faults");
  });

  it("counts every call, failed ones included, and fails nothing by default", async () => {
    const { engine, stack } = await stackOn();
    await stack.setAllConfig(cfg({}));
    await stack.getAllConfig();
    engine.failCall(4, "before");
    await assert.rejects(stack.up());
    await stack.refresh();
    await stack.destroy();
    await engine.removeStack("s");
    assert.deepStrictEqual(
      engine.calls.map((c) => `${c.index} ${c.method} ${c.stack}`),
      [
        "1 createOrSelectStack s",
        "2 setAllConfig s",
        "3 getAllConfig s",
        "4 up s",
        "5 refresh s",
        "6 destroy s",
        "7 removeStack s",
      ],
    );
    assert.strictEqual(engine.callCount, 7);
  });
});

describe("MemoryEngine latency", () => {
  it("spends a fixed latency on every call through the injected sleep, with the call's signal", async () => {
    const slept: [number, AbortSignal | undefined][] = [];
    const { engine, stack } = await stackOn({
      latencyMs: 40,
      sleep: async (ms, signal) => void slept.push([ms, signal]),
    });
    const controller = new AbortController();
    await stack.preview({ signal: controller.signal });
    assert.deepStrictEqual(slept, [
      [40, undefined],
      [40, controller.signal],
    ]);
    assert.strictEqual(engine.simulatedLatencyMs, 80);
    assert.ok(engine.engineTimeMs > 0);
  });

  it("sleeps on a timer that the call's signal cancels, rejecting with the signal's reason", async () => {
    const controller = new AbortController();
    const reason = new Error("stopped by the user");
    const { engine, stack } = await stackOn({ latencyMs: (call) => (call.method === "up" ? 3_600_000 : 0) });
    const up = stack.up({ signal: controller.signal });
    controller.abort(reason);
    await assert.rejects(up, (error) => error === reason);
    assert.deepStrictEqual(names(engine), [], "nothing applied");
    assert.strictEqual(engine.simulatedLatencyMs, 3_600_000);
  });

  it("does not sleep once the signal is aborted (by the latency rule itself here)", async () => {
    const controller = new AbortController();
    const reason = new Error("aborted while asking the latency");
    const { stack } = await stackOn({
      latencyMs: (call) => (call.method === "up" ? (controller.abort(reason), 3_600_000) : 0),
    });
    await assert.rejects(stack.up({ signal: controller.signal }), (error) => error === reason);
  });

  // The default sleep is what is under test: on Node's mock timers, so a minute of latency takes no time.
  it("sleeps on the timers by default, with or without a signal", async () => {
    const { engine, stack } = await stackOn({ latencyMs: (call) => (call.method === "up" ? 60_000 : 0) });
    const signal = new AbortController().signal;
    const outcome = await onFakeTime(
      async () => {
        await stack.up();
        await stack.up({ signal });
        await stack.up({ signal });
      },
      { stepMs: 1000, limitMs: 600_000 },
    );
    assert.ok(outcome.settled && "value" in outcome.settled, JSON.stringify(outcome.settled));
    assert.ok(outcome.elapsedMs >= 180_000, `${outcome.elapsedMs} ms of fake time`);
    assert.strictEqual(engine.simulatedLatencyMs, 180_000);
    // Node warns of a leak past 10 listeners on one signal: a workflow's signal goes to every call.
    assert.strictEqual(getEventListeners(signal, "abort").length, 0, "each sleep took its listener off");
  });

  it("refuses a call whose signal is already aborted, before any effect", async () => {
    const { engine, stack } = await stackOn();
    const reason = new Error("already stopped");
    await assert.rejects(stack.up({ signal: AbortSignal.abort(reason) }), (error) => error === reason);
    await assert.rejects(stack.destroy({ signal: AbortSignal.abort(reason) }), (error) => error === reason);
    await assert.rejects(stack.refresh({ signal: AbortSignal.abort(reason) }), (error) => error === reason);
    await assert.rejects(stack.preview({ signal: AbortSignal.abort(reason) }), (error) => error === reason);
    assert.deepStrictEqual(names(engine), []);
  });
});

describe("MemoryEngine refresh", () => {
  it("adopts what the cloud holds on a real refresh: drifted inputs taken, deleted resources gone, drift cleared", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.simulateDrift("s", "a", { maxSize: 7, extra: "cloud-only" });
    engine.simulateDrift("s", "b", null);
    const events: EngineEvent[] = [];
    await stack.setAllConfig({
      "phoenix:maxSize": { value: "1" },
      "phoenix:token": { value: "t", secret: true },
    });
    const result = await stack.refresh({ onEvent: (e) => events.push(e), message: "r" });
    assert.deepStrictEqual(events[0].preludeEvent, {
      config: { "phoenix:maxSize": "1", "phoenix:token": "[secret]" },
    });
    assert.deepStrictEqual(result.summary.resourceChanges, { same: 3, update: 1, delete: 1 });
    assert.deepStrictEqual(
      [result.stdout, result.summary.kind, result.summary.message, result.summary.version],
      ["Refreshing (s)\n", "refresh", "r", 2],
    );
    assert.strictEqual(result.stderr, "");
    assert.strictEqual((events.at(-1)!.summaryEvent as unknown as { isPreview: boolean }).isPreview, false);
    assert.ok(events.filter((e) => e.resourcePreEvent).every((e) => e.resourcePreEvent!.planning === false));
    assert.deepStrictEqual(names(engine), ["phoenix-s", "a", "c", "d"]);
    const a = engine.inspect("s")!.resources[1];
    assert.deepStrictEqual(a.inputs, { maxSize: 7 }, "Read returns the live value of each declared input");
    assert.deepStrictEqual(engine.liveOutputs("s", "a"), {
      maxSize: 7,
      extra: "cloud-only",
      id: engine.liveOutputs("s", "a")!.id,
    });
    assert.deepStrictEqual((await stack.refresh({ expectNoChanges: true })).summary.resourceChanges, {
      same: 4,
    });
    assert.deepStrictEqual((await stack.up()).summary.resourceChanges, { same: 3, update: 1, create: 1 });
  });

  it("keeps drift through an up that leaves the resource as it is, and forgets it once an up writes the resource", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.simulateDrift("s", "a", { maxSize: 7 });
    await stack.up();
    assert.strictEqual(engine.liveOutputs("s", "a")!.maxSize, 7, "a same step touches nothing");
    await stack.setAllConfig(cfg({ maxSize: "2" }));
    await stack.up();
    assert.strictEqual(engine.liveOutputs("s", "a")!.maxSize, 2);
  });

  it("forgets the drift of destroyed resources: the same URN created again is as declared", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.simulateDrift("s", "a", { maxSize: 7 });
    await stack.destroy();
    await stack.up();
    assert.strictEqual(engine.liveOutputs("s", "a")!.maxSize, 1);
    assert.deepStrictEqual((await stack.refresh({ previewOnly: true })).summary.resourceChanges, { same: 5 });
  });

  it("reports the refresh steps of an up --refresh before its plan, op refresh and not planning, uncounted", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.simulateDrift("s", "b", { maxSize: 4 });
    const events: EngineEvent[] = [];
    const result = await stack.up({ refresh: true, onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(result.summary.resourceChanges, { same: 4, update: 1 });
    const ofB = events.flatMap((e) => {
      const event = e.resourcePreEvent ?? e.resOutputsEvent;
      return event?.metadata.urn.endsWith("::b") ? [[event.metadata.op, event.planning]] : [];
    });
    assert.deepStrictEqual(ofB, [
      ["refresh", false],
      ["refresh", false],
      ["update", false],
      ["update", false],
    ]);
    assert.strictEqual(engine.liveOutputs("s", "b")!.maxSize, 1);
  });

  it("counts a drift that puts back exactly the state's outputs as same", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.simulateDrift("s", "a", { maxSize: 1 });
    assert.deepStrictEqual((await stack.refresh({ previewOnly: true })).summary.resourceChanges, { same: 5 });
  });

  it("never reads a component or the stack itself (their drift is not the cloud's)", async () => {
    const engine = new MemoryEngine({
      programs: {
        fleet: () => ({
          resources: [{ type: "phoenix:aws:ImmutableFleet", name: "web", inputs: { size: 1 } }],
          outputs: {},
        }),
      },
    });
    const stack = await engine.createOrSelectStack("s", "fleet");
    await stack.up();
    engine.simulateDrift("s", "web", null);
    assert.deepStrictEqual((await stack.refresh({ previewOnly: true })).summary.resourceChanges, { same: 2 });
  });

  it("reports refresh steps within a preview --refresh as op refresh, uncounted, and plans from the cloud", async () => {
    const { engine, stack } = await stackOn();
    await stack.up();
    engine.simulateDrift("s", "a", { maxSize: 7 });
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ refresh: true, onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(preview.changeSummary, { same: 4, update: 1 });
    const outputsOfA = events.filter((e) => e.resOutputsEvent?.metadata.urn.endsWith("::a"));
    assert.deepStrictEqual(
      outputsOfA.map((e) => [e.resOutputsEvent!.metadata.op, e.resOutputsEvent!.planning]),
      [
        ["refresh", true],
        ["update", true],
      ],
    );
    assert.strictEqual(engine.liveOutputs("s", "a")!.maxSize, 7, "a preview leaves the drift");
    assert.strictEqual(engine.inspect("s")!.resources[1].inputs.maxSize, 1, "and the state");
  });
});

/** A golden-ami program: recipe, distribution to two regions (tags on the first), the image, its AMIs. */
function bakeProgram({ config }: FakeProgramContext): FakeProgramResult {
  return {
    resources: [
      {
        type: "aws:imagebuilder/imageRecipe:ImageRecipe",
        name: "recipe",
        inputs: { name: "shop", version: config.version ?? "1.0.0" },
      },
      {
        type: "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
        name: "dist",
        inputs: {
          name: "shop",
          distributions: [
            { region: "eu-west-1", amiDistributionConfiguration: { amiTags: { App: "shop" } } },
            { region: "us-east-1", amiDistributionConfiguration: { amiTags: { App: "shop-us" } } },
          ],
        },
      },
      {
        type: "aws:imagebuilder/image:Image",
        name: "image",
        inputs: {
          imageRecipeArn: `arn:aws:imagebuilder:eu-west-1:123456789012:image-recipe/shop/${config.version ?? "1.0.0"}`,
        },
      },
    ],
    outputs: {
      imageArn: "arn:aws:imagebuilder:eu-west-1:123456789012:image/shop/1.0.0/1",
      imageIds: { "eu-west-1": "ami-eu", "us-east-1": "ami-us", "ap-south-1": "ami-ap" },
    },
  };
}

describe("MemoryEngine bakes", () => {
  it("registers the AMIs a golden-ami up produced, tagged as its distribution says, the first region's tags elsewhere", async () => {
    const engine = new MemoryEngine({
      programs: { "golden-ami": bakeProgram },
      now: () => Date.parse("2026-02-01T00:00:00Z"),
    });
    const stack = await engine.createOrSelectStack("ami", "golden-ami");
    await stack.up();
    const arn = "arn:aws:imagebuilder:eu-west-1:123456789012:image/shop/1.0.0/1";
    assert.deepStrictEqual(
      engine.images.all().map((a) => [a.imageId, a.region, a.tags, a.creationDate]),
      [
        ["ami-eu", "eu-west-1", { App: "shop", Ec2ImageBuilderArn: arn }, "2026-02-01T00:00:00.000Z"],
        ["ami-us", "us-east-1", { App: "shop-us", Ec2ImageBuilderArn: arn }, "2026-02-01T00:00:00.000Z"],
        ["ami-ap", "ap-south-1", { App: "shop", Ec2ImageBuilderArn: arn }, "2026-02-01T00:00:00.000Z"],
      ],
    );
  });

  it("registers no AMI for another role's outputs, nor from an up that failed midway", async () => {
    const engine = new MemoryEngine({ programs: { "golden-ami": bakeProgram, fleet: bakeProgram } });
    await (await engine.createOrSelectStack("fleet", "fleet")).up();
    const ami = await engine.createOrSelectStack("ami", "golden-ami");
    engine.failCall(engine.callCount + 1, "midway");
    await assert.rejects(ami.up());
    assert.deepStrictEqual(engine.images.all(), []);
  });

  it("tags the AMIs with an empty builder ARN when the stack has none, and the distribution's absence leaves no tags", async () => {
    const engine = new MemoryEngine({
      programs: { "golden-ami": () => ({ resources: [], outputs: { imageIds: { "eu-west-1": "ami-x" } } }) },
    });
    await (await engine.createOrSelectStack("ami", "golden-ami")).up();
    assert.deepStrictEqual(engine.images.get("ami-x")!.tags, { Ec2ImageBuilderArn: "" });
  });

  it("tags an AMI with the builder ARN alone when its region's distribution sets no AMI tags", async () => {
    const engine = new MemoryEngine({
      programs: {
        "golden-ami": () => ({
          resources: [
            {
              type: "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
              name: "dist",
              inputs: { distributions: [{ region: "eu-west-1" }] },
            },
          ],
          outputs: { imageArn: "arn:image", imageIds: { "eu-west-1": "ami-x" } },
        }),
      },
    });
    await (await engine.createOrSelectStack("ami", "golden-ami")).up();
    assert.deepStrictEqual(engine.images.get("ami-x")!.tags, { Ec2ImageBuilderArn: "arn:image" });
  });

  it("registers nothing for a golden-ami stack without image ids", async () => {
    const engine = new MemoryEngine({ programs: { "golden-ami": () => ({ resources: [], outputs: {} }) } });
    await (await engine.createOrSelectStack("ami", "golden-ami")).up();
    assert.deepStrictEqual(engine.images.all(), []);
  });

  it("fails the image's create while image tests fail: earlier steps applied, the engine's failure events, no AMI", async () => {
    const engine = new MemoryEngine({ programs: { "golden-ami": bakeProgram } });
    const stack = await engine.createOrSelectStack("ami", "golden-ami");
    await stack.setAllConfig(cfg({ version: "1.0.0" }));
    engine.failImageTests(true);
    const events: EngineEvent[] = [];
    const urn = "urn:pulumi:ami::phoenix::aws:imagebuilder/image:Image::image";
    const message =
      `creating urn ${urn}: waiting for Image Builder Image (shop) to become available: unexpected state ` +
      "'FAILED', wanted target 'AVAILABLE'. last error: Image tests failed";
    await assert.rejects(stack.up({ onEvent: (e) => events.push(e) }), {
      message: `code: 255\n stderr: error: update failed\n  ${message}`,
    });
    assert.deepStrictEqual(
      engine.inspect("ami")!.resources.map((r) => r.name),
      ["phoenix-ami", "recipe", "dist"],
    );
    assert.deepStrictEqual(engine.images.all(), []);
    assert.deepStrictEqual(events[0].preludeEvent, { config: { "phoenix:version": "1.0.0" } });
    const applied = events.filter((e) => e.resourcePreEvent ?? e.resOutputsEvent);
    assert.deepStrictEqual(
      applied.map((e) => {
        const { metadata, planning } = (e.resourcePreEvent ?? e.resOutputsEvent)!;
        return [metadata.op, metadata.urn.split("::").pop(), planning];
      }),
      [
        ["create", "phoenix-ami", false],
        ["create", "phoenix-ami", false],
        ["create", "recipe", false],
        ["create", "recipe", false],
        ["create", "dist", false],
        ["create", "dist", false],
        ["create", "image", false],
      ],
    );
    const kinds = events.map((e) => Object.keys(e).find((k) => k.endsWith("Event")));
    assert.deepStrictEqual(kinds, [
      "preludeEvent",
      ...Array(3).fill(["resourcePreEvent", "resOutputsEvent"]).flat(),
      "resourcePreEvent",
      "resOpFailedEvent",
      "diagnosticEvent",
      "summaryEvent",
    ]);
    const failed = (
      events.at(-3) as unknown as {
        resOpFailedEvent: { status: number; steps: number; metadata: { urn: string; op: string } };
      }
    ).resOpFailedEvent;
    assert.deepStrictEqual(
      [failed.status, failed.steps, failed.metadata.urn, failed.metadata.op],
      [1, 3, urn, "create"],
    );
    assert.deepStrictEqual(events.at(-2)!.diagnosticEvent, {
      message: `${message}\n`,
      color: "never",
      severity: "error",
      urn,
    });
    const summary = events.at(-1)!.summaryEvent as unknown as {
      result: string;
      resourceChanges: object;
      isPreview: boolean;
    };
    assert.deepStrictEqual(
      [summary.result, summary.resourceChanges, summary.isPreview],
      ["failed", { create: 3 }, false],
    );
    assert.deepStrictEqual(engine.inspect("ami")!.outputs, {});
    engine.failImageTests(false);
    assert.strictEqual((await stack.up()).summary.version, 2, "the failed update counted as one");
    assert.deepStrictEqual(
      engine.images.all().map((a) => a.imageId),
      ["ami-eu", "ami-us", "ami-ap"],
    );
  });

  it("fails a replaced image too, and lets an up without an image change through", async () => {
    const engine = new MemoryEngine({ programs: { "golden-ami": bakeProgram } });
    const stack = await engine.createOrSelectStack("ami", "golden-ami");
    await stack.up();
    engine.failImageTests(true);
    assert.deepStrictEqual(
      (await stack.up()).summary.resourceChanges,
      { same: 4 },
      "no image created: nothing fails",
    );
    await stack.setAllConfig(cfg({ version: "1.0.1" }));
    await assert.rejects(stack.up(), /Image Builder Image \(shop\) to become available/);
    assert.match(
      String(engine.inspect("ami")!.resources.find((r) => r.name === "recipe")!.inputs.version),
      /^1\.0\.1$/,
      "the recipe before the image was replaced",
    );
  });

  it("names the recipe `image` when the image has no recipe ARN", async () => {
    const engine = new MemoryEngine({
      programs: {
        "golden-ami": () => ({
          resources: [{ type: "aws:imagebuilder/image:Image", name: "image", inputs: {} }],
          outputs: {},
        }),
      },
    });
    engine.failImageTests(true);
    await assert.rejects(
      (await engine.createOrSelectStack("ami", "golden-ami")).up(),
      /Image Builder Image \(image\)/,
    );
  });
});
