// The file lock at its edges: a holder file that is garbage or gone, a takeover lost to a racing process, a
// takeover of ours that differs from the old holder in one field only, a platform without a user name or where
// signalling a process is not permitted, and file system errors that are not "locked".
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import type * as FsPromises from "fs/promises";
import { createRequire } from "module";
import type * as Os from "os";
import { join } from "path";
import { LockedError } from "../../automation/errors";
import { acquireLock, currentUser, lockHolder, processAlive } from "../../automation/lock";
// The modules themselves (an `import * as` gets a frozen copy): lock.ts looks their functions up at each call.
const load = createRequire(__filename);
const fsPromises = load("fs/promises") as typeof FsPromises;
const os = load("os") as typeof Os;

/** Replace `object[key]` while `body` runs. */
async function replacing<T extends object, K extends keyof T, R>(
  object: T,
  key: K,
  value: T[K],
  body: () => Promise<R> | R,
): Promise<R> {
  const original = object[key];
  Object.defineProperty(object, key, { value, configurable: true, writable: true });
  try {
    return await body();
  } finally {
    Object.defineProperty(object, key, { value: original, configurable: true, writable: true });
  }
}

describe("file lock edges", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(os.tmpdir(), "phoenix-lockedge-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const lockDir = () => join(dir, "shop-prod.lock");
  const holderFile = () => join(dir, "shop-prod.lock-holder.json");

  it("a holder file that is not JSON names nobody", async () => {
    mkdirSync(lockDir());
    writeFileSync(holderFile(), "{ torn");
    assert.equal(await lockHolder(dir, "shop-prod"), "unknown");
    await assert.rejects(acquireLock(dir, "shop-prod", "swap"), (error: Error) => {
      assert.ok(error instanceof LockedError);
      assert.equal(error.holder, undefined);
      assert.match(error.message, /^another workflow \(holder unknown\) holds the lock /);
      return true;
    });
  });

  it("a lock directory that cannot be examined is no holder, and a name the file system refuses is its error", async () => {
    const notADirectory = join(dir, "file");
    writeFileSync(notADirectory, "");
    assert.equal(await lockHolder(notADirectory, "shop-prod"), undefined);
    await assert.rejects(acquireLock(dir, "k".repeat(300), "up"), (error: NodeJS.ErrnoException) => {
      assert.equal(error.code, "ENAMETOOLONG");
      assert.ok(!(error instanceof LockedError));
      return true;
    });
  });

  it("a dead holder's lock retaken first by another process: refused, naming that process", async () => {
    mkdirSync(lockDir());
    // pid 2^22 + 1 is above Linux's pid_max, so no process has it.
    writeFileSync(
      holderFile(),
      JSON.stringify({ pid: 4194305, host: os.hostname(), workflow: "up", since: "x" }),
    );
    const racer = { pid: 4242, host: "ci-runner-7", workflow: "heal", since: "2026-01-01T00:00:00.000Z" };
    const rm = fsPromises.rm;
    const racingRm: typeof rm = async (path, options) => {
      await rm(path, options);
      // Between our removal of the stale lock and our taking it, another process takes it.
      if (path === lockDir()) {
        mkdirSync(lockDir());
        writeFileSync(holderFile(), JSON.stringify(racer));
      }
    };
    await replacing(fsPromises, "rm", racingRm, () =>
      assert.rejects(acquireLock(dir, "shop-prod", "swap"), (error: Error) => {
        assert.ok(error instanceof LockedError);
        assert.deepEqual(error.holder, racer);
        return true;
      }),
    );
    assert.ok(existsSync(lockDir()), "the racer's lock was left in place");
  });

  for (const field of ["pid", "host", "since", "workflow"] as const) {
    it(`a lock taken over by a holder that differs only in its ${field} is not released by the old holder`, async () => {
      const held = await acquireLock(dir, "shop-prod", "swap");
      const ours = JSON.parse((await fsPromises.readFile(holderFile(), "utf8")).trim()) as Record<
        string,
        unknown
      >;
      const other = { pid: 4242, host: "ci-runner-7", since: "2026-01-01T00:00:00.000Z", workflow: "heal" };
      const taker = { ...ours, [field]: other[field] };
      // The takeover: the lock directory removed and made again, the holder file rewritten.
      rmSync(lockDir(), { recursive: true });
      mkdirSync(lockDir());
      writeFileSync(holderFile(), JSON.stringify(taker));
      await held.release();
      assert.ok(existsSync(lockDir()), "the new holder's lock directory was removed");
      assert.deepEqual(await lockHolder(dir, "shop-prod"), taker);
    });
  }

  it("a lock whose holder file someone removed is still released", async () => {
    const held = await acquireLock(dir, "shop-prod", "swap");
    rmSync(holderFile());
    await held.release();
    assert.ok(!existsSync(lockDir()));
    assert.equal(await lockHolder(dir, "shop-prod"), undefined);
  });

  it("without a user name (a container without a passwd entry) the holder has none, and the message says none", async () => {
    const noUser = () => {
      throw Object.assign(new Error("uv_os_get_passwd returned ENOENT"), { code: "ENOENT" });
    };
    await replacing(os, "userInfo", noUser as unknown as typeof os.userInfo, async () => {
      assert.equal(currentUser(), undefined);
      const held = await acquireLock(dir, "shop-prod", "swap");
      try {
        const holder = await lockHolder(dir, "shop-prod");
        assert.ok(holder !== undefined && holder !== "unknown");
        assert.equal("user" in holder, false);
        await assert.rejects(acquireLock(dir, "shop-prod", "up"), (error: Error) => {
          assert.match(
            error.message,
            new RegExp(`^\`swap\` \\(pid ${process.pid} on ${os.hostname()}, since `),
          );
          return true;
        });
      } finally {
        await held.release();
      }
    });
  });

  it("a process this one may not signal (EPERM) is alive; one that does not exist (ESRCH) is not", async () => {
    const refusing = (code: string) => () => {
      throw Object.assign(new Error(code), { code });
    };
    await replacing(process, "kill", refusing("EPERM") as typeof process.kill, () => {
      assert.equal(processAlive(1), true);
    });
    await replacing(process, "kill", refusing("ESRCH") as typeof process.kill, () => {
      assert.equal(processAlive(1), false);
    });
  });
});
