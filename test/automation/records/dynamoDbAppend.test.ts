// The DynamoDB records: each append is one transaction fenced by the lease version, at the next free sequence
// number; reads are strongly consistent queries of the partition's records, oldest first. The calls are
// checked as sent, and the errors word for word.
import assert from "node:assert/strict";
import {
  DynamoDBClient,
  QueryCommand,
  TransactionCanceledException,
  TransactWriteItemsCommand,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { RecordStoreError } from "../../../automation/errors";
import type { JournalEntry } from "../../../automation/journal";
import { toRecordItem } from "../../../automation/records/dynamodb/items";
import { DynamoDbJournal } from "../../../automation/records/dynamodb/records";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";
import { ManualLeaseClock } from "./leaseClock";
import { TableModel } from "./tableModel";

const SHOP = { app: "shop", env: "prod" };
const entry = (id: string, n: number): JournalEntry => ({
  type: "step",
  id,
  workflow: "up",
  step: `step-${n}`,
  status: "started",
  at: "2026-12-03T00:00:00.000Z",
});
const refused = () => ({
  when: "before" as const,
  error: Object.assign(new Error("connect ECONNREFUSED"), { name: "Error" }),
});

describe("DynamoDB records", () => {
  let model: TableModel;
  let clock: ManualLeaseClock;
  const store = () => new DynamoDbRecordStore({ table: "phoenix-records", client: model.client, clock });
  beforeEach(() => {
    model = new TableModel();
    clock = new ManualLeaseClock();
  });
  afterEach(() => model.restore());

  const inputsOf = (name: "Query" | "TransactWriteItems") =>
    model.inputs.filter((call) => call.name === name).map((call) => call.input);

  it("writes each record in one transaction: the lease's version checked, the sequence number free", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    const [write] = inputsOf("TransactWriteItems") as TransactWriteItemsCommand["input"][];
    const [check, put] = write.TransactItems!;
    assert.deepEqual(check, {
      ConditionCheck: {
        TableName: "phoenix-records",
        Key: { pk: { S: "shop/prod" }, sk: { S: "lock" } },
        ConditionExpression: "version = :v",
        ExpressionAttributeValues: { ":v": { N: "1" } },
      },
    });
    assert.equal(put.Put?.TableName, "phoenix-records");
    assert.equal(put.Put?.ConditionExpression, "attribute_not_exists(pk)");
    assert.equal(put.Put?.Item?.sk?.S, "record#000000000001");
    assert.equal(put.Put?.Item?.entry?.S, JSON.stringify(entry("w1", 1)));
    await lock.release();
  });

  it("reads the partition's records only, strongly consistent, oldest first across pages", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    for (let n = 1; n <= 7; n++) await lock.journal.append(entry("w1", n));
    await lock.release();
    model.set(toRecordItem("shop/staging", 1, "x", entry("other", 0)));
    model.inputs.length = 0;
    const read = await store().journal(SHOP).read();
    assert.deepEqual(
      read.map((e) => (e.type === "step" ? e.step : e.type)),
      ["step-1", "step-2", "step-3", "step-4", "step-5", "step-6", "step-7"],
    );
    const queries = inputsOf("Query") as QueryCommand["input"][];
    assert.equal(queries.length, 3, "7 records in pages of 3");
    for (const query of queries) {
      assert.equal(query.TableName, "phoenix-records");
      assert.equal(query.KeyConditionExpression, "pk = :pk AND begins_with(sk, :records)");
      assert.deepEqual(query.ExpressionAttributeValues, {
        ":pk": { S: "shop/prod" },
        ":records": { S: "record#" },
      });
      assert.equal(query.ConsistentRead, true);
    }
    assert.equal(queries[0].ExclusiveStartKey, undefined);
    assert.deepEqual(queries[1].ExclusiveStartKey, {
      pk: { S: "shop/prod" },
      sk: { S: "record#000000000003" },
    });
  });

  it("a new lock appends after the last record, found by one query from the end", async () => {
    const first = await store().acquireLock(SHOP, "up");
    for (let n = 1; n <= 4; n++) await first.journal.append(entry("w1", n));
    await first.release();
    model.inputs.length = 0;
    const second = await store().acquireLock(SHOP, "swap");
    await second.journal.append(entry("w2", 1));
    await second.journal.append(entry("w2", 2));
    assert.equal(model.get("shop/prod", "record#000000000005")?.workflowId?.S, "w2");
    assert.equal(model.get("shop/prod", "record#000000000006")?.workflowId?.S, "w2");
    const [last, ...others] = inputsOf("Query") as QueryCommand["input"][];
    assert.deepEqual([last.ScanIndexForward, last.Limit, last.ConsistentRead], [false, 1, true]);
    assert.equal(others.length, 0, "the next number is kept, not queried again");
    await second.release();
  });

  it("a record is retried after 200 and 400 ms, then fails naming the store and the record, word for word", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    model.onCall = (name) => {
      if (name === "TransactWriteItems")
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
    };
    await assert.rejects(lock.journal.append(entry("w1", 2)), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.equal(
        error.message,
        "The record store dynamodb://phoenix-records shop/prod could not write the step record (TimeoutError: " +
          "socket hang up). Run `phoenix status` once it is reachable: the next workflow completes or undoes this one.",
      );
      return true;
    });
    assert.deepEqual(clock.sleeps, [200, 400]);
    assert.equal(model.calls.filter((call) => call === "TransactWriteItems").length, 4);
    model.onCall = undefined;
    assert.equal(model.get("shop/prod", "record#000000000002"), undefined);
    // The lease is still held: the workflow may write its end record once the table answers.
    await lock.journal.append(entry("w1", 3));
    assert.equal(model.get("shop/prod", "record#000000000002")?.entry?.S, JSON.stringify(entry("w1", 3)));
  });

  it("a record that failed once and then went through is written once", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    model.faults.set(model.calls.length + 1, refused());
    await lock.journal.append(entry("w1", 1));
    assert.deepEqual(clock.sleeps, [200]);
    assert.deepEqual(
      (await store().journal(SHOP).read()).map((e) => e.id),
      ["w1"],
    );
  });

  it("a sequence number taken while the lease held (reasons without a lease failure) is skipped", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    model.set(toRecordItem("shop/prod", 2, "someone", entry("x", 0)));
    model.set(toRecordItem("shop/prod", 3, "someone", entry("y", 0)));
    await lock.journal.append(entry("w1", 2));
    assert.equal(model.get("shop/prod", "record#000000000004")?.workflowId?.S, "w1");
    lock.check();
  });

  it("a cancelled write without reasons is judged by the lease: still ours, the number was taken", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    let cancelled = false;
    model.onCall = (name) => {
      if (name !== "TransactWriteItems" || cancelled) return;
      cancelled = true;
      model.set(toRecordItem("shop/prod", 2, "someone", entry("x", 0)));
      throw new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {} });
    };
    await lock.journal.append(entry("w1", 2));
    assert.equal(model.get("shop/prod", "record#000000000003")?.workflowId?.S, "w1");
    lock.check();
  });

  it("a cancelled write without reasons after the lease moved on marks the lease lost", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    model.onCall = (name) => {
      if (name !== "TransactWriteItems") return;
      const item = model.get("shop/prod", "lock")!;
      model.set({ ...item, version: { N: "5" }, token: { S: "other" } });
      throw new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {} });
    };
    await assert.rejects(
      lock.journal.append(entry("w1", 2)),
      /taken over while up ran \(found when writing the step record\)/,
    );
  });

  /** The lease item as another machine may have left it, then every record write cancelled without reasons. */
  async function cancelledAfter(
    lease: (item: Record<string, unknown>) => Record<string, unknown> | undefined,
  ) {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    const item = model.get("shop/prod", "lock")!;
    const changed = lease(item);
    if (changed) model.set(changed as typeof item);
    else model.items.delete("shop/prod\u0000lock");
    model.onCall = (name) => {
      if (name === "TransactWriteItems")
        throw new TransactionCanceledException({ message: "Transaction cancelled", $metadata: {} });
    };
    const writes = model.calls.filter((call) => call === "TransactWriteItems").length;
    await assert.rejects(lock.journal.append(entry("w1", 2)), /taken over while up ran/);
    assert.equal(model.calls.filter((call) => call === "TransactWriteItems").length, writes + 1);
  }

  it("the lease is ours only with our version and our token: another token is a loss", () =>
    cancelledAfter((item) => ({ ...item, token: { S: "someone-else" } })));

  it("the lease is ours only with our version and our token: another version is a loss", () =>
    cancelledAfter((item) => ({ ...item, version: { N: "5" } })));

  it("the lease is ours only with our version and our token: no lease item is a loss", () =>
    cancelledAfter(() => undefined));

  it("a taken sequence number whose record was written by hand (no appendId) is skipped too", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    const { appendId: _none, ...byHand } = toRecordItem("shop/prod", 2, "x", entry("x", 0));
    model.set(byHand);
    await lock.journal.append(entry("w1", 2));
    assert.equal(model.get("shop/prod", "record#000000000003")?.workflowId?.S, "w1");
    const idReads = model.inputs
      .filter((call) => call.name === "GetItem")
      .map((call) => call.input as { Key: unknown; ConsistentRead: boolean })
      .filter((input) => JSON.stringify(input.Key).includes("record#"));
    assert.deepEqual(idReads, [
      {
        TableName: "phoenix-records",
        Key: { pk: { S: "shop/prod" }, sk: { S: "record#000000000002" } },
        ConsistentRead: true,
      },
    ]);
  });

  it("a write whose outcome cannot be read back fails naming the records", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append(entry("w1", 1));
    model.onCall = (name) => {
      if (name === "TransactWriteItems")
        throw Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
      if (name === "GetItem")
        throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    };
    await assert.rejects(lock.journal.append(entry("w1", 2)), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.match(error.message, /could not read the records \(ThrottlingException: Rate exceeded\)/);
      return true;
    });
  });

  it("a read the table refuses names the store and what it could not do", async () => {
    model.exists = true;
    model.onCall = (name) => {
      if (name === "Query") throw Object.assign(new Error("Rate exceeded"), { name: "ThrottlingException" });
    };
    await assert.rejects(store().journal(SHOP).read(), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.equal(
        error.message,
        "The record store dynamodb://phoenix-records shop/prod could not read the records (ThrottlingException: " +
          "Rate exceeded). Run `phoenix status` once it is reachable: the next workflow completes or undoes this one.",
      );
      return true;
    });
    await assert.rejects(store().journal(SHOP).interrupted(), /could not read the records/);
  });

  it("the interrupted workflow is read from the table", async () => {
    const lock = await store().acquireLock(SHOP, "up");
    await lock.journal.append({
      type: "begin",
      id: "w1",
      workflow: "up",
      at: "2026-12-03T00:00:00.000Z",
      params: {},
      pid: 1,
    });
    await lock.journal.append(entry("w1", 1));
    const interrupted = await store().journal(SHOP).interrupted();
    assert.equal(interrupted?.begin.id, "w1");
    assert.equal(interrupted?.lastStep, "step-1");
  });
});

describe("DynamoDB records read from answers without items", () => {
  const client = new DynamoDBClient({ region: "us-east-1" });
  const mock = mockClient(client);
  const journal = new DynamoDbJournal({
    client,
    table: "phoenix-records",
    location: "dynamodb://phoenix-records shop/prod",
    partition: "shop/prod",
    sleep: async () => undefined,
    exists: async () => true,
  });
  afterEach(() => mock.reset());
  after(() => mock.restore());

  it("a page without Items is an empty page, and no record means sequence number 0", async () => {
    mock.on(QueryCommand).resolves({});
    assert.deepEqual(await journal.read(), []);
    assert.equal(await journal.lastSeq(), 0);
  });

  it("a newest record without a seq attribute counts as 0", async () => {
    mock.on(QueryCommand).resolves({ Items: [{ pk: { S: "shop/prod" }, sk: { S: "record#000000000004" } }] });
    assert.equal(await journal.lastSeq(), 0);
    mock.on(QueryCommand).resolves({ Items: [{ seq: { N: "4" } }] });
    assert.equal(await journal.lastSeq(), 4);
  });
});
