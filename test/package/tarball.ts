// The package as npm publishes it, for the tests that install it the way a user does (test/package/,
// test/examples/). `npm pack` takes several seconds, so it runs at most once per test run:
//
//   packedTarball()            the path of the .tgz, packed on first use and then reused; the path is also put in
//                              PHOENIX_PACKED_TARBALL so that child processes (a mocha run inside a test) reuse it
//   installIntoProject(...)    a fresh scratch project with the tarball and the given dependencies installed
//                              (`npm install --prefer-offline`, no scripts), its directory returned
//   userProject()              THE user project of the package tests, installed once per test run and shared
//                              (the tarball, the lowest required peers, @types/node); removed when the run ends
//   requiredPeers("lowest")    the required peers pinned to the lowest versions their ranges allow;
//   requiredPeers("dev")       ... or to the versions this repository develops against (already in npm's cache)
//   isBuilt / NOT_BUILT        every one of these needs dist/: skip with skipSuite(this, NOT_BUILT) when !isBuilt
//
// The tarball is what `npm pack --ignore-scripts` makes of the working tree: dist/ as last built, the `files` of
// package.json. It lives in a temporary directory removed when the process that packed it exits.
import { execFileSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { NOT_BUILT } from "./built";
export { NOT_BUILT };

export const ROOT = join(__dirname, "..", "..");

/** Whether dist/ exists: the tarball of an unbuilt clone would hold no code. */
export const isBuilt = existsSync(join(ROOT, "dist", "index.js"));

/** The environment variable that hands the packed tarball down to child processes. */
export const TARBALL_ENV = "PHOENIX_PACKED_TARBALL";

/** The npm install used for every scratch project: from the cache where it can, no lifecycle scripts. */
export const NPM_INSTALL_ARGS = [
  "install",
  "--prefer-offline",
  "--no-audit",
  "--no-fund",
  "--ignore-scripts",
];

/**
 * The environment for a tool run as a child (tsc, TypeDoc) without the coverage directory c8 hands down:
 * under `npm test` each child would write V8 coverage of the compiler (megabytes, none of it Phoenix's) for c8 to read.
 */
export function toolEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  return env;
}

let packed: string | undefined;

/** The path of `phoenix-fleet-<version>.tgz`, packed from this working tree once per test run. */
export function packedTarball(): string {
  if (packed && existsSync(packed)) return packed;
  const inherited = process.env[TARBALL_ENV];
  if (inherited && existsSync(inherited)) return (packed = inherited);
  if (!isBuilt) throw new Error(`cannot pack phoenix-fleet: ${NOT_BUILT}`);
  const directory = mkdtempSync(join(tmpdir(), `phoenix-pack-${process.pid}-`));
  // Removed when this process ends; mocha's --exit ends it through process.exit, which still emits "exit".
  process.on("exit", () => rmSync(directory, { recursive: true, force: true }));
  const out = execFileSync(
    "npm",
    ["pack", "--json", "--ignore-scripts", "--pack-destination", directory],
    { cwd: ROOT, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 120_000 }, // stderr: every file
  );
  const [{ filename }] = JSON.parse(out) as { filename: string }[];
  packed = join(directory, filename);
  process.env[TARBALL_ENV] = packed;
  return packed;
}

interface Manifest {
  peerDependencies: Record<string, string>;
  peerDependenciesMeta: Record<string, { optional?: boolean }>;
  devDependencies: Record<string, string>;
}
export const manifest = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as Manifest;

/** The lowest version a caret range allows (`^3.182.0` → `3.182.0`); undefined for any other kind of range. */
export const lowest = (range: string) => /^\^(\d+\.\d+\.\d+)$/.exec(range)?.[1];

/**
 * The required (not optional) peer dependencies, each pinned to an exact version: `"lowest"` the lowest its
 * peer range allows, `"dev"` the one installed in this repository (in npm's cache already, so no download).
 */
export function requiredPeers(at: "lowest" | "dev"): Record<string, string> {
  const pins: Record<string, string> = {};
  for (const [name, range] of Object.entries(manifest.peerDependencies)) {
    if (manifest.peerDependenciesMeta[name]?.optional) continue;
    const version = at === "lowest" ? lowest(range) : installedVersion(name);
    if (!version) throw new Error(`peer ${name}: no exact version for "${at}" from range ${range}`);
    pins[name] = version;
  }
  return pins;
}

/** The version of a package installed in this repository's node_modules. */
export function installedVersion(name: string): string {
  const file = join(ROOT, "node_modules", name, "package.json");
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

export interface ProjectOptions {
  /** The scratch directory's name prefix (under the OS temp directory), e.g. `phoenix-esm-`. */
  prefix: string;
  /** Dependencies besides phoenix-fleet itself (name → version or range), e.g. `requiredPeers("dev")`. */
  dependencies?: Record<string, string>;
  /** Dev dependencies of the scratch project. */
  devDependencies?: Record<string, string>;
  /** More fields of the project's package.json, e.g. `{ type: "module" }`. */
  packageJson?: Record<string, unknown>;
}

/**
 * A fresh project under the OS temp directory with the packed tarball (as `phoenix-fleet`) and the given
 * dependencies installed. Returns its directory; the caller removes it (`rmSync(dir, { recursive: true })`).
 */
export function installIntoProject(options: ProjectOptions): string {
  const project = mkdtempSync(join(tmpdir(), options.prefix));
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify(
      {
        name: "phoenix-user-project",
        private: true,
        ...options.packageJson,
        dependencies: { "phoenix-fleet": `file:${packedTarball()}`, ...options.dependencies },
        ...(options.devDependencies && { devDependencies: options.devDependencies }),
      },
      null,
      2,
    ),
  );
  execFileSync("npm", NPM_INSTALL_ARGS, {
    cwd: project,
    stdio: ["ignore", "ignore", "inherit"],
    timeout: 240_000,
  });
  return project;
}

let shared: string | undefined;

/**
 * The user project the package tests share (test/package/peers and consumers): the tarball with the required peers
 * at the lowest versions their ranges allow, no optional peer, and @types/node for TypeScript consumers. Installed
 * on first use (one `npm install` a run: @pulumi/aws alone is some 80 MB to unpack) and removed when the process
 * exits. Tests add files in folders of their own and leave its package.json and node_modules as they are.
 */
export function userProject(): string {
  if (shared && existsSync(shared)) return shared;
  const project = installIntoProject({
    prefix: "phoenix-user-",
    dependencies: requiredPeers("lowest"),
    devDependencies: { "@types/node": installedVersion("@types/node") },
  });
  process.on("exit", () => rmSync(project, { recursive: true, force: true }));
  return (shared = project);
}
