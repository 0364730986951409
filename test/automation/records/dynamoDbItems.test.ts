// The records table's items as documented in docs/records.md (other tools query them), and what a failed call
// means for a conditional write. Expected items are spelled out attribute by attribute.
import assert from "node:assert/strict";
import type { JournalEntry } from "../../../automation/journal";
import {
  fromLeaseItem,
  fromRecordItem,
  lockKey,
  recordKey,
  toLeaseItem,
  toRecordItem,
} from "../../../automation/records/dynamodb/items";
import { backoffMs, classify, WRITE_ATTEMPTS } from "../../../automation/records/dynamodb/outcome";

const AT = "2026-12-03T10:00:00.000Z";

describe("DynamoDB records table items", () => {
  it("keys: the lease under `lock`, records under `record#` and a 12-digit sequence number", () => {
    assert.deepEqual(lockKey("shop/prod"), { pk: { S: "shop/prod" }, sk: { S: "lock" } });
    assert.deepEqual(recordKey("shop/prod", 7), { pk: { S: "shop/prod" }, sk: { S: "record#000000000007" } });
    assert.deepEqual(recordKey("shop/prod", 123456789012), {
      pk: { S: "shop/prod" },
      sk: { S: "record#123456789012" },
    });
  });

  it("a held lease with its token and holder, and back", () => {
    const holder = { pid: 42, host: "ci-7", user: "deploy", workflow: "swap", since: AT };
    const item = toLeaseItem("shop/prod", { version: 3, held: true, leaseMs: 60000, token: "t-1", holder });
    assert.deepEqual(item, {
      pk: { S: "shop/prod" },
      sk: { S: "lock" },
      version: { N: "3" },
      held: { BOOL: true },
      leaseMs: { N: "60000" },
      token: { S: "t-1" },
      holder: {
        M: {
          pid: { N: "42" },
          host: { S: "ci-7" },
          workflow: { S: "swap" },
          since: { S: AT },
          user: { S: "deploy" },
        },
      },
    });
    assert.deepEqual(fromLeaseItem(item), { version: 3, held: true, leaseMs: 60000, token: "t-1", holder });
  });

  it("a freed lease has no token nor holder; a holder without a user has no user attribute", () => {
    assert.deepEqual(toLeaseItem("shop/prod", { version: 4, held: false, leaseMs: 1000 }), {
      pk: { S: "shop/prod" },
      sk: { S: "lock" },
      version: { N: "4" },
      held: { BOOL: false },
      leaseMs: { N: "1000" },
    });
    const holder = { pid: 1, host: "h", workflow: "up", since: AT };
    const item = toLeaseItem("a/b", { version: 1, held: true, leaseMs: 1, holder });
    assert.deepEqual(item.holder, {
      M: { pid: { N: "1" }, host: { S: "h" }, workflow: { S: "up" }, since: { S: AT } },
    });
    assert.deepEqual(fromLeaseItem(item).holder, holder);
    assert.deepEqual(Object.keys(fromLeaseItem(item).holder!), ["pid", "host", "workflow", "since"]);
    assert.deepEqual(fromLeaseItem(toLeaseItem("a/b", { version: 4, held: false, leaseMs: 1000 })), {
      version: 4,
      held: false,
      leaseMs: 1000,
      token: undefined,
      holder: undefined,
    });
  });

  it("reads a lease item written by hand: missing attributes are version 0, not held, holder fields `?`", () => {
    assert.deepEqual(fromLeaseItem({ pk: { S: "a/b" }, sk: { S: "lock" } }), {
      version: 0,
      held: false,
      leaseMs: 0,
      token: undefined,
      holder: undefined,
    });
    assert.equal(fromLeaseItem({ held: { S: "true" } }).held, false);
    assert.deepEqual(fromLeaseItem({ holder: { M: {} } }).holder, {
      pid: NaN,
      host: "?",
      workflow: "?",
      since: "?",
    });
    assert.deepEqual(fromLeaseItem({ holder: { M: { pid: { N: "9" } } } }).holder, {
      pid: 9,
      host: "?",
      workflow: "?",
      since: "?",
    });
  });

  it("a begin record: the entry whole, and its workflow fields at the top level", () => {
    const entry: JournalEntry = {
      type: "begin",
      id: "w1",
      workflow: "up",
      at: AT,
      params: { release: "v1" },
      pid: 5,
    };
    const item = toRecordItem("shop/prod", 12, "append-1", entry);
    assert.deepEqual(item, {
      pk: { S: "shop/prod" },
      sk: { S: "record#000000000012" },
      seq: { N: "12" },
      appendId: { S: "append-1" },
      entry: { S: JSON.stringify(entry) },
      type: { S: "begin" },
      workflowId: { S: "w1" },
      workflow: { S: "up" },
      at: { S: AT },
    });
    assert.deepEqual(fromRecordItem(item), entry);
  });

  it("a deploy step record names its status, step, colour, release and deployment id", () => {
    const entry: JournalEntry = {
      type: "step",
      id: "w1",
      workflow: "up",
      step: "deploy",
      status: "ok",
      at: AT,
      colour: "green",
      deployed: { colour: "green", release: "v2", deploymentId: "d-2" },
    };
    const { entry: _whole, ...top } = toRecordItem("shop/prod", 1, "x", entry);
    assert.deepEqual(top, {
      pk: { S: "shop/prod" },
      sk: { S: "record#000000000001" },
      seq: { N: "1" },
      appendId: { S: "x" },
      type: { S: "step" },
      workflowId: { S: "w1" },
      workflow: { S: "up" },
      at: { S: AT },
      status: { S: "ok" },
      step: { S: "deploy" },
      colour: { S: "green" },
      release: { S: "v2" },
      deploymentId: { S: "d-2" },
    });
  });

  it("a step on a colour without a deployment names the colour only; a step on none names none", () => {
    const onColour: JournalEntry = {
      type: "step",
      id: "w",
      workflow: "heal",
      step: "scale",
      status: "started",
      at: AT,
      colour: "blue",
    };
    const item = toRecordItem("a/b", 2, "x", onColour);
    assert.equal(item.colour?.S, "blue");
    assert.equal(item.release, undefined);
    assert.equal(item.deploymentId, undefined);
    const none: JournalEntry = {
      type: "step",
      id: "w",
      workflow: "heal",
      step: "read-state",
      status: "ok",
      at: AT,
    };
    assert.equal(toRecordItem("a/b", 3, "x", none).colour, undefined);
  });

  it("an end record names the fleet it retired, without an id when it had none", () => {
    const entry: JournalEntry = {
      type: "end",
      id: "w",
      workflow: "swap",
      at: AT,
      status: "failed",
      durationMs: 9,
      retired: { colour: "blue", release: "v1" },
    };
    const item = toRecordItem("a/b", 4, "x", entry);
    assert.equal(item.status?.S, "failed");
    assert.equal(item.step, undefined);
    assert.equal(item.colour?.S, "blue");
    assert.equal(item.release?.S, "v1");
    assert.equal(item.deploymentId, undefined);
    const plain = toRecordItem("a/b", 5, "x", { ...entry, retired: undefined });
    assert.equal(plain.colour, undefined);
    assert.equal(plain.release, undefined);
  });

  it("an item without an entry reads as null (never throws)", () => {
    assert.equal(fromRecordItem({}), null);
  });
});

