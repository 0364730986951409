// The rig's builds, kept in the user's cache directory and keyed by version so that a second start (and CI
// on the same machine) costs seconds: the Pulumi CLI and language host built from the Go module proxy, and
// the virtual environment with moto's server. The shell scripts beside this file do the work.
import { execFile } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { promisify } from "util";

const run = promisify(execFile);

export const REPO_ROOT = path.resolve(__dirname, "..", "..");

/** The first CLI version whose engine runs Node policy packs in a way the rig supports (see the rig README). */
export const MINIMUM_RIG_PULUMI = "3.221.0";

export interface PulumiCli {
  /** Directory holding `pulumi` and `pulumi-language-nodejs`. */
  binDir: string;
  /** What `pulumi version` printed, e.g. `v3.274.0`. */
  version: string;
  /**
   * Whether `pulumi-language-nodejs` is beside it. Policy packs and plain `pulumi up` of a Node program need it;
   * inline programs do not. The Go proxy here does not serve its module, so `build-pulumi.sh` may have built it
   * from a pulumi/pulumi checkout (`PHOENIX_PULUMI_SOURCE`) or not at all.
   */
  languageHost: boolean;
}

/**
 * The CLI the rig runs: `PHOENIX_RIG_PULUMI_DIR` when set (checked to be new enough), else the rig's own build
 * at the locked `@pulumi/pulumi` version (or the nearest newer one the proxy serves), so that transcripts are
 * reproducible.
 */
export async function ensurePulumiCli(): Promise<PulumiCli> {
  const given = process.env.PHOENIX_RIG_PULUMI_DIR;
  const binDir = given ?? (await script("build-pulumi.sh", lockedSdkVersion()));
  const version = (await run(path.join(binDir, "pulumi"), ["version"])).stdout.trim();
  if (!/^v\d+\.\d+\.\d+/.test(version)) {
    throw new Error(`${binDir}/pulumi version printed "${version}", not a version: an unstamped build`);
  }
  if (given && compareVersions(version.slice(1), MINIMUM_RIG_PULUMI) < 0) {
    throw new Error(
      `PHOENIX_RIG_PULUMI_DIR=${given} holds pulumi ${version}; the rig needs ${MINIMUM_RIG_PULUMI} or newer`,
    );
  }
  const languageHost = fs.existsSync(path.join(binDir, "pulumi-language-nodejs"));
  return { binDir, version, languageHost };
}

/** The `moto_server` executable of the cached virtual environment. */
export function ensureMotoServer(): Promise<string> {
  return script("setup-moto.sh");
}

/** The `@pulumi/pulumi` version in node_modules (what the lock file installed). */
export function lockedSdkVersion(): string {
  const manifest = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

export function compareVersions(a: string, b: string): number {
  const [x, y] = [a, b].map((v) => v.split(/[.-]/).slice(0, 3).map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
}

/** Run one of the setup scripts; its progress goes to our stderr, its last stdout line is the answer. */
async function script(name: string, ...args: string[]): Promise<string> {
  const child = execFile("bash", [path.join(__dirname, name), ...args], { maxBuffer: 16 * 1024 * 1024 });
  child.stderr?.pipe(process.stderr);
  let stdout = "";
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on("error", reject);
    child.on("exit", resolve);
  });
  if (code !== 0) throw new Error(`scripts/rig/${name} failed with exit code ${code}`);
  return stdout.trim().split("\n").pop() ?? "";
}
