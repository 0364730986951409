// Analyze calls per second over gRPC: 2,000 mixed resources (bench/check.bench.ts's generator: network,
// security groups, IAM, Phoenix launch templates and groups, target groups, alarms, buckets, instances)
// sent one Analyze each to Phoenix's pack and to @pulumi/awsguard's, both started as Pulumi's Node.js
// language host starts a pack, in this one run. The engine sends one Analyze per resource registration;
// calls go one at a time, and again 16 at a time.
import { cpus, loadavg } from "os";
import {
  PACK_DIR,
  ensurePackBuilt,
  startEngine,
  startPack,
  type StartedPack,
} from "../test/policies/languageHost";
import { analyzeRequest, connectAnalyzer, type AnalyzerClient } from "../test/policies/analyzerClient";
import { awsguardPack } from "./awsguardPack";
import { generateExport } from "./check.bench";

const RESOURCES = 2_000;

interface Measured {
  sequential: number;
  concurrent: number;
  diagnostics: number;
}

const SECRET_SIG = "4dabf18193072939515e22adb298388d";

/**
 * Inputs as the engine sends them to a pack: plain JSON, and secrets decrypted in their signed wire form
 * (`{ sig, value }`), where an export holds ciphertext.
 */
function asEngineSends(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(asEngineSends);
  if (typeof value !== "object" || value === null) return value;
  const record = value as Record<string, unknown>;
  if (SECRET_SIG in record)
    return { [SECRET_SIG]: record[SECRET_SIG], value: "IyEvYmluL3NoCmVjaG8gYmVuY2gK" };
  return Object.fromEntries(
    Object.entries(record)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => [k, asEngineSends(v)]),
  );
}

async function callsPerSecond(client: AnalyzerClient, requests: unknown[], concurrency: number) {
  let next = 0;
  let diagnostics = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < requests.length) {
        const request = requests[next++];
        diagnostics += (await client.diagnostics(request)).length;
      }
    }),
  );
  return { perSecond: (requests.length * 1000) / (performance.now() - start), diagnostics };
}

async function measure(pack: StartedPack, requests: unknown[]): Promise<Measured> {
  const client = connectAnalyzer(pack.port);
  try {
    await callsPerSecond(client, requests.slice(0, 200), 1); // warm-up: JIT, gRPC channel
    const sequential = await callsPerSecond(client, requests, 1);
    const concurrent = await callsPerSecond(client, requests, 16);
    return {
      sequential: sequential.perSecond,
      concurrent: concurrent.perSecond,
      diagnostics: sequential.diagnostics,
    };
  } finally {
    client.close();
  }
}

export default async function (): Promise<void> {
  ensurePackBuilt();
  const resources = generateExport(RESOURCES + 1).slice(1) as Array<{
    type: string;
    urn: string;
    inputs: object;
  }>;
  const requests = resources.map((r) =>
    analyzeRequest(
      r.type,
      r.urn.slice(r.urn.lastIndexOf("::") + 2),
      asEngineSends(r.inputs) as Record<string, unknown>,
    ),
  );
  const types = new Set(resources.map((r) => r.type)).size;
  const engine = await startEngine();
  try {
    const awsguard = awsguardPack();
    const results: Array<[string, Measured]> = [];
    for (const [name, dir] of [
      ["phoenix", PACK_DIR],
      ["awsguard 0.3.1", "dir" in awsguard ? awsguard.dir : undefined],
    ] as const) {
      if (!dir) continue;
      const pack = await startPack(dir, engine.address, 120_000);
      try {
        results.push([name, await measure(pack, requests)]);
      } finally {
        await pack.stop();
      }
    }
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} (1 min)`);
    console.log(`${RESOURCES} resources of ${types} types, one Analyze call each`);
    for (const [name, m] of results) {
      console.log(
        `${name.padEnd(15)} ${m.sequential.toFixed(0)} calls/s one at a time, ${m.concurrent.toFixed(0)} calls/s 16 at a time ` +
          `(${m.diagnostics} diagnostics)`,
      );
    }
    if ("skipped" in awsguard) console.log(`awsguard skipped: ${awsguard.skipped}`);
    else if (results.length === 2) {
      const [[, phoenix], [, guard]] = results;
      console.log(
        `throughput ratio phoenix/awsguard: ${(phoenix.sequential / guard.sequential).toFixed(2)}× one at a time, ` +
          `${(phoenix.concurrent / guard.concurrent).toFixed(2)}× 16 at a time`,
      );
    }
  } finally {
    await engine.stop();
  }
}
