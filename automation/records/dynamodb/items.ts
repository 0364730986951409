// The items of the records table (documented in docs/records.md). One table serves every app/env: the
// partition key is `<app>/<env>`; the sort key is `lock` for the lease, `record#<seq>` for the records.
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { LockHolder } from "../../errors";
import type { JournalEntry } from "../../journal";

export type Item = Record<string, AttributeValue>;

export const LOCK_SORT_KEY = "lock";
export const RECORD_PREFIX = "record#";
/** Zero-padded so that the string sort key orders records as their sequence numbers. */
const SEQ_DIGITS = 12;

export const lockKey = (partition: string): Item => ({ pk: { S: partition }, sk: { S: LOCK_SORT_KEY } });

export const recordKey = (partition: string, seq: number): Item => ({
  pk: { S: partition },
  sk: { S: RECORD_PREFIX + String(seq).padStart(SEQ_DIGITS, "0") },
});

/** The lease as stored: `version` goes up by one on every write, and is the fencing token of record writes. */
export interface LeaseItem {
  version: number;
  held: boolean;
  leaseMs: number;
  /** Random per acquisition: tells the holder its own lease apart after a write whose outcome is unknown. */
  token?: string;
  holder?: LockHolder;
}

export function toLeaseItem(partition: string, lease: LeaseItem): Item {
  const item: Item = {
    ...lockKey(partition),
    version: { N: String(lease.version) },
    held: { BOOL: lease.held },
    leaseMs: { N: String(lease.leaseMs) },
  };
  if (lease.token !== undefined) item.token = { S: lease.token };
  if (lease.holder !== undefined) {
    const { pid, host, user, workflow, since } = lease.holder;
    item.holder = {
      M: {
        pid: { N: String(pid) },
        host: { S: host },
        workflow: { S: workflow },
        since: { S: since },
        ...(user !== undefined ? { user: { S: user } } : {}),
      },
    };
  }
  return item;
}

export function fromLeaseItem(item: Item): LeaseItem {
  const holder = item.holder?.M;
  return {
    version: Number(item.version?.N ?? 0),
    held: item.held?.BOOL === true,
    leaseMs: Number(item.leaseMs?.N ?? 0),
    token: item.token?.S,
    holder: holder && {
      pid: Number(holder.pid?.N),
      host: holder.host?.S ?? "?",
      workflow: holder.workflow?.S ?? "?",
      since: holder.since?.S ?? "?",
      ...(holder.user?.S !== undefined ? { user: holder.user.S } : {}),
    },
  };
}

/**
 * One journal entry as an item. `entry` holds it whole (what Phoenix reads back); the fleet and workflow
 * fields are copied to top-level attributes so that people and other tools can query them without parsing.
 */
export function toRecordItem(partition: string, seq: number, appendId: string, entry: JournalEntry): Item {
  const item: Item = {
    ...recordKey(partition, seq),
    seq: { N: String(seq) },
    appendId: { S: appendId },
    entry: { S: JSON.stringify(entry) },
    type: { S: entry.type },
    workflowId: { S: entry.id },
    workflow: { S: entry.workflow },
    at: { S: entry.at },
  };
  if (entry.type !== "begin") item.status = { S: entry.status };
  if (entry.type === "step") item.step = { S: entry.step };
  const fleet = entry.type === "step" ? entry.deployed : entry.type === "end" ? entry.retired : undefined;
  const colour = fleet?.colour ?? (entry.type === "step" ? entry.colour : undefined);
  if (colour !== undefined) item.colour = { S: colour };
  if (fleet !== undefined) item.release = { S: fleet.release };
  if (fleet?.deploymentId !== undefined) item.deploymentId = { S: fleet.deploymentId };
  return item;
}

export function fromRecordItem(item: Item): JournalEntry {
  return JSON.parse(item.entry?.S ?? "null") as JournalEntry;
}
