// The pack as a user gets it: phoenix-fleet's packed tarball (`npm pack`) installed into a scratch project
// with the peers a user installs (@pulumi/pulumi, @pulumi/aws, and @pulumi/policy, the optional peer the pack
// needs), and a plain `pulumi up --policy-pack node_modules/phoenix-fleet/policies` of a small Node program in
// the rig. The engine has the language host start the pack from that directory (pkg/resource/plugin/
// analyzer_plugin.go:112-130 at v3.274.0: a directory with PulumiPolicy.yaml is run by its runtime), so
// everything it loads comes from the installed package and the user's node_modules, nothing from this clone.
// A program opening SSH to the internet is refused, naming the policy; a compliant one is deployed.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { DescribeSecurityGroupsCommand } from "@aws-sdk/client-ec2";
import { skipSuite } from "../integration/support";
import { installIntoProject, installedVersion, isBuilt, NOT_BUILT, requiredPeers } from "../package/tarball";
import { ensurePackBuilt } from "../policies/languageHost";
import { ec2 } from "./support/emulator";
import { requireLanguageHost } from "./rigHooks";

/** The path the README gives users: the pack directory inside the installed package. */
const PACK = "node_modules/phoenix-fleet/policies";
const STACK = "installed-pack";

/** A program with one security group admitting `port` from anywhere. */
function program(name: string, port: number): string {
  return [
    `const aws = require("@pulumi/aws");`,
    `new aws.ec2.SecurityGroup(${JSON.stringify(name)}, {`,
    `  vpcId: ${JSON.stringify(process.env.PHOENIX_VPC_ID)},`,
    `  ingress: [{ protocol: "tcp", fromPort: ${port}, toPort: ${port}, cidrBlocks: ["0.0.0.0/0"] }],`,
    `});`,
    ``,
  ].join("\n");
}

/** Security groups in the emulator whose name starts with `prefix` (the provider adds a random suffix). */
async function groupsNamed(prefix: string): Promise<string[]> {
  const client = ec2();
  try {
    const { SecurityGroups = [] } = await client.send(new DescribeSecurityGroupsCommand({}));
    return SecurityGroups.map((g) => g.GroupName ?? "").filter((name) => name.startsWith(prefix));
  } finally {
    client.destroy();
  }
}

describe("the pack from the installed package, in a plain `pulumi up --policy-pack`", function () {
  this.timeout(10 * 60_000);
  let project: string;

  const pulumi = (args: string[]) => {
    const result = spawnSync("pulumi", [...args, "--non-interactive"], {
      cwd: project,
      env: process.env,
      encoding: "utf8",
    });
    return { status: result.status, output: `${result.stdout}\n${result.stderr}` };
  };

  before(function () {
    requireLanguageHost(this);
    if (!isBuilt) skipSuite(this, NOT_BUILT);
    ensurePackBuilt(); // the tarball ships policies/bin, the compiled pack: build it from these sources first
    project = installIntoProject({
      prefix: "phoenix-installed-pack-",
      // The versions this repository develops against: in npm's cache, and the rig's provider serves them.
      dependencies: { ...requiredPeers("dev"), "@pulumi/policy": installedVersion("@pulumi/policy") },
    });
    fs.writeFileSync(
      path.join(project, "Pulumi.yaml"),
      "name: phoenix-installed-pack\nruntime: nodejs\nmain: index.js\n",
    );
    const init = pulumi(["stack", "init", STACK]);
    assert.equal(init.status, 0, init.output);
  });

  after(() => {
    if (!project) return;
    pulumi(["destroy", "--yes", "--stack", STACK]);
    pulumi(["stack", "rm", "--yes", "--force", STACK]);
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("is the installed package's own pack, compiled, with no sources", () => {
    const pack = path.join(project, PACK);
    assert.ok(fs.existsSync(path.join(pack, "PulumiPolicy.yaml")), "PulumiPolicy.yaml in the package");
    const main = (JSON.parse(fs.readFileSync(path.join(pack, "package.json"), "utf8")) as { main: string })
      .main;
    assert.ok(fs.existsSync(path.join(pack, main)), `the pack's main (${main}) in the package`);
    const sources = (fs.readdirSync(pack, { recursive: true }) as string[]).filter(
      (file) => file.endsWith(".ts") && !file.endsWith(".d.ts"),
    );
    assert.deepEqual(sources, [], "TypeScript sources shipped in the pack");
    assert.ok(!fs.lstatSync(path.join(project, "node_modules", "phoenix-fleet")).isSymbolicLink());
  });

  it("refuses a program that opens SSH to the internet, naming the policy, and creates nothing", async () => {
    fs.writeFileSync(path.join(project, "index.js"), program("installed-open", 22));
    const up = pulumi(["up", "--yes", "--policy-pack", PACK]);
    assert.notEqual(up.status, 0, up.output);
    // The engine's report (backend/display/progress.go:876-956, diff.go:259-271 at v3.274.0): the pack
    // failed, from the local path given, and the violation names its level, severity and policy.
    assert.match(up.output, /Policies:/, up.output);
    assert.match(
      up.output,
      /❌ phoenix-immutability@v\d+\.\d+\.\d+ \(local: node_modules\/phoenix-fleet\/policies\)/,
    );
    assert.match(up.output, /\[mandatory\] \[severity: critical\]\s+no-ssh-access\s/, up.output);
    assert.match(up.output, /admits port 22 from 0\.0\.0\.0\/0/, up.output);
    assert.match(up.output, /error: preview failed/, up.output);
    assert.deepEqual(await groupsNamed("installed-open"), []);
  });

  it("deploys a compliant program with the same pack", async () => {
    fs.writeFileSync(path.join(project, "index.js"), program("installed-https", 443));
    const up = pulumi(["up", "--yes", "--policy-pack", PACK]);
    assert.equal(up.status, 0, up.output);
    assert.match(up.output, /Policies:/, up.output);
    assert.match(
      up.output,
      /✅ phoenix-immutability@v\d+\.\d+\.\d+ \(local: node_modules\/phoenix-fleet\/policies\)/,
    );
    assert.doesNotMatch(up.output, /\[mandatory\]/, up.output);
    assert.equal((await groupsNamed("installed-https")).length, 1, "the group is in the emulator");
  });
});
