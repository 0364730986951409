// Installs the rig's `aws` resource plugin for the real Pulumi CLI: compiles the provider (when its sources
// are newer than the build) to <repoRoot>/.rig/build/aws-provider/ (laid out as the repository is, for it
// compiles the product's ForceNew table too), and writes the executable
// $PULUMI_HOME/plugins/resource-aws-v<version>/pulumi-resource-aws, where <version> is exactly the
// @pulumi/aws in node_modules (the version the programs' SDK asks the engine for).
//
// What the engine needs to take a plugin as installed (pulumi sdk/go/common/workspace/plugins.go at v3.274.0,
// the version the rig builds, read in the Go module cache):
// - a directory `<kind>-<name>-v<version>` in $PULUMI_HOME/plugins (PluginDescriptor.Dir, line 1337;
//   pluginRegexp);
// - no sibling `<dir>.partial` file: HasPlugin (line 1967) and GetPluginsFromDir (line 2080, "Skip it if the
//   partial file exists, meaning the plugin is not fully installed") skip it; the `<dir>.lock` file only
//   serializes the CLI's own installs, so none is needed;
// - no directory name ending in `.tmp<digits>` (installingPluginRegexp, line 2511);
// - the executable `pulumi-resource-<name>` inside it (getPluginPath, line 2134, joins the directory and
//   spec.File()), and no PulumiPlugin.yaml (which would make the engine run it through a language runtime).
// The engine prefers a `pulumi-resource-aws` found on PATH (getPluginInfoAndPath, exec.LookPath, line 2216),
// so the script must not be on PATH; the rig keeps it out.
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

export interface InstallOptions {
  pulumiHome: string;
  repoRoot: string;
}

const SOURCE_DIR = path.join("test", "engine", "provider");
// Not `.rig/provider`, where a build of the old layout (main.js at its top) may live on, used by rigs started
// from it that still run.
const BUILD_DIR = path.join(".rig", "build", "aws-provider");
const STAMP = ".built";

/** Every file below `dir`. */
function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(dir, entry.name);
    return entry.isDirectory() ? filesBelow(file) : [file];
  });
}

/**
 * The files a build was compiled from: its tsconfig, the provider's sources (tests excluded) and, through the
 * build's own layout (rootDir is the repository), every module outside them it compiled (the ForceNew table).
 */
function sourceFiles(repoRoot: string, buildDir: string): string[] {
  const provider = path.join(repoRoot, SOURCE_DIR);
  const own = filesBelow(provider).filter(
    (file) => (file.endsWith(".ts") && !file.endsWith(".test.ts")) || path.basename(file) === "tsconfig.json",
  );
  const compiled = fs.existsSync(buildDir)
    ? filesBelow(buildDir)
        .filter((file) => file.endsWith(".js"))
        .map((file) => path.join(repoRoot, path.relative(buildDir, file)).replace(/\.js$/, ".ts"))
    : [];
  return [...new Set([...own, ...compiled])];
}

/** The newest modification time of `files`; Infinity when one is gone (a build from it is stale). */
function newestMtime(files: string[]): number {
  return Math.max(...files.map((f) => (fs.existsSync(f) ? fs.statSync(f).mtimeMs : Infinity)));
}

/** Compiles the provider into <repoRoot>/.rig/build/aws-provider unless the build is newer than every source. */
export function buildAwsProvider(repoRoot: string): string {
  const buildDir = path.join(repoRoot, BUILD_DIR);
  const stamp = path.join(buildDir, STAMP);
  const isFresh = () =>
    fs.existsSync(stamp) && fs.statSync(stamp).mtimeMs >= newestMtime(sourceFiles(repoRoot, buildDir));
  if (isFresh()) return buildDir;

  // Compile beside the build and swap it in, so a concurrent rig never runs a half-written build.
  const fresh = `${buildDir}.tmp-${process.pid}`;
  fs.rmSync(fresh, { recursive: true, force: true });
  const tsc = path.join(repoRoot, "node_modules", "typescript", "bin", "tsc");
  try {
    execFileSync(
      process.execPath,
      [tsc, "-p", path.join(repoRoot, SOURCE_DIR, "tsconfig.json"), "--outDir", fresh],
      {
        cwd: repoRoot,
        stdio: "pipe",
      },
    );
  } catch (error) {
    fs.rmSync(fresh, { recursive: true, force: true });
    const output = (error as { stdout?: Buffer }).stdout?.toString() ?? "";
    throw new Error(`compiling the rig's aws provider failed:\n${output}`, { cause: error });
  }
  fs.writeFileSync(path.join(fresh, STAMP), new Date().toISOString());
  const old = `${buildDir}.old-${process.pid}`;
  try {
    if (fs.existsSync(buildDir)) fs.renameSync(buildDir, old);
    fs.renameSync(fresh, buildDir);
  } catch (error) {
    // Another rig swapped its own build in at the same moment: theirs is as fresh as ours.
    if (!isFresh()) throw error;
  } finally {
    fs.rmSync(fresh, { recursive: true, force: true });
    fs.rmSync(old, { recursive: true, force: true });
  }
  return buildDir;
}

/** The exact version of @pulumi/aws installed in the repository. */
export function awsPluginVersion(repoRoot: string): string {
  const manifest = path.join(repoRoot, "node_modules", "@pulumi", "aws", "package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

/** Builds the provider if needed and installs its plugin script; returns the script's path. */
export async function installAwsProvider(opts: InstallOptions): Promise<string> {
  const repoRoot = path.resolve(opts.repoRoot);
  const buildDir = buildAwsProvider(repoRoot);
  const pluginDir = path.join(opts.pulumiHome, "plugins", `resource-aws-v${awsPluginVersion(repoRoot)}`);
  fs.mkdirSync(pluginDir, { recursive: true });
  fs.rmSync(`${pluginDir}.partial`, { force: true });

  const plugin = path.join(pluginDir, "pulumi-resource-aws");
  // Node resolves @pulumi/pulumi and the AWS SDK from the repository's node_modules (main.js lives in it).
  const main = path.join(buildDir, SOURCE_DIR, "main.js");
  const script = `#!/bin/sh\nexec "${process.execPath}" "${main}" "$@"\n`;
  const current = fs.existsSync(plugin) ? fs.readFileSync(plugin, "utf8") : undefined;
  if (current !== script) {
    const temp = `${plugin}.${process.pid}.tmp`;
    fs.writeFileSync(temp, script, { mode: 0o755 });
    fs.renameSync(temp, plugin);
  }
  return plugin;
}
