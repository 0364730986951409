// Heal, more edges (issue 12): which kind of drift takes which steps when it comes alone (an idle fleet, a stray
// rule, a deleted network resource), the keep-warm check for the colour heal would replace, an abort during a
// heal (its compensations still run), the engine operations it reports, and the messages that list several
// rules or plan operations.
import assert from "assert";
import { AbortedError } from "../../automation/errors";
import type { EngineCall } from "../../automation/memoryEngine";
import type { CloudProbe, EngineStack } from "../../automation/seams";
import { addIngressRules, editListener, resourceOf } from "./consoleDrift";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const NETWORK = `${APP}-${ENV}-network`;
const ROUTER = `${APP}-${ENV}-router`;
const BLUE = `${APP}-${ENV}-blue`;
const GREEN = `${APP}-${ENV}-green`;
const rule = (port: number) => ({ protocol: "tcp", fromPort: port, toPort: port, cidrBlocks: ["0.0.0.0/0"] });

async function startedFrom(h: Harness, from: number): Promise<(string | undefined)[]> {
  return (await h.journal())
    .slice(from)
    .flatMap((l) => (l.type === "step" && l.status === "started" ? [l.step] : []));
}

/** A probe without revokeSecurityGroupRules (an older or custom probe). */
function probeWithoutRevoke(h: Harness): CloudProbe {
  return {
    targetGroupHealth: h.probe.targetGroupHealth.bind(h.probe),
    desiredCapacity: h.probe.desiredCapacity.bind(h.probe),
    alarmsInAlarm: h.probe.alarmsInAlarm.bind(h.probe),
  };
}

/** Makes the network stack's preview report `summary` as its change summary. */
function networkPlanReports(h: Harness, summary: Record<string, number>): void {
  const select = h.engine.createOrSelectStack.bind(h.engine);
  h.engine.createOrSelectStack = async (name, role) => {
    const stack = await select(name, role);
    if (name !== NETWORK) return stack;
    const preview = stack.preview.bind(stack);
    return Object.assign(stack, {
      preview: async (...args: Parameters<EngineStack["preview"]>) => ({
        ...(await preview(...args)),
        changeSummary: summary,
      }),
    });
  };
}

const REFRESHES = ["read-state", "refresh-preview:network", "refresh-preview:router", "refresh-preview"];

describe("heal, more edges", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await deployedOnce(h);
  });
  afterEach(() => h.cleanup());

  /** blue v1 (the rollback target, idle), green v2 live. */
  async function twoReleases(): Promise<void> {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
  }

  it("only the idle fleet drifted: no health check of the live colour, the idle fleet rebuilt", async () => {
    await twoReleases();
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    const from = (await h.journal()).length;
    const { drift: _drift, ...result } = await h.deployment.heal({ force: true });
    assert.deepStrictEqual(result, { healed: true, idleReplaced: "blue" });
    assert.deepStrictEqual((await startedFrom(h, from)).slice(0, 7), [
      ...REFRESHES,
      "refresh-preview:idle",
      "read-idle-config",
      "up:destroy-old",
    ]);
  });

  it("the router drifted, the idle rollback target did not: it is neither refused nor touched", async () => {
    await twoReleases();
    editListener(h);
    const from = (await h.journal()).length;
    const { drift: _drift, ...result } = await h.deployment.heal();
    assert.deepStrictEqual(result, { healed: true, routerRestored: { blue: 0, green: 100 } });
    assert.deepStrictEqual(await startedFrom(h, from), [
      ...REFRESHES,
      "refresh-preview:idle",
      "check-health",
      "restore-router",
    ]);
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
  });

  it("a probe that cannot revoke rules is no obstacle when there is no stray rule", async () => {
    editListener(h);
    const result = await h.another({ probe: probeWithoutRevoke(h) }).heal();
    assert.deepStrictEqual(result.routerRestored, { blue: 100, green: 0 });
  });

  it("stray rules alone: revoked, all named in one step; the network needs no update", async () => {
    addIngressRules(h, [22, 3389].map(rule));
    const from = (await h.journal()).length;
    const { drift: _drift, revokedRules, ...result } = await h.deployment.heal();
    assert.deepStrictEqual(result, { healed: true });
    assert.strictEqual(revokedRules?.length, 2);
    assert.deepStrictEqual(await startedFrom(h, from), [...REFRESHES, "revoke-stray-rules"]);
    const revoke = (await h.journal()).find((l) => l.type === "step" && l.step === "revoke-stray-rules");
    assert.strictEqual(
      revoke?.type === "step" ? revoke.detail : undefined,
      "ingress tcp 22 from 0.0.0.0/0; ingress tcp 3389 from 0.0.0.0/0",
    );
  });

  it("stray rules the probe cannot revoke: all named in the refusal", async () => {
    addIngressRules(h, [22, 3389].map(rule));
    await assert.rejects(
      h.another({ probe: probeWithoutRevoke(h) }).heal(),
      /declares \(ingress tcp 22 from 0\.0\.0\.0\/0; ingress tcp 3389 from 0\.0\.0\.0\/0\), and this CloudProbe/,
    );
  });

  it("a network resource deleted behind Pulumi's back: the network restored with one up --refresh", async () => {
    h.engine.simulateDrift(NETWORK, resourceOf(h, NETWORK, "aws:lb/targetGroup:TargetGroup", /green/), null);
    const from = (await h.journal()).length;
    h.events.length = 0;
    const { drift: _drift, ...result } = await h.deployment.heal();
    assert.deepStrictEqual(result, { healed: true, networkRestored: true });
    assert.deepStrictEqual(await startedFrom(h, from), [...REFRESHES, "preview-network", "restore-network"]);
    const operations = h.events.flatMap((e) =>
      e.kind === "engine" && e.stack === NETWORK && e.event.summaryEvent ? [e.operation] : [],
    );
    assert.deepStrictEqual(operations, ["refresh", "preview", "up"]);
    assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
  });

  it("a network plan with zero destructive operations is no refusal; several are listed", async () => {
    h.engine.simulateDrift(NETWORK, resourceOf(h, NETWORK, "aws:lb/targetGroup:TargetGroup", /green/), {
      healthCheck: { path: "/changed-by-hand" },
    });
    networkPlanReports(h, { same: 9, update: 1, delete: 0, replace: 0 });
    assert.strictEqual((await h.deployment.heal()).networkRestored, true);
    h.engine.simulateDrift(NETWORK, resourceOf(h, NETWORK, "aws:lb/targetGroup:TargetGroup", /green/), {
      healthCheck: { path: "/changed-again" },
    });
    networkPlanReports(h, { same: 7, replace: 1, delete: 2 });
    await assert.rejects(
      h.deployment.heal(),
      /^WorkflowError: Restoring the network stack would replace 1, delete 2 resource\(s\)/,
    );
  });

  it("a drifted live fleet whose idle colour holds the same release inside its window: refused unless forced", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
    assert.deepStrictEqual([releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")], ["v1", "v1"]);
    h.engine.simulateDrift(GREEN, `${GREEN}-asg`, { maxSize: 9 });
    await assert.rejects(h.deployment.heal(), { name: "KeepWarmError" });
    assert.strictEqual((await h.deployment.heal({ force: true })).to, "blue");
  });
});

