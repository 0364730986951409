// The workflows on the DynamoDB record store: two machines (two deployments, two stores, one table) share
// one lock and one history, and a machine that lost the lease mid-workflow stops before its next engine call.
import assert from "node:assert/strict";
import { existsSync } from "fs";
import { join } from "path";
import { LockCompromisedError } from "../../../automation/errors";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";
import { AMI_1, AMI_2, harness, releaseOf, weights, type Harness } from "../harness";
import { ManualLeaseClock } from "./leaseClock";
import { TableModel } from "./tableModel";

describe("workflows on the DynamoDB record store", () => {
  let model: TableModel;
  let h: Harness;
  const machine = () =>
    new DynamoDbRecordStore({
      table: "phoenix-records",
      client: model.client,
      clock: new ManualLeaseClock(),
    });

  beforeEach(() => {
    model = new TableModel();
    h = harness({ deployment: { records: machine() } });
  });
  afterEach(() => {
    h.cleanup();
    model.restore();
  });

  it("keeps one history for every machine, in the table and not in the state directory", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    const other = h.another({ records: machine() });
    await other.swap();
    const seen = (await other.history()).map((record) => record.workflow);
    assert.deepEqual(seen, ["bootstrap", "up", "swap"]);
    assert.deepEqual(
      (await h.deployment.history()).map((record) => record.workflow),
      seen,
    );
    assert.equal(h.deployment.journalPath, "dynamodb://phoenix-records shop/prod");
    assert.equal(existsSync(join(h.stateDir, "shop-prod.journal.jsonl")), false);
    const deployRecord = [...model.items.values()].find(
      (item) => item.step?.S === "deploy" && item.status?.S === "ok",
    );
    assert.deepEqual(
      [deployRecord?.colour?.S, deployRecord?.release?.S, typeof deployRecord?.deploymentId?.S],
      ["blue", "v1", "string"],
    );
    const swapEnd = [...model.items.values()].find(
      (item) => item.workflow?.S === "swap" && item.type?.S === "end",
    );
    assert.equal(swapEnd?.status?.S, "ok");
  });

  it("a machine that lost the lease stops before its next engine call; the next workflow undoes nothing it did not do", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
    const stolen = () => {
      const lease = model.get("shop/prod", "lock")!;
      model.set({
        ...lease,
        version: { N: String(Number(lease.version.N) + 1) },
        holder: { M: { ...lease.holder!.M!, host: { S: "ci-runner-7" }, workflow: { S: "swap" } } },
      });
    };
    const onProgress = (event: { kind: string; step?: string }) => {
      if (event.kind === "step-end" && event.step === "read-state") stolen();
    };
    await assert.rejects(h.deployment.up({ release: "v2", imageId: AMI_2, onProgress }), (error: Error) => {
      assert.ok(error instanceof LockCompromisedError, String(error));
      assert.match(error.message, /taken over while up ran/);
      return true;
    });
    assert.equal(releaseOf(h.engine, "green"), undefined, "the machine that lost the lease deployed");
    assert.deepEqual(weights(h.engine), { blue: 100, green: 0 });

    // The thief finishes its work and frees the lease; the next machine sees the stopped up as interrupted.
    const lease = model.get("shop/prod", "lock")!;
    model.set({ ...lease, held: { BOOL: false }, version: { N: String(Number(lease.version.N) + 1) } });
    const status = await h.another({ records: machine() }).status();
    assert.equal(status.interrupted?.workflow, "up");
    await h.another({ records: machine() }).up({ release: "v2", imageId: AMI_2 });
    assert.equal(releaseOf(h.engine, "green"), "v2");
  });
});
