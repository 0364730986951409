// Build the publishable policy pack: compile policies/ (and the release-identity module it shares with
// the components) into policies/bin, so the pack directory holds everything `npm pack` puts in the
// tarball `pulumi policy publish` uploads; then bring policies/package.json's version and dependency
// ranges in line with the root package.json. `npm run build` runs it; so does the `version` lifecycle
// script after `npm version`, so that a release bump moves the pack's version too.
import { spawnSync } from "child_process";
import { readFileSync, rmSync, writeFileSync } from "fs";
import { join } from "path";
import { syncedPackManifest, type Manifest } from "./manifest";

const ROOT = join(__dirname, "..", "..");
const PACK_DIR = join(ROOT, "policies");

function readJson(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

function syncManifest(): void {
  const path = join(PACK_DIR, "package.json");
  const current = readJson(path);
  const synced = syncedPackManifest(readJson(join(ROOT, "package.json")), current);
  if (JSON.stringify(synced) === JSON.stringify(current)) return;
  writeFileSync(path, `${JSON.stringify(synced, null, 2)}\n`);
  process.stderr.write(
    `pack: policies/package.json now has version ${synced.version} and the root's ranges\n`,
  );
}

function compile(): void {
  // Compiled from scratch: a module deleted from the sources must not live on in the published tarball.
  rmSync(join(PACK_DIR, "bin"), { recursive: true, force: true });
  const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
  const result = spawnSync(process.execPath, [tsc, "-p", join(PACK_DIR, "tsconfig.pack.json")], {
    cwd: ROOT,
    stdio: "inherit",
  });
  if (result.status !== 0) {
    process.stderr.write("pack: tsc -p policies/tsconfig.pack.json failed\n");
    process.exitCode = 1;
  }
}

syncManifest();
if (!process.argv.includes("--manifest-only")) compile();
