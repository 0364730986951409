// A workflow whose lock was taken over (its process stalled past the stale time, so another process
// removed the lock and took it) must not release the new holder's lock when it finally ends.
import assert from "assert";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { LockedError } from "../../automation/errors";
import { acquireLock, lockHolder } from "../../automation/lock";

describe("app/env lock taken over from a stalled holder", () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), "phoenix-lock-"))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("releasing the lost lock leaves the new holder's lock and name in place", async () => {
    const lost = await acquireLock(dir, "shop-prod", "swap");
    // What a process on another host does once the lock looks stale: remove it, take it, name itself.
    const lockDir = join(dir, "shop-prod.lock");
    const holderFile = join(dir, "shop-prod.lock-holder.json");
    rmSync(lockDir, { recursive: true });
    mkdirSync(lockDir);
    const taker = { pid: 4242, host: "ci-runner-7", workflow: "heal", since: "2026-01-01T00:00:00.000Z" };
    writeFileSync(holderFile, JSON.stringify(taker));

    await lost.release();

    assert.deepStrictEqual(JSON.parse(readFileSync(holderFile, "utf8")), taker);
    assert.deepStrictEqual(await lockHolder(dir, "shop-prod"), taker);
    await assert.rejects(acquireLock(dir, "shop-prod", "up"), (error: Error) => {
      assert.ok(error instanceof LockedError, String(error));
      assert.deepStrictEqual(error.holder, taker);
      return true;
    });
  });

  it("a lock still held is released with its holder file", async () => {
    const held = await acquireLock(dir, "shop-prod", "swap");
    assert.strictEqual((await lockHolder(dir, "shop-prod")) !== undefined, true);
    await held.release();
    assert.strictEqual(await lockHolder(dir, "shop-prod"), undefined);
    const again = await acquireLock(dir, "shop-prod", "up");
    await again.release();
  });
});
