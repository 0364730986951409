// The in-memory engine obeys the Engine contract and reports what the Automation API would.
import assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { ConfigMap, EngineEvent } from "@pulumi/pulumi/automation";
import { InjectedFault, MemoryEngine } from "../../automation/memoryEngine";

const cfg = (values: Record<string, string>): ConfigMap =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`phoenix:${k}`, { value: v }]));
const AMI = "ami-0123456789abcdef0";

async function withNetwork(engine = new MemoryEngine()) {
  const network = await engine.createOrSelectStack("shop-prod-network", "network");
  await network.setAllConfig(cfg({ role: "network", app: "shop", env: "prod" }));
  await network.up();
  return engine;
}

async function fleet(engine: MemoryEngine, extra: Record<string, string> = {}) {
  const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
  await stack.setAllConfig(
    cfg({ role: "fleet", app: "shop", env: "prod", colour: "blue", release: "v1", imageId: AMI, ...extra }),
  );
  return stack;
}

/** The keys of the summary event the real CLI sent for `command` in a recorded transcript. */
function recordedSummaryKeys(transcript: string, command: string): string[] {
  const file = path.resolve(__dirname, "..", "fixtures", "transcripts", `${transcript}.json`);
  const recorded = JSON.parse(fs.readFileSync(file, "utf8")) as {
    commands: { argv: string[]; events?: EngineEvent[] }[];
  };
  const events = recorded.commands.find((c) => c.argv[0] === command && c.events)?.events ?? [];
  return Object.keys(events.find((e) => e.summaryEvent)?.summaryEvent ?? {}).sort();
}

