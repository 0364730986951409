// Every DynamoDB call of a workflow's lock and records failed in turn, each way a call fails: throttled past
// the SDK's retries (nothing written), timed out after the write took effect (the answer lost), a condition
// failed because another machine wrote first. Whatever fails, the records read back are the ones written,
// in order, each once; a write whose outcome was unknown is found done or done again, never twice.
import assert from "node:assert/strict";
import {
  ConditionalCheckFailedException,
  ProvisionedThroughputExceededException,
  TransactionCanceledException,
} from "@aws-sdk/client-dynamodb";
import { LockCompromisedError, RecordStoreError } from "../../../automation/errors";
import type { JournalEntry } from "../../../automation/journal";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";
import { ManualLeaseClock } from "./leaseClock";
import { TableModel, type CallName, type Fault } from "./tableModel";

const SHOP = { app: "shop", env: "prod" };

const ENTRIES: JournalEntry[] = [
  { type: "begin", id: "w1", workflow: "up", at: "2026-12-03T00:00:00.000Z", params: {}, pid: 1 },
  {
    type: "step",
    id: "w1",
    workflow: "up",
    step: "deploy",
    status: "started",
    at: "2026-12-03T00:00:01.000Z",
    colour: "green",
  },
  {
    type: "step",
    id: "w1",
    workflow: "up",
    step: "deploy",
    status: "ok",
    at: "2026-12-03T00:01:00.000Z",
    colour: "green",
    deployed: { colour: "green", release: "v2", deploymentId: "20261203t000001000z-4" },
  },
  { type: "end", id: "w1", workflow: "up", at: "2026-12-03T00:01:01.000Z", status: "ok", durationMs: 61_000 },
];

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: "Rate of requests exceeds the allowed throughput",
    $metadata: {},
  });
const timedOut = () => Object.assign(new Error("socket hang up"), { name: "TimeoutError" });
function conditionFailed(call: CallName): Error {
  if (call === "TransactWriteItems")
    return new TransactionCanceledException({
      message: "Transaction cancelled",
      $metadata: {},
      CancellationReasons: [{ Code: "ConditionalCheckFailed" }, { Code: "None" }],
    });
  return new ConditionalCheckFailedException({ message: "The conditional request failed", $metadata: {} });
}

const RETRIED_WRITES: CallName[] = ["PutItem", "TransactWriteItems"];

/** A workflow's use of the store: lock, two records, a renewal, two more records, check, release. */
async function workflow(model: TableModel): Promise<void> {
  const clock = new ManualLeaseClock();
  const store = new DynamoDbRecordStore({ table: "phoenix-records", client: model.client, clock });
  const lock = await store.acquireLock(SHOP, "up");
  for (const entry of ENTRIES.slice(0, 2)) await lock.journal.append(entry);
  await clock.renew();
  for (const entry of ENTRIES.slice(2)) await lock.journal.append(entry);
  lock.check();
  await lock.release();
}

async function readBack(model: TableModel): Promise<JournalEntry[]> {
  model.faults.clear();
  return new DynamoDbRecordStore({ table: "phoenix-records", client: model.client }).journal(SHOP).read();
}

describe("DynamoDB record store: every call failed in turn", () => {
  const models: TableModel[] = [];
  const fresh = () => {
    const model = new TableModel();
    models.push(model);
    return model;
  };
  afterEach(() => models.splice(0).forEach((model) => model.restore()));

  it("loses, duplicates or reorders no record, and fails only with a typed error", async () => {
    const clean = fresh();
    await workflow(clean);
    assert.deepEqual(await readBack(clean), ENTRIES);
    const calls = [...clean.calls];
    clean.restore();

    let runs = 0;
    const kinds: { name: string; fault: (call: CallName) => Fault | undefined }[] = [
      { name: "throttled", fault: () => ({ when: "before", error: throttled() }) },
      { name: "timed out after the write", fault: () => ({ when: "after", error: timedOut() }) },
      {
        name: "condition failed",
        fault: (call) =>
          call === "PutItem" || call === "TransactWriteItems"
            ? { when: "before", error: conditionFailed(call) }
            : undefined,
      },
    ];
    for (const [index, call] of calls.entries()) {
      for (const kind of kinds) {
        const fault = kind.fault(call);
        if (!fault) continue;
        const model = fresh();
        model.faults.set(index, fault);
        const what = `${kind.name} at call ${index} (${call})`;
        const outcome = await workflow(model).then(
          () => undefined,
          (error: unknown) => error,
        );
        runs += 1;
        const entries = await readBack(model);
        assert.deepEqual(entries, ENTRIES.slice(0, entries.length), `${what}: records are not a prefix`);
        if (kind.name === "condition failed") {
          // Another machine wrote first: the lease is lost (or was never ours yet, and taken on the next try).
          if (outcome !== undefined)
            assert.ok(outcome instanceof LockCompromisedError, `${what}: ${String(outcome)}`);
        } else if (RETRIED_WRITES.includes(call)) {
          // A write that failed either way is read back, then settled or sent again: the workflow goes on.
          assert.equal(outcome, undefined, `${what}: ${String(outcome)}`);
          assert.deepEqual(entries, ENTRIES, `${what}: records lost`);
        } else if (outcome !== undefined) {
          // A read (or the table's creation) that failed stops the workflow with a typed error naming the table.
          assert.ok(outcome instanceof RecordStoreError, `${what}: ${String(outcome)}`);
          assert.match((outcome as Error).message, /dynamodb:\/\/phoenix-records/);
        }
      }
    }
    assert.ok(runs >= 2 * calls.length, `only ${runs} faulted runs for ${calls.length} calls`);
    console.log(
      `      ${runs} faulted runs over the ${calls.length} calls of a workflow (${calls.join(", ")})`,
    );
  });
});
