// MemoryEngine's plan and reports, pinned on small hand-written programs (no worker, exact inputs): what a
// user of the kit sees for create, same, update, replace (the ForceNew table) and delete, in the events, the
// counts, the ids and the outputs; config, stacks and their errors word for word.
import assert from "assert";
import type { ConfigMap, EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { MemoryEngine } from "../../automation/memoryEngine";
import type { FakeProgramContext, FakeProgramResult } from "../../automation/memory/fakePrograms";

const GROUP = "aws:autoscaling/group:Group";
const TEMPLATE = "aws:ec2/launchTemplate:LaunchTemplate";
const COMPONENT = "phoenix:aws:ImmutableFleet";

/**
 * A fleet-like program driven by its config: a component, a template (`name` is ForceNew) and a group under it
 * (`maxSize` updates in place); `extra` adds a third resource, `secret` a secret input.
 */
function program({ config }: FakeProgramContext): FakeProgramResult {
  const resources: FakeProgramResult["resources"] = [
    { type: COMPONENT, name: "web", inputs: {} },
    {
      type: TEMPLATE,
      name: "web-lt",
      parentType: COMPONENT,
      inputs: { name: `web-${config.release}`, imageId: config.imageId },
    },
    {
      type: GROUP,
      name: "web-asg",
      parentType: COMPONENT,
      inputs: {
        maxSize: Number(config.maxSize ?? 3),
        ...(config.minSize ? { minSize: Number(config.minSize) } : {}),
        ...(config.secret
          ? {
              userData: {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                value: "x",
              },
            }
          : {}),
      },
    },
  ];
  if (config.extra) resources.push({ type: "aws:iam/role:Role", name: "web-role", inputs: { path: "/" } });
  return { resources, outputs: { release: config.release, size: Number(config.maxSize ?? 3) } };
}

const cfg = (values: Record<string, string>): ConfigMap =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`phoenix:${k}`, { value: v }]));

async function deployed(values: Record<string, string> = {}) {
  const engine = new MemoryEngine({ programs: { fleet: program } });
  const stack = await engine.createOrSelectStack("s", "fleet");
  await stack.setAllConfig(cfg({ release: "v1", imageId: "ami-1", ...values }));
  await stack.up();
  return { engine, stack };
}

/** The steps of an event stream: [op, logical name] of each pre-event. */
const steps = (events: EngineEvent[]) =>
  events.flatMap((e) =>
    e.resourcePreEvent ? [[e.resourcePreEvent.metadata.op, nameOf(e.resourcePreEvent.metadata)]] : [],
  );
const nameOf = (m: StepEventMetadata) => m.urn.split("::").pop();
const preOf = (events: EngineEvent[], name: string) =>
  events.find((e) => e.resourcePreEvent && nameOf(e.resourcePreEvent.metadata) === name)!.resourcePreEvent!
    .metadata;

