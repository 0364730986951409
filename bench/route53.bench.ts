// The two routers side by side on the in-memory engine (real programs), in this one run: resources changed per
// swap step (ALB: 1, the listener; Route 53: 2, the weighted records, where Route 53's own floor is one
// ChangeResourceRecordSets change batch holding both), engine calls per canary, and the time a canary spends
// waiting for resolvers (simulated on a fake clock: the DNS settle wait is the one cost ALB mode does not pay).
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "../automation/blueGreen";
import { MemoryEngine } from "../automation/memoryEngine";
import { MemoryCloudProbe } from "../automation/memoryProbe";
import type { BootstrapOptions } from "../automation/types";

const ROUTE53: BootstrapOptions["router"] = {
  mode: "route53",
  zoneId: "Z0123456789ABC",
  recordName: "shop.example.com",
};

interface Canary {
  perStep: number[];
  calls: number;
  simulatedMs: number;
}

async function canary(router: BootstrapOptions["router"]): Promise<Canary> {
  const stateDir = mkdtempSync(join(tmpdir(), "phoenix-bench-r53-"));
  const engine = new MemoryEngine();
  let now = Date.parse("2026-01-01T00:00:00Z");
  const deployment = new BlueGreenDeployment({
    app: "shop",
    env: "prod",
    engine,
    probe: new MemoryCloudProbe(engine),
    stateDir,
    now: () => now,
    sleep: async (ms) => void (now += ms),
  });
  try {
    await deployment.bootstrap({ router });
    await deployment.up({ release: "v1", imageId: "ami-0123456789abcdef0" });
    await deployment.swap();
    await deployment.up({ release: "v2", imageId: "ami-0fedcba9876543210" });
    const calls = engine.callCount;
    const started = now;
    const swap = await deployment.swap({ steps: [10, 50, 100] });
    return {
      perStep: swap.steps.map((s) => s.changedResources),
      calls: engine.callCount - calls,
      simulatedMs: now - started,
    };
  } finally {
    rmSync(stateDir, { recursive: true, force: true });
  }
}

export default async function main(): Promise<void> {
  const alb = await canary(undefined);
  const dns = await canary(ROUTE53);
  console.log("canary [10, 50, 100]           alb        route53    route53/alb");
  console.log(
    `resources changed per step     ${alb.perStep.join(",").padEnd(10)} ${dns.perStep.join(",").padEnd(10)} ` +
      `${(dns.perStep[0] / alb.perStep[0]).toFixed(1)}×`,
  );
  console.log(
    `Route 53 API floor per step    -          1 change batch (both records); Pulumi sends ${dns.perStep[0]} (one per resource)`,
  );
  console.log(
    `engine calls per canary        ${String(alb.calls).padEnd(10)} ${String(dns.calls).padEnd(10)} ` +
      `${(dns.calls / alb.calls).toFixed(2)}×`,
  );
  console.log(
    `simulated wait per canary      ${`${alb.simulatedMs / 1000} s`.padEnd(10)} ${`${dns.simulatedMs / 1000} s`.padEnd(10)} ` +
      "(each route53 step waits the 60 s DNS settle before verifying)",
  );
}
