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

/**
 * The run-policy-pack that serves `packDir`, resolved from that directory as Node resolves it there: the
 * analyzer runs with the pack directory as working directory so that the pack's own @pulumi/pulumi is used
 * (sdk/go/common/resource/plugin/analyzer_plugin.go:177-183).
 */
export function runPolicyPackFor(packDir: string): string {
  return require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [packDir] });
}

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
  const child = spawn(process.execPath, [runPolicyPackFor(packDir), engineAddress, "."], {
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

/** The compiled pack's entry, the pack directory's package.json "main". */
export const PACK_MAIN = join(PACK_DIR, "bin", "policies", "index.js");

/**
 * Make sure the compiled pack (policies/bin) is at least as new as its sources: `npm ci` builds it
 * (`prepare`), but a developer may have edited a policy since. Builds only the pack when stale.
 */
export function ensurePackBuilt(): void {
  const sources = [
    ...tsFiles(PACK_DIR),
    join(ROOT, "components", "immutability", "identity.ts"),
    join(ROOT, "package.json"),
  ];
  const newest = Math.max(...sources.map((f) => statSync(f).mtimeMs));
  if (existsSync(PACK_MAIN) && statSync(PACK_MAIN).mtimeMs >= newest) return;
  const build = spawnSync(
    process.execPath,
    ["-r", "ts-node/register/transpile-only", join(ROOT, "scripts", "pack", "build.ts")],
    { cwd: ROOT, encoding: "utf8" },
  );
  if (build.status !== 0 || !existsSync(PACK_MAIN) || statSync(PACK_MAIN).mtimeMs < newest) {
    throw new Error(`building the pack failed (scripts/pack/build.ts):\n${build.stdout}${build.stderr}`);
  }
}

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ["node_modules", "bin"].includes(entry.name) ? [] : tsFiles(path);
    return entry.name.endsWith(".ts") ? [path] : [];
  });
}
