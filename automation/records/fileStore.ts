// The default record store: a JSON-lines journal and a lock directory per app/env, next to the state. Its
// guarantees hold on one machine (or on a file system whose mkdir is atomic for every machine using it).
import { join } from "path";
import { Journal } from "../journal";
import { acquireLock, lockHolder, type LockOptions } from "../lock";
import type { AppEnv, HeldLock, JournalReader, RecordStore } from "./types";

/** The file names' stem: `<app>-<env>`, as since the first release. */
const stem = ({ app, env }: AppEnv) => `${app}-${env}`;

export class FileRecordStore implements RecordStore {
  constructor(
    readonly location: string,
    private readonly lockOptions: LockOptions = {},
  ) {}

  journal(appEnv: AppEnv): Journal & JournalReader {
    return new Journal(join(this.location, `${stem(appEnv)}.journal.jsonl`));
  }

  async acquireLock(appEnv: AppEnv, workflow: string): Promise<HeldLock> {
    const held = await acquireLock(this.location, stem(appEnv), workflow, this.lockOptions);
    return { check: () => held.check(), release: () => held.release(), journal: this.journal(appEnv) };
  }

  lockHolder(appEnv: AppEnv) {
    return lockHolder(this.location, stem(appEnv), this.lockOptions);
  }
}