describe("MemoryEngine plans and reports", () => {
  it("creates every resource on the first up: ids, parents, providers and outputs as the engine reports them", async () => {
    const engine = new MemoryEngine({ programs: { fleet: program } });
    const stack = await engine.createOrSelectStack("s", "fleet");
    await stack.setAllConfig(cfg({ release: "v1", imageId: "ami-1" }));
    const events: EngineEvent[] = [];
    const result = await stack.up({ onEvent: (e) => events.push(e), message: "first" });
    assert.deepStrictEqual(steps(events), [
      ["create", "phoenix-s"],
      ["create", "web"],
      ["create", "web-lt"],
      ["create", "web-asg"],
    ]);
    const template = preOf(events, "web-lt");
    assert.strictEqual(
      template.urn,
      "urn:pulumi:s::phoenix::phoenix:aws:ImmutableFleet$aws:ec2/launchTemplate:LaunchTemplate::web-lt",
    );
    assert.strictEqual(template.provider, "urn:pulumi:phoenix::default_7_48_0");
    assert.strictEqual(template.old, undefined);
    const state = template.new!;
    assert.strictEqual(state.parent, "urn:pulumi:s::phoenix::phoenix:aws:ImmutableFleet::web");
    assert.strictEqual(state.custom, true);
    assert.match(state.id, /^launchtemplate-[0-9a-f]{12}$/);
    assert.deepStrictEqual(state.inputs, { name: "web-v1", imageId: "ami-1" });
    assert.deepStrictEqual(state.outputs, { name: "web-v1", imageId: "ami-1", id: state.id });
    const component = preOf(events, "web");
    assert.deepStrictEqual(
      [
        component.provider,
        component.new!.custom,
        component.new!.id,
        component.new!.outputs,
        component.new!.parent,
      ],
      ["", false, "", {}, "urn:pulumi:s::phoenix::pulumi:pulumi:Stack::phoenix-s"],
    );
    assert.strictEqual(preOf(events, "phoenix-s").new!.parent, "");
    assert.deepStrictEqual(result.summary.resourceChanges, { create: 4 });
    assert.deepStrictEqual(
      [result.summary.kind, result.summary.message, result.summary.result, result.summary.version],
      ["update", "first", "succeeded", 1],
    );
    assert.deepStrictEqual(result.summary.environment, { exec_kind: "auto.inline" });
    assert.deepStrictEqual(result.summary.config, cfg({ release: "v1", imageId: "ami-1" }));
    assert.deepStrictEqual(result.outputs, {
      release: { value: "v1", secret: false },
      size: { value: 3, secret: false },
    });
    assert.deepStrictEqual([result.stdout, result.stderr], ["Updating (s)\n", ""]);
    const summary = events.at(-1)!.summaryEvent!;
    assert.deepStrictEqual(summary.resourceChanges, { create: 4 });
    assert.strictEqual((summary as unknown as { isPreview: boolean }).isPreview, false);
    assert.deepStrictEqual(
      events.map((e) => e.sequence),
      events.map((_, i) => events[0].sequence + i),
      "sequence numbers count up by one",
    );
  });

  it("updates in place (same id) on a key the ForceNew table leaves out, with add / update / delete diffs", async () => {
    const { engine, stack } = await deployed({ minSize: "1" });
    const id = engine.liveOutputs("s", "web-asg")!.id;
    await stack.setAllConfig(cfg({ maxSize: "5", minSize: "" }));
    const events: EngineEvent[] = [];
    const result = await stack.up({ onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(result.summary.resourceChanges, { same: 3, update: 1 });
    const group = preOf(events, "web-asg");
    assert.strictEqual(group.op, "update");
    assert.deepStrictEqual(group.diffs, ["maxSize", "minSize"]);
    assert.deepStrictEqual(group.detailedDiff, {
      maxSize: { diffKind: "update", inputDiff: true },
      minSize: { diffKind: "delete", inputDiff: true },
    });
    assert.strictEqual(group.keys, undefined, "an update names no replace keys");
    assert.strictEqual(group.new!.id, id);
    assert.deepStrictEqual(group.new!.outputs, { maxSize: 5, id });
    assert.deepStrictEqual(group.old!.outputs, { maxSize: 3, minSize: 1, id });
    assert.deepStrictEqual(engine.liveOutputs("s", "web-asg"), { maxSize: 5, id });
    await stack.setAllConfig(cfg({ minSize: "2" }));
    const added: EngineEvent[] = [];
    await stack.preview({ onEvent: (e) => added.push(e) });
    assert.deepStrictEqual(preOf(added, "web-asg").detailedDiff, {
      minSize: { diffKind: "add", inputDiff: true },
    });
  });

  it("replaces (new id) when a ForceNew key changes, marking that key `-replace` and naming it in keys", async () => {
    const { engine, stack } = await deployed();
    const id = engine.liveOutputs("s", "web-lt")!.id;
    await stack.setAllConfig(cfg({ release: "v2", imageId: "ami-2" }));
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(preview.changeSummary, { same: 3, replace: 1 });
    assert.deepStrictEqual([preview.stdout, preview.stderr], ["Previewing update (s)\n", ""]);
    const template = preOf(events, "web-lt");
    assert.strictEqual(template.op, "replace");
    assert.deepStrictEqual(template.diffs, ["imageId", "name"]);
    assert.deepStrictEqual(template.detailedDiff, {
      imageId: { diffKind: "update", inputDiff: true },
      name: { diffKind: "update-replace", inputDiff: true },
    });
    assert.deepStrictEqual(template.keys, ["name"]);
    assert.strictEqual(engine.liveOutputs("s", "web-lt")!.id, id, "a preview changes nothing");
    await stack.up();
    const replaced = engine.liveOutputs("s", "web-lt")!;
    assert.notStrictEqual(replaced.id, id);
    assert.match(String(replaced.id), /^launchtemplate-[0-9a-f]{12}$/);
    assert.deepStrictEqual(replaced, { name: "web-v2", imageId: "ami-2", id: replaced.id });
  });

  it("deletes what the program no longer declares, after the other steps, last created first", async () => {
    const { engine, stack } = await deployed({ extra: "yes" });
    await stack.setAllConfig(cfg({ extra: "" }));
    const events: EngineEvent[] = [];
    const result = await stack.up({ onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(steps(events), [
      ["same", "phoenix-s"],
      ["same", "web"],
      ["same", "web-lt"],
      ["same", "web-asg"],
      ["delete", "web-role"],
    ]);
    const deleted = preOf(events, "web-role");
    assert.strictEqual(deleted.new, undefined);
    assert.strictEqual(deleted.old!.type, "aws:iam/role:Role");
    assert.deepStrictEqual(result.summary.resourceChanges, { same: 4, delete: 1 });
    assert.deepStrictEqual(
      engine.inspect("s")!.resources.map((r) => r.name),
      ["phoenix-s", "web", "web-lt", "web-asg"],
    );
  });

  it("destroys in reverse order, reporting deletes; the stack stays (empty) unless removed", async () => {
    const { engine, stack } = await deployed({ extra: "yes" });
    const events: EngineEvent[] = [];
    const result = await stack.destroy({ onEvent: (e) => events.push(e), message: "bye" });
    assert.deepStrictEqual(steps(events), [
      ["delete", "web-role"],
      ["delete", "web-asg"],
      ["delete", "web-lt"],
      ["delete", "web"],
      ["delete", "phoenix-s"],
    ]);
    assert.deepStrictEqual(
      [result.stdout, result.summary.kind, result.summary.message, result.summary.resourceChanges],
      ["Destroying (s)\n", "destroy", "bye", { delete: 5 }],
    );
    assert.strictEqual(result.summary.version, 2, "one update, one destroy");
    assert.strictEqual(result.stderr, "");
    assert.ok(events.filter((e) => e.resourcePreEvent).every((e) => e.resourcePreEvent!.planning === false));
    assert.strictEqual((events.at(-1)!.summaryEvent as unknown as { isPreview: boolean }).isPreview, false);
    assert.deepStrictEqual(engine.inspect("s")!.resources, []);
    assert.deepStrictEqual(await stack.outputs(), {});
    assert.deepStrictEqual(engine.stackNames(), ["s"]);
    await stack.up();
    await stack.destroy({ remove: true });
    assert.deepStrictEqual(engine.stackNames(), []);
  });

  it("previews a destroy without changing anything", async () => {
    const { engine, stack } = await deployed();
    const events: EngineEvent[] = [];
    const result = await stack.destroy({ previewOnly: true, onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(result.summary.resourceChanges, { delete: 4 });
    assert.ok(events.filter((e) => e.resourcePreEvent).every((e) => e.resourcePreEvent!.planning === true));
    assert.strictEqual(engine.inspect("s")!.resources.length, 4);
    assert.strictEqual((await stack.outputs()).release.value, "v1");
  });

  it("calls beforeDestroy with the state still intact, once per destroy that takes effect", async () => {
    const seen: string[] = [];
    const engine = new MemoryEngine({
      programs: { fleet: program },
      beforeDestroy: (name, self) => seen.push(`${name}:${self.inspect(name)!.resources.length}`),
    });
    const stack = await engine.createOrSelectStack("s", "fleet");
    await stack.setAllConfig(cfg({ release: "v1", imageId: "ami-1" }));
    await stack.up();
    await stack.destroy({ previewOnly: true });
    assert.deepStrictEqual(seen, []);
    engine.failCall(engine.callCount + 1, "midway");
    await assert.rejects(stack.destroy());
    assert.deepStrictEqual(
      engine.inspect("s")!.resources.map((r) => r.name),
      ["phoenix-s", "web"],
      "half gone",
    );
    assert.strictEqual((await stack.destroy()).summary.version, 3, "the midway destroy counted as one");
    assert.deepStrictEqual(seen, ["s:4", "s:2"]);
  });

  it("counts a plain update as same when nothing changed, and fails expectNoChanges only on a change", async () => {
    const { stack } = await deployed();
    const same = await stack.preview({ expectNoChanges: true });
    assert.deepStrictEqual(same.changeSummary, { same: 4 });
    await stack.setAllConfig(cfg({ maxSize: "4" }));
    await assert.rejects(stack.preview({ expectNoChanges: true }), {
      message: "code: 255\n stderr: error: no changes were expected but changes were proposed",
    });
  });

  it("shows secret config and secret inputs blinded in its events", async () => {
    const engine = new MemoryEngine({ programs: { fleet: program } });
    const stack = await engine.createOrSelectStack("s", "fleet");
    await stack.setAllConfig({
      ...cfg({ release: "v1", imageId: "ami-1", secret: "yes" }),
      "phoenix:token": { value: "hunter2", secret: true },
    });
    const events: EngineEvent[] = [];
    await stack.up({ onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(events[0].preludeEvent!.config, {
      "phoenix:release": "v1",
      "phoenix:imageId": "ami-1",
      "phoenix:secret": "yes",
      "phoenix:token": "[secret]",
    });
    const blinded = {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      ciphertext: "[secret]",
    };
    const group = preOf(events, "web-asg").new!;
    assert.deepStrictEqual(group.inputs, { maxSize: 3, userData: blinded });
    assert.deepStrictEqual(group.outputs, { maxSize: 3, userData: blinded, id: group.id });
    assert.ok(!JSON.stringify(events).includes("hunter2"));
  });

  it("merges config on setAllConfig and hands out copies of it", async () => {
    const { engine, stack } = await deployed();
    await stack.setAllConfig(cfg({ maxSize: "4" }));
    const config = await stack.getAllConfig();
    assert.deepStrictEqual(config, cfg({ release: "v1", imageId: "ami-1", maxSize: "4" }));
    config["phoenix:release"].value = "changed";
    assert.strictEqual((await stack.getAllConfig())["phoenix:release"].value, "v1");
    assert.deepStrictEqual(engine.inspect("s")!.config, {
      "phoenix:release": "v1",
      "phoenix:imageId": "ami-1",
      "phoenix:maxSize": "4",
    });
  });

  it("keeps its own copy of the config it is given", async () => {
    const engine = new MemoryEngine({ programs: { fleet: program } });
    const stack = await engine.createOrSelectStack("s", "fleet");
    const config = cfg({ release: "v1", imageId: "ami-1" });
    await stack.setAllConfig(config);
    config["phoenix:release"].value = "changed by the caller";
    assert.strictEqual((await stack.getAllConfig())["phoenix:release"].value, "v1");
  });

  it("stamps events with the wall clock's seconds and a summary with the update's duration", async () => {
    const { stack } = await deployed();
    const realNow = Date.now;
    Date.now = () => Date.parse("2026-01-01T00:00:09.900Z");
    const events: EngineEvent[] = [];
    try {
      await stack.preview({ onEvent: (e) => events.push(e) });
    } finally {
      Date.now = realNow;
    }
    assert.deepStrictEqual([...new Set(events.map((e) => e.timestamp))], [1767225609]);
    assert.strictEqual(events.at(-1)!.summaryEvent!.durationSeconds, 0);
  });

  it("passes the program only its own namespace's config, without the namespace", async () => {
    const seen: Record<string, string>[] = [];
    const engine = new MemoryEngine({
      programs: { router: (context) => (seen.push(context.config), { resources: [], outputs: {} }) },
    });
    const stack = await engine.createOrSelectStack("r", "router");
    await stack.setAllConfig({
      "phoenix:a": { value: "1" },
      "aws:region": { value: "eu-west-1" },
      "phoenixx:b": { value: "2" },
    });
    await stack.preview();
    assert.deepStrictEqual(seen, [{ a: "1" }]);
  });

  it("lets a program read a sibling stack's outputs, and none while the sibling has no outputs", async () => {
    const reads: unknown[] = [];
    const engine = new MemoryEngine({
      programs: {
        fleet: program,
        router: (context) => (
          reads.push(context.stackOutputs("s") ?? "none"),
          { resources: [], outputs: {} }
        ),
      },
    });
    const router = await engine.createOrSelectStack("r", "router");
    await router.preview();
    const fleet = await engine.createOrSelectStack("s", "fleet");
    await router.preview();
    await fleet.setAllConfig(cfg({ release: "v1", imageId: "ami-1" }));
    await fleet.up();
    await router.preview();
    assert.deepStrictEqual(reads, ["none", "none", { release: "v1", size: 3 }]);
  });

  it("reports a failing program as the CLI does: an error diagnostic on the stack, then exit code 255", async () => {
    const engine = new MemoryEngine({
      programs: {
        router: () => {
          throw new Error("boom");
        },
      },
    });
    const stack = await engine.createOrSelectStack("r", "router");
    const events: EngineEvent[] = [];
    await assert.rejects(stack.preview({ onEvent: (e) => events.push(e) }), (error: Error) => {
      assert.strictEqual(
        error.message,
        "code: 255\n stderr: error: an unhandled error occurred: program failed: boom",
      );
      assert.strictEqual((error.cause as Error).message, "boom");
      return true;
    });
    assert.deepStrictEqual(
      events.map((e) => e.diagnosticEvent),
      [
        {
          message: "boom\n",
          color: "never",
          severity: "error",
          urn: "urn:pulumi:r::phoenix::pulumi:pulumi:Stack::phoenix-r",
        },
      ],
    );
    const odd = new MemoryEngine({
      programs: {
        router: () => {
          throw "not an Error";
        },
      },
    });
    await assert.rejects((await odd.createOrSelectStack("r", "router")).up(), {
      message: "code: 255\n stderr: error: an unhandled error occurred: program failed: not an Error",
    });
  });

  it("uses the project name in URNs and providers", async () => {
    const engine = new MemoryEngine({ project: "shop", programs: { fleet: program } });
    const stack = await engine.createOrSelectStack("s", "fleet");
    await stack.setAllConfig(cfg({ release: "v1", imageId: "ami-1" }));
    const events: EngineEvent[] = [];
    await stack.up({ onEvent: (e) => events.push(e) });
    assert.strictEqual(preOf(events, "web").urn, "urn:pulumi:s::shop::phoenix:aws:ImmutableFleet::web");
    assert.strictEqual(preOf(events, "web-lt").provider, "urn:pulumi:shop::default_7_48_0");
    assert.strictEqual(engine.inspect("s")!.resources[0].name, "shop-s");
  });
});

describe("MemoryEngine stacks and their errors", () => {
  it("refuses to select a stack with another role, and names both", async () => {
    const engine = new MemoryEngine({ programs: { fleet: program } });
    await engine.createOrSelectStack("s", "fleet");
    await assert.rejects(engine.createOrSelectStack("s", "router"), {
      message: "stack s runs the fleet program, not router",
    });
  });

  it("names a missing stack as the CLI does", async () => {
    const engine = new MemoryEngine();
    await assert.rejects(engine.removeStack("gone"), { message: "no stack named 'gone' found" });
    assert.strictEqual(engine.inspect("gone"), undefined);
  });

  it("refuses to remove a stack with resources, naming it", async () => {
    const { engine } = await deployed();
    await assert.rejects(engine.removeStack("s"), {
      message:
        "error: stack 's' still has resources; removing it would orphan them: destroy it first (or use --force)",
    });
  });

  it("lists its stacks sorted", async () => {
    const engine = new MemoryEngine();
    for (const name of ["b", "c", "a"]) await engine.createOrSelectStack(name, "router");
    assert.deepStrictEqual(await engine.listStacks(), ["a", "b", "c"]);
  });

  it("hands out copies of outputs and of inspected state", async () => {
    const { engine, stack } = await deployed();
    (await stack.outputs()).release.value = "changed";
    const view = engine.inspect("s")!;
    view.outputs.release = "changed";
    view.resources[2].inputs.name = "changed";
    engine.liveOutputs("s", "web-lt")!.name = "changed";
    assert.strictEqual((await stack.outputs()).release.value, "v1");
    assert.deepStrictEqual(engine.inspect("s")!.outputs, { release: "v1", size: 3 });
    assert.strictEqual(engine.inspect("s")!.resources[2].inputs.name, "web-v1");
    assert.strictEqual(engine.liveOutputs("s", "web-lt")!.name, "web-v1");
  });

  it("names the resources a stack has when asked to drift one it lacks", async () => {
    const { engine } = await deployed();
    assert.throws(() => engine.simulateDrift("s", "nope", {}), {
      message: "simulateDrift: stack s has no resource named nope (has phoenix-s, web, web-lt, web-asg)",
    });
    assert.throws(() => engine.liveOutputs("s", "nope"), {
      message: "liveOutputs: stack s has no resource named nope",
    });
  });

  it("shows drift in the live outputs only, keeps patches on top of each other, and null when deleted", async () => {
    const { engine } = await deployed();
    const id = engine.liveOutputs("s", "web-asg")!.id;
    engine.simulateDrift("s", "web-asg", { maxSize: 9 });
    engine.simulateDrift("s", "web-asg", { minSize: 0 });
    assert.deepStrictEqual(engine.liveOutputs("s", "web-asg"), { maxSize: 9, minSize: 0, id });
    assert.deepStrictEqual(engine.inspect("s")!.resources[3].inputs, { maxSize: 3 });
    engine.simulateDrift("s", "web-asg", null);
    assert.strictEqual(engine.liveOutputs("s", "web-asg"), null);
  });
});
