// Workflow costs on the in-memory engine, measured in this one run: engine calls per workflow, resources
// changed per swap step for two fleet sizes (target: exactly 1), and the workflows' own overhead per step
// (journal, lock, validation, health checks) against the engine's simulated time.
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "../automation/blueGreen";
import { MemoryEngine, type EngineCall } from "../automation/memoryEngine";
import { MemoryCloudProbe } from "../automation/memoryProbe";

const AMI_1 = "ami-0123456789abcdef0";
const AMI_2 = "ami-0fedcba9876543210";

/** Simulated engine latency: what a Pulumi operation costs relative to a read, scaled down to keep the bench short. */
const latency = (call: EngineCall): number =>
  ["preview", "up", "destroy", "refresh"].includes(call.method) ? 20 : 2;

function setup(latencyMs?: (call: EngineCall) => number) {
  const stateDir = mkdtempSync(join(tmpdir(), "phoenix-bench-"));
  const engine = new MemoryEngine({ latencyMs });
  const probe = new MemoryCloudProbe(engine);
  let steps = 0;
  const deployment = new BlueGreenDeployment({
    app: "shop",
    env: "prod",
    engine,
    probe,
    stateDir,
    keepWarmMs: 0,
    onProgress: (event) => void (event.kind === "step-end" && steps++),
  });
  return {
    engine,
    deployment,
    steps: () => steps,
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

interface Measured {
  calls: number;
  steps: number;
  wallMs: number;
  engineMs: number;
}

async function measure(s: ReturnType<typeof setup>, run: () => Promise<unknown>): Promise<Measured> {
  const calls = s.engine.callCount;
  const steps = s.steps();
  const engineMs = s.engine.engineTimeMs;
  const started = performance.now();
  await run();
  return {
    calls: s.engine.callCount - calls,
    steps: s.steps() - steps,
    wallMs: performance.now() - started,
    engineMs: s.engine.engineTimeMs - engineMs,
  };
}

async function workflows(latencyMs?: (call: EngineCall) => number): Promise<Record<string, Measured>> {
  const s = setup(latencyMs);
  try {
    await s.deployment.bootstrap();
    const results: Record<string, Measured> = {};
    results["up (first release)"] = await measure(s, () =>
      s.deployment.up({ release: "v1", imageId: AMI_1 }),
    );
    await s.deployment.swap();
    await s.deployment.up({ release: "v2", imageId: AMI_2 });
    await s.deployment.swap();
    results["up (replacing the idle release)"] = await measure(s, () =>
      s.deployment.up({ release: "v3", imageId: AMI_1 }),
    );
    results["swap [10, 50, 100]"] = await measure(s, () => s.deployment.swap({ steps: [10, 50, 100] }));
    results["rollback"] = await measure(s, () => s.deployment.rollback());
    // v1 went to blue, v2 to green, v3 back to blue; the rollback put green live again, so blue is idle.
    results["destroy"] = await measure(s, () => s.deployment.destroy({ colour: "blue", force: true }));
    return results;
  } finally {
    s.cleanup();
  }
}

async function changedPerSwapStep(fleetSize: number): Promise<number[]> {
  const s = setup();
  try {
    await s.deployment.bootstrap();
    // A canary needs a live release to share the traffic with: the first swap goes straight to 100 %.
    await s.deployment.up({ release: "v1", imageId: AMI_1, capacity: fleetSize });
    await s.deployment.swap();
    await s.deployment.up({ release: "v2", imageId: AMI_2, capacity: fleetSize });
    const result = await s.deployment.swap({ steps: [10, 25, 50, 75, 100] });
    return result.steps.map((step) => step.changedResources);
  } finally {
    s.cleanup();
  }
}

export default async function bench(): Promise<void> {
  const counted = await workflows();
  console.log("engine calls per workflow (in-memory engine, no latency):");
  for (const [name, m] of Object.entries(counted))
    console.log(`  ${name.padEnd(34)} ${String(m.calls).padStart(3)} calls, ${m.steps} journaled steps`);

  console.log("resources changed per swap step (target: exactly 1, whatever the fleet size):");
  for (const size of [2, 50])
    console.log(
      `  fleet of ${String(size).padStart(2)} instances: ${(await changedPerSwapStep(size)).join(", ")}`,
    );

  // Three timed passes; each workflow's median pass is shown (the first pass pays for JIT warm-up and cold fs caches).
  const passes = [await workflows(latency), await workflows(latency), await workflows(latency)];
  const timed: Record<string, Measured> = {};
  for (const name of Object.keys(passes[0])) {
    const sorted = passes.map((p) => p[name]).sort((a, b) => a.wallMs - a.engineMs - (b.wallMs - b.engineMs));
    timed[name] = sorted[1];
  }
  console.log(
    "workflow overhead against the engine's own time (simulated latency: 20 ms per preview/up/destroy, 2 ms per read; median of 3):",
  );
  let totalOverhead = 0;
  let totalEngine = 0;
  for (const [name, m] of Object.entries(timed)) {
    const overhead = Math.max(0, m.wallMs - m.engineMs);
    totalOverhead += overhead;
    totalEngine += m.engineMs;
    console.log(
      `  ${name.padEnd(34)} engine ${m.engineMs.toFixed(0).padStart(4)} ms, workflow ${overhead.toFixed(1).padStart(5)} ms ` +
        `(${(overhead / m.steps).toFixed(2)} ms per step), overhead/engine = ${(overhead / m.engineMs).toFixed(3)}`,
    );
  }
  console.log(`  all workflows: overhead/engine = ${(totalOverhead / totalEngine).toFixed(3)}`);
}
