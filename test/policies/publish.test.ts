// The pack as an organisation publishes it. `pulumi policy publish` runs `npm pack --loglevel=error` in the
// pack directory (pkg/backend/httpstate/policypack.go:454, sdk/nodejs/npm/npm.go:140); a stack that
// enforces the published pack gets the tarball extracted with its "package/" prefix removed and the
// language host installs its dependencies there (policypack.go:534-580). This test does the same: pack,
// extract into an empty directory, `npm install --omit=dev --prefer-offline`, start the pack from there
// with the run-policy-pack it installed, and drive it over the Analyzer protocol.
import { skipSuite } from "../integration/support";
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join, relative, sep } from "path";
import { ALL_POLICIES, PACK_NAME } from "../../policies/all";
import { AWS } from "../../policies/lib/types";
import { ADVISORY, analyzeRequest, connectAnalyzer, type AnalyzerClient } from "./analyzerClient";
import {
  PACK_DIR,
  ROOT,
  ensurePackBuilt,
  runPolicyPackFor,
  startEngine,
  startPack,
  type EngineServer,
  type StartedPack,
} from "./languageHost";

const NPM = process.platform === "win32" ? "npm.cmd" : "npm";

function run(command: string, args: string[], cwd: string): string {
  const result = spawnSync(command, args, { cwd, encoding: "utf8", shell: process.platform === "win32" });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(" ")} in ${cwd} failed (${result.status}):\n${result.stderr}`);
  }
  return result.stdout;
}

/** Paths inside a tarball, without npm's "package/" prefix. */
function tarballFiles(tarball: string): string[] {
  return run("tar", ["-tzf", tarball], tmpdir())
    .split("\n")
    .filter((line) => line.startsWith("package/") && !line.endsWith("/"))
    .map((line) => line.slice("package/".length))
    .sort();
}

const SSH_FROM_ANYWHERE = {
  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
};

describe("the published pack (npm pack, extracted, npm install, run-policy-pack)", function () {
  this.timeout(300_000);
  const rootVersion = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string })
    .version;
  let scratch: string;
  let installed: string;
  let files: string[];
  let engine: EngineServer;
  let pack: StartedPack;
  let client: AnalyzerClient;

  before(async function () {
    if (process.platform === "win32")
      skipSuite(
        this,
        "the simulation extracts with tar and spawns npm as on the Linux and macOS CI machines",
      );
    ensurePackBuilt();
    scratch = mkdtempSync(join(tmpdir(), "phoenix-publish-"));
    // Exactly the publish command, with the tarball written outside the (shared) working tree.
    const name = run(NPM, ["pack", "--loglevel=error", "--pack-destination", scratch], PACK_DIR).trim();
    const tarball = join(scratch, name);
    files = tarballFiles(tarball);
    installed = join(scratch, "installed");
    run("mkdir", ["-p", installed], scratch);
    run("tar", ["-xzf", tarball, "-C", installed, "--strip-components=1"], scratch);
    run(NPM, ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], installed);
    engine = await startEngine();
    pack = await startPack(installed, engine.address);
    client = connectAnalyzer(pack.port);
  });

  after(async () => {
    client?.close();
    await pack?.stop();
    await engine?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it("packs the compiled pack, the release identity compiled in, and no TypeScript source", () => {
    assert.ok(files.includes("PulumiPolicy.yaml"), files.join("\n"));
    assert.ok(files.includes("package.json"));
    assert.ok(files.includes("bin/policies/index.js"));
    assert.ok(files.includes("bin/components/immutability/identity.js"));
    assert.deepEqual(
      files.filter((f) => f.endsWith(".ts")),
      [],
    );
  });

  it("declares its run-time dependencies and the package's version", () => {
    const manifest = JSON.parse(readFileSync(join(installed, "package.json"), "utf8"));
    assert.equal(manifest.version, rootVersion);
    assert.deepEqual(Object.keys(manifest.dependencies).sort(), [
      "@pulumi/policy",
      "@pulumi/pulumi",
      "ipaddr.js",
    ]);
    assert.ok(existsSync(join(installed, manifest.main)), `main ${manifest.main} is not in the tarball`);
  });

  it("runs with the run-policy-pack installed beside it, not the repository's", () => {
    const runner = runPolicyPackFor(installed);
    assert.ok(!relative(installed, runner).startsWith(".."), runner);
    assert.ok(relative(installed, runner).startsWith(`node_modules${sep}@pulumi${sep}pulumi`), runner);
  });

  it("lists every policy under the pack's name and the package's version", async () => {
    const info = await client.info();
    assert.equal(info.getName(), PACK_NAME);
    assert.equal(info.getVersion(), rootVersion);
    assert.deepEqual(
      info.getPoliciesList().map((p: { getName(): string }) => p.getName()),
      ALL_POLICIES.map((p) => p.name),
    );
  });

  it("finds a violation, then applies config", async () => {
    const before = await client.diagnostics(analyzeRequest(AWS.securityGroup, "fleet-sg", SSH_FROM_ANYWHERE));
    assert.deepEqual(
      before.map((d) => [d.policy, d.level]),
      [["no-ssh-access", "mandatory"]],
    );
    await client.configure({ "no-ssh-access": [ADVISORY, { ports: [22], allowPrivateSources: true }] });
    const privateOnly = { ingress: [{ ...SSH_FROM_ANYWHERE.ingress[0], cidrBlocks: ["10.0.0.0/8"] }] };
    assert.deepEqual(await client.diagnostics(analyzeRequest(AWS.securityGroup, "sg", privateOnly)), []);
    const after = await client.diagnostics(analyzeRequest(AWS.securityGroup, "fleet-sg", SSH_FROM_ANYWHERE));
    assert.deepEqual(
      after.map((d) => [d.policy, d.level]),
      [["no-ssh-access", "advisory"]],
    );
  });

  it("wrote nothing to stderr", () => {
    assert.equal(pack.stderr(), "");
  });
});

describe("the npm package of phoenix-fleet", () => {
  it("ships the whole pack directory, so `--policy-pack node_modules/phoenix-fleet/policies` runs", function () {
    this.timeout(60_000);
    ensurePackBuilt();
    const listing = JSON.parse(run(NPM, ["pack", "--dry-run", "--json", "--ignore-scripts"], ROOT)) as Array<{
      files: Array<{ path: string }>;
    }>;
    const shipped = new Set(listing[0].files.map((f) => f.path));
    const packScratch = mkdtempSync(join(tmpdir(), "phoenix-pack-list-"));
    try {
      const name = run(NPM, ["pack", "--loglevel=error", "--pack-destination", packScratch], PACK_DIR).trim();
      const missing = tarballFiles(join(packScratch, name)).filter((f) => !shipped.has(`policies/${f}`));
      assert.deepEqual(missing, []);
    } finally {
      rmSync(packScratch, { recursive: true, force: true });
    }
  });
});
