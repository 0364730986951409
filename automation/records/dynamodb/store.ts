// The shared record store: the lock and the deployment records of every app/env in one DynamoDB table, so
// machines that deploy the same app/env (CI runners, laptops) see one lock and one history. Region,
// credentials and endpoint come from the AWS SDK's default chain (AWS_REGION, AWS_PROFILE, AWS_ENDPOINT_URL…).
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { LockHolder } from "../../errors";
import type { AppEnv, HeldLock, RecordStore } from "../types";
import { DynamoDbJournal, FencedAppender, type RecordsTable } from "./records";
import { Lease, readLease, realClock, type LeaseClock, type LeaseOptions } from "./lease";
import { ensureTable, tableExists } from "./table";

export interface DynamoDbRecordStoreOptions extends LeaseOptions {
  /** The table; created on first use. */
  table: string;
  /** @default a DynamoDBClient from the SDK's default chain */
  client?: DynamoDBClient;
}

export class DynamoDbRecordStore implements RecordStore {
  readonly location: string;
  private readonly client: DynamoDBClient;
  private readonly clock: LeaseClock;
  private ready: Promise<void> | undefined;

  constructor(private readonly options: DynamoDbRecordStoreOptions) {
    this.location = `dynamodb://${options.table}`;
    this.client = options.client ?? new DynamoDBClient({});
    this.clock = options.clock ?? realClock;
  }

  journal(appEnv: AppEnv): DynamoDbJournal {
    return new DynamoDbJournal(this.tableFor(appEnv));
  }

  async acquireLock(appEnv: AppEnv, workflow: string): Promise<HeldLock> {
    await this.tableReady();
    const table = this.tableFor(appEnv);
    const lease = new Lease(table, workflow, this.options);
    await lease.acquire();
    return {
      check: () => lease.check(),
      release: () => lease.release(),
      journal: new FencedAppender(table, new DynamoDbJournal(table), lease),
    };
  }

  async lockHolder(appEnv: AppEnv): Promise<LockHolder | "unknown" | undefined> {
    if (!(await this.tableExists())) return undefined;
    const lease = await readLease(this.tableFor(appEnv));
    if (!lease?.held) return undefined;
    return lease.holder ?? "unknown";
  }

  /** Reads ask this: once the table is known to exist, without asking again. */
  private async tableExists(): Promise<boolean> {
    if (this.ready) return this.ready.then(() => true);
    const exists = await tableExists(this.client, this.options.table, this.location);
    // Found once, it stays: later reads (status reads the records, then the lease) ask no more.
    if (exists) this.ready ??= Promise.resolve();
    return exists;
  }

  /** Writes (taking the lock) ask this: the table is created on first use. */
  private tableReady(): Promise<void> {
    this.ready ??= ensureTable(this.client, this.options.table, this.location).catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }

  /** One app/env's part of the table: the partition `<app>/<env>` (a `/` is in neither name). */
  private tableFor({ app, env }: AppEnv): RecordsTable {
    return {
      client: this.client,
      table: this.options.table,
      location: `${this.location} ${app}/${env}`,
      partition: `${app}/${env}`,
      sleep: (ms) => this.clock.sleep(ms),
      exists: () => this.tableExists(),
    };
  }
}
