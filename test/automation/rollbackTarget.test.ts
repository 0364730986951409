// Rollback goes only to the very fleet that served before the live one (issue 8, item 1): a release never
// live, a redeploy of one that served, or a fleet the records cannot identify on the other colour is refused
// before any mutating engine call, naming both releases and `phoenix swap`; `status` names the target.
import assert from "assert";
import { NothingToRollBackError, RollbackRefusedError } from "../../automation/errors";
import type { JournalEntry } from "../../automation/journal";
import type { EngineMethod } from "../../automation/memoryEngine";
import { rollbackTarget } from "../../automation/rollbackTarget";
import type { DeploymentState } from "../../automation/deploymentState";
import type { FleetOutputs } from "../../programs/contract";
import { AMI_1, AMI_2, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const HOUR = 3600_000;
const MUTATING: EngineMethod[] = ["setAllConfig", "preview", "up", "refresh", "destroy", "removeStack"];

/** The engine calls a body makes that change something (reads are fine). */
async function mutatingCalls(h: Harness, body: () => Promise<unknown>): Promise<string[]> {
  const from = h.engine.calls.length;
  await body().catch(() => undefined);
  return h.engine.calls
    .slice(from)
    .filter((c) => MUTATING.includes(c.method))
    .map((c) => `${c.method} ${c.stack ?? ""}`);
}

const deploymentOf = (h: Harness, colour: "blue" | "green") =>
  h.engine.inspect(`shop-prod-${colour}`)?.outputs.deploymentId as string | undefined;

/** v1 served on blue, v2 live on green: blue's v1 fleet is the rollback target. */
async function v2LiveAfterV1(h: Harness): Promise<void> {
  await deployedOnce(h);
  await h.deployment.up({ release: "v2", imageId: AMI_2 });
  await h.deployment.swap();
}

describe("rollback target: only the very fleet that served before the live one", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("refuses a release that never served (v3 replaced the kept-warm v1), before any mutating call", async () => {
    await v2LiveAfterV1(h);
    h.clock.now += 2 * HOUR; // keep-warm over
    await h.deployment.up({ release: "v3", imageId: AMI_1 });
    assert.strictEqual(releaseOf(h.engine, "blue"), "v3");
    const status = await h.deployment.status();
    assert.strictEqual(status.rollback?.available, false);
    assert.strictEqual(status.rollback?.reason, "never-served");
    assert.strictEqual(status.rollback?.release, "v3");
    assert.match(status.rollback!.explanation, /blue \(release v3, deployment \S+\) has never served/);
    let refused: unknown;
    const mutations = await mutatingCalls(h, () =>
      h.deployment.rollback().catch((error: unknown) => {
        refused = error;
        throw error;
      }),
    );
    assert.ok(refused instanceof RollbackRefusedError, String(refused));
    assert.ok(
      refused instanceof NothingToRollBackError,
      "a RollbackRefusedError is a NothingToRollBackError",
    );
    assert.strictEqual(refused.reason, "never-served");
    assert.deepStrictEqual(
      [refused.from, refused.liveRelease, refused.to, refused.release],
      ["green", "v2", "blue", "v3"],
    );
    assert.match(refused.message, /^Refusing to roll back to v3 on blue: /);
    assert.match(refused.message, /\(v2 on green\)/);
    assert.match(refused.message, /use `phoenix swap`/);
    assert.match(refused.message, /Nothing was changed\.$/);
    assert.deepStrictEqual(mutations, [], "refused before any mutating engine call");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    const end = (await h.journal()).filter((e) => e.type === "end").pop();
    assert.strictEqual(end?.type === "end" && end.status, "failed");
  });

  it("refuses a redeploy of the release that served (destroyed, then deployed again)", async () => {
    await v2LiveAfterV1(h);
    const served = deploymentOf(h, "blue");
    await h.deployment.destroy({ colour: "blue", force: true });
    h.clock.now += 1000;
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
    assert.notStrictEqual(deploymentOf(h, "blue"), served, "a redeploy is a fleet of its own");
    const mutations = await mutatingCalls(h, () =>
      assert.rejects(
        h.deployment.rollback(),
        (error: Error) =>
          error instanceof RollbackRefusedError &&
          error.reason === "redeployed" &&
          /redeploy of release v1/.test(error.message) &&
          /\(v2 on green\)/.test(error.message),
      ),
    );
    assert.deepStrictEqual(mutations, []);
    assert.strictEqual((await h.deployment.status()).rollback?.reason, "redeployed");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });

  it("refuses a redeploy of the same release in place (up v1 again over the v1 that served)", async () => {
    await v2LiveAfterV1(h);
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await assert.rejects(
      h.deployment.rollback(),
      (error: Error) => error instanceof RollbackRefusedError && error.reason === "redeployed",
    );
  });

  it("rolls back to the fleet that served, and back again: status, result and records name it", async () => {
    await v2LiveAfterV1(h);
    const v1 = deploymentOf(h, "blue")!;
    const v2 = deploymentOf(h, "green")!;
    const status = await h.deployment.status();
    assert.deepStrictEqual(
      { ...status.rollback, explanation: undefined, servedUntil: undefined },
      {
        available: true,
        colour: "blue",
        release: "v1",
        deploymentId: v1,
        explanation: undefined,
        servedUntil: undefined,
      },
    );
    assert.match(
      status.rollback!.explanation,
      /^rollback puts 100 % back on blue \(release v1, deployment \S+\), the fleet that served until /,
    );
    assert.deepStrictEqual(await h.deployment.rollback(), {
      from: "green",
      fromRelease: "v2",
      to: "blue",
      release: "v1",
      deploymentId: v1,
    });
    const end = (await h.journal()).filter((e) => e.type === "end").pop();
    assert.deepStrictEqual(end?.type === "end" && end.retired, {
      colour: "green",
      release: "v2",
      deploymentId: v2,
    });
    // v2 served until the rollback: it is the target now.
    assert.strictEqual((await h.deployment.rollback()).deploymentId, v2);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });

  it("with nothing live and both colours holding releases, up replaces the one deployed earlier", async () => {
    await h.deployment.bootstrap();
    assert.strictEqual((await h.deployment.up({ release: "v1", imageId: AMI_1 })).colour, "blue");
    h.clock.now += 1000;
    assert.strictEqual((await h.deployment.up({ release: "v2", imageId: AMI_2 })).colour, "green");
    h.clock.now += 1000;
    assert.strictEqual((await h.deployment.status()).upColour, "blue");
    const v3 = await h.deployment.up({ release: "v3", imageId: AMI_1 });
    assert.deepStrictEqual([v3.colour, v3.replacedRelease], ["blue", "v1"]);
    h.clock.now += 1000;
    // Now green's v2 is the older: it goes, and v3 (the newer) stays.
    assert.strictEqual((await h.deployment.status()).upColour, "green");
    const v4 = await h.deployment.up({ release: "v4", imageId: AMI_2 });
    assert.deepStrictEqual([v4.colour, v4.replacedRelease], ["green", "v2"]);
    assert.deepStrictEqual([releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")], ["v3", "v4"]);
  });
});

describe("rollbackTarget (pure, from records and stacks)", () => {
  const fleet = (colour: "blue" | "green", release: string, deploymentId?: string) =>
    ({ colour, release, deploymentId }) as FleetOutputs;
  const state = (
    blue: FleetOutputs | undefined,
    green: FleetOutputs | undefined,
    weights = { blue: 0, green: 100 },
  ): DeploymentState => ({
    existing: new Set(["network", "router", "blue", "green"]),
    router: undefined,
    weights,
    fleets: { ...(blue ? { blue } : {}), ...(green ? { green } : {}) },
  });
  const retired = (colour: "blue" | "green", release: string, deploymentId?: string): JournalEntry => ({
    type: "end",
    id: "r",
    workflow: "swap",
    at: "2026-01-01T00:00:00.000Z",
    status: "ok",
    durationMs: 1,
    retired: { colour, release, ...(deploymentId ? { deploymentId } : {}) },
  });

  it("names the fleet the last traffic move retired, while the other colour holds that very deployment", () => {
    const target = rollbackTarget(state(fleet("blue", "v1", "d1"), fleet("green", "v2", "d2")), [
      retired("blue", "v1", "d1"),
    ]);
    assert.ok(target.available);
    assert.deepStrictEqual(target.target, { colour: "blue", release: "v1", deploymentId: "d1" });
  });

  it("refuses a fleet without a deployment id (deployed by hand, or before the records named fleets)", () => {
    const target = rollbackTarget(state(fleet("blue", "v1"), fleet("green", "v2", "d2")), [
      retired("blue", "v1"),
    ]);
    assert.ok(!target.available && target.reason === "unidentified", JSON.stringify(target));
  });

  it("refuses a fleet that served, but not just before the live one", () => {
    const target = rollbackTarget(state(fleet("blue", "v1", "d1"), fleet("green", "v2", "d2")), [
      retired("blue", "v1", "d1"),
      retired("green", "v0", "d0"),
    ]);
    assert.ok(!target.available && target.reason === "not-previous", JSON.stringify(target));
  });

  it("says why when nothing is live or the other colour is empty", () => {
    const none = rollbackTarget(state(fleet("blue", "v1", "d1"), undefined, { blue: 0, green: 0 }), []);
    assert.ok(!none.available && none.reason === "nothing-live");
    const empty = rollbackTarget(state(undefined, fleet("green", "v2", "d2")), [retired("blue", "v1", "d1")]);
    assert.ok(!empty.available && empty.reason === "no-fleet");
    assert.match(empty.explanation, /served before the current one was v1 on blue/);
  });
});
