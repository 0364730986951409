// moto's server, the AWS API of the rig: one process per rig, on a free loopback port, detached so that it
// outlives the command that started it (`npm run rig -- …` runs many commands against one world) until
// `npm run rig -- stop`. Its pid (the leader of its own process group) and port are kept in `<rig>/moto.json`
// from the moment it is spawned, so that a start cut short still leaves a server the next start or stop finds.
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export interface MotoServer {
  pid: number;
  endpoint: string;
}

const STATE_FILE = "moto.json";
const READY_TIMEOUT_MS = 60_000;
/**
 * How long a running server may take to answer the probe. Generous: it answers from memory, but a busy
 * server (a deploy running against it) shares one interpreter among its request threads.
 */
const PROBE_TIMEOUT_MS = 5_000;
/** How long `stop` waits for the group to end on SIGTERM before it sends SIGKILL. */
const STOP_GRACE_MS = 5_000;

/** The rig's moto server if it is running and answering, else undefined. */
export async function runningMoto(dir: string): Promise<MotoServer | undefined> {
  const known = readState(dir);
  if (!known || !isMotoLeader(known.pid)) return undefined;
  return (await answers(known.endpoint, PROBE_TIMEOUT_MS)) ? known : undefined;
}

/** Start a new server; one the rig recorded before (hung, or half-started) is stopped first. */
export async function startMoto(dir: string, executable: string): Promise<MotoServer> {
  await stopMoto(dir);
  const port = await freePort();
  const log = fs.openSync(path.join(dir, "moto.log"), "a");
  // Loopback only: the emulator is never reachable from another host.
  const child = spawn(executable, ["-H", "127.0.0.1", "-p", String(port)], {
    detached: true,
    stdio: ["ignore", log, log],
    env: { ...process.env, MOTO_IAM_LOAD_MANAGED_POLICIES: "true" },
  });
  fs.closeSync(log);
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start ${executable}`);
  const server = { pid: child.pid, endpoint: `http://127.0.0.1:${port}` };
  fs.writeFileSync(path.join(dir, STATE_FILE), JSON.stringify(server));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(server.endpoint, 1_000))) {
    if (!isMotoLeader(server.pid)) {
      await stopMoto(dir);
      throw new Error(`moto_server exited at start; see ${path.join(dir, "moto.log")}`);
    }
    if (Date.now() > deadline) {
      await stopMoto(dir);
      throw new Error(`moto_server did not answer on ${server.endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await sleep(50);
  }
  return server;
}

/** Stop the rig's moto server, its whole process group; false when none was running. */
export async function stopMoto(dir: string): Promise<boolean> {
  const known = readState(dir);
  if (!known) return false;
  // Only a group that is still moto's: a pid read from an old file may have been given to another process.
  if (!liveGroup(known.pid).some(isMoto)) {
    fs.rmSync(path.join(dir, STATE_FILE), { force: true });
    return false;
  }
  killGroup(known.pid, "SIGTERM");
  killGroup(known.pid, "SIGCONT"); // a stopped server (Ctrl-Z, a debugger) acts on SIGTERM only once continued
  for (let waited = 0; waited < STOP_GRACE_MS && liveGroup(known.pid).length > 0; waited += 100)
    await sleep(100);
  if (liveGroup(known.pid).length > 0) killGroup(known.pid, "SIGKILL");
  for (let waited = 0; waited < 2_000 && liveGroup(known.pid).length > 0; waited += 100) await sleep(100);
  const left = liveGroup(known.pid);
  if (left.length > 0)
    throw new Error(
      `moto_server's process group ${known.pid} survived SIGKILL: ${left.map((p) => p.pid).join(", ")}`,
    );
  fs.rmSync(path.join(dir, STATE_FILE), { force: true });
  return true;
}

function readState(dir: string): MotoServer | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), "utf8")) as MotoServer;
  } catch {
    return undefined;
  }
}

interface ProcessInfo {
  pid: number;
  pgid: number;
  args: string;
}

const isMoto = (p: ProcessInfo) => p.args.includes("moto_server");

function isMotoLeader(pid: number): boolean {
  return liveGroup(pid).some((p) => p.pid === pid && isMoto(p));
}

/**
 * The processes of group `pgid` that still run. Zombies do not count: a detached server's parent is gone, and
 * where init is slow to reap them (some containers) they would otherwise look alive for ever.
 */
function liveGroup(pgid: number): ProcessInfo[] {
  return processes().filter((p) => p.pgid === pgid);
}

/** Every live process: from /proc on Linux, else from `ps`. */
function processes(): ProcessInfo[] {
  if (!fs.existsSync("/proc/self/stat")) {
    const table = execFileSync("ps", ["-A", "-o", "pid=,pgid=,stat=,args="], { encoding: "utf8" });
    return table
      .split("\n")
      .map((line) => /^\s*(\d+)\s+(\d+)\s+(\S+)\s+(.*)$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null && !m[3].startsWith("Z"))
      .map((m) => ({ pid: Number(m[1]), pgid: Number(m[2]), args: m[4] }));
  }
  const found: ProcessInfo[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // `pid (comm) state ppid pgrp …`; comm may hold spaces and parentheses, so read after the last one.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (state === "Z" || state === "X") continue;
      const args = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ");
      found.push({ pid: Number(entry), pgid: Number(pgrp), args });
    } catch {
      // ended while we looked
    }
  }
  return found;
}

/** moto was started as a group leader (`detached`): signal the whole group. */
function killGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pgid, signal);
  } catch {
    // already gone
  }
}

/**
 * Whether moto answers: `GET /moto-api/config`, a few bytes from memory that only moto serves. Not
 * `/moto-api/data.json`: that serialises every resource of every service (megabytes and seconds once IAM's
 * managed policies are loaded), so a live server looked dead and a new one was started beside it.
 */
async function answers(endpoint: string, timeoutMs: number): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/config`, { signal: AbortSignal.timeout(timeoutMs) });
    await response.text();
    return response.ok;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
