// One scratch project for every example, installed once per test run: the packed tarball (as `phoenix-fleet`) and
// the union of the examples' other dependencies, each pinned to the version this repository develops against (in
// npm's cache already). Each example is copied beside the install (`<scratch>/program`, …), so Node and tsc find
// the shared node_modules in the parent directory, as they would find the example's own.
import { cpSync, readdirSync, readFileSync, rmSync } from "fs";
import { join } from "path";
import { installedVersion, installIntoProject, ROOT } from "../package/tarball";

export const EXAMPLES_DIR = join(ROOT, "examples");

/** Every example: the directories of examples/. */
export const EXAMPLES = readdirSync(EXAMPLES_DIR, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

interface ExampleManifest {
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function manifestOf(example: string): ExampleManifest {
  return JSON.parse(readFileSync(join(EXAMPLES_DIR, example, "package.json"), "utf8")) as ExampleManifest;
}

/** Whether `version` is in a caret (`^1.2.3`) or tilde (`~1.2.3`) range: the only kinds the examples use. */
export function inRange(range: string, version: string): boolean {
  const match = /^([~^])(\d+)\.(\d+)\.(\d+)$/.exec(range);
  const parts = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version);
  if (!match || !parts) throw new Error(`cannot compare ${version} with the range ${range}`);
  const [want, have] = [match.slice(2).map(Number), parts.slice(1).map(Number)];
  const fixed = match[1] === "~" ? 2 : want[0] === 0 ? 2 : 1; // leading parts that must be equal
  for (let i = 0; i < 3; i++) {
    if (i < fixed && have[i] !== want[i]) return false;
    if (have[i] !== want[i]) return have[i] > want[i];
  }
  return true;
}

/**
 * The dependencies to install: every example's (but `phoenix-fleet`, which is the tarball), pinned to the
 * repository's installed version, which each example's range must admit (else the examples test a version
 * their users cannot get).
 */
export function sharedDependencies(): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const example of EXAMPLES) {
    const manifest = manifestOf(example);
    for (const [name, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (name === "phoenix-fleet") continue;
      const version = installedVersion(name).replace(/^v/, "");
      if (!inRange(range, version))
        throw new Error(
          `examples/${example}/package.json wants ${name} ${range}; the repository has ${version}`,
        );
      pins[name] = version;
    }
  }
  return pins;
}

let scratch: string | undefined;

/** The scratch directory with everything installed and every example copied in (made on first use). */
export function examplesScratch(): string {
  if (scratch) return scratch;
  const dir = installIntoProject({ prefix: "phoenix-examples-", dependencies: sharedDependencies() });
  process.on("exit", () => rmSync(dir, { recursive: true, force: true }));
  for (const example of EXAMPLES) {
    cpSync(join(EXAMPLES_DIR, example), join(dir, example), {
      recursive: true,
      filter: (source) => !/[\\/]node_modules([\\/]|$)/.test(source.slice(EXAMPLES_DIR.length)),
    });
  }
  return (scratch = dir);
}