describe("DynamoDB call failures", () => {
  const named = (name: string, extra: object = {}) => Object.assign(new Error(name), { name, ...extra });

  it("a failed condition is an answer", () => {
    assert.deepEqual(classify(named("ConditionalCheckFailedException")), {
      kind: "condition-failed",
      reasons: [],
    });
  });

  it("a cancelled transaction is an answer only when its reasons are condition failures or None", () => {
    const cancelled = (codes: string[]) =>
      named("TransactionCanceledException", { CancellationReasons: codes.map((Code) => ({ Code })) });
    assert.deepEqual(classify(cancelled(["ConditionalCheckFailed", "None"])), {
      kind: "condition-failed",
      reasons: ["ConditionalCheckFailed", "None"],
    });
    assert.deepEqual(classify(cancelled(["None", "ConditionalCheckFailed"])), {
      kind: "condition-failed",
      reasons: ["None", "ConditionalCheckFailed"],
    });
    assert.deepEqual(classify(named("TransactionCanceledException")), {
      kind: "condition-failed",
      reasons: [],
    });
    for (const codes of [
      ["TransactionConflict", "None"],
      ["ConditionalCheckFailed", "ThrottlingError"],
    ]) {
      const error = cancelled(codes);
      assert.deepEqual(classify(error), { kind: "unknown-outcome", error }, codes.join());
    }
  });

  it("anything else leaves the outcome unknown", () => {
    for (const error of [named("ThrottlingException"), named("TimeoutError"), "reset", undefined]) {
      assert.deepEqual(classify(error), { kind: "unknown-outcome", error });
    }
  });

  it("three attempts, the pause doubling from 200 ms", () => {
    assert.equal(WRITE_ATTEMPTS, 3);
    assert.deepEqual([1, 2, 3].map(backoffMs), [200, 400, 800]);
  });
});
