// The DynamoDB store's own face: the locations its messages name, the holder it reports, how often it asks
// whether the table exists, and a table creation that failed being tried again by the next workflow.
import assert from "node:assert/strict";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";
import { RecordStoreError } from "../../../automation/errors";
import { ManualLeaseClock } from "./leaseClock";
import { TableModel } from "./tableModel";

const SHOP = { app: "shop", env: "prod" };

describe("DynamoDB record store", () => {
  let model: TableModel;
  let clock: ManualLeaseClock;
  const store = () => new DynamoDbRecordStore({ table: "phoenix-records", client: model.client, clock });
  beforeEach(() => {
    model = new TableModel();
    clock = new ManualLeaseClock();
  });
  afterEach(() => model.restore());

  it("names the table, and each app/env's records by partition", () => {
    const records = store();
    assert.equal(records.location, "dynamodb://phoenix-records");
    assert.equal(records.journal(SHOP).location, "dynamodb://phoenix-records shop/prod");
    assert.equal(
      records.journal({ app: "shop", env: "staging" }).location,
      "dynamodb://phoenix-records shop/staging",
    );
  });

  it("keeps each app/env's records and lease in its own partition", async () => {
    const records = store();
    const lock = await records.acquireLock(SHOP, "up");
    await lock.journal.append({
      type: "begin",
      id: "w1",
      workflow: "up",
      at: "2026-12-03T00:00:00.000Z",
      params: {},
      pid: 1,
    });
    assert.equal(model.get("shop/prod", "record#000000000001")?.workflowId?.S, "w1");
    assert.equal(model.get("shop/prod", "lock")?.held?.BOOL, true);
    assert.deepEqual(await records.journal({ app: "shop", env: "staging" }).read(), []);
    assert.equal(await records.lockHolder({ app: "shop", env: "staging" }), undefined);
    await lock.release();
  });

  it("reports the live holder, `unknown` for a lease held without a name, none for a freed lease", async () => {
    const records = store();
    const lock = await records.acquireLock(SHOP, "heal");
    const holder = await records.lockHolder(SHOP);
    assert.ok(holder !== undefined && holder !== "unknown");
    assert.equal(holder.workflow, "heal");
    assert.equal(holder.pid, process.pid);
    assert.equal(holder.since, "2026-12-03T00:00:00.000Z");
    const item = model.get("shop/prod", "lock")!;
    const { holder: _name, ...nameless } = item;
    model.set(nameless);
    assert.equal(await records.lockHolder(SHOP), "unknown");
    model.set(item);
    await lock.release();
    assert.equal(await records.lockHolder(SHOP), undefined);
  });

  it("asks whether the table exists until it does, then no more", async () => {
    const records = store();
    assert.deepEqual(await records.journal(SHOP).read(), []);
    assert.equal(await records.lockHolder(SHOP), undefined);
    model.exists = true;
    await records.journal(SHOP).read();
    await records.lockHolder(SHOP);
    await records.journal(SHOP).read();
    assert.equal(model.calls.filter((call) => call === "DescribeTable").length, 3);
  });

  it("after taking a lock the table is known: reads ask nothing about it", async () => {
    const records = store();
    const lock = await records.acquireLock(SHOP, "up");
    const described = model.calls.filter((call) => call === "DescribeTable").length;
    await records.journal(SHOP).read();
    await records.lockHolder(SHOP);
    await lock.release();
    const again = await records.acquireLock(SHOP, "up");
    await again.release();
    assert.equal(model.calls.filter((call) => call === "DescribeTable").length, described);
  });

  it("a table creation that failed is tried again by the next lock", async () => {
    const records = store();
    model.faults.set(1, {
      when: "before",
      error: Object.assign(new Error("throttled"), { name: "ThrottlingException" }),
    });
    await assert.rejects(records.acquireLock(SHOP, "up"), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.equal(error.operation, "find or create the table");
      return true;
    });
    assert.deepEqual(model.calls, ["DescribeTable", "CreateTable"]);
    const lock = await records.acquireLock(SHOP, "up");
    await lock.release();
    assert.equal(model.exists, true);
    assert.deepEqual(model.calls.slice(2, 4), ["DescribeTable", "CreateTable"]);
  });

  it("the lease lasts the configured time, counted on the store's clock", async () => {
    const records = new DynamoDbRecordStore({
      table: "phoenix-records",
      client: model.client,
      clock,
      leaseMs: 9_000,
    });
    const lock = await records.acquireLock(SHOP, "up");
    assert.equal(model.get("shop/prod", "lock")?.leaseMs?.N, "9000");
    clock.elapsed = 8_999;
    lock.check();
    clock.elapsed = 9_000;
    assert.throws(() => lock.check(), /not renewed for a whole lease \(9000 ms\)/);
  });
});
