// Each workflow's happy path and refusals, on the in-memory engine and the scripted probe.
import assert from "assert";
import {
  AbortedError,
  ColourInUseError,
  ColourMissingError,
  DeployFailedError,
  ImmutableUpdateError,
  KeepWarmError,
  NotBootstrappedError,
  NothingToRollBackError,
  SwapFailedError,
  UnhealthyError,
} from "../../automation/errors";
import { fleetProgram, routerProgram } from "../../automation/memory/fakePrograms";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const HOUR = 3600_000;
/** A stack's config keys that are set ("" reads as unset: the engine merges config, so keys are blanked). */
const setConfig = (h: Harness, stack: string) =>
  Object.fromEntries(
    Object.entries(h.engine.inspect(stack)?.config ?? {}).filter(([, value]) => value !== ""),
  );
const upCalls = (h: Harness, stack: string) =>
  h.engine.calls.filter((c) => c.method === "up" && c.stack === stack).length;

/** blue serves v1 (retired green held nothing), green serves v2 after this: blue v1 is the rollback target. */
async function twoReleases(h: Harness): Promise<void> {
  await deployedOnce(h);
  await h.deployment.up({ release: "v2", imageId: AMI_2 });
  await h.deployment.swap();
}

describe("BlueGreenDeployment workflows", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  describe("bootstrap", () => {
    it("creates the network and router stacks, the router at 0/0 (no release live), and is idempotent", async () => {
      assert.deepStrictEqual(await h.deployment.bootstrap(), {
        created: ["network", "router"],
        existing: [],
      });
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
      const listener = h.engine
        .inspect("shop-prod-router")!
        .resources.filter((r) => r.type === "aws:lb/listener:Listener");
      assert.strictEqual(listener.length, 1, "the router is one listener");
      assert.deepStrictEqual(
        (listener[0].inputs.defaultActions as { type: string; fixedResponse?: { statusCode: string } }[]).map(
          (a) => [a.type, a.fixedResponse?.statusCode],
        ),
        [["fixed-response", "503"]],
        "no weight points at a colour without a stack: the listener answers 503 itself",
      );
      const ups = h.engine.calls.filter((c) => c.method === "up").length;
      assert.deepStrictEqual(await h.deployment.bootstrap(), {
        created: [],
        existing: ["network", "router"],
      });
      assert.strictEqual(
        h.engine.calls.filter((c) => c.method === "up").length,
        ups,
        "a second bootstrap runs no up",
      );
      assert.strictEqual(h.engine.inspect("shop-prod-router")?.config["phoenix:role"], "router");
    });

    it("passes network and router options as their config keys", async () => {
      await h.deployment.bootstrap({ network: { appPort: 9000 }, router: { stickinessSeconds: 60 } });
      assert.strictEqual(h.engine.inspect("shop-prod-network")?.config["phoenix:appPort"], "9000");
      assert.strictEqual(h.engine.inspect("shop-prod-router")?.config["phoenix:stickinessSeconds"], "60");
    });
  });

  describe("up", () => {
    it("deploys the release to the idle colour with the FleetConfig keys, waits for health, leaves traffic alone", async () => {
      await h.deployment.bootstrap();
      const routerUps = upCalls(h, "shop-prod-router");
      const result = await h.deployment.up({
        release: "v1",
        imageId: AMI_1,
        instanceType: "m7g.large",
        capacity: { min: 2, max: 6, desired: 4 },
      });
      assert.strictEqual(result.colour, "blue");
      assert.deepStrictEqual(result.health, { healthy: 4, desired: 4, byState: { healthy: 4 } });
      assert.deepStrictEqual(result.changes, { create: 7 });
      assert.match(result.identity, /^[a-z2-7]{10}$/);
      const { "phoenix:deploymentId": deploymentId, ...config } = h.engine.inspect("shop-prod-blue")!.config;
      // A new deployment id per up, output by the stack: the fleet's identity in the deployment records.
      assert.match(deploymentId, /^[0-9a-z]+-[0-9]+$/);
      assert.strictEqual(h.engine.inspect("shop-prod-blue")!.outputs.deploymentId, deploymentId);
      assert.deepStrictEqual(config, {
        "phoenix:role": "fleet",
        "phoenix:app": APP,
        "phoenix:env": ENV,
        "phoenix:colour": "blue",
        "phoenix:release": "v1",
        "phoenix:imageId": AMI_1,
        "phoenix:instanceType": "m7g.large",
        "phoenix:minSize": "2",
        "phoenix:maxSize": "6",
        "phoenix:desiredCapacity": "4",
      });
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
      assert.strictEqual(upCalls(h, "shop-prod-router"), routerUps, "up never updates the router");
    });

    it("polls health with exponential backoff until every desired target is healthy", async () => {
      await h.deployment.bootstrap();
      h.events.length = 0;
      const started = h.clock.now;
      const deploying = h.deployment.up({ release: "v1", imageId: AMI_1 });
      // The fleet's target group exists once the network does; mark it warming up for three polls.
      h.probe.setWarmingUp(APP, ENV, "blue", 3);
      await deploying;
      const readings = h.events.filter((e) => e.kind === "health");
      assert.deepStrictEqual(
        readings.map((e) => e.kind === "health" && [e.attempt, e.healthy, Object.keys(e.byState)[0]]),
        [
          [1, 0, "initial"],
          [2, 0, "initial"],
          [3, 0, "initial"],
          [4, 2, "healthy"],
        ],
      );
      assert.strictEqual(h.clock.now - started, 1000 + 2000 + 4000);
    });

    it("rides out probe errors (throttling) while waiting for health, and reports the last one at the deadline", async () => {
      await h.deployment.bootstrap();
      let failures = 2;
      h.probe.failWhen((method) =>
        method === "targetGroupHealth" && failures-- > 0
          ? new Error("Rate exceeded (Throttling)")
          : undefined,
      );
      const result = await h.deployment.up({ release: "v1", imageId: AMI_1 });
      assert.deepStrictEqual(result.health, { healthy: 2, desired: 2, byState: { healthy: 2 } });
      h.probe.failWhen(() => new Error("connect ETIMEDOUT"));
      await assert.rejects(
        h.deployment.up({ release: "v2", imageId: AMI_2, force: true }),
        /probe error: connect ETIMEDOUT after \d+ checks in 60000 ms/,
      );
    });

    it("destroys what it created when the colour never gets healthy, and says why", async () => {
      await h.deployment.bootstrap();
      h.probe.setHealthy(APP, ENV, "blue", false);
      await assert.rejects(h.deployment.up({ release: "v1", imageId: AMI_1 }), (error: DeployFailedError) => {
        assert.ok(error instanceof DeployFailedError);
        assert.ok(error.cause instanceof UnhealthyError);
        assert.strictEqual(error.cleanedUp, true);
        assert.match(error.message, /0\/2 healthy targets: 2 unhealthy/);
        assert.match(error.message, /Traffic was not touched/);
        return true;
      });
      assert.ok(!h.engine.stackNames().includes("shop-prod-blue"), "the failed fleet's stack is gone");
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    });

    it("refuses before bootstrap, naming the missing stacks and the command to run", async () => {
      await assert.rejects(h.deployment.up({ release: "v1", imageId: AMI_1 }), (error: Error) => {
        assert.ok(error instanceof NotBootstrappedError);
        assert.match(error.message, /missing stacks: shop-prod-network, shop-prod-router/);
        assert.match(error.message, /phoenix bootstrap --app shop --env prod/);
        return true;
      });
    });

    it("refuses to replace the rollback target inside its keep-warm window unless forced", async () => {
      await twoReleases(h);
      await assert.rejects(h.deployment.up({ release: "v3", imageId: AMI_1 }), (error: Error) => {
        assert.ok(error instanceof KeepWarmError);
        assert.strictEqual(error.colour, "blue");
        assert.match(error.message, /release v1\) is the rollback target for another 60 min/);
        return true;
      });
      assert.strictEqual(releaseOf(h.engine, "blue"), "v1", "nothing changed");
      const forced = await h.deployment.up({ release: "v3", imageId: AMI_1, force: true });
      assert.strictEqual(forced.replacedRelease, "v1");
      assert.strictEqual(releaseOf(h.engine, "blue"), "v3");
    });

    it("replaces the idle colour's old release once the keep-warm window has passed", async () => {
      await twoReleases(h);
      h.clock.now += HOUR + 1;
      const result = await h.deployment.up({ release: "v3", imageId: AMI_1 });
      assert.deepStrictEqual([result.colour, result.replacedRelease], ["blue", "v1"]);
    });

    it("refuses an in-place update of a launch template before changing anything", async () => {
      // A broken component that leaves the release identity out of the physical names.
      const staticNames = harness({
        engine: {
          programs: {
            fleet: (context) => {
              const result = fleetProgram(context);
              for (const resource of result.resources)
                if (resource.inputs.name) resource.inputs.name = resource.name;
              const template = result.resources.find(
                (r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate",
              )!;
              for (const resource of result.resources) {
                if (resource.inputs.launchTemplate)
                  resource.inputs.launchTemplate = { name: template.name, version: "1" };
              }
              return result;
            },
          },
        },
      });
      try {
        await staticNames.deployment.bootstrap();
        await staticNames.deployment.up({ release: "v1", imageId: AMI_1 });
        const blueUps = upCalls(staticNames, "shop-prod-blue");
        const blueConfig = staticNames.engine.inspect("shop-prod-blue")?.config;
        await assert.rejects(staticNames.deployment.up({ release: "v1", imageId: AMI_2 }), (error: Error) => {
          assert.ok(error instanceof ImmutableUpdateError);
          assert.deepStrictEqual(
            error.updates.map((u) => [u.type, u.keys]),
            [["aws:ec2/launchTemplate:LaunchTemplate", ["imageId"]]],
          );
          assert.match(
            error.message,
            /shop-prod-blue-lt \(aws:ec2\/launchTemplate:LaunchTemplate\): imageId/,
          );
          assert.match(error.message, /Nothing was changed/);
          return true;
        });
        assert.strictEqual(
          upCalls(staticNames, "shop-prod-blue"),
          blueUps,
          "no up after the refused preview",
        );
        assert.strictEqual(staticNames.engine.inspect("shop-prod-blue")?.outputs.imageId, AMI_1);
        // Nothing changed, the stack config included: a plain `pulumi up` of the stack, or heal redeploying it
        // from its config, must not apply the refused change.
        assert.deepStrictEqual(setConfig(staticNames, "shop-prod-blue"), blueConfig);
      } finally {
        staticNames.cleanup();
      }
    });

    it("restores the fleet's config when a redeploy's preview is refused, keys it did not have included", async () => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
      const before = h.engine.inspect("shop-prod-blue")?.config;
      h.engine.failWhen((call) =>
        call.method === "preview" && call.stack === "shop-prod-blue" ? "before" : undefined,
      );
      await assert.rejects(
        h.deployment.up({ release: "v1", imageId: AMI_1, instanceType: "t3.large", userData: "#!/bin/sh" }),
        DeployFailedError,
      );
      assert.deepStrictEqual(
        setConfig(h, "shop-prod-blue"),
        before,
        "the config the fleet was deployed with; added keys blanked",
      );
    });

    it("a redeploy of the same release is configured by its own options alone, not the previous deploy's", async () => {
      await h.deployment.bootstrap();
      await h.deployment.up({
        release: "v1",
        imageId: AMI_1,
        instanceType: "t3.large",
        userData: "#!/bin/sh",
      });
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
      const config = h.engine.inspect("shop-prod-blue")?.config ?? {};
      assert.deepStrictEqual(
        [config["phoenix:instanceType"], config["phoenix:userData"]].map((v) => v || undefined),
        [undefined, undefined],
      );
    });

    it("lets capacity change in place on the same release (a mutable key of the group)", async () => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: 2 });
      const again = await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: 3 });
      assert.deepStrictEqual(again.changes, { same: 6, update: 1 });
      assert.strictEqual(again.replacedRelease, undefined);
    });

    it("undoes what it created when aborted while waiting for health", async () => {
      await h.deployment.bootstrap();
      h.probe.setWarmingUp(APP, ENV, "blue", 100);
      const controller = new AbortController();
      const listener = (event: { kind: string; attempt?: number }) =>
        event.kind === "health" && event.attempt === 2 && controller.abort();
      await assert.rejects(
        h.deployment.up({ release: "v1", imageId: AMI_1, signal: controller.signal, onProgress: listener }),
        AbortedError,
      );
      assert.ok(!h.engine.stackNames().includes("shop-prod-blue"));
      const end = (await h.journal()).filter((e) => e.type === "end").pop();
      assert.strictEqual(end?.type === "end" && end.status, "aborted");
    });

    it("makes no engine call when the signal is already aborted", async () => {
      const calls = h.engine.callCount;
      await assert.rejects(h.deployment.bootstrap({ signal: AbortSignal.abort() }), AbortedError);
      assert.strictEqual(h.engine.callCount, calls);
    });
  });

  describe("swap", () => {
    beforeEach(async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
    });

    it("moves traffic in canary steps, one router update changing exactly one resource each", async () => {
      const routerUps = upCalls(h, "shop-prod-router");
      const started = h.clock.now;
      const result = await h.deployment.swap({
        steps: [10, 50, 100],
        pauseMs: 30_000,
        verify: { alarmNames: ["shop-5xx"] },
      });
      assert.deepStrictEqual([result.from, result.to, result.release], ["blue", "green", "v2"]);
      assert.deepStrictEqual(
        result.steps.map((s) => [s.weight, s.changedResources]),
        [
          [10, 1],
          [50, 1],
          [100, 1],
        ],
      );
      assert.strictEqual(upCalls(h, "shop-prod-router") - routerUps, 3);
      assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 });
      assert.strictEqual(h.probe.calls.filter((c) => c.method === "alarmsInAlarm").length, 3);
      assert.strictEqual(h.clock.now - started, 60_000, "two pauses between three steps");
    });

    it("puts 100 % back on the old colour when an alarm fires after a step, naming the step and the alarm", async () => {
      const listener = (event: { kind: string; step?: string; status?: string }) => {
        if (event.kind === "step-end" && event.step === "route:50" && event.status === "ok")
          h.probe.setAlarm("shop-5xx", true);
      };
      await assert.rejects(
        h.deployment.swap({
          steps: [10, 50, 100],
          verify: { alarmNames: ["shop-5xx", "shop-latency"] },
          onProgress: listener,
        }),
        (error: Error) => {
          assert.ok(error instanceof SwapFailedError);
          assert.deepStrictEqual([error.step, error.weight, error.restoredTo], [2, 50, "blue"]);
          assert.match(
            error.message,
            /step 2 \(50 %\): CloudWatch alarms in ALARM: shop-5xx\. Traffic is back at 100 % on blue/,
          );
          return true;
        },
      );
      assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    });

    it("never sends weight to an unhealthy colour: refuses before the first router update", async () => {
      h.probe.setHealthy(APP, ENV, "green", false);
      const routerUps = upCalls(h, "shop-prod-router");
      await assert.rejects(h.deployment.swap({ steps: [10, 100] }), (error: Error) => {
        assert.ok(error instanceof SwapFailedError);
        assert.deepStrictEqual([error.step, error.restoredTo], [1, undefined]);
        assert.match(error.message, /green colour is not healthy \(0\/2 healthy targets: 2 unhealthy/);
        return true;
      });
      assert.strictEqual(upCalls(h, "shop-prod-router"), routerUps);
    });

    it("stops a canary whose colour turns unhealthy between steps", async () => {
      const listener = (event: { kind: string; step?: string; status?: string }) => {
        if (event.kind === "step-end" && event.step === "verify:10" && event.status === "ok")
          h.probe.setHealthy(APP, ENV, "green", false);
      };
      await assert.rejects(
        h.deployment.swap({ steps: [10, 100], onProgress: listener }),
        (error: SwapFailedError) => error.step === 2 && error.restoredTo === "blue",
      );
      assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    });

    it("puts the traffic back when aborted between canary steps", async () => {
      const controller = new AbortController();
      const listener = (event: { kind: string; step?: string; status?: string }) => {
        if (event.kind === "step-end" && event.step === "route:10" && event.status === "ok")
          controller.abort();
      };
      await assert.rejects(
        h.deployment.swap({
          steps: [10, 100],
          pauseMs: 60_000,
          signal: controller.signal,
          onProgress: listener,
        }),
        (error: Error) =>
          error instanceof AbortedError && /swap step 1 \(10 %\), traffic back on blue/.test(error.message),
      );
      assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
      const end = (await h.journal()).filter((e) => e.type === "end").pop();
      assert.strictEqual(end?.type === "end" && end.status, "aborted");
    });

    it("puts the traffic back when the health probe fails after a step", async () => {
      let reads = 0;
      h.probe.failWhen((method) =>
        method === "targetGroupHealth" && ++reads === 2 ? new Error("ServiceUnavailable") : undefined,
      );
      await assert.rejects(
        h.deployment.swap({ steps: [10, 100] }),
        (error: Error) =>
          error instanceof SwapFailedError && error.step === 1 && /ServiceUnavailable/.test(error.message),
      );
      assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    });

    it("fails a step whose router update did not deploy the weights asked for", async () => {
      const stuck = harness({
        engine: {
          programs: {
            router: (context) =>
              routerProgram({
                ...context,
                config: { ...context.config, greenWeight: "0", blueWeight: "100" },
              }),
          },
        },
      });
      try {
        // The router is stuck at blue 100 %: the first release goes to green, and the swap must not pass.
        await stuck.deployment.bootstrap();
        await stuck.deployment.up({ release: "v1", imageId: AMI_1 });
        await assert.rejects(stuck.deployment.swap(), (error: Error) => {
          assert.ok(error instanceof SwapFailedError);
          assert.match(
            error.reason,
            /the router stack reports weights \{"blue":100,"green":0\} after an update to blue 0 % \/ green 100 %/,
          );
          return true;
        });
      } finally {
        stuck.cleanup();
      }
    });

    it("refuses to swap to a colour without a fleet", async () => {
      await h.deployment.swap();
      await h.deployment.destroy({ colour: "blue", force: true });
      await assert.rejects(
        h.deployment.swap(),
        (error: Error) =>
          error instanceof ColourMissingError && /blue colour has no fleet/.test(error.message),
      );
    });
  });

  describe("rollback", () => {
    it("puts 100 % back on the previous colour", async () => {
      await twoReleases(h);
      const v1 = h.engine.inspect("shop-prod-blue")!.outputs.deploymentId;
      assert.deepStrictEqual(await h.deployment.rollback(), {
        from: "green",
        fromRelease: "v2",
        to: "blue",
        release: "v1",
        deploymentId: v1,
      });
      assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    });

    it("refuses when the previous colour's stack is gone, saying what to do", async () => {
      await deployedOnce(h);
      await assert.rejects(
        h.deployment.rollback(),
        (error: Error) =>
          error instanceof NothingToRollBackError && /green stack holds no fleet/.test(error.message),
      );
    });

    it("refuses to roll back to an unhealthy colour and leaves the traffic where it is", async () => {
      await twoReleases(h);
      h.probe.setHealthy(APP, ENV, "blue", false);
      await assert.rejects(h.deployment.rollback(), UnhealthyError);
      assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 });
    });
  });

  describe("destroy", () => {
    it("refuses the live colour", async () => {
      await deployedOnce(h);
      await assert.rejects(
        h.deployment.destroy({ colour: "blue", force: true }),
        (error: Error) =>
          error instanceof ColourInUseError && /blue colour has 100 % of the traffic/.test(error.message),
      );
      assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
    });

    it("keeps the rollback target inside its window unless forced, then destroys and removes the stack", async () => {
      await twoReleases(h);
      await assert.rejects(h.deployment.destroy({ colour: "blue" }), KeepWarmError);
      h.clock.now += 30 * 60_000;
      await assert.rejects(h.deployment.destroy({ colour: "blue" }), /another 30 min/);
      assert.deepStrictEqual(await h.deployment.destroy({ colour: "blue", force: true }), {
        colour: "blue",
        destroyed: true,
        release: "v1",
      });
      assert.ok(!h.engine.stackNames().includes("shop-prod-blue"));
      assert.deepStrictEqual(await h.deployment.destroy({ colour: "blue" }), {
        colour: "blue",
        destroyed: false,
      });
    });
  });

  describe("status and history", () => {
    it("reports colours, releases, identities, weights, health, the rollback window and the last workflow", async () => {
      await twoReleases(h);
      h.probe.setHealthy(APP, ENV, "blue", false);
      const status = await h.deployment.status();
      assert.deepStrictEqual(
        [status.bootstrapped, status.live, status.weights],
        [true, "green", { green: 100, blue: 0 }],
      );
      assert.deepStrictEqual(
        [status.colours.green.release, status.colours.green.imageId, status.colours.green.weight],
        ["v2", AMI_2, 100],
      );
      assert.deepStrictEqual(status.colours.blue.health, {
        healthy: 0,
        desired: 2,
        byState: { unhealthy: 2 },
      });
      assert.strictEqual(status.colours.blue.rollbackTargetUntil, new Date(h.clock.now + HOUR).toISOString());
      assert.match(status.colours.green.identity!, /^[a-z2-7]{10}$/);
      assert.strictEqual(status.lastWorkflow?.workflow, "swap");
      assert.strictEqual(status.interrupted, undefined);
    });

    it("reports a deployment that is not bootstrapped", async () => {
      const status = await h.deployment.status();
      assert.deepStrictEqual(
        [status.bootstrapped, status.missingStacks, status.live],
        [false, ["shop-prod-network", "shop-prod-router"], undefined],
      );
    });

    it("lists every workflow with its steps, statuses and timings", async () => {
      await h.deployment.bootstrap();
      h.probe.setHealthy(APP, ENV, "blue", false);
      await h.deployment.up({ release: "v1", imageId: AMI_1 }).catch(() => undefined);
      const history = await h.deployment.history();
      assert.deepStrictEqual(
        history.map((r) => [r.workflow, r.status]),
        [
          ["bootstrap", "ok"],
          ["up", "failed"],
        ],
      );
      const wait = history[1].steps.find((s) => s.step === "wait-healthy")!;
      assert.strictEqual(wait.status, "failed");
      assert.strictEqual(wait.durationMs, 60_000, "the health deadline, on the fake clock");
      assert.deepStrictEqual(history[1].steps.map((s) => s.step).slice(-2), ["wait-healthy", "undo"]);
      assert.deepStrictEqual(
        (await h.deployment.history({ limit: 1 })).map((r) => r.workflow),
        ["up"],
      );
    });
  });

  describe("drift and heal", () => {
    beforeEach(() => deployedOnce(h));

    it("finds no drift on an untouched colour, and heal then changes nothing", async () => {
      assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
      const ups = h.engine.calls.filter((c) => c.method === "up").length;
      assert.strictEqual((await h.deployment.heal()).healed, false);
      assert.strictEqual(h.engine.calls.filter((c) => c.method === "up").length, ups);
    });

    it("lists drifted resources and properties, and resources deleted behind Pulumi's back", async () => {
      h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 9, desiredCapacity: 5 });
      h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-lt", null);
      const changing = () => h.engine.calls.filter((c) => c.method === "up" || c.method === "destroy").length;
      const before = changing();
      const report = await h.deployment.drift();
      assert.strictEqual(changing(), before, "drift changes nothing");
      assert.deepStrictEqual(
        report.drifted.map((d) => [d.name, d.properties, d.deleted]),
        [
          ["shop-prod-blue-lt", [], true],
          ["shop-prod-blue-asg", ["maxSize"], false],
        ],
      );
      assert.ok(h.engine.calls.some((c) => c.method === "refresh" && c.stack === "shop-prod-blue"));
    });

    it("does not count a desired capacity moved by scaling policies as drift", async () => {
      h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { desiredCapacity: 3 });
      assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
      assert.strictEqual((await h.deployment.heal()).healed, false);
    });

    it("heals: the same release and config on the idle colour, traffic moved, the drifted colour destroyed", async () => {
      h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 9 });
      const result = await h.deployment.heal();
      assert.deepStrictEqual([result.healed, result.from, result.to], [true, "blue", "green"]);
      assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 });
      assert.strictEqual(releaseOf(h.engine, "green"), "v1");
      assert.strictEqual(h.engine.inspect("shop-prod-green")?.config["phoenix:imageId"], AMI_1);
      assert.ok(!h.engine.stackNames().includes("shop-prod-blue"));
      assert.deepStrictEqual((await h.deployment.drift()).drifted, []);
    });
  });

  describe("progress events", () => {
    it("forwards engine events and workflow steps to the listeners", async () => {
      await h.deployment.bootstrap();
      h.events.length = 0;
      const own: string[] = [];
      await h.deployment.up({ release: "v1", imageId: AMI_1, onProgress: (e) => own.push(e.kind) });
      const engine = h.events.filter((e) => e.kind === "engine");
      assert.ok(
        engine.some(
          (e) =>
            e.kind === "engine" &&
            e.operation === "preview" &&
            e.event.resourcePreEvent?.metadata.op === "create",
        ),
      );
      assert.ok(
        engine.some(
          (e) =>
            e.kind === "engine" && e.operation === "up" && e.event.summaryEvent?.resourceChanges.create === 7,
        ),
      );
      const steps = h.events.filter((e) => e.kind === "step-end").map((e) => e.kind === "step-end" && e.step);
      assert.deepStrictEqual(steps, [
        "read-state",
        "configure",
        "preview",
        "deploy",
        "read-outputs",
        "wait-healthy",
      ]);
      assert.strictEqual(own.length, h.events.length, "the per-call listener sees the same events");
    });
  });
});
