// The app/env lock as a lease item in DynamoDB. No clocks are compared across machines: the holder renews
// the lease every third of its length (each renewal raises `version`), and a waiter takes it over only
// after seeing the same version unchanged for a whole lease on its own monotonic clock. The holder, in turn,
// counts its lease from when it sent its last renewal that succeeded: past a whole lease it may have been
// taken over, and it stops (check() throws) before its next engine call. Every record write is conditional
// on the version it holds (the fencing token), so a holder that lost the lease cannot write another record.
import { GetItemCommand, PutItemCommand, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { randomUUID } from "crypto";
import { hostname } from "os";
import { LockCompromisedError, LockedError, RecordStoreError, type LockHolder } from "../../errors";
import { currentUser, processAlive } from "../../lock";
import { fromLeaseItem, lockKey, toLeaseItem, type LeaseItem } from "./items";
import { backoffMs, classify, WRITE_ATTEMPTS } from "./outcome";

/** Monotonic time and sleeping, injectable so that tests need no real waiting. */
export interface LeaseClock {
  /** Milliseconds on a clock that never goes back (performance.now()). */
  monotonic(): number;
  sleep(ms: number): Promise<void>;
  /** Wall time, only to tell people when the lock was taken. */
  now(): number;
  /** Call `tick` every `ms` (without keeping the process alive) until the returned function is called. */
  every(ms: number, tick: () => Promise<void>): () => void;
}

export interface LeaseOptions {
  /** Length of a lease; renewed every third of it. @default 60000 */
  leaseMs?: number;
  clock?: LeaseClock;
}

export const DEFAULT_LEASE_MS = 60_000;

export const realClock: LeaseClock = {
  monotonic: () => performance.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  every(ms, tick) {
    const timer = setInterval(() => void tick(), ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface LeaseTable {
  client: DynamoDBClient;
  table: string;
  /** `dynamodb://<table> <app>/<env>`, for messages. */
  location: string;
  /** The partition key: `<app>/<env>`. */
  partition: string;
}

/** Read the lease item with a strongly consistent read (what another machine wrote last). */
export async function readLease(t: LeaseTable): Promise<LeaseItem | undefined> {
  const { Item } = await t.client
    .send(new GetItemCommand({ TableName: t.table, Key: lockKey(t.partition), ConsistentRead: true }))
    .catch((error: unknown) => {
      throw new RecordStoreError(t.location, "read the lock", error);
    });
  return Item ? fromLeaseItem(Item) : undefined;
}

/** A holder on this host whose process is gone: it can never renew, so its lease is stale now. */
function diedOnThisHost(holder: LockHolder | undefined): boolean {
  return holder !== undefined && holder.host === hostname() && !processAlive(holder.pid);
}

/** The lease of one app/env, as taken by this process. */
export class Lease {
  private version = 0;
  private readonly token = randomUUID();
  private holder: LockHolder | undefined;
  /** Monotonic time the last successful write of the lease was sent. */
  private renewedAt = 0;
  private lost: string | undefined;
  private stopRenewing: (() => void) | undefined;
  /** Lease writes and fenced record writes, one at a time, so each is sent with the version it holds. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly leaseMs: number;
  private readonly clock: LeaseClock;

  constructor(
    private readonly t: LeaseTable,
    private readonly workflow: string,
    options: LeaseOptions = {},
  ) {
    this.leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
    this.clock = options.clock ?? realClock;
  }

  /**
   * Take the lease: at once when free, or held by a process of this host that is gone; after one whole
   * lease of watching when its version does not move. A version that moves means a live holder:
   * LockedError, naming it.
   */
  async acquire(): Promise<void> {
    const holder: LockHolder = (this.holder = {
      pid: process.pid,
      host: hostname(),
      user: currentUser(),
      workflow: this.workflow,
      since: new Date(this.clock.now()).toISOString(),
    });
    let watched: { version: number; since: number } | undefined;
    for (;;) {
      const current = await readLease(this.t);
      const free = !current || !current.held || diedOnThisHost(current.holder);
      const now = this.clock.monotonic();
      if (!free && watched !== undefined && watched.version !== current.version)
        throw new LockedError(this.t.location, current.holder);
      const stale =
        !free && watched !== undefined && now - watched.since >= Math.max(current.leaseMs, this.leaseMs);
      if (free || stale) {
        const next = { version: (current?.version ?? 0) + 1, held: true, leaseMs: this.leaseMs, holder };
        if (await this.write(current?.version, next, "take the lock")) break;
        watched = undefined;
        continue;
      }
      watched ??= { version: current.version, since: now };
      await this.clock.sleep(Math.min(5000, Math.ceil(this.leaseMs / 6)));
    }
    this.stopRenewing = this.clock.every(Math.floor(this.leaseMs / 3), () =>
      this.serially(() => this.renew()),
    );
  }

  /** Throws LockCompromisedError when the lease was taken over, or may have been (not renewed for a lease). */
  check(): void {
    if (this.lost) throw new LockCompromisedError(this.lost);
    if (this.clock.monotonic() - this.renewedAt >= this.leaseMs)
      throw new LockCompromisedError(
        `The lock ${this.t.location} was not renewed for a whole lease (${this.leaseMs} ms) while ` +
          `${this.workflow} ran: another machine may have taken it over. Run \`phoenix status\` before anything else.`,
      );
  }

  /** Run `body` with the version held now (no lease write in between); throws when the lease is lost. */
  fenced<T>(body: (fence: { version: number }) => Promise<T>): Promise<T> {
    return this.serially(async () => {
      if (this.lost) throw new LockCompromisedError(this.lost);
      return body({ version: this.version });
    });
  }

  /** Whether the lease item still has our version and token (a strongly consistent read). */
  async stillHeld(): Promise<boolean> {
    const current = await readLease(this.t);
    return current?.version === this.version && current.token === this.token;
  }

  /** A fenced write failed its lease condition: the lease is someone else's now. */
  markLost(during: string): never {
    this.lost ??=
      `The lock ${this.t.location} was taken over while ${this.workflow} ran (found when ${during}): ` +
      `this workflow stopped. Run \`phoenix status\` before anything else.`;
    throw new LockCompromisedError(this.lost);
  }

  /**
   * Free the lease. Never throws: the workflow is over, and a release the table did not take (unreachable) only
   * makes the next workflow wait one lease before it takes the lease over.
   */
  async release(): Promise<void> {
    // Stryker disable next-line OptionalChaining: release is handed out only by an acquire that set it
    this.stopRenewing?.();
    await this.serially(async () => {
      if (this.lost) return;
      const next = { version: this.version + 1, held: false, leaseMs: this.leaseMs };
      // A lease lost at this point is someone else's: the condition keeps us from freeing it.
      // Stryker disable next-line StringLiteral: the operation names an error that release swallows
      await this.write(this.version, next, "release the lock").catch(() => undefined);
    });
  }

  private serially<T>(body: () => Promise<T>): Promise<T> {
    const result = this.queue.then(body);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async renew(): Promise<void> {
    if (this.lost) return;
    const next = { version: this.version + 1, held: true, leaseMs: this.leaseMs, holder: this.holder };
    try {
      if (!(await this.write(this.version, next, "renew the lock"))) this.markLost("renewing it");
    } catch {
      // The table could not be reached (or the lease was lost, recorded above): the next tick tries again,
      // and check() stops the workflow once a whole lease has passed without a renewal.
    }
  }

  /**
   * Write `next` if the lease still has `expected` version (absent: no lease item yet). Returns false when
   * the condition failed. After an unknown outcome it reads the lease back: the new version (with our token,
   * while held) means the write took effect; otherwise it tries again, up to WRITE_ATTEMPTS.
   */
  private async write(expected: number | undefined, next: LeaseItem, operation: string): Promise<boolean> {
    // Versions only go up, each write conditional on the one before: a version names one write of the lease.
    const condition =
      expected === undefined
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : {
            ConditionExpression: "version = :v",
            ExpressionAttributeValues: { ":v": { N: String(expected) } },
          };
    const item = toLeaseItem(this.t.partition, { ...next, token: next.held ? this.token : undefined });
    // The lease counts from the first attempt: a later one may only find that an earlier one took effect.
    const sentAt = this.clock.monotonic();
    for (let attempt = 1; ; attempt++) {
      try {
        await this.t.client.send(new PutItemCommand({ TableName: this.t.table, Item: item, ...condition }));
      } catch (error) {
        // Whatever the answer, an earlier attempt (or this one) may have taken effect: read the lease back.
        const after = await readLease(this.t);
        const tookEffect = after?.version === next.version && after.token === item.token?.S;
        if (!tookEffect) {
          if (classify(error).kind === "condition-failed") return false;
          if (attempt >= WRITE_ATTEMPTS) throw new RecordStoreError(this.t.location, operation, error);
          await this.clock.sleep(backoffMs(attempt));
          continue;
        }
      }
      this.version = next.version;
      this.renewedAt = sentAt;
      return true;
    }
  }
}