describe("MemoryEngine", () => {
  it("sends the summary event with the keys the real CLI sends (PolicyPacks, isPreview, result)", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    const keysOf = (events: EngineEvent[]) => Object.keys(events.at(-1)?.summaryEvent ?? {}).sort();
    const previewed: EngineEvent[] = [];
    await stack.preview({ onEvent: (e) => previewed.push(e) });
    assert.deepStrictEqual(keysOf(previewed), recordedSummaryKeys("preview", "preview"));
    assert.strictEqual((previewed.at(-1)?.summaryEvent as { isPreview?: boolean }).isPreview, true);
    const refreshed: EngineEvent[] = [];
    await stack.refresh({ previewOnly: true, onEvent: (e) => refreshed.push(e) });
    assert.deepStrictEqual(keysOf(refreshed), recordedSummaryKeys("refresh-no-drift", "refresh"));
  });

  it("reports prelude, pre-events with ops, outputs events and a summary on up, and returns the outputs", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    const events: EngineEvent[] = [];
    const result = await stack.up({ onEvent: (e) => events.push(e) });
    assert.ok(events[0].preludeEvent);
    assert.strictEqual(events[0].preludeEvent!.config["phoenix:release"], "v1");
    const pre = events
      .filter((e) => e.resourcePreEvent)
      .map((e) => [e.resourcePreEvent!.metadata.type, e.resourcePreEvent!.metadata.op]);
    assert.deepStrictEqual(pre, [
      ["pulumi:pulumi:Stack", "create"],
      ["phoenix:aws:ImmutableFleet", "create"],
      ["aws:iam/role:Role", "create"],
      ["aws:iam/rolePolicyAttachment:RolePolicyAttachment", "create"],
      ["aws:iam/instanceProfile:InstanceProfile", "create"],
      ["aws:ec2/launchTemplate:LaunchTemplate", "create"],
      ["aws:autoscaling/group:Group", "create"],
    ]);
    assert.strictEqual(events.filter((e) => e.resOutputsEvent).length, 7);
    assert.deepStrictEqual(events[events.length - 1].summaryEvent?.resourceChanges, { create: 7 });
    assert.deepStrictEqual(result.summary.resourceChanges, { create: 7 });
    assert.strictEqual(result.summary.result, "succeeded");
    assert.strictEqual(result.outputs.release.value, "v1");
    assert.match(String(result.outputs.launchTemplateName.value), /^shop-prod-blue-v1-[a-z2-7]{10}$/);
    assert.deepStrictEqual(
      new Set(events.map((e) => e.sequence)).size,
      events.length,
      "sequence numbers are unique",
    );
    const urn = events.find(
      (e) => e.resourcePreEvent?.metadata.type === "aws:ec2/launchTemplate:LaunchTemplate",
    )!.resourcePreEvent!.metadata.urn;
    assert.strictEqual(
      urn,
      "urn:pulumi:shop-prod-blue::phoenix::phoenix:aws:ImmutableFleet$aws:ec2/launchTemplate:LaunchTemplate::shop-prod-blue-lt",
    );
  });

  it("previews changes without applying them: a new AMI replaces the template (its name carries the identity)", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    await stack.up();
    await stack.setAllConfig(cfg({ imageId: "ami-0fedcba9876543210" }));
    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(preview.changeSummary, { same: 5, replace: 2 });
    const template = events.find(
      (e) => e.resourcePreEvent?.metadata.type === "aws:ec2/launchTemplate:LaunchTemplate",
    )!.resourcePreEvent!;
    assert.strictEqual(template.planning, true);
    assert.deepStrictEqual(
      template.metadata.diffs,
      ["imageId", "name", "tagSpecifications", "tags"],
      "the identity tags change too",
    );
    assert.deepStrictEqual(template.metadata.detailedDiff?.name, {
      diffKind: "update-replace",
      inputDiff: true,
    });
    assert.deepStrictEqual(template.metadata.keys, ["name"]);
    assert.strictEqual((await stack.outputs()).imageId.value, AMI, "a preview changes nothing");
  });

  it("updates a mutable key in place and counts it", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    await stack.up();
    await stack.setAllConfig(cfg({ desiredCapacity: "3" }));
    const result = await stack.up();
    assert.deepStrictEqual(result.summary.resourceChanges, { same: 6, update: 1 });
  });

  it("fails a program whose sibling stack is missing, like a StackReference would", async () => {
    const engine = new MemoryEngine();
    const stack = await fleet(engine);
    const events: EngineEvent[] = [];
    await assert.rejects(
      stack.up({ onEvent: (e) => events.push(e) }),
      /stack output `\w+` of the network stack is missing: deploy the network stack first/,
    );
    assert.strictEqual(events[0].diagnosticEvent?.severity, "error");
  });

  it("fails call k before it takes effect, or after", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    engine.failCall(engine.callCount + 1, "before");
    await assert.rejects(
      stack.up(),
      (error: InjectedFault) =>
        error instanceof InjectedFault && error.mode === "before" && error.call.method === "up",
    );
    assert.deepStrictEqual(await stack.outputs(), {}, "nothing deployed");
    engine.failCall(engine.callCount + 1, "after");
    await assert.rejects(stack.up(), /injected fault after engine call #\d+ \(up shop-prod-blue\)/);
    assert.strictEqual((await stack.outputs()).release.value, "v1", "deployed although the call failed");
  });

  it("fails an up midway: half of its steps applied, the outputs of the last good update kept", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    engine.failCall(engine.callCount + 1, "midway");
    await assert.rejects(stack.up(), /injected fault midway engine call/);
    assert.deepStrictEqual(
      engine.inspect("shop-prod-blue")!.resources.map((r) => r.type),
      [
        "pulumi:pulumi:Stack",
        "phoenix:aws:ImmutableFleet",
        "aws:iam/role:Role",
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      ],
      "4 of 7",
    );
    assert.deepStrictEqual(await stack.outputs(), {});
    const network = await engine.createOrSelectStack("shop-prod-network", "network");
    engine.failCall(engine.callCount + 1, "midway");
    await assert.rejects(network.destroy());
    assert.strictEqual(engine.inspect("shop-prod-network")!.resources.length, 6, "6 of 13 resources left");
  });

  it("counts every call, with its method and stack", async () => {
    const engine = new MemoryEngine();
    await engine.listStacks();
    await (await engine.createOrSelectStack("a-b-router", "router")).outputs();
    assert.deepStrictEqual(
      engine.calls.map((c) => [c.index, c.method, c.stack]),
      [
        [1, "listStacks", undefined],
        [2, "createOrSelectStack", "a-b-router"],
        [3, "outputs", "a-b-router"],
      ],
    );
  });

  it("reports a refresh as the engine does: pre-events op refresh with old = new, the drift in the outputs events", async () => {
    // pulumi v3.260: the pre-event goes out before the provider's Read (pkg/resource/deploy/step.go:1446,
    // step_executor.go:487), the result in the outputs event (ResultOp, step.go:1511; pkg/engine/update.go:1559).
    const engine = await withNetwork();
    const stack = await fleet(engine);
    await stack.up();
    engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 10 });
    engine.simulateDrift("shop-prod-blue", "shop-prod-blue-lt", null);
    const events: EngineEvent[] = [];
    const preview = await stack.refresh({ previewOnly: true, onEvent: (e) => events.push(e) });
    assert.deepStrictEqual(preview.summary.resourceChanges, { same: 5, update: 1, delete: 1 });
    const pre = events.flatMap((e) => (e.resourcePreEvent ? [e.resourcePreEvent] : []));
    assert.ok(pre.every((e) => e.metadata.op === "refresh" && e.planning === true));
    assert.ok(
      pre.every(
        (e) => !e.metadata.diffs && JSON.stringify(e.metadata.old) === JSON.stringify(e.metadata.new),
      ),
    );
    const after = (name: string) =>
      events.find((e) => e.resOutputsEvent?.metadata.urn.endsWith(`::${name}`))!.resOutputsEvent!;
    const group = after("shop-prod-blue-asg");
    assert.deepStrictEqual(
      [
        group.metadata.op,
        group.planning,
        group.metadata.diffs,
        group.metadata.old?.outputs.maxSize,
        group.metadata.new?.outputs.maxSize,
      ],
      ["update", true, undefined, 3, 10],
    );
    assert.deepStrictEqual(
      [after("shop-prod-blue-lt").metadata.op, after("shop-prod-blue-lt").metadata.new],
      ["delete", null],
    );
    await assert.rejects(
      stack.refresh({ previewOnly: true, expectNoChanges: true }),
      /code: 7\n stderr: error: no changes were expected for refresh but changes were proposed/,
    );
    await stack.refresh();
    assert.deepStrictEqual((await stack.refresh({ previewOnly: true })).summary.resourceChanges, { same: 6 });
  });

  it("sends outputs events in previews too, planning (pulumi pkg/engine/update.go:1535)", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    const events: EngineEvent[] = [];
    await stack.preview({ onEvent: (e) => events.push(e) });
    const outputs = events.filter((e) => e.resOutputsEvent);
    assert.strictEqual(outputs.length, events.filter((e) => e.resourcePreEvent).length);
    assert.ok(
      outputs.every(
        (e) => e.resOutputsEvent!.planning === true && e.resOutputsEvent!.metadata.op === "create",
      ),
    );
  });

  it("up with refresh adopts the cloud first, so drift is put back as the program declares", async () => {
    const engine = await withNetwork();
    const stack = await fleet(engine);
    await stack.up();
    engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 10 });
    assert.deepStrictEqual(
      (await stack.up()).summary.resourceChanges,
      { same: 7 },
      "a plain up sees no change",
    );
    assert.deepStrictEqual((await stack.preview({ refresh: true })).changeSummary, { same: 6, update: 1 });
    assert.deepStrictEqual((await stack.up({ refresh: true })).summary.resourceChanges, {
      same: 6,
      update: 1,
    });
    assert.strictEqual(engine.liveOutputs("shop-prod-blue", "shop-prod-blue-asg")?.maxSize, 3);
    assert.deepStrictEqual((await stack.refresh({ previewOnly: true })).summary.resourceChanges, { same: 7 });
  });

  it("refuses to remove a stack that still has resources, and removes a destroyed one", async () => {
    const engine = await withNetwork();
    await assert.rejects(engine.removeStack("shop-prod-network"), /still has resources/);
    const stack = await engine.createOrSelectStack("shop-prod-network", "network");
    const result = await stack.destroy();
    assert.strictEqual(
      result.summary.resourceChanges?.delete,
      13,
      "stack, component, VPC (awsx), 2 security groups, 5 rules, ALB, 2 target groups",
    );
    await engine.removeStack("shop-prod-network");
    assert.deepStrictEqual(await engine.listStacks(), []);
  });

  it("spends simulated latency through the injected sleep and honours the signal", async () => {
    const slept: number[] = [];
    const engine = new MemoryEngine({
      latencyMs: (call) => (call.method === "listStacks" ? 25 : 0),
      sleep: async (ms) => void slept.push(ms),
    });
    await engine.listStacks();
    await engine.createOrSelectStack("a-b-network", "network");
    assert.deepStrictEqual(slept, [25]);
    assert.strictEqual(engine.simulatedLatencyMs, 25);
    const stack = await engine.createOrSelectStack("a-b-network", "network");
    await assert.rejects(stack.up({ signal: AbortSignal.abort() }));
  });
});
