// Cold start of the policy pack: from starting it as Pulumi's Node.js language host does to its printed
// port, against a pack of one trivial policy on the same SDK started the same way (the floor: Node,
// run-policy-pack with its ts-node registration, @pulumi/policy, gRPC). `pulumi preview --policy-pack`
// pays this on every run. Target: ≤ 1.2× the floor.
import { cpus, loadavg } from "os";
import { join } from "path";
import { PACK_DIR, ensurePackBuilt, startEngine, startPack } from "../test/policies/languageHost";

const TRIVIAL_PACK = join(__dirname, "fixtures", "trivial-pack");
const ROUNDS = 9;

export default async function (): Promise<void> {
  ensurePackBuilt();
  const engine = await startEngine();
  try {
    // One unmeasured start of each warms the OS file cache, as a developer's machine would be.
    for (const dir of [TRIVIAL_PACK, PACK_DIR]) await (await startPack(dir, engine.address)).stop();
    const floor: number[] = [];
    const phoenix: number[] = [];
    const floorCpu: number[] = [];
    const phoenixCpu: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      // Alternate, so drift in machine load hits both alike.
      for (const [dir, times, cpu] of [
        [TRIVIAL_PACK, floor, floorCpu],
        [PACK_DIR, phoenix, phoenixCpu],
      ] as const) {
        const pack = await startPack(dir, engine.address);
        times.push(pack.startMs);
        if (pack.cpuMs !== undefined) cpu.push(pack.cpuMs);
        await pack.stop();
      }
    }
    const m = { floor: median(floor), phoenix: median(phoenix) };
    // Ratios drift on a busy machine (the JIT compiles on spare cores; JSON.parse needs none): say how busy.
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} (1 min)`);
    console.log(`trivial pack (floor): median ${m.floor.toFixed(0)} ms over ${ROUNDS} starts`);
    console.log(`phoenix pack:         median ${m.phoenix.toFixed(0)} ms over ${ROUNDS} starts`);
    console.log(
      `cold-start ratio phoenix/floor: ${(m.phoenix / m.floor).toFixed(2)}× wall time (target ≤ 1.2×)`,
    );
    if (floorCpu.length === ROUNDS && phoenixCpu.length === ROUNDS) {
      // CPU time is what a loaded machine (CI, other jobs) does not distort: wall time waits for the CPU.
      const c = { floor: median(floorCpu), phoenix: median(phoenixCpu) };
      console.log(
        `cold-start ratio phoenix/floor: ${(c.phoenix / c.floor).toFixed(2)}× CPU time ` +
          `(${c.phoenix.toFixed(0)} ms vs ${c.floor.toFixed(0)} ms)`,
      );
    }
  } finally {
    await engine.stop();
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