describe("heal failing part way, its undo steps", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await deployedOnce(h);
  });
  afterEach(() => h.cleanup());

  const steps = async (from: number) =>
    (await h.journal())
      .slice(from)
      .flatMap((l) => (l.type === "step" && l.status === "started" ? [[l.step, l.colour]] : []));

  it("a failed swap whose restore fails too leaves the new fleet (it may hold traffic) for the next workflow", async () => {
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    h.probe.setAlarm("high-5xx", true);
    let routerUps = 0;
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === ROUTER && ++routerUps > 1 ? "before" : undefined,
    );
    await assert.rejects(h.deployment.heal({ verify: { alarmNames: ["high-5xx"] } }), {
      name: "TrafficRestoreError",
    });
    h.engine.failWhen(undefined);
    assert.strictEqual(releaseOf(h.engine, "green"), "v1", "not destroyed while it has traffic");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.ok((await h.deployment.status()).interrupted, "left for the next workflow");
  });

  it("a failed swap: the undo of the new fleet is journaled on its colour", async () => {
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    h.probe.setAlarm("high-5xx", true);
    const from = (await h.journal()).length;
    await assert.rejects(h.deployment.heal({ verify: { alarmNames: ["high-5xx"] } }));
    assert.deepStrictEqual((await steps(from)).at(-1), ["undo-up", "green"]);
  });

  it("a drifted idle fleet whose destroy and undo both fail: journaled on its colour, left open", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    h.engine.failWhen((call) => (call.method === "destroy" && call.stack === BLUE ? "midway" : undefined));
    const from = (await h.journal()).length;
    await assert.rejects(h.deployment.heal({ force: true }));
    h.engine.failWhen(undefined);
    assert.deepStrictEqual((await steps(from)).slice(-2), [
      ["up:destroy-old", "blue"],
      ["undo", "blue"],
    ]);
    assert.strictEqual((await h.deployment.status()).interrupted?.lastStep, "undo");
    await h.deployment.bootstrap();
    assert.ok(!h.engine.stackNames().includes(BLUE), "the next workflow finished the destroy");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });
});

describe("heal aborted", () => {
  // The engine call `hangs` picks ends only when its signal aborts (the abort comes as it starts).
  let h: Harness;
  let hangs: (call: EngineCall) => boolean = () => false;
  let controller = new AbortController();
  beforeEach(async () => {
    hangs = () => false;
    controller = new AbortController();
    h = harness({
      engine: {
        latencyMs: (call) => (hangs(call) ? (controller.abort(new Error("Ctrl-C")), 1) : 0),
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

  it("during its swap: the traffic back on the drifted colour, the new fleet destroyed all the same", async () => {
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    let routerUps = 0;
    hangs = (call) => call.method === "up" && call.stack === ROUTER && ++routerUps === 1;
    await assert.rejects(h.deployment.heal({ signal: controller.signal }), AbortedError);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    assert.ok(!h.engine.stackNames().includes(GREEN), "the undo ran although the heal was aborted");
    assert.strictEqual((await h.deployment.status()).interrupted, undefined);
  });

  it("during the router's restore: aborted there, the weights as they were", async () => {
    editListener(h);
    hangs = (call) => call.method === "up" && call.stack === ROUTER;
    await assert.rejects(h.deployment.heal({ signal: controller.signal }), AbortedError);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("during the destroy of a drifted idle fleet: the undo finishes the destroy", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    let destroys = 0;
    hangs = (call) => call.method === "destroy" && call.stack === BLUE && ++destroys === 1;
    await assert.rejects(h.deployment.heal({ force: true, signal: controller.signal }), AbortedError);
    assert.ok(!h.engine.stackNames().includes(BLUE), "the undo (not abortable) destroyed the rest");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });
});
