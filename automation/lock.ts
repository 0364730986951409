// One lock per app/env, so two workflows never change the same stacks at once. proper-lockfile does the
// locking (an atomic mkdir, refreshed while held, taken over when its mtime is older than `staleMs`);
// beside it a small JSON file names the holder for the error the second workflow gets. A holder on this
// host whose process is gone is stale at once, without waiting for the mtime to age.
import { mkdir, readFile, rm, writeFile } from "fs/promises";
import { hostname, userInfo } from "os";
import { join } from "path";
import * as lockfile from "proper-lockfile";
import { LockCompromisedError, LockedError, type LockHolder } from "./errors";

export interface LockOptions {
  /** A lock not refreshed for this long is stale and taken over. @default 30000 */
  staleMs?: number;
}

/** A taken file lock (the record store adds the journal it fences). */
export interface HeldFileLock {
  /** Throws LockCompromisedError when the lock was lost since it was taken. */
  check(): void;
  release(): Promise<void>;
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The OS user running this process, when the platform can say (a container may have no passwd entry). */
export function currentUser(): string | undefined {
  try {
    return userInfo().username;
  } catch {
    return undefined;
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(path, "utf8")) as LockHolder;
  } catch {
    return undefined;
  }
}

function sameHolder(a: LockHolder, b: LockHolder): boolean {
  return a.pid === b.pid && a.host === b.host && a.since === b.since && a.workflow === b.workflow;
}

/** The holder of `key`'s lock when it is held (and not stale), else undefined. */
export async function lockHolder(
  dir: string,
  key: string,
  options: LockOptions = {},
): Promise<LockHolder | "unknown" | undefined> {
  // Stryker disable ArrowFunction: a failed check reads as not held; `() => undefined` is as falsy as `() => false`
  const held = await lockfile
    .check(join(dir, key), {
      realpath: false,
      lockfilePath: join(dir, `${key}.lock`),
      stale: options.staleMs ?? 30_000,
    })
    .catch(() => false);
  // Stryker restore ArrowFunction
  if (!held) return undefined;
  return (await readHolder(join(dir, `${key}.lock-holder.json`))) ?? "unknown";
}

/** Take the lock of `key` (an app/env) in `dir` for `workflow`, or throw LockedError naming the holder. */
export async function acquireLock(
  dir: string,
  key: string,
  workflow: string,
  options: LockOptions = {},
): Promise<HeldFileLock> {
  await mkdir(dir, { recursive: true });
  const target = join(dir, key);
  const lockfilePath = join(dir, `${key}.lock`);
  const holderPath = join(dir, `${key}.lock-holder.json`);
  const stale = options.staleMs ?? 30_000;
  let compromised: Error | undefined;
  const take = () =>
    lockfile.lock(target, {
      realpath: false,
      lockfilePath,
      stale,
      update: Math.max(1000, Math.floor(stale / 3)),
      retries: 0,
      onCompromised: (error) => {
        compromised = error;
      },
    });
  let release: () => Promise<void>;
  try {
    release = await take();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ELOCKED") throw error;
    const holder = await readHolder(holderPath);
    if (!holder || holder.host !== hostname() || processAlive(holder.pid))
      throw new LockedError(lockfilePath, holder);
    // The holder crashed on this host: its lock is stale even though its mtime is recent.
    // ELOCKED just said the lock directory exists: `force` only matters if it vanished meanwhile.
    // Stryker disable next-line BooleanLiteral: equivalent (see above)
    await rm(lockfilePath, { recursive: true, force: true });
    try {
      release = await take();
    } catch {
      throw new LockedError(lockfilePath, await readHolder(holderPath));
    }
  }
  const holder: LockHolder = {
    pid: process.pid,
    host: hostname(),
    user: currentUser(),
    workflow,
    since: new Date().toISOString(),
  };
  await writeFile(holderPath, JSON.stringify(holder) + "\n");
  return {
    check() {
      if (compromised)
        throw new LockCompromisedError(
          `The lock ${lockfilePath} was lost while ${workflow} ran (${compromised.message}): run \`phoenix status\` before anything else.`,
        );
    },
    async release() {
      // A lock lost to a takeover (this process stalled past the stale time) is someone else's now, even
      // before the refresh timer notices: their holder file and lock directory are not ours to remove.
      const current = await readHolder(holderPath);
      const taken = current !== undefined && !sameHolder(current, holder);
      if (!taken) await rm(holderPath, { force: true });
      if (!compromised && !taken) await release();
    },
  };
}
