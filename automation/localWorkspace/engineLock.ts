// The engine's own stack lock. A self-managed (diy) backend locks a stack with a file per update, holding the
// pid, user and host of the `pulumi` process (pulumi pkg/backend/diy/lock.go, v3.274.0: `lockContent`, and
// `checkForLock`, which refuses the next update with "the stack is currently locked by N lock(s)" and one line
// per lock: "  <url>: created by <user>@<host> (pid <pid>) at <RFC 3339 time>"). A `pulumi` that is killed
// (SIGKILL, a crash of the process running the inline program) leaves its file behind, and every later command
// on the stack fails until `pulumi cancel` deletes the stack's lock files (`CancelCurrentUpdate`, backend.go).
import * as os from "os";

/** One lock on a stack, as the engine describes it. */
export interface EngineLockHolder {
  /** Where the lock file is, e.g. `file:///…/.pulumi/locks/organization/phoenix/shop-prod-blue/<uuid>.json`. */
  url: string;
  user: string;
  host: string;
  pid: number;
  /** When the lock was taken (RFC 3339, as printed). */
  since: string;
}

const HOLDER_LINE = /^\s+(\S+): created by (.+?)@(.+?) \(pid (\d+)\) at (\S+)\s*$/gm;

/**
 * The holders a "stack is currently locked" message names, once each (the SDK's error repeats the CLI's
 * stderr); none for backends that do not say (Pulumi Cloud answers "[409] Conflict").
 */
export function lockHoldersIn(message: string): EngineLockHolder[] {
  const byUrl = new Map<string, EngineLockHolder>();
  for (const [, url, user, host, pid, since] of message.matchAll(HOLDER_LINE)) {
    byUrl.set(url, { url, user, host, pid: Number(pid), since });
  }
  return [...byUrl.values()];
}

/** Whether process `pid` runs on this machine (a process of another user still counts as running). */
export function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

/**
 * A lock is stale when the process that took it is gone: it was taken on this machine and no process has its
 * pid. A lock from another machine is never judged stale: its process cannot be seen from here.
 */
export function isStale(
  holder: EngineLockHolder,
  host = os.hostname(),
  runs: (pid: number) => boolean = processRuns,
): boolean {
  return holder.host === host && !runs(holder.pid);
}

export function describeHolder(holder: EngineLockHolder): string {
  return `${holder.user}@${holder.host} (pid ${holder.pid}) since ${holder.since}`;
}
