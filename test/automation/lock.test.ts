// One workflow per app/env at a time: the second fails fast naming the holder; stale locks are taken over.
import assert from "assert";
import { existsSync, mkdirSync, rmSync, utimesSync, writeFileSync } from "fs";
import { hostname, userInfo } from "os";
import { join } from "path";
import { LockedError } from "../../automation/errors";
import { acquireLock } from "../../automation/lock";
import { FileRecordStore } from "../../automation/records/fileStore";
import type { HeldLock } from "../../automation/records/types";
import { AMI_1, AMI_2, START, deployedOnce, harness, weights, type Harness } from "./harness";
import { waitFor, whileRunning } from "./waitFor";

/** Resolves once `run` (a workflow of `h`) reports its first health reading: it is then in its health wait. */
function inHealthWait(h: Harness, run: Promise<unknown>): Promise<void> {
  return whileRunning(run, () => h.events.some((e) => e.kind === "health"), "the first health reading");
}

describe("app/env lock", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("refuses a second workflow on the same app/env while one runs, naming the holder", async () => {
    await h.deployment.bootstrap();
    h.probe.setWarmingUp("shop", "prod", "blue", 3);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    // The first workflow pauses in its health wait until the test lets it go on.
    const first = h.another({ sleep: () => gate }).up({ release: "v1", imageId: AMI_1 });
    await inHealthWait(h, first);
    try {
      const calls = h.engine.callCount;
      await assert.rejects(h.deployment.swap(), (error: Error) => {
        assert.ok(error instanceof LockedError);
        assert.strictEqual(error.holder?.workflow, "up");
        assert.strictEqual(error.holder?.pid, process.pid);
        assert.match(
          error.message,
          new RegExp(
            `\`up\` \\(pid ${process.pid} of ${userInfo().username} on ${hostname()}, since \\d{4}-\\d\\d-\\d\\dT`,
          ),
        );
        assert.match(error.message, /wait for it to finish and retry/);
        return true;
      });
      assert.strictEqual(h.engine.callCount, calls, "the refused workflow made no engine call");
    } finally {
      // Let the parked workflow finish (and release its lock) even when an assertion above failed.
      release();
      await first;
    }
    await h.deployment.swap();
  });

  it("lets workflows on another app/env run at the same time", async () => {
    const held = await acquireLock(h.stateDir, "shop-prod", "up");
    try {
      const other = await acquireLock(h.stateDir, "shop-staging", "up");
      await other.release();
    } finally {
      await held.release();
    }
  });

  it("takes over a lock whose mtime is older than the stale time", async () => {
    const lockDir = join(h.stateDir, "shop-prod.lock");
    mkdirSync(lockDir);
    writeFileSync(
      join(h.stateDir, "shop-prod.lock-holder.json"),
      JSON.stringify({ pid: 1, host: "elsewhere", workflow: "swap", since: "2025-01-01T00:00:00Z" }),
    );
    const old = new Date(Date.now() - 120_000);
    utimesSync(lockDir, old, old);
    await h.deployment.bootstrap();
    assert.deepStrictEqual(
      (await h.deployment.history()).map((record) => [record.workflow, record.status]),
      [["bootstrap", "ok"]],
    );
    assert.ok(!existsSync(lockDir), "released after the workflow");
  });

  it("takes over at once a fresh lock whose holder process on this host is gone", async () => {
    mkdirSync(join(h.stateDir, "shop-prod.lock"));
    // pid 2^22 + 1 is above Linux's pid_max, so no process has it.
    writeFileSync(
      join(h.stateDir, "shop-prod.lock-holder.json"),
      JSON.stringify({
        pid: 4194305,
        host: hostname(),
        workflow: "up",
        since: new Date(START).toISOString(),
      }),
    );
    await h.deployment.bootstrap();
    // Taken over: the workflow ran to its end under the lock, then released it.
    assert.deepStrictEqual(
      (await h.deployment.history()).map((record) => [record.workflow, record.status]),
      [["bootstrap", "ok"]],
    );
    assert.ok(!existsSync(join(h.stateDir, "shop-prod.lock")), "released after the workflow");
    assert.ok(!existsSync(join(h.stateDir, "shop-prod.lock-holder.json")), "holder file removed");
  });

  it("keeps a fresh lock held by another host, naming it", async () => {
    mkdirSync(join(h.stateDir, "shop-prod.lock"));
    writeFileSync(
      join(h.stateDir, "shop-prod.lock-holder.json"),
      JSON.stringify({ pid: 4242, host: "ci-runner-7", workflow: "heal", since: "2026-01-01T00:00:00.000Z" }),
    );
    await assert.rejects(
      h.deployment.bootstrap(),
      /`heal` \(pid 4242 on ci-runner-7, since 2026-01-01T00:00:00.000Z\) holds the lock/,
    );
  });

  it("notices a lock lost mid-workflow, puts the traffic back and stops", async function () {
    this.timeout(10_000);
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let paused = false;
    // The file store, with a hand on the lock it takes (to see when proper-lockfile notices the loss).
    const store = new FileRecordStore(h.stateDir, { staleMs: 3000 });
    let held: HeldLock | undefined;
    const take = store.acquireLock.bind(store);
    store.acquireLock = async (appEnv, workflow) => (held = await take(appEnv, workflow));
    const swap = h
      .another({ records: store, sleep: () => ((paused = true), gate) })
      .swap({ steps: [10, 100], pauseMs: 1000 });
    let outcome: "ok" | Error | undefined;
    void swap.then(
      () => (outcome = "ok"),
      (error: Error) => (outcome = error),
    );
    try {
      await whileRunning(swap, () => paused, "the pause after the first swap step");
      rmSync(join(h.stateDir, "shop-prod.lock"), { recursive: true, force: true });
      // proper-lockfile's next refresh (a third of the stale time) notices the loss; check() then says so.
      await waitFor(() => {
        try {
          held!.check();
          return false;
        } catch {
          return true;
        }
      }, "the lock's refresh to notice the loss");
    } finally {
      release();
    }
    await waitFor(() => outcome !== undefined, "the swap to end");
    assert.ok(outcome instanceof Error, "the swap must not carry on without its lock");
    assert.match(outcome.message, /Swap failed at step 2 \(100 %\): The lock .* was lost while swap ran/);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("status reads without the lock and tells a running workflow from an interrupted one", async () => {
    await h.deployment.bootstrap();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    h.probe.setWarmingUp("shop", "prod", "blue", 2);
    const running = h.another({ sleep: () => gate }).up({ release: "v1", imageId: AMI_1 });
    try {
      await inHealthWait(h, running);
      const status = await h.deployment.status();
      assert.deepStrictEqual(
        [status.interrupted?.workflow, status.interrupted?.running, status.interrupted?.lastStep],
        ["up", true, "wait-healthy"],
      );
    } finally {
      release();
      await running;
    }
    assert.strictEqual((await h.deployment.status()).interrupted, undefined);
  });
});
