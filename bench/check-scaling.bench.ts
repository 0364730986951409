// `phoenix check --format sarif` as CI runs it, one fresh process per run: its cost beyond a 200-resource
// export on a 20,000-resource one, against the same difference for `JSON.parse` of the two files in fresh
// processes. Subtracting the small export takes out what every process pays once (Node, loading and
// compiling the modules), leaving what grows with the export. Target: ≤ 1.5×. The CLI runs compiled, as
// users run it: under ts-node each process would first spend seconds compiling the sources, whose noise
// on a busy machine is larger than the difference measured.
import { spawnSync } from "child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import { dirname, join } from "path";
import { generateExport } from "./check.bench";
import { compileCli } from "./fixtures/compiledCli";
import {
  callgrindAvailable,
  countInstructions,
  type InstructionCategory,
  type InstructionCount,
} from "./fixtures/instructions";

const SIZES = [200, 20_000] as const;
const ROUNDS = 5;
const ROOT = join(__dirname, "..");

/** CPU time (user + system, ms) of this process's waited-for children, from /proc; undefined off Linux. */
function childrenCpuMs(): number | undefined {
  try {
    const stat = readFileSync("/proc/self/stat", "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[13]) + Number(fields[14])) * 10; // cutime, cstime: the 16th and 17th fields
  } catch {
    return undefined;
  }
}

function timed(args: string[]): { wall: number; cpu?: number } {
  const cpuBefore = childrenCpuMs();
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8", maxBuffer: 1 << 30 });
  const wall = performance.now() - start;
  const cpuAfter = childrenCpuMs();
  if (run.status !== 0 && run.status !== 1) {
    throw new Error(`node ${args.join(" ")} exited ${run.status}:\n${run.stderr}`);
  }
  return { wall, cpu: cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "phoenix-check-scaling-"));
  const cli = compileCli();
  try {
    const files = SIZES.map((size) => {
      const file = join(dir, `export-${size}.json`);
      writeFileSync(
        file,
        JSON.stringify({ version: 3, deployment: { manifest: {}, resources: generateExport(size) } }),
      );
      return file;
    });
    const check = (file: string) => [cli.entry, "check", file, "--format", "sarif"];
    const parse = (file: string) => [
      "-e",
      `JSON.parse(require("fs").readFileSync(${JSON.stringify(file)}, "utf8"))`,
    ];
    // Where the time goes: the same fresh process reading the export as `phoenix check` does (parse, shape
    // checks, grouping by stack), without running a policy. What check adds beyond it is the policies and
    // the report.
    const read = (file: string) => [
      "-e",
      `require(${JSON.stringify(join(dirname(cli.entry), "cli", "check", "load"))}).parseStackExport(` +
        `require("fs").readFileSync(${JSON.stringify(file)}, "utf8"), ${JSON.stringify(file)})`,
    ];
    const samples = new Map<string, { wall: number[]; cpu: number[] }>();
    const record = (key: string, args: string[]) => {
      const t = timed(args);
      const s = samples.get(key) ?? { wall: [], cpu: [] };
      s.wall.push(t.wall);
      if (t.cpu !== undefined) s.cpu.push(t.cpu);
      samples.set(key, s);
    };
    record("warm-up", check(files[0])); // the OS file cache, as on a developer's machine
    for (let i = 0; i < ROUNDS; i++) {
      // Interleaved, so drift in machine load hits all of them alike.
      files.forEach((file, f) => {
        record(`check-${SIZES[f]}`, check(file));
        record(`parse-${SIZES[f]}`, parse(file));
        record(`read-${SIZES[f]}`, read(file));
      });
    }
    const m = (key: string, kind: "wall" | "cpu") => median(samples.get(key)![kind]);
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} (1 min)`);
    for (const kind of ["wall", "cpu"] as const) {
      if (samples.get("check-200")![kind].length < ROUNDS) continue;
      const checkGrowth = m("check-20000", kind) - m("check-200", kind);
      const parseGrowth = m("parse-20000", kind) - m("parse-200", kind);
      console.log(
        `${kind === "wall" ? "wall" : "CPU "} (median of ${ROUNDS} fresh processes): check --format sarif ` +
          `${m("check-200", kind).toFixed(0)} ms (200) → ${m("check-20000", kind).toFixed(0)} ms (20,000); ` +
          `JSON.parse ${m("parse-200", kind).toFixed(0)} ms → ${m("parse-20000", kind).toFixed(0)} ms`,
      );
      console.log(
        `check cost beyond 200 resources / JSON.parse's, ${kind === "wall" ? "wall" : "CPU"} time: ` +
          `${(checkGrowth / parseGrowth).toFixed(2)}× (${checkGrowth.toFixed(0)} ms vs ${parseGrowth.toFixed(0)} ms; target ≤ 1.5×)`,
      );
      const readGrowth = m("read-20000", kind) - m("read-200", kind);
      console.log(
        `  of which reading the export as check does, no policy run: ${readGrowth.toFixed(0)} ms ` +
          `(${(readGrowth / parseGrowth).toFixed(2)}× JSON.parse's); the policies and the report: ` +
          `${(checkGrowth - readGrowth).toFixed(0)} ms`,
      );
    }
    await instructionGrowth(check, parse, files);
  } finally {
    rmSync(dir, { recursive: true, force: true });
    cli.dispose();
  }
}

/**
 * The same growth ratio in instructions executed (all threads), which a busy machine does not distort:
 * with PHOENIX_BENCH_INSTRUCTIONS=1 and valgrind installed (about three minutes more), otherwise a line
 * that says how to ask for it.
 */
async function instructionGrowth(
  check: (file: string) => string[],
  parse: (file: string) => string[],
  files: string[],
): Promise<void> {
  if (process.env.PHOENIX_BENCH_INSTRUCTIONS !== "1" || !callgrindAvailable()) {
    console.log(
      "instructions: not counted (PHOENIX_BENCH_INSTRUCTIONS=1 with valgrind installed counts them, " +
        "the same on a busy machine as on an idle one)",
    );
    return;
  }
  // Two at a time: one valgrind process runs on one core.
  const [check200, check20k] = await Promise.all(files.map((file) => countInstructions(check(file), ROOT)));
  const [parse200, parse20k] = await Promise.all(files.map((file) => countInstructions(parse(file), ROOT)));
  const growth = (small: InstructionCount, large: InstructionCount) => large.total - small.total;
  const millions = (n: number) => `${Math.round(n / 1e6)} M`;
  console.log(
    `instructions (callgrind, all threads): check cost beyond 200 resources / JSON.parse's: ` +
      `${(growth(check200, check20k) / growth(parse200, parse20k)).toFixed(2)}× ` +
      `(${millions(growth(check200, check20k))} vs ${millions(growth(parse200, parse20k))}; target ≤ 1.5×)`,
  );
  const part = (small: InstructionCount, large: InstructionCount, category: InstructionCategory) =>
    (large.byCategory.get(category) ?? 0) - (small.byCategory.get(category) ?? 0);
  const categories = [...check20k.byCategory.keys()].sort(
    (a, b) => part(check200, check20k, b) - part(check200, check20k, a),
  );
  for (const category of categories) {
    console.log(
      `  ${category}: ${millions(part(check200, check20k, category))} of check's growth, ` +
        `${millions(part(parse200, parse20k, category))} of JSON.parse's`,
    );
  }
}
