// The deployment records of one app/env in DynamoDB: one item per journal entry, under an increasing
// sequence number. Each is written in a transaction with a check that the lease still has the version this
// holder holds (the fencing token) and a condition that the sequence number is free, so two machines never
// lose, overwrite or reorder each other's records, and a holder that lost the lease writes nothing more.
import {
  GetItemCommand,
  QueryCommand,
  type QueryCommandInput,
  TransactWriteItemsCommand,
  type DynamoDBClient,
} from "@aws-sdk/client-dynamodb";
import { randomUUID } from "crypto";
import { RecordStoreError } from "../../errors";
import { findInterrupted, type InterruptedWorkflow, type JournalEntry } from "../../journal";
import type { JournalReader, JournalWriter } from "../types";
import { fromRecordItem, lockKey, RECORD_PREFIX, recordKey, toRecordItem, type Item } from "./items";
import type { Lease } from "./lease";
import { backoffMs, classify, WRITE_ATTEMPTS } from "./outcome";

export interface RecordsTable {
  client: DynamoDBClient;
  table: string;
  location: string;
  partition: string;
  sleep(ms: number): Promise<void>;
  /** Whether the table exists (reads find no records in a table not created yet; they never create it). */
  exists(): Promise<boolean>;
}

export class DynamoDbJournal implements JournalReader {
  constructor(private readonly t: RecordsTable) {}

  get location(): string {
    return this.t.location;
  }

  /** Every record, oldest first (strongly consistent: what the last writer wrote). */
  async read(): Promise<JournalEntry[]> {
    if (!(await this.t.exists())) return [];
    const entries: JournalEntry[] = [];
    let start: Item | undefined;
    do {
      const page = await this.queryRecords({ ExclusiveStartKey: start });
      for (const item of page.Items ?? []) entries.push(fromRecordItem(item));
      start = page.LastEvaluatedKey;
    } while (start);
    return entries;
  }

  async interrupted(): Promise<InterruptedWorkflow | undefined> {
    return findInterrupted(await this.read());
  }

  /** The sequence number of the newest record (0 when there is none). */
  async lastSeq(): Promise<number> {
    const { Items } = await this.queryRecords({ ScanIndexForward: false, Limit: 1 });
    return Items?.[0] ? Number(Items[0].seq?.N ?? 0) : 0;
  }

  /** A strongly consistent Query of this app/env's records (not its lease). */
  private queryRecords(page: Pick<QueryCommandInput, "ExclusiveStartKey" | "ScanIndexForward" | "Limit">) {
    return this.t.client
      .send(
        new QueryCommand({
          TableName: this.t.table,
          KeyConditionExpression: "pk = :pk AND begins_with(sk, :records)",
          ExpressionAttributeValues: { ":pk": { S: this.t.partition }, ":records": { S: RECORD_PREFIX } },
          ConsistentRead: true,
          ...page,
        }),
      )
      .catch((error: unknown) => {
        throw new RecordStoreError(this.t.location, "read the records", error);
      });
  }

  /** The `appendId` of the record at `seq`, if there is one. */
  async appendIdAt(seq: number): Promise<string | undefined> {
    const { Item } = await this.t.client
      .send(
        new GetItemCommand({
          TableName: this.t.table,
          Key: recordKey(this.t.partition, seq),
          ConsistentRead: true,
        }),
      )
      .catch((error: unknown) => {
        throw new RecordStoreError(this.t.location, "read the records", error);
      });
    return Item?.appendId?.S;
  }
}

/** Appends records under a held lease. */
export class FencedAppender implements JournalWriter {
  private nextSeq: number | undefined;

  constructor(
    private readonly t: RecordsTable,
    private readonly journal: DynamoDbJournal,
    private readonly lease: Lease,
  ) {}

  append(entry: JournalEntry): Promise<void> {
    return this.lease.fenced(async (fence) => {
      const appendId = randomUUID();
      let failures = 0;
      for (;;) {
        const seq = (this.nextSeq ??= (await this.journal.lastSeq()) + 1);
        const outcome = await this.put(seq, appendId, entry, fence);
        if (outcome === "written") {
          this.nextSeq = seq + 1;
          return;
        }
        if (outcome === "lease-lost") this.lease.markLost(`writing the ${entry.type} record`);
        if (outcome === "seq-taken") {
          // Another writer got this number first (possible only across a takeover): read where the end is.
          this.nextSeq = undefined;
          continue;
        }
        failures += 1;
        if (failures >= WRITE_ATTEMPTS)
          throw new RecordStoreError(this.t.location, `write the ${entry.type} record`, outcome.error);
        await this.t.sleep(backoffMs(failures));
      }
    });
  }

  private async put(
    seq: number,
    appendId: string,
    entry: JournalEntry,
    fence: { version: number },
  ): Promise<"written" | "lease-lost" | "seq-taken" | { error: unknown }> {
    try {
      await this.t.client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              ConditionCheck: {
                TableName: this.t.table,
                Key: lockKey(this.t.partition),
                ConditionExpression: "version = :v",
                ExpressionAttributeValues: { ":v": { N: String(fence.version) } },
              },
            },
            {
              Put: {
                TableName: this.t.table,
                Item: toRecordItem(this.t.partition, seq, appendId, entry),
                ConditionExpression: "attribute_not_exists(pk)",
              },
            },
          ],
        }),
      );
      return "written";
    } catch (error) {
      const failure = classify(error);
      // Whatever the answer, an earlier attempt of this very append may have taken effect: the record at
      // `seq` then carries its id.
      if ((await this.journal.appendIdAt(seq)) === appendId) return "written";
      if (failure.kind === "unknown-outcome") return { error };
      if (failure.reasons[0] === "ConditionalCheckFailed") return "lease-lost";
      // The lease held (or no reasons were given, and the lease decides): the sequence number was taken.
      return (await this.lease.stillHeld()) ? "seq-taken" : "lease-lost";
    }
  }
}
