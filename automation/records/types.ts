// Where the lock and the deployment records of an app/env live. The file store keeps them next to the state
// on one machine; the DynamoDB store shares them between machines. Workflows see only these interfaces.
import type { LockHolder } from "../errors";
import type { InterruptedWorkflow, JournalEntry } from "../journal";

/** The records of one app/env, read by history, status, recovery and the keep-warm and rollback rules. */
export interface JournalReader {
  /** Where they live, for messages: a file path or `dynamodb://<table> <app>/<env>`. */
  readonly location: string;
  /** Every entry the workflows need, oldest first (the file store's active file). */
  read(): Promise<JournalEntry[]>;
  /** Every entry ever written, archives included, oldest first; absent where `read` already returns all. */
  readAll?(): Promise<JournalEntry[]>;
  /** The most recent workflow that began and has no end entry. */
  interrupted(): Promise<InterruptedWorkflow | undefined>;
}

/** Appends records; only a held lock hands one out, so no record is written without the lock. */
export interface JournalWriter {
  append(entry: JournalEntry): Promise<void>;
}

export interface HeldLock {
  /** Throws LockCompromisedError when the lock was (or may have been) lost since it was taken. */
  check(): void;
  release(): Promise<void>;
  /** The app/env's records, written under this lock (a shared store fences every write with it). */
  readonly journal: JournalWriter;
}

/** The app/env whose lock and records are meant. */
export interface AppEnv {
  app: string;
  env: string;
}

export interface RecordStore {
  /** For messages: the directory or `dynamodb://<table>`. */
  readonly location: string;
  /** The records of an app/env. */
  journal(appEnv: AppEnv): JournalReader;
  /** Take an app/env's lock for `workflow`, or throw LockedError naming the holder. */
  acquireLock(appEnv: AppEnv, workflow: string): Promise<HeldLock>;
  /** The live holder of an app/env's lock, "unknown" when its holder left no name, else undefined. */
  lockHolder(appEnv: AppEnv): Promise<LockHolder | "unknown" | undefined>;
}
