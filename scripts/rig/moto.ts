// moto's server, the AWS API of the rig: one process per rig, on a free loopback port, detached so that it
// outlives the command that started it (`npm run rig -- …` runs many commands against one world) until
// `npm run rig -- stop`. Its pid and port are kept in `<rig>/moto.json`.
import { spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as path from "path";

export interface MotoServer {
  pid: number;
  endpoint: string;
}

const STATE_FILE = "moto.json";
const READY_TIMEOUT_MS = 60_000;

/** The rig's moto server if it is running and answering, else undefined. */
export async function runningMoto(dir: string): Promise<MotoServer | undefined> {
  const known = readState(dir);
  if (!known || !isAlive(known.pid)) return undefined;
  return (await answers(known.endpoint)) ? known : undefined;
}

export async function startMoto(dir: string, executable: string): Promise<MotoServer> {
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
  const server = { pid: child.pid ?? 0, endpoint: `http://127.0.0.1:${port}` };
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(server.endpoint))) {
    if (!isAlive(server.pid))
      throw new Error(`moto_server exited at start; see ${path.join(dir, "moto.log")}`);
    if (Date.now() > deadline) {
      killGroup(server.pid, "SIGKILL");
      throw new Error(`moto_server did not answer on ${server.endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  fs.writeFileSync(path.join(dir, STATE_FILE), JSON.stringify(server));
  return server;
}

/** Stop the rig's moto server; false when none was running. */
export async function stopMoto(dir: string): Promise<boolean> {
  const known = readState(dir);
  fs.rmSync(path.join(dir, STATE_FILE), { force: true });
  if (!known || !isAlive(known.pid)) return false;
  killGroup(known.pid, "SIGTERM");
  for (let waited = 0; waited < 5_000 && isAlive(known.pid); waited += 100) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (isAlive(known.pid)) killGroup(known.pid, "SIGKILL");
  return true;
}

function readState(dir: string): MotoServer | undefined {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), "utf8")) as MotoServer;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** moto was started as a group leader (`detached`): signal the whole group, its workers included. */
function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

async function answers(endpoint: string): Promise<boolean> {
  try {
    const response = await fetch(`${endpoint}/moto-api/data.json`, { signal: AbortSignal.timeout(2_000) });
    return response.ok;
  } catch {
    return false;
  }
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
