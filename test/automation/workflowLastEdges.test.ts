// The last workflow edges of issue 12's mutation run: the image workflows' names, steps and limits, destroy's
// default force, a rollback whose live fleet is gone, a live colour that was a rollback target once, a failed
// config restore, the first swap's abort message, a recreate's retired release, an emptied retired colour.
import assert from "assert";
import { AbortedError, DeployFailedError, RollbackRefusedError } from "../../automation/errors";
import { FileRecordStore } from "../../automation/records/fileStore";
import type { RecordStore } from "../../automation/records/types";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const PARENT = "ami-0c02fb55956c7d316";
const BLUE = `${APP}-${ENV}-blue`;
const GREEN = `${APP}-${ENV}-green`;

/** Destroys and removes a stack behind Phoenix's back. */
async function deleteByHand(h: Harness, stack: string, remove = true): Promise<void> {
  const selected = await h.engine.createOrSelectStack(stack, "fleet");
  await selected.destroy();
  if (remove) await h.engine.removeStack(stack);
}

const lastBegin = async (h: Harness) => {
  const begin = (await h.journal()).filter((l) => l.type === "begin").at(-1);
  return begin?.type === "begin" ? [begin.workflow, begin.params] : undefined;
};

describe("the last workflow edges", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("bake and prune journal as `bake` and `ami-prune`; up without an AMI names where it takes it from", async () => {
    await h.deployment.bootstrap();
    await h.deployment.bake({ parentImage: PARENT });
    assert.deepStrictEqual((await lastBegin(h))?.[0], "bake");
    await h.deployment.up({ release: "v1" });
    const choose = (await h.journal()).find((l) => l.type === "step" && l.step === "choose-image");
    assert.deepStrictEqual(choose?.type === "step" && [choose.status, choose.detail], [
      "started",
      "the newest baked AMI",
    ]);
    await h.deployment.pruneAmis({ keep: 1, dryRun: true });
    assert.deepStrictEqual((await lastBegin(h))?.[0], "ami-prune");
  });

  it("amis: at most `limit`, and a limit below 1 refused by name", async () => {
    await h.deployment.bake({ parentImage: PARENT });
    h.clock.now += 3_600_000;
    await h.deployment.bake({ parentImage: PARENT, buildSteps: ["dnf clean all"] });
    assert.ok((await h.deployment.amis()).length >= 2);
    assert.strictEqual((await h.deployment.amis({ limit: 1 })).length, 1);
    await assert.rejects(h.deployment.amis({ limit: 0 }), /`limit` \(0\)/);
  });

  it("destroy records force false unless given", async () => {
    await deployedOnce(h);
    await h.deployment.destroy({ colour: "green" });
    assert.deepStrictEqual(await lastBegin(h), ["destroy", { colour: "green", force: false }]);
  });

  it("a rollback whose live fleet was deleted by hand still goes back, with no release to name as left", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    await deleteByHand(h, GREEN);
    const result = await h.deployment.rollback();
    assert.deepStrictEqual(
      [result.from, result.fromRelease, result.to, result.release],
      ["green", undefined, "blue", "v1"],
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("a refused rollback whose live fleet was deleted by hand names no current release", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await deleteByHand(h, BLUE);
    const error = await h.deployment.rollback().catch((e: unknown) => e);
    assert.ok(error instanceof RollbackRefusedError, String(error));
    assert.deepStrictEqual(
      [error.reason, error.from, error.liveRelease, error.to, error.release],
      ["never-served", "blue", undefined, "green", "v2"],
    );
    assert.match(error.message, /the live release \(none on blue\)/);
  });

  it("a live colour that was the rollback target once shows no rollback window", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    await h.deployment.rollback();
    const status = await h.deployment.status();
    assert.deepStrictEqual(
      [status.colours.blue.weight, status.colours.blue.rollbackTargetUntil],
      [100, undefined],
      "blue serves again",
    );
    assert.ok(status.colours.green.rollbackTargetUntil, "green is the rollback target now");
  });

  it("a redeploy whose config cannot be put back after a refused preview says cleaning up failed", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let configs = 0;
    h.engine.failWhen((call) => {
      if (call.stack !== GREEN) return undefined;
      if (call.method === "preview") return "before";
      // The first setAllConfig is the redeploy's own; the second, its restore, fails.
      if (call.method === "setAllConfig") return ++configs === 2 ? "before" : undefined;
      return undefined;
    });
    const error = await h.deployment
      .up({ release: "v2", imageId: AMI_2, instanceType: "t3.large" })
      .catch((e: unknown) => e);
    h.engine.failWhen(undefined);
    assert.ok(error instanceof DeployFailedError && !error.cleanedUp, String(error));
    assert.strictEqual(releaseOf(h.engine, "green"), "v2", "the fleet that was there stays");
  });

  it("the first swap aborted after the router moved: the router back at 0/0, and the message says so", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    const controller = new AbortController();
    await assert.rejects(
      h.deployment.swap({
        signal: controller.signal,
        onProgress: (e) => {
          if (e.kind === "step-end" && e.step === "route:100" && e.status === "ok") controller.abort();
        },
      }),
      (error: unknown) =>
        error instanceof AbortedError && error.during === "swap step 1 (100 %), router back at 0/0",
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
  });

  it("a recreate's end line names the release it retired, as its first state read saw it", async () => {
    await deployedOnce(h);
    const v1 = (await h.deployment.status()).colours.blue.deploymentId;
    await h.deployment.release({ strategy: "recreate", release: "v2", imageId: AMI_2, acceptDowntime: true });
    const end = (await h.journal()).at(-1)!;
    assert.deepStrictEqual(end.type === "end" && [end.workflow, end.retired], [
      "release",
      { colour: "blue", release: "v1", deploymentId: v1 },
    ]);
  });

  it("an emptied stack on a colour retired earlier is destroyed without a keep-warm check (it holds no fleet)", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    await deleteByHand(h, BLUE, false);
    assert.deepStrictEqual(await h.deployment.destroy({ colour: "blue" }), {
      colour: "blue",
      destroyed: true,
      release: undefined,
    });
  });

  it("a journal write that fails once (not a lost lock) fails the workflow, which still writes its end line", async () => {
    const files = new FileRecordStore(h.stateDir);
    let failed = false;
    const records: RecordStore = {
      location: files.location,
      journal: (appEnv) => files.journal(appEnv),
      lockHolder: (appEnv) => files.lockHolder(appEnv),
      acquireLock: async (appEnv, workflow) => {
        const lock = await files.acquireLock(appEnv, workflow);
        return {
          check: () => lock.check(),
          release: () => lock.release(),
          journal: {
            append: async (entry) => {
              if (!failed && entry.type === "step" && entry.status === "ok") {
                failed = true;
                throw new Error("EIO: i/o error, write");
              }
              return lock.journal.append(entry);
            },
          },
        };
      },
    };
    await assert.rejects(h.another({ records }).bootstrap(), /^Error: EIO: i\/o error, write$/);
    const end = (await h.journal()).at(-1)!;
    assert.deepStrictEqual(end.type === "end" && [end.workflow, end.status, end.error], [
      "bootstrap",
      "failed",
      "EIO: i/o error, write",
    ]);
  });
});
