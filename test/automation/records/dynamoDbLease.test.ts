// The DynamoDB store's lock: one holder per app/env across machines, taken over only after a whole lease
// of silence on the waiter's own clock, and a holder that lost it writes nothing more.
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { hostname } from "os";
import { LockCompromisedError, LockedError } from "../../../automation/errors";
import type { JournalEntry } from "../../../automation/journal";
import { toRecordItem } from "../../../automation/records/dynamodb/items";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";
import { ManualLeaseClock } from "./leaseClock";
import { TableModel } from "./tableModel";

const SHOP = { app: "shop", env: "prod" };
const LEASE = 60_000;

const begin = (id: string): JournalEntry => ({
  type: "begin",
  id,
  workflow: "up",
  at: "2026-12-03T00:00:00.000Z",
  params: {},
  pid: 1,
});

/** A pid that no process has: a child that already exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ["-e", ""]).pid!;
}

describe("DynamoDB record store: the lease", () => {
  let model: TableModel;
  const store = (clock: ManualLeaseClock) =>
    new DynamoDbRecordStore({ table: "phoenix-records", client: model.client, leaseMs: LEASE, clock });

  beforeEach(() => (model = new TableModel()));
  afterEach(() => model.restore());

  it("appends after a record it did not expect at its next sequence number, keeping both", async () => {
    const lock = await store(new ManualLeaseClock()).acquireLock(SHOP, "up");
    await lock.journal.append(begin("first"));
    // A record written meanwhile without the lease (another tool): its number is taken, not overwritten.
    model.set({ ...toRecordItem("shop/prod", 2, "other", begin("other")) });
    await lock.journal.append(begin("second"));
    const ids = (await store(new ManualLeaseClock()).journal(SHOP).read()).map((entry) => entry.id);
    assert.deepEqual(ids, ["first", "other", "second"]);
  });

  it("creates the table on first use with on-demand billing and the pk/sk key schema", async () => {
    const lock = await store(new ManualLeaseClock()).acquireLock(SHOP, "up");
    await lock.release();
    const create = model.inputs.find((call) => call.name === "CreateTable")?.input as Record<string, unknown>;
    assert.equal(create.BillingMode, "PAY_PER_REQUEST");
    assert.deepEqual(create.KeySchema, [
      { AttributeName: "pk", KeyType: "HASH" },
      { AttributeName: "sk", KeyType: "RANGE" },
    ]);
    assert.equal(model.inputs.filter((call) => call.name === "CreateTable").length, 1);
  });

  it("reads (history, status) never create the table: no table, no records and no holder", async () => {
    const reader = store(new ManualLeaseClock());
    assert.deepEqual(await reader.journal(SHOP).read(), []);
    assert.equal(await reader.lockHolder(SHOP), undefined);
    assert.equal(model.exists, false);
    assert.deepEqual(
      model.inputs.map((call) => call.name),
      ["DescribeTable", "DescribeTable"],
    );
  });

  it("writes the holder's identity, and frees the lease with a higher version on release", async () => {
    const lock = await store(new ManualLeaseClock()).acquireLock(SHOP, "swap");
    const held = model.get("shop/prod", "lock")!;
    assert.equal(held.held.BOOL, true);
    assert.equal(held.holder.M!.workflow.S, "swap");
    assert.equal(held.holder.M!.host.S, hostname());
    assert.equal(held.holder.M!.pid.N, String(process.pid));
    assert.equal(held.version.N, "1");
    await lock.release();
    const freed = model.get("shop/prod", "lock")!;
    assert.deepEqual([freed.held.BOOL, freed.version.N, freed.holder], [false, "2", undefined]);
  });

  it("refuses a second machine while the holder renews, naming the holder, once it saw a renewal", async () => {
    const holderClock = new ManualLeaseClock();
    await store(holderClock).acquireLock(SHOP, "swap");
    const waiterClock = new ManualLeaseClock();
    let sleeps = 0;
    waiterClock.onSleep = async () => {
      sleeps += 1;
      if (sleeps === 2) await holderClock.renew();
    };
    await assert.rejects(store(waiterClock).acquireLock(SHOP, "up"), (error: Error) => {
      assert.ok(error instanceof LockedError, String(error));
      assert.equal(error.holder?.workflow, "swap");
      assert.match(
        error.message,
        /`swap` \(pid \d+ .*on .*\) holds the lock dynamodb:\/\/phoenix-records shop\/prod/,
      );
      return true;
    });
    assert.equal(model.get("shop/prod", "lock")!.holder.M!.workflow.S, "swap");
  });

  it("takes over a lease whose version stood still for a whole lease on the waiter's clock, not before", async () => {
    const loserClock = new ManualLeaseClock();
    const loser = await store(loserClock).acquireLock(SHOP, "swap");
    // Make the holder look like another machine's, so no process check can shortcut the wait.
    const item = model.get("shop/prod", "lock")!;
    model.set({ ...item, holder: { M: { ...item.holder.M!, host: { S: "ci-runner-7" } } } });
    const waiterClock = new ManualLeaseClock();
    const takenAt: number[] = [];
    const taken = store(waiterClock)
      .acquireLock(SHOP, "up")
      .then((lock) => (takenAt.push(waiterClock.elapsed), lock));
    const winner = await taken;
    assert.ok(takenAt[0] >= LEASE, `taken over after ${takenAt[0]} ms, before a whole lease of ${LEASE} ms`);
    assert.ok(takenAt[0] <= LEASE + 10_000, `taken over only after ${takenAt[0]} ms`);
    assert.equal(model.get("shop/prod", "lock")!.holder.M!.workflow.S, "up");

    // The old holder's next record is refused by the fence, and nothing of it is written.
    await assert.rejects(loser.journal.append(begin("late")), LockCompromisedError);
    assert.throws(() => loser.check(), /taken over while swap ran/);
    await loser.release();
    assert.equal(
      model.get("shop/prod", "lock")!.holder.M!.workflow.S,
      "up",
      "the loser freed the winner's lease",
    );
    await winner.journal.append(begin("winner"));
    const ids = (await store(waiterClock).journal(SHOP).read()).map((entry) => entry.id);
    assert.deepEqual(ids, ["winner"]);
  });

  it("takes over at once a lease whose holder was a process of this host that is gone", async () => {
    const clock = new ManualLeaseClock();
    await (await store(clock).acquireLock(SHOP, "swap")).release();
    const item = model.get("shop/prod", "lock")!;
    model.set({
      ...item,
      held: { BOOL: true },
      holder: {
        M: {
          ...item.holder?.M,
          pid: { N: String(deadPid()) },
          host: { S: hostname() },
          workflow: { S: "swap" },
          since: { S: "x" },
        },
      },
    });
    const lock = await store(clock).acquireLock(SHOP, "up");
    assert.equal(clock.elapsed, 0, "waited for a holder known to be dead");
    await lock.release();
  });

  it("stops the holder (check throws) once a whole lease passed without a renewal, taken over or not", async () => {
    const clock = new ManualLeaseClock();
    const lock = await store(clock).acquireLock(SHOP, "up");
    clock.elapsed = LEASE - 1;
    lock.check();
    clock.elapsed = LEASE;
    assert.throws(() => lock.check(), /not renewed for a whole lease/);
  });

  it("counts the lease from each renewal, and stops renewing on release", async () => {
    const clock = new ManualLeaseClock();
    const lock = await store(clock).acquireLock(SHOP, "up");
    clock.elapsed = LEASE / 3;
    await clock.renew();
    assert.equal(model.get("shop/prod", "lock")!.version.N, "2");
    clock.elapsed = LEASE + 1;
    lock.check();
    await lock.release();
    assert.equal(clock.renewing, 0);
  });

  it("counts the lease from when the renewal was sent, not from its slow answer", async () => {
    const clock = new ManualLeaseClock();
    const lock = await store(clock).acquireLock(SHOP, "up");
    clock.elapsed = 20_000;
    model.onCall = (name) => {
      if (name === "PutItem") clock.elapsed += 15_000;
    };
    await clock.renew();
    clock.elapsed = 20_000 + LEASE - 1;
    lock.check();
    clock.elapsed = 20_000 + LEASE;
    assert.throws(() => lock.check(), /not renewed for a whole lease/);
  });

  it("a release the table does not take never fails the workflow that ended", async () => {
    const clock = new ManualLeaseClock();
    const lock = await store(clock).acquireLock(SHOP, "up");
    model.onCall = (name) => {
      if (name === "PutItem") throw Object.assign(new Error("connect ECONNREFUSED"), { name: "Error" });
    };
    await lock.release();
    model.onCall = undefined;
    assert.equal(model.get("shop/prod", "lock")!.held.BOOL, true, "released although every write failed");
  });

  it("a renewal refused by another holder's version marks the lease lost", async () => {
    const clock = new ManualLeaseClock();
    const lock = await store(clock).acquireLock(SHOP, "up");
    const item = model.get("shop/prod", "lock")!;
    model.set({ ...item, version: { N: "7" }, token: { S: "someone-else" } });
    await clock.renew();
    assert.throws(() => lock.check(), LockCompromisedError);
  });
});
