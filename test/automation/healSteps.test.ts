// Heal, step by step (issue 12): which steps each kind of drift takes, in which order, on which colour and with
// which detail; the result's fields; every refusal word for word and before any change; and what a heal that
// fails part way leaves (undone, or left open for the next workflow).
import assert from "assert";
import { SwapFailedError, WorkflowError } from "../../automation/errors";
import { addSshRule, changingCalls, editListener, resourceOf } from "./consoleDrift";
import type { EngineStack } from "../../automation/seams";
import {
  AMI_2,
  APP,
  ENV,
  deployedOnce,
  harness,
  releaseOf,
  splitByHand,
  weights,
  type Harness,
} from "./harness";

const NETWORK = `${APP}-${ENV}-network`;
const ROUTER = `${APP}-${ENV}-router`;
const BLUE = `${APP}-${ENV}-blue`;
const GREEN = `${APP}-${ENV}-green`;

/** The heal's started lines from journal line `from` on: [step, colour, detail]. */
async function stepsFrom(h: Harness, from: number): Promise<(string | undefined)[][]> {
  return (await h.journal())
    .slice(from)
    .flatMap((l) => (l.type === "step" && l.status === "started" ? [[l.step, l.colour, l.detail]] : []));
}

const REFRESHES = [
  ["read-state", undefined, undefined],
  ["refresh-preview:network", undefined, NETWORK],
  ["refresh-preview:router", undefined, ROUTER],
];

