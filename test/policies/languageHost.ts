// Start a policy pack exactly as Pulumi's Node.js language host does, and a tiny Engine gRPC server for
// it to log to. Shared by the protocol test and the cold-start bench.
//
// The language host runs `node <root>/node_modules/@pulumi/pulumi/cmd/run-policy-pack <engine> .` with
// the pack directory as working directory; run-policy-pack registers ts-node, requires the directory
// (its package.json "main") and the pack's PolicyPack prints the port of its Analyzer server on stdout.
import { spawn, spawnSync, type ChildProcess } from "child_process";
import { existsSync, readFileSync, readdirSync, statSync } from "fs";
import { join } from "path";
import * as grpc from "@grpc/grpc-js";

export const ROOT = join(__dirname, "..", "..");
export const PACK_DIR = join(ROOT, "policies");
export const RUN_POLICY_PACK = join(ROOT, "node_modules", "@pulumi", "pulumi", "cmd", "run-policy-pack");

export interface StartedPack {
  process: ChildProcess;
  port: number;
  /** Milliseconds from spawn to the printed port. */
  startMs: number;
  /** CPU milliseconds (user + system) the pack had used when it printed its port; undefined off Linux. */
  cpuMs?: number;
  stderr: () => string;
  stop(): Promise<void>;
}

/** Spawn a pack in `packDir` and resolve when it prints its port (rejects on exit or after `timeoutMs`). */
export function startPack(packDir: string, engineAddress: string, timeoutMs = 30_000): Promise<StartedPack> {
  const started = process.hrtime.bigint();
  const child = spawn(process.execPath, [RUN_POLICY_PACK, engineAddress, "."], {
    cwd: packDir,
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, NODE_OPTIONS: "" },
  });
  let out = "";
  let err = "";
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`pack in ${packDir} printed no port within ${timeoutMs} ms; stderr:\n${err}`));
    }, timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`pack in ${packDir} exited with ${code} before printing a port; stderr:\n${err}`));
    });
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const line = /^(\d+)\s*$/m.exec(out);
      if (!line) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      const startMs = Number(process.hrtime.bigint() - started) / 1e6;
      resolve({
        process: child,
        port: Number(line[1]),
        startMs,
        cpuMs: cpuMsOf(child.pid),
        stderr: () => err,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done();
            child.once("exit", () => done());
            child.kill();
          }),
      });
    });
  });
}

/** CPU time of a process from /proc (utime + stime, in clock ticks of 10 ms), where there is a /proc. */
function cpuMsOf(pid: number | undefined): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name; utime and stime are the 14th and 15th of the line.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return undefined;
  }
}

export interface EngineServer {
  address: string;
  logs: Array<{ severity: number; message: string }>;
  stop(): Promise<void>;
}

/** A loopback Engine service (Log, GetRootResource, SetRootResource, …) that records what it is told. */
export async function startEngine(): Promise<EngineServer> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const engineRpc = require("@pulumi/pulumi/proto/engine_grpc_pb");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const enginePb = require("@pulumi/pulumi/proto/engine_pb");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
  const logs: EngineServer["logs"] = [];
  const server = new grpc.Server();
  type Call = { request: { getSeverity(): number; getMessage(): string } };
  type Callback = (error: null, response: unknown) => void;
  server.addService(engineRpc.EngineService, {
    log: (call: Call, callback: Callback) => {
      logs.push({ severity: call.request.getSeverity(), message: call.request.getMessage() });
      callback(null, new Empty());
    },
    getRootResource: (_call: unknown, callback: Callback) =>
      callback(null, new enginePb.GetRootResourceResponse()),
    setRootResource: (_call: unknown, callback: Callback) =>
      callback(null, new enginePb.SetRootResourceResponse()),
    startDebugging: (_call: unknown, callback: Callback) => callback(null, new Empty()),
    requirePulumiVersion: (_call: unknown, callback: Callback) =>
      callback(null, new enginePb.RequirePulumiVersionResponse()),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  return {
    address: `127.0.0.1:${port}`,
    logs,
    stop: () => new Promise((resolve) => server.tryShutdown(() => resolve())),
  };
}

/**
 * Make sure the compiled pack (dist/policies) is at least as new as its sources: `npm ci` builds it
 * (`prepare`), but a developer may have edited a policy since. Builds only the pack when stale.
 */
export function ensurePackBuilt(): void {
  const main = join(ROOT, "dist", "policies", "index.js");
  const sources = [...tsFiles(PACK_DIR), join(ROOT, "components", "immutability", "identity.ts")];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(main) && statSync(main).mtimeMs >= newest) return;
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const build = spawnSync(process.execPath, [tsc, "-p", join(PACK_DIR, "tsconfig.pack.json")], {
    cwd: ROOT,
    encoding: "utf8",
  });
  if (build.status !== 0 || !existsSync(main) || statSync(main).mtimeMs < newest) {
    throw new Error(
      `building the pack failed (tsc -p policies/tsconfig.pack.json):\n${build.stdout}${build.stderr}`,
    );
  }
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === "node_modules" ? [] : tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}
