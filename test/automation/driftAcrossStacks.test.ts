// Drift and heal across every stack of an app/env (network, router, the live colour, the idle colour when it
// holds a release), on the in-memory engine: what drift reports per stack, what heal does per kind, that
// every refusal comes before any change, and that a second drift after heal reports nothing.
import assert from "assert";
import { WorkflowError } from "../../automation/errors";
import type { CloudProbe } from "../../automation/seams";
import { addSshRule, changingCalls, editListener, resourceOf } from "./consoleDrift";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const NETWORK = `${APP}-${ENV}-network`;
const ROUTER = `${APP}-${ENV}-router`;

describe("drift and heal across every stack of an app/env", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await deployedOnce(h);
  });
  afterEach(() => h.cleanup());

  it("refresh-previews the network, the router and the live colour, and reports per stack", async () => {
    const group = addSshRule(h);
    const listener = editListener(h);
    h.engine.simulateDrift(
      `${APP}-${ENV}-blue`,
      resourceOf(h, `${APP}-${ENV}-blue`, "aws:autoscaling/group:Group"),
      {
        launchTemplate: { version: "2" },
      },
    );
    const before = changingCalls(h);
    const report = await h.deployment.drift();
    assert.strictEqual(changingCalls(h), before, "drift changes nothing");
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.stack, s.role, s.drifted.map((d) => [d.name, d.properties])]),
      [
        [NETWORK, undefined, [[group, ["ingress"]]]],
        [ROUTER, undefined, [[listener, ["defaultActions"]]]],
        [`${APP}-${ENV}-blue`, "live", [[`${APP}-${ENV}-blue-asg`, ["launchTemplate"]]]],
      ],
    );
    const stray = report.drifted.find((d) => d.name === group)!.strayRules!;
    assert.deepStrictEqual(
      stray.map((r) => [r.direction, r.protocol, r.fromPort, r.cidrIpv4]),
      [["ingress", "tcp", 22, "0.0.0.0/0"]],
    );
    assert.deepStrictEqual(report.drifted.length, 3);
  });

  it("checks the idle colour too when it holds a release (the rollback target)", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.engine.simulateDrift(`${APP}-${ENV}-blue`, `${APP}-${ENV}-blue-asg`, null);
    const report = await h.deployment.drift();
    assert.deepStrictEqual(
      report.stacks.map((s) => [s.part, s.role, s.release, s.drifted.length]),
      [
        ["network", undefined, undefined, 0],
        ["router", undefined, undefined, 0],
        ["green", "live", "v2", 0],
        ["blue", "idle", "v1", 1],
      ],
    );
  });

  it("heals a changed listener with one router update to the recorded weights; traffic stays on the live colour", async () => {
    editListener(h);
    const routerUps = () => h.engine.calls.filter((c) => c.method === "up" && c.stack === ROUTER).length;
    const ups = routerUps();
    const result = await h.deployment.heal();
    assert.deepStrictEqual(result.routerRestored, { blue: 100, green: 0 });
    assert.strictEqual(routerUps(), ups + 1, "one router update");
    assert.deepStrictEqual([result.from, result.to], [undefined, undefined], "no fleet replaced");
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    const restore = [...h.events]
      .reverse()
      .find((e) => e.kind === "engine" && e.stack === ROUTER && e.operation === "up" && e.event.summaryEvent);
    assert.ok(restore?.kind === "engine");
    assert.deepStrictEqual(restore.event.summaryEvent!.resourceChanges, { same: 2, update: 1 });
    assert.deepStrictEqual((await h.deployment.drift()).drifted, [], "a second drift reports nothing");
  });

  it("never restores weights onto an unhealthy live colour: refuses before any change", async () => {
    editListener(h);
    h.probe.setHealthy(APP, ENV, "blue", false);
    const before = changingCalls(h);
    await assert.rejects(h.deployment.heal(), /blue colour is not healthy/);
    assert.strictEqual(changingCalls(h), before);
  });

  it("revokes a stray ingress rule (port 22) that no Phoenix resource declares, and nothing else", async () => {
    const group = addSshRule(h);
    const result = await h.deployment.heal();
    assert.deepStrictEqual(
      result.revokedRules?.map((r) => [r.fromPort, r.cidrIpv4]),
      [[22, "0.0.0.0/0"]],
    );
    assert.ok(!JSON.stringify(h.engine.liveOutputs(NETWORK, group)).includes('"fromPort":22'));
    assert.deepStrictEqual(
      [result.from, result.routerRestored, result.networkRestored],
      [undefined, undefined, undefined],
    );
    assert.deepStrictEqual((await h.deployment.drift()).drifted, [], "a second drift reports nothing");
  });

  it("refuses, before any change, to leave a stray rule when the probe cannot revoke rules", async () => {
    addSshRule(h);
    editListener(h);
    // The probe without revokeSecurityGroupRules (an older or custom probe).
    const probe: CloudProbe = {
      targetGroupHealth: (arn, signal) => h.probe.targetGroupHealth(arn, signal),
      desiredCapacity: (name, signal) => h.probe.desiredCapacity(name, signal),
      alarmsInAlarm: (names, signal) => h.probe.alarmsInAlarm(names, signal),
    };
    const before = changingCalls(h);
    await assert.rejects(
      h.another({ probe }).heal(),
      (error: unknown) =>
        error instanceof WorkflowError &&
        /tcp 22 from 0\.0\.0\.0\/0.*cannot revoke rules.*Nothing was changed/.test(error.message),
    );
    assert.strictEqual(changingCalls(h), before);
  });

  it("puts other network drift back with one up --refresh of the network", async () => {
    const targetGroup = resourceOf(h, NETWORK, "aws:lb/targetGroup:TargetGroup", /green/);
    h.engine.simulateDrift(NETWORK, targetGroup, { healthCheck: { path: "/changed-by-hand" } });
    const result = await h.deployment.heal();
    assert.strictEqual(result.networkRestored, true);
    assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
  });

  it("nukes and replaces a live fleet whose group was deleted: same release on the idle colour, swap, destroy", async () => {
    h.engine.simulateDrift(`${APP}-${ENV}-blue`, `${APP}-${ENV}-blue-asg`, null);
    editListener(h);
    const result = await h.deployment.heal();
    assert.deepStrictEqual([result.from, result.to, result.routerRestored], ["blue", "green", undefined]);
    assert.strictEqual(releaseOf(h.engine, "green"), "v1");
    assert.strictEqual(releaseOf(h.engine, "blue"), undefined);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.deepStrictEqual(h.violations, []);
    assert.deepStrictEqual(
      (await h.deployment.drift()).drifted,
      [],
      "the swap's router update rewrote the listener",
    );
  });

  it("replaces a drifted idle fleet in place (destroy, redeploy the same release and config); traffic untouched", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.engine.simulateDrift(`${APP}-${ENV}-blue`, `${APP}-${ENV}-blue-asg`, { maxSize: 9 });
    await assert.rejects(h.deployment.heal(), /rollback target/, "the keep-warm window still protects it");
    const result = await h.deployment.heal({ force: true });
    assert.deepStrictEqual([result.idleReplaced, result.from], ["blue", undefined]);
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
  });

  it("with both colours drifted and holding the same release, the drifted idle fleet is rebuilt before it takes the traffic", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    assert.deepStrictEqual([releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")], ["v1", "v1"]);
    h.engine.simulateDrift(`${APP}-${ENV}-blue`, `${APP}-${ENV}-blue-asg`, { maxSize: 9 });
    h.engine.simulateDrift(`${APP}-${ENV}-green`, `${APP}-${ENV}-green-asg`, { maxSize: 7 });
    const result = await h.deployment.heal();
    assert.deepStrictEqual([result.from, result.to], ["blue", "green"]);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.deepStrictEqual(
      (await h.deployment.drift()).drifted,
      [],
      "the fleet now live is not the drifted one",
    );
  });

  it("heals everything at once, and a second drift reports nothing", async () => {
    addSshRule(h);
    editListener(h);
    h.engine.simulateDrift(`${APP}-${ENV}-blue`, `${APP}-${ENV}-blue-asg`, {
      launchTemplate: { version: "2" },
    });
    const result = await h.deployment.heal();
    assert.deepStrictEqual(
      [result.healed, result.from, result.to, result.revokedRules?.length],
      [true, "blue", "green", 1],
    );
    assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
    const history = (await h.deployment.history()).at(-2)!;
    assert.deepStrictEqual([history.workflow, history.status], ["heal", "ok"]);
  });
});
