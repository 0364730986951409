// The DynamoDB lease, to the millisecond on a hand-moved clock: how often a waiter looks, exactly when it
// takes a silent lease over, how often the holder renews, the conditional writes it sends, and what check()
// says word for word when the lease was lost or not renewed.
import assert from "node:assert/strict";
import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import { mock } from "node:test";
import { hostname } from "os";
import { LockCompromisedError, LockedError } from "../../../automation/errors";
import type { JournalEntry } from "../../../automation/journal";
import { realClock } from "../../../automation/records/dynamodb/lease";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";
import type { HeldLock } from "../../../automation/records/types";
import { ManualLeaseClock } from "./leaseClock";
import { TableModel } from "./tableModel";

const SHOP = { app: "shop", env: "prod" };
const LOCATION = "dynamodb://phoenix-records shop/prod";
const begin: JournalEntry = {
  type: "begin",
  id: "w1",
  workflow: "up",
  at: "2026-12-03T00:00:00.000Z",
  params: {},
  pid: 1,
};

describe("DynamoDB lease timing and messages", () => {
  let model: TableModel;
  const store = (clock: ManualLeaseClock, leaseMs?: number) =>
    new DynamoDbRecordStore({ table: "phoenix-records", client: model.client, clock, leaseMs });
  beforeEach(() => (model = new TableModel()));
  afterEach(() => model.restore());

  /** A lease held by a machine that will never renew it (another host, so no process check applies). */
  async function heldElsewhere(leaseMs = 60_000): Promise<void> {
    await store(new ManualLeaseClock(), leaseMs).acquireLock(SHOP, "swap");
    const item = model.get("shop/prod", "lock")!;
    model.set({ ...item, holder: { M: { ...item.holder.M!, host: { S: "ci-runner-7" } } } });
  }

  const puts = () =>
    model.inputs
      .filter((call) => call.name === "PutItem")
      .map((call) => call.input as PutItemCommand["input"]);

  it("takes a free lease at once: the first write only if no lease exists, later ones on the version seen", async () => {
    const clock = new ManualLeaseClock();
    const first = await store(clock).acquireLock(SHOP, "up");
    await first.release();
    const second = await store(clock).acquireLock(SHOP, "up");
    assert.deepEqual(clock.sleeps, []);
    const conditions = puts().map((put) => [put.ConditionExpression, put.ExpressionAttributeValues]);
    assert.deepEqual(conditions, [
      ["attribute_not_exists(pk)", undefined],
      ["version = :v", { ":v": { N: "1" } }],
      ["version = :v", { ":v": { N: "2" } }],
    ]);
    assert.equal(model.get("shop/prod", "lock")?.version?.N, "3");
    assert.match(model.get("shop/prod", "lock")?.token?.S ?? "", /^[0-9a-f-]{36}$/);
    const reads = model.inputs.filter((call) => call.name === "GetItem").map((call) => call.input);
    assert.ok(reads.length >= 2);
    for (const read of reads)
      assert.deepEqual(read, {
        TableName: "phoenix-records",
        Key: { pk: { S: "shop/prod" }, sk: { S: "lock" } },
        ConsistentRead: true,
      });
    await second.release();
  });

  it("a waiter looks every sixth of a lease, at most every 5 s, and takes over after exactly one silent lease", async () => {
    await heldElsewhere();
    const waiter = new ManualLeaseClock();
    const lock = await store(waiter).acquireLock(SHOP, "up");
    assert.deepEqual(waiter.sleeps, Array(12).fill(5_000));
    assert.equal(waiter.elapsed, 60_000);
    assert.equal(model.get("shop/prod", "lock")?.holder?.M?.workflow?.S, "up");
    await lock.release();
  });

  it("with a short lease, a sixth of it rounded up", async () => {
    await heldElsewhere(5_000);
    const waiter = new ManualLeaseClock();
    await store(waiter, 5_000).acquireLock(SHOP, "up");
    // 834 ms six times: 5004 ms, the first look past a whole lease (833 would need a seventh).
    assert.deepEqual(waiter.sleeps, Array(6).fill(834));
  });

  it("waits out the longer of the holder's lease and its own", async () => {
    await heldElsewhere(120_000);
    const waiter = new ManualLeaseClock();
    await store(waiter, 60_000).acquireLock(SHOP, "up");
    assert.equal(waiter.elapsed, 120_000);

    model.restore();
    model = new TableModel();
    await heldElsewhere(30_000);
    const patient = new ManualLeaseClock();
    await store(patient, 90_000).acquireLock(SHOP, "up");
    assert.equal(patient.elapsed, 90_000);
  });

  it("a live holder of this very host is waited for like any other", async () => {
    await store(new ManualLeaseClock()).acquireLock(SHOP, "swap");
    const waiter = new ManualLeaseClock();
    await store(waiter).acquireLock(SHOP, "up");
    assert.equal(waiter.elapsed, 60_000);
    assert.equal(model.get("shop/prod", "lock")?.holder?.M?.host?.S, hostname());
  });

  it("refuses as soon as it sees the version move, naming the holder word for word", async () => {
    const holderClock = new ManualLeaseClock();
    await store(holderClock).acquireLock(SHOP, "swap");
    const waiter = new ManualLeaseClock();
    waiter.onSleep = () => holderClock.renew();
    await assert.rejects(store(waiter).acquireLock(SHOP, "up"), (error: Error) => {
      assert.ok(error instanceof LockedError);
      const user = error.holder?.user ? ` of ${error.holder.user}` : "";
      assert.equal(
        error.message,
        `\`swap\` (pid ${process.pid}${user} on ${hostname()}, since 2026-12-03T00:00:00.000Z) holds the lock ` +
          `${LOCATION}: wait for it to finish and retry. ` +
          "A lock whose holder died is recognised as stale and taken over automatically.",
      );
      return true;
    });
    assert.deepEqual(waiter.sleeps, [5_000]);
  });

  it("a takeover lost to a third machine watches the new holder for a whole lease of its own", async () => {
    await heldElsewhere();
    const waiter = new ManualLeaseClock();
    let raced = false;
    model.onCall = (name) => {
      // Just before the waiter's takeover write lands, a third machine takes the stale lease first.
      if (name !== "PutItem" || raced) return;
      raced = true;
      const item = model.get("shop/prod", "lock")!;
      model.set({
        ...item,
        version: { N: "9" },
        holder: { M: { ...item.holder.M!, workflow: { S: "heal" } } },
      });
    };
    await store(waiter).acquireLock(SHOP, "up");
    assert.equal(waiter.elapsed, 120_000);
    assert.equal(model.get("shop/prod", "lock")?.version?.N, "10");
  });

  it("a dead pid on another host is no proof: that holder is waited for like a live one", async () => {
    await heldElsewhere();
    const item = model.get("shop/prod", "lock")!;
    model.set({ ...item, holder: { M: { ...item.holder.M!, pid: { N: "4194305" } } } });
    const waiter = new ManualLeaseClock();
    await store(waiter).acquireLock(SHOP, "up");
    assert.equal(waiter.elapsed, 60_000);
  });

  it("a lock the table never takes fails after three attempts, 200 and 400 ms apart, word for word", async () => {
    model.onCall = (name) => {
      if (name === "PutItem") throw Object.assign(new Error("connect ECONNREFUSED"), { name: "Error" });
    };
    const clock = new ManualLeaseClock();
    await assert.rejects(store(clock).acquireLock(SHOP, "up"), (error: Error) => {
      assert.equal(
        error.message,
        `The record store ${LOCATION} could not take the lock (Error: connect ECONNREFUSED). Run \`phoenix status\` ` +
          "once it is reachable: the next workflow completes or undoes this one.",
      );
      return true;
    });
    assert.equal(puts().length, 3);
    assert.deepEqual(clock.sleeps, [200, 400]);
  });

  it("a lease that cannot be read names the store and the lock", async () => {
    model.exists = true;
    model.onCall = (name) => {
      if (name === "GetItem")
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    };
    await assert.rejects(store(new ManualLeaseClock()).lockHolder(SHOP), (error: Error) => {
      assert.equal(
        error.message,
        `The record store ${LOCATION} could not read the lock (ThrottlingException: Rate exceeded). Run ` +
          "`phoenix status` once it is reachable: the next workflow completes or undoes this one.",
      );
      return true;
    });
  });

  it("a held lease that names no holder is waited for, not taken as free", async () => {
    await heldElsewhere();
    const { holder: _name, ...nameless } = model.get("shop/prod", "lock")!;
    model.set(nameless);
    const waiter = new ManualLeaseClock();
    await store(waiter).acquireLock(SHOP, "up");
    assert.equal(waiter.elapsed, 60_000);
  });

  it("a take whose answer was lost is ours only if the lease read back carries our token", async () => {
    // The first PutItem fails before it lands; meanwhile another machine takes the free lease at the very
    // version this one meant to write. Read back, that version is not ours: watch it, then take it over.
    let raced = false;
    model.onCall = (name) => {
      if (name !== "PutItem" || raced) return;
      raced = true;
      model.set({
        pk: { S: "shop/prod" },
        sk: { S: "lock" },
        version: { N: "1" },
        held: { BOOL: true },
        leaseMs: { N: "60000" },
        token: { S: "someone-else" },
        holder: {
          M: { pid: { N: "7" }, host: { S: "ci-runner-7" }, workflow: { S: "heal" }, since: { S: "x" } },
        },
      });
      throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    };
    const waiter = new ManualLeaseClock();
    await store(waiter).acquireLock(SHOP, "up");
    assert.equal(waiter.sleeps[0], 200, "the write was retried after reading back someone else's lease");
    assert.equal(waiter.elapsed, 200 + 60_000);
    assert.equal(model.get("shop/prod", "lock")?.holder?.M?.workflow?.S, "up");
  });

  it("renews every third of its lease", async () => {
    const clock = new ManualLeaseClock();
    await store(clock).acquireLock(SHOP, "up");
    await store(clock, 10_000).acquireLock({ app: "shop", env: "staging" }, "up");
    assert.deepEqual(clock.periods, [20_000, 3_333]);
  });

  describe("once it may have lost the lease", () => {
    let clock: ManualLeaseClock;
    let lock: HeldLock;
    beforeEach(async () => {
      clock = new ManualLeaseClock();
      lock = await store(clock).acquireLock(SHOP, "up");
    });

    it("not renewed for a whole lease: check() says so, word for word", () => {
      clock.elapsed = 60_000;
      assert.throws(
        () => lock.check(),
        (error: Error) => {
          assert.ok(error instanceof LockCompromisedError);
          assert.equal(
            error.message,
            `The lock ${LOCATION} was not renewed for a whole lease (60000 ms) while up ran: another machine may ` +
              "have taken it over. Run `phoenix status` before anything else.",
          );
          return true;
        },
      );
    });

    const refused = () => ({
      when: "before" as const,
      error: Object.assign(new Error("connect ECONNREFUSED"), { name: "Error" }),
    });

    it("a renewal whose write failed is read back, sent again 200 ms later, and counted from its first attempt", async () => {
      model.faults.set(model.calls.length, refused());
      clock.elapsed = 20_000;
      await clock.renew();
      assert.deepEqual(clock.sleeps, [200]);
      assert.equal(model.get("shop/prod", "lock")?.version?.N, "2");
      clock.elapsed = 79_999;
      lock.check();
      clock.elapsed = 80_000;
      assert.throws(() => lock.check(), /not renewed for a whole lease/);
    });

    it("a renewal that cannot reach the table in three attempts is given up until the next tick, not lost", async () => {
      const calls = model.calls.length;
      // PutItem, GetItem (read back), PutItem, GetItem, PutItem, GetItem: every write refused, every read fine.
      for (const offset of [0, 2, 4]) model.faults.set(calls + offset, refused());
      clock.elapsed = 20_000;
      await clock.renew();
      assert.deepEqual(clock.sleeps, [200, 400]);
      assert.equal(model.get("shop/prod", "lock")?.version?.N, "1");
      lock.check();
      clock.elapsed = 40_000;
      await clock.renew();
      clock.elapsed = 99_999;
      lock.check();
    });

    it("taken over: check(), the next record and the renewal say where it was found, and release frees nothing", async () => {
      const item = model.get("shop/prod", "lock")!;
      model.set({ ...item, version: { N: "7" }, token: { S: "someone-else" } });
      const reads = model.calls.filter((call) => call === "GetItem").length;
      await assert.rejects(lock.journal.append(begin), (error: Error) => {
        assert.ok(error instanceof LockCompromisedError);
        assert.equal(
          error.message,
          `The lock ${LOCATION} was taken over while up ran (found when writing the begin record): this workflow ` +
            "stopped. Run `phoenix status` before anything else.",
        );
        return true;
      });
      // The transaction named the lease as the failed condition: no read of the lease was needed to know.
      assert.equal(
        model.calls.filter((call) => call === "GetItem").length,
        reads + 1,
        "one read of the record's id",
      );
      assert.throws(() => lock.check(), /\(found when writing the begin record\)/);
      // The first loss found is the one told, whatever is found later; a lost lease sends no more records.
      await clock.renew();
      const calls = model.calls.length;
      await assert.rejects(lock.journal.append(begin), /\(found when writing the begin record\)/);
      assert.equal(model.calls.length, calls);
      const writes = puts().length;
      await clock.renew();
      await lock.release();
      assert.equal(puts().length, writes, "wrote to a lease that is someone else's");
      assert.equal(model.get("shop/prod", "lock")?.version?.N, "7");
    });

    it("a renewal refused says it was found when renewing", async () => {
      const item = model.get("shop/prod", "lock")!;
      model.set({ ...item, version: { N: "7" }, token: { S: "someone-else" } });
      await clock.renew();
      assert.throws(
        () => lock.check(),
        (error: Error) => {
          assert.equal(
            error.message,
            `The lock ${LOCATION} was taken over while up ran (found when renewing it): this workflow stopped. ` +
              "Run `phoenix status` before anything else.",
          );
          return true;
        },
      );
      assert.equal(clock.renewing, 1);
      await lock.release();
      assert.equal(clock.renewing, 0);
    });
  });
});

describe("the real lease clock", () => {
  afterEach(() => mock.timers.reset());

  it("sleeps the time asked, renews every period until stopped, and tells wall time", async () => {
    mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"], now: 1_764_720_000_000 });
    assert.equal(realClock.now(), 1_764_720_000_000);
    let slept = false;
    void realClock.sleep(500).then(() => (slept = true));
    mock.timers.tick(499);
    await Promise.resolve();
    assert.equal(slept, false);
    mock.timers.tick(1);
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(slept, true);
    let ticks = 0;
    const stop = realClock.every(1_000, async () => void (ticks += 1));
    mock.timers.tick(2_000);
    assert.equal(ticks, 2);
    stop();
    mock.timers.tick(5_000);
    assert.equal(ticks, 2);
  });

  it("counts monotonic time in milliseconds", () => {
    const first = realClock.monotonic();
    const reference = performance.now();
    assert.equal(typeof first, "number");
    assert.ok(first <= reference && reference - first < 60_000, `${first} vs ${reference}`);
    assert.ok(realClock.monotonic() >= first);
  });
});
