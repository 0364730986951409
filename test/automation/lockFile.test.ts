// The file lock itself (no workflow around it): the holder it names, the errors a second workflow gets word
// for word, when a lock counts as stale, and what check() says once the lock was lost. proper-lockfile's
// refresh runs on timers: Node's mock timers move them, so nothing here waits on the wall clock.
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "fs";
import { mock } from "node:test";
import { hostname, tmpdir, userInfo } from "os";
import { join } from "path";
import { LockCompromisedError, LockedError } from "../../automation/errors";
import { acquireLock, currentUser, lockHolder, processAlive } from "../../automation/lock";
import { FileRecordStore } from "../../automation/records/fileStore";

/** Let callbacks of file system calls in flight run, and those calls finish (setImmediate is not mocked). */
async function settle(): Promise<void> {
  do {
    for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
  } while (process.getActiveResourcesInfo().some((resource) => resource.startsWith("FSReq")));
}

/** Make a lock directory look untouched for `ageMs` (proper-lockfile judges staleness by its mtime). */
function age(path: string, ageMs: number): void {
  const then = new Date(Date.now() - ageMs);
  utimesSync(path, then, then);
}

describe("file lock", () => {
  let dir: string;
  let state: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "phoenix-lockfile-"));
    state = join(dir, "nested", "state");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lockDir = () => join(state, "shop-prod.lock");
  const holderFile = () => join(state, "shop-prod.lock-holder.json");
  const elsewhere = { pid: 4242, host: "ci-runner-7", workflow: "heal", since: "2026-01-01T00:00:00.000Z" };
  function heldBy(holder: object | undefined): void {
    mkdirSync(lockDir(), { recursive: true });
    if (holder) writeFileSync(holderFile(), JSON.stringify(holder));
  }

  it("creates its directory and names its holder in one JSON line: pid, host, user, workflow, since", async () => {
    const before = Date.now();
    const held = await acquireLock(state, "shop-prod", "swap");
    try {
      const text = readFileSync(holderFile(), "utf8");
      assert.ok(text.endsWith("}\n") && !text.slice(0, -1).includes("\n"), text);
      const holder = JSON.parse(text) as Record<string, unknown>;
      assert.deepEqual(Object.keys(holder), ["pid", "host", "user", "workflow", "since"]);
      assert.equal(holder.pid, process.pid);
      assert.equal(holder.host, hostname());
      assert.equal(holder.user, userInfo().username);
      assert.equal(holder.workflow, "swap");
      const since = Date.parse(holder.since as string);
      assert.ok(since >= before && since <= Date.now(), String(holder.since));
      assert.deepEqual(await lockHolder(state, "shop-prod"), holder);
      assert.ok(existsSync(lockDir()));
    } finally {
      await held.release();
    }
    assert.ok(!existsSync(lockDir()), "the lock directory is removed on release");
    assert.ok(!existsSync(holderFile()), "the holder file is removed on release");
  });

  it("refuses a second taker while held by a live process of this host, naming it word for word", async () => {
    const held = await acquireLock(state, "shop-prod", "up");
    try {
      const holder = JSON.parse(readFileSync(holderFile(), "utf8")) as { since: string };
      await assert.rejects(acquireLock(state, "shop-prod", "swap"), (error: Error) => {
        assert.ok(error instanceof LockedError);
        assert.equal(error.lockPath, lockDir());
        assert.equal(
          error.message,
          `\`up\` (pid ${process.pid} of ${userInfo().username} on ${hostname()}, since ${holder.since}) holds the lock ` +
            `${lockDir()}: wait for it to finish and retry. ` +
            "A lock whose holder died is recognised as stale and taken over automatically.",
        );
        return true;
      });
      const store = new FileRecordStore(state);
      await assert.rejects(store.acquireLock({ app: "shop", env: "prod" }, "heal"), LockedError);
    } finally {
      await held.release();
    }
  });

  it("a fresh lock without a holder file is held by someone unknown", async () => {
    heldBy(undefined);
    assert.equal(await lockHolder(state, "shop-prod"), "unknown");
    await assert.rejects(acquireLock(state, "shop-prod", "swap"), (error: Error) => {
      assert.ok(error instanceof LockedError);
      assert.equal(error.holder, undefined);
      assert.equal(
        error.message,
        `another workflow (holder unknown) holds the lock ${lockDir()}: wait for it to finish and retry. ` +
          "A lock whose holder died is recognised as stale and taken over automatically.",
      );
      return true;
    });
    assert.ok(existsSync(lockDir()), "the unknown holder's lock is left in place");
  });

  it("a fresh lock of a live process on this host is kept, even with the same pid written by hand", async () => {
    heldBy({ pid: process.pid, host: hostname(), workflow: "rollback", since: "2026-01-01T00:00:00.000Z" });
    await assert.rejects(acquireLock(state, "shop-prod", "swap"), /`rollback` \(pid \d+ on /);
    assert.ok(existsSync(lockDir()));
  });

  it("a fresh lock of a dead process of this host is taken over at once, and then names the new holder", async () => {
    // pid 2^22 + 1 is above Linux's pid_max, so no process has it.
    heldBy({ pid: 4194305, host: hostname(), workflow: "up", since: "2026-01-01T00:00:00.000Z" });
    const held = await acquireLock(state, "shop-prod", "swap");
    try {
      const holder = await lockHolder(state, "shop-prod");
      assert.ok(holder !== undefined && holder !== "unknown");
      assert.equal(holder.pid, process.pid);
      assert.equal(holder.workflow, "swap");
    } finally {
      await held.release();
    }
  });

  it("is stale after 30 s without a refresh by default, or after the configured time", async () => {
    heldBy(elsewhere);
    age(lockDir(), 25_000);
    assert.deepEqual(await lockHolder(state, "shop-prod"), elsewhere);
    await assert.rejects(acquireLock(state, "shop-prod", "swap"), LockedError);
    assert.equal(await lockHolder(state, "shop-prod", { staleMs: 20_000 }), undefined);
    age(lockDir(), 35_000);
    assert.equal(await lockHolder(state, "shop-prod"), undefined);
    assert.deepEqual(await lockHolder(state, "shop-prod", { staleMs: 40_000 }), elsewhere);
    await assert.rejects(acquireLock(state, "shop-prod", "swap", { staleMs: 40_000 }), LockedError);
    const store = new FileRecordStore(state, { staleMs: 40_000 });
    assert.deepEqual(await store.lockHolder({ app: "shop", env: "prod" }), elsewhere);
    const held = await acquireLock(state, "shop-prod", "swap");
    await held.release();
  });

  it("no lock, no holder, even with a holder file left behind", async () => {
    assert.equal(await lockHolder(state, "shop-prod"), undefined);
    mkdirSync(state, { recursive: true });
    writeFileSync(holderFile(), JSON.stringify(elsewhere));
    assert.equal(await lockHolder(state, "shop-prod"), undefined);
  });

  it("check() says nothing while the lock is refreshed, and names the loss once a refresh finds it gone", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const held = await acquireLock(state, "shop-prod", "swap", { staleMs: 30_000 });
      // Refreshed every third of the stale time: the first refresh after 10 s finds the lock as it left it.
      mock.timers.tick(10_000);
      await settle();
      held.check();
      rmSync(lockDir(), { recursive: true });
      mock.timers.tick(9_999);
      await settle();
      held.check();
      mock.timers.tick(1);
      await settle();
      assert.throws(
        () => held.check(),
        (error: Error) => {
          assert.ok(error instanceof LockCompromisedError);
          assert.equal(
            error.message,
            `The lock ${lockDir()} was lost while swap ran (ENOENT: no such file or directory, stat '${lockDir()}'): ` +
              "run `phoenix status` before anything else.",
          );
          return true;
        },
      );
      // Lost: releasing it removes nothing of whoever holds it now.
      heldBy(elsewhere);
      await held.release();
      assert.ok(existsSync(lockDir()));
    } finally {
      mock.timers.reset();
    }
  });

  it("refreshes at least every second, however short the stale time", async () => {
    mock.timers.enable({ apis: ["setTimeout"] });
    try {
      const held = await acquireLock(state, "shop-prod", "swap", { staleMs: 2_000 });
      rmSync(lockDir(), { recursive: true });
      mock.timers.tick(999);
      await settle();
      held.check();
      mock.timers.tick(1);
      await settle();
      assert.throws(() => held.check(), LockCompromisedError);
    } finally {
      mock.timers.reset();
    }
  });

  it("processAlive: this process is, a pid above pid_max is not", () => {
    assert.equal(processAlive(process.pid), true);
    assert.equal(processAlive(4194305), false);
    assert.equal(currentUser(), userInfo().username);
  });
});
