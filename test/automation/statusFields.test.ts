// Every field of `status()` (issue 12), pinned as literals: before bootstrap, after it with nothing live, with
// two releases (the live one, the rollback target and its window), and the edges: a router stack without
// outputs, a window that has passed, a probe that fails, a workflow still running or interrupted.
import assert from "assert";
import type { DeploymentStatus } from "../../automation/types";
import { crashable, crashDuring } from "./crash";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, type Harness } from "./harness";

const MINUTE = 60_000;
const URL = "http://shop-prod-alb-580454481.us-east-1.elb.amazonaws.com/";
const absent = (colour: "blue" | "green") => ({
  colour,
  stack: `${APP}-${ENV}-${colour}`,
  exists: false,
  weight: 0,
});

/** The status without lastWorkflow (its run id is random), and lastWorkflow's name and status. */
function withoutRunIds(status: DeploymentStatus): [Omit<DeploymentStatus, "lastWorkflow">, unknown] {
  const { lastWorkflow, ...rest } = status;
  return [JSON.parse(JSON.stringify(rest)), lastWorkflow && [lastWorkflow.workflow, lastWorkflow.status]];
}

describe("status, field by field", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("before bootstrap: both stacks missing, nothing live, no rollback, no up colour, no workflow", async () => {
    assert.deepStrictEqual(withoutRunIds(await h.deployment.status()), [
      {
        app: APP,
        env: ENV,
        bootstrapped: false,
        missingStacks: ["shop-prod-network", "shop-prod-router"],
        weights: { blue: 0, green: 0 },
        nothingLive: false,
        colours: { blue: absent("blue"), green: absent("green") },
      },
      undefined,
    ]);
  });

  it("after bootstrap: nothing live, the URL, rollback refused (nothing-live), up goes to blue", async () => {
    await h.deployment.bootstrap();
    assert.deepStrictEqual(withoutRunIds(await h.deployment.status()), [
      {
        app: APP,
        env: ENV,
        bootstrapped: true,
        missingStacks: [],
        weights: { blue: 0, green: 0 },
        nothingLive: true,
        url: URL,
        colours: { blue: absent("blue"), green: absent("green") },
        rollback: {
          available: false,
          reason: "nothing-live",
          explanation:
            "no release has gone live yet (the router is at 0/0), so there is nothing to roll back from",
        },
        upColour: "blue",
      },
      ["bootstrap", "ok"],
    ]);
  });

  it("two releases: the live one, the rollback target with its window, deploy times, health per colour", async () => {
    await deployedOnce(h);
    h.clock.now += MINUTE;
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    h.clock.now += MINUTE;
    await h.deployment.swap();
    h.clock.now += MINUTE;
    h.probe.setHealthy(APP, ENV, "blue", false);
    const [status, last] = withoutRunIds(await h.deployment.status());
    assert.deepStrictEqual(last, ["swap", "ok"]);
    assert.deepStrictEqual(status, {
      app: APP,
      env: ENV,
      bootstrapped: true,
      missingStacks: [],
      weights: { blue: 0, green: 100 },
      live: "green",
      nothingLive: false,
      url: URL,
      colours: {
        blue: {
          colour: "blue",
          stack: "shop-prod-blue",
          exists: true,
          weight: 0,
          release: "v1",
          imageId: AMI_1,
          identity: "igg5p24ngd",
          deploymentId: "20260101t000000000z-11",
          deployedAt: "2026-01-01T00:00:00.000Z",
          desiredCapacity: 2,
          health: { healthy: 0, desired: 2, byState: { unhealthy: 2 } },
          // Retired by the swap at 00:02, kept warm for the default hour.
          rollbackTargetUntil: "2026-01-01T01:02:00.000Z",
        },
        green: {
          colour: "green",
          stack: "shop-prod-green",
          exists: true,
          weight: 100,
          release: "v2",
          imageId: AMI_2,
          identity: "2xfjo3n5cj",
          deploymentId: "20260101t000100000z-35",
          deployedAt: "2026-01-01T00:01:00.000Z",
          desiredCapacity: 2,
          health: { healthy: 2, desired: 2, byState: { healthy: 2 } },
        },
      },
      rollback: {
        available: true,
        colour: "blue",
        release: "v1",
        deploymentId: "20260101t000000000z-11",
        servedUntil: "2026-01-01T00:02:00.000Z",
        explanation:
          "rollback puts 100 % back on blue (release v1, deployment 20260101t000000000z-11), the fleet that " +
          "served until 2026-01-01T00:02:00.000Z",
      },
      upColour: "blue",
    });
  });

  it("the rollback window ends an hour after the retirement: no rollbackTargetUntil from then on", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.clock.now += 60 * MINUTE - 1;
    assert.strictEqual(
      (await h.deployment.status()).colours.blue.rollbackTargetUntil,
      "2026-01-01T01:00:00.000Z",
    );
    h.clock.now += 1;
    assert.strictEqual((await h.deployment.status()).colours.blue.rollbackTargetUntil, undefined);
  });

  it("a probe that fails: the colour's health is the error, the rest of the status is still read", async () => {
    await deployedOnce(h);
    h.probe.failWhen(() => new Error("ThrottlingException: Rate exceeded"));
    const status = await h.deployment.status();
    assert.deepStrictEqual(status.colours.blue.health, { error: "ThrottlingException: Rate exceeded" });
    assert.strictEqual(status.colours.blue.release, "v1");
    assert.strictEqual(status.colours.green.health, undefined, "no fleet, no probe");
  });

  it("a router stack left without outputs by a failed bootstrap is missing: not bootstrapped, no rollback", async () => {
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === `${APP}-${ENV}-router` ? "before" : undefined,
    );
    await assert.rejects(h.deployment.bootstrap());
    h.engine.failWhen(undefined);
    assert.ok(h.engine.stackNames().includes(`${APP}-${ENV}-router`), "the stack was created");
    const [status, last] = withoutRunIds(await h.deployment.status());
    assert.deepStrictEqual(last, ["bootstrap", "failed"]);
    assert.deepStrictEqual(
      [status.bootstrapped, status.missingStacks, status.nothingLive, status.rollback, status.upColour],
      [false, ["shop-prod-router"], false, undefined, undefined],
    );
  });
});

describe("status of a workflow that has not ended", () => {
  it("running while its holder still holds the lock, interrupted once the lock is gone", async () => {
    const c = crashable();
    try {
      const { h } = c;
      await h.deployment.bootstrap();
      let hung = false;
      c.arm((call) => (hung = call.method === "up" && call.stack === `${APP}-${ENV}-blue`));
      await crashDuring(h.deployment.up({ release: "v1", imageId: AMI_1 }), () => hung);
      const running = (await h.deployment.status()).interrupted!;
      assert.deepStrictEqual(
        [running.workflow, running.lastStep, running.running, running.startedAt],
        ["up", "deploy", true, "2026-01-01T00:00:00.000Z"],
      );
      const upId = (await h.journal()).filter((l) => l.type === "begin").at(-1)!.id;
      assert.strictEqual(running.id, upId);
      c.kill();
      assert.strictEqual((await h.deployment.status()).interrupted?.running, false);
      assert.deepStrictEqual((await h.deployment.status()).lastWorkflow?.workflow, "bootstrap");
    } finally {
      c.h.cleanup();
    }
  });
});