describe("heal, step by step", () => {
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

  it("network, router and idle fleet drifted: refusals checked first, then revoke, network, router, idle fleet", async () => {
    await twoReleases();
    addSshRule(h);
    h.engine.simulateDrift(NETWORK, resourceOf(h, NETWORK, "aws:lb/targetGroup:TargetGroup", /green/), {
      healthCheck: { path: "/changed-by-hand" },
    });
    editListener(h);
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    const from = (await h.journal()).length;
    const result = await h.deployment.heal({ force: true });
    assert.deepStrictEqual(await stepsFrom(h, from), [
      ...REFRESHES,
      ["refresh-preview", "green", undefined],
      ["refresh-preview:idle", "blue", undefined],
      ["preview-network", undefined, undefined],
      ["check-health", "green", undefined],
      ["revoke-stray-rules", undefined, "ingress tcp 22 from 0.0.0.0/0"],
      ["restore-network", undefined, undefined],
      ["restore-router", "green", "blue 0 % / green 100 %"],
      ["read-idle-config", "blue", undefined],
      ["up:destroy-old", "blue", "release v1"],
      ["up:read-state", undefined, undefined],
      ["up:configure", "blue", "release v1"],
      ["up:preview", "blue", undefined],
      ["up:deploy", "blue", undefined],
      ["up:read-outputs", "blue", undefined],
      ["up:wait-healthy", "blue", undefined],
    ]);
    const { drift: _drift, revokedRules, ...rest } = result;
    assert.deepStrictEqual(rest, {
      healed: true,
      networkRestored: true,
      routerRestored: { blue: 0, green: 100 },
      idleReplaced: "blue",
    });
    assert.deepStrictEqual(
      revokedRules?.map((r) => [r.direction, r.protocol, r.fromPort, r.toPort, r.cidrIpv4]),
      [["ingress", "tcp", 22, 22, "0.0.0.0/0"]],
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
  });

  it("only the router drifted: the live colour's health checked, the recorded weights back, nothing else", async () => {
    editListener(h);
    const from = (await h.journal()).length;
    const { drift: _drift, ...rest } = await h.deployment.heal();
    assert.deepStrictEqual(await stepsFrom(h, from), [
      ...REFRESHES,
      ["refresh-preview", "blue", undefined],
      ["check-health", "blue", undefined],
      ["restore-router", "blue", "blue 100 % / green 0 %"],
    ]);
    assert.deepStrictEqual(rest, { healed: true, routerRestored: { blue: 100, green: 0 } });
  });

  it("the live fleet drifted: the same release on the idle colour in swap steps, then the drifted colour destroyed", async () => {
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    const from = (await h.journal()).length;
    const { drift: _drift, ...rest } = await h.deployment.heal({ steps: [50, 100] });
    assert.deepStrictEqual(await stepsFrom(h, from), [
      ...REFRESHES,
      ["refresh-preview", "blue", undefined],
      ["read-live-config", "blue", undefined],
      ["up:configure", "green", "release v1"],
      ["up:preview", "green", undefined],
      ["up:deploy", "green", undefined],
      ["up:read-outputs", "green", undefined],
      ["up:wait-healthy", "green", undefined],
      ["up:read-state", undefined, undefined],
      ["swap:check-health:50", "green", undefined],
      ["swap:route:50", "green", "blue 50 % / green 50 %"],
      ["swap:verify:50", "green", undefined],
      ["swap:check-health:100", "green", undefined],
      ["swap:route:100", "green", "blue 0 % / green 100 %"],
      ["swap:verify:100", "green", undefined],
      ["destroy:read-state", undefined, undefined],
      ["destroy:destroy", "blue", "release v1"],
    ]);
    assert.deepStrictEqual(rest, { healed: true, from: "blue", to: "green" });
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.ok(!h.engine.stackNames().includes(BLUE));
  });

  it("nothing drifted: healed false, no step after the refresh previews", async () => {
    const from = (await h.journal()).length;
    const result = await h.deployment.heal();
    assert.strictEqual(result.healed, false);
    assert.deepStrictEqual(Object.keys(result).sort(), ["drift", "healed"]);
    assert.deepStrictEqual(await stepsFrom(h, from), [...REFRESHES, ["refresh-preview", "blue", undefined]]);
  });

  describe("refusals, word for word and before any change", () => {
    it("a network restore that would replace a resource", async () => {
      const group = resourceOf(h, NETWORK, "aws:lb/targetGroup:TargetGroup", /green/);
      h.engine.simulateDrift(NETWORK, group, { port: 9999 });
      const before = changingCalls(h);
      await assert.rejects(h.deployment.heal(), {
        name: "WorkflowError",
        message:
          "Restoring the network stack would replace 1 resource(s), which would cut the fleets off: inspect it " +
          "with `pulumi preview --refresh --stack shop-prod-network` and repair it by hand. Nothing was changed.",
      });
      assert.strictEqual(changingCalls(h), before);
    });

    it("a stray rule the probe cannot revoke", async () => {
      addSshRule(h);
      const probe = {
        targetGroupHealth: h.probe.targetGroupHealth.bind(h.probe),
        desiredCapacity: h.probe.desiredCapacity.bind(h.probe),
        alarmsInAlarm: h.probe.alarmsInAlarm.bind(h.probe),
      };
      const before = changingCalls(h);
      await assert.rejects(h.another({ probe }).heal(), (error: unknown) => {
        assert.ok(error instanceof WorkflowError);
        assert.strictEqual(
          error.message,
          "The network has security group rules that no Phoenix resource declares (ingress tcp 22 from " +
            "0.0.0.0/0), and this CloudProbe cannot revoke rules: use the AWS probe (createAwsCloudProbe) or " +
            "revoke them by hand. Nothing was changed.",
        );
        return true;
      });
      assert.strictEqual(changingCalls(h), before);
    });

    for (const [drifted, share] of [
      ["blue", "90 %"],
      ["green", "10 %"],
    ] as const)
      it(`split traffic, the ${drifted} fleet (${share}) drifted: no fleet with traffic is replaced`, async () => {
        await h.deployment.up({ release: "v2", imageId: AMI_2 });
        await splitByHand(h, 90, 10);
        h.engine.simulateDrift(`${APP}-${ENV}-${drifted}`, `${APP}-${ENV}-${drifted}-asg`, { maxSize: 9 });
        const before = changingCalls(h);
        await assert.rejects(h.deployment.heal({ force: true }), (error: unknown) => {
          assert.ok(error instanceof WorkflowError);
          assert.ok(
            error.message.startsWith("The traffic is split (blue 90 % / green 10 %): ") &&
              error.message.endsWith(" Nothing was changed."),
            error.message,
          );
          return true;
        });
        assert.strictEqual(changingCalls(h), before);
        assert.deepStrictEqual(h.violations, []);
        assert.deepStrictEqual([releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")], ["v1", "v2"]);
      });

    it("split traffic, only the router drifted: refused as well (docs/workflows.md: heal never builds on it)", async () => {
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await splitByHand(h, 90, 10);
      editListener(h);
      const before = changingCalls(h);
      await assert.rejects(
        h.deployment.heal(),
        /^WorkflowError: The traffic is split \(blue 90 % \/ green 10 %\)/,
      );
      assert.strictEqual(changingCalls(h), before);
    });

    it("a drifted idle fleet inside its keep-warm window, unless forced", async () => {
      await twoReleases();
      h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
      const before = changingCalls(h);
      await assert.rejects(h.deployment.heal(), { name: "KeepWarmError" });
      assert.strictEqual(changingCalls(h), before);
    });

    it("a drifted live fleet whose idle colour is the rollback target inside its window, unless forced", async () => {
      await twoReleases();
      h.engine.simulateDrift(GREEN, `${GREEN}-asg`, { maxSize: 9 });
      const before = changingCalls(h);
      await assert.rejects(h.deployment.heal(), { name: "KeepWarmError" });
      assert.strictEqual(changingCalls(h), before);
      assert.deepStrictEqual((await h.deployment.heal({ force: true })).to, "blue");
    });

    it("a router restore that changed another number of resources than the listener", async () => {
      editListener(h);
      const select = h.engine.createOrSelectStack.bind(h.engine);
      h.engine.createOrSelectStack = async (name, role) => {
        const stack = await select(name, role);
        if (name !== ROUTER) return stack;
        const up = stack.up.bind(stack);
        return Object.assign(stack, {
          up: async (...args: Parameters<EngineStack["up"]>) => {
            const result = await up(...args);
            return { ...result, summary: { ...result.summary, resourceChanges: { same: 1, update: 2 } } };
          },
        });
      };
      await assert.rejects(h.deployment.heal(), {
        name: "VerifyFailedError",
        message: /restoring the router changed 2 resources; it must change exactly 1 \(the listener\)/,
      });
    });
  });

  describe("a heal that fails part way", () => {
    it("a swap that fails undoes the new fleet; the traffic stays on the drifted colour", async () => {
      h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
      h.probe.setAlarm("high-5xx", true);
      const from = (await h.journal()).length;
      await assert.rejects(h.deployment.heal({ verify: { alarmNames: ["high-5xx"] } }), SwapFailedError);
      const steps = (await stepsFrom(h, from)).map(([step]) => step);
      assert.deepStrictEqual(steps.slice(-3), ["swap:verify:100", "restore-traffic", "undo-up"]);
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.ok(!h.engine.stackNames().includes(GREEN), "the new fleet is gone");
      assert.strictEqual((await h.deployment.status()).interrupted, undefined);
    });

    it("an undo that fails too is left open: the next workflow destroys the new fleet", async () => {
      h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
      h.probe.setAlarm("high-5xx", true);
      h.engine.failWhen((call) => (call.method === "destroy" && call.stack === GREEN ? "before" : undefined));
      await assert.rejects(h.deployment.heal({ verify: { alarmNames: ["high-5xx"] } }), SwapFailedError);
      h.engine.failWhen(undefined);
      assert.strictEqual((await h.deployment.status()).interrupted?.lastStep, "undo-up");
      assert.strictEqual(releaseOf(h.engine, "green"), "v1");
      h.probe.setAlarm("high-5xx", false);
      await h.deployment.bootstrap();
      assert.ok(!h.engine.stackNames().includes(GREEN), "recovered: the new fleet destroyed");
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });

    it("a destroy of the drifted colour that fails after the swap is left open and completed by the next workflow", async () => {
      h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
      h.engine.failWhen((call) => (call.method === "destroy" && call.stack === BLUE ? "before" : undefined));
      await assert.rejects(h.deployment.heal());
      h.engine.failWhen(undefined);
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
      assert.strictEqual((await h.deployment.status()).interrupted?.lastStep, "destroy:destroy");
      await h.deployment.bootstrap();
      assert.ok(!h.engine.stackNames().includes(BLUE), "recovered: the drifted colour destroyed");
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });

    it("a drifted idle fleet whose destroy fails midway: the undo finishes the destroy, traffic untouched", async () => {
      await twoReleases();
      h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
      let destroys = 0;
      h.engine.failWhen((call) =>
        call.method === "destroy" && call.stack === BLUE && ++destroys === 1 ? "midway" : undefined,
      );
      const from = (await h.journal()).length;
      await assert.rejects(h.deployment.heal({ force: true }));
      h.engine.failWhen(undefined);
      const steps = (await stepsFrom(h, from)).map(([step]) => step);
      assert.deepStrictEqual(steps.slice(-3), ["read-idle-config", "up:destroy-old", "undo"]);
      assert.ok(!h.engine.stackNames().includes(BLUE), "the undo finished the destroy");
      assert.strictEqual((await h.deployment.status()).interrupted, undefined);
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });
  });
});
