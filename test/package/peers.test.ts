// phoenix-fleet as a user's project gets it: the packed tarball installed next to the lowest versions of its
// required peers that its ranges allow (@pulumi/pulumi, @pulumi/aws), without the optional ones. One copy of the
// Pulumi SDK in the tree (the user's), and a program with every component running under phoenix-fleet/testing.
import { isBuilt, lowest, manifest, NOT_BUILT, userProject } from "./tarball";
import { skipSuite } from "../integration/support";
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { existsSync, readFileSync, writeFileSync } from "fs";
import { join } from "path";

const PROGRAM = `
const assert = require("node:assert/strict");
const { setPhoenixMocks, valueOf } = require("phoenix-fleet/testing");
(async () => {
  await setPhoenixMocks();
  const { GoldenAmi, ImmutableFleet, BlueGreenRouter, Network, MissingPeerDependencyError } = require("phoenix-fleet/components");
  const ami = new GoldenAmi("web", { parentImage: "ami-0123456789abcdef0", buildSteps: ["true"] });
  const tg = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1";
  const fleet = new ImmutableFleet("web-blue", { release: "v1", app: "web", imageId: ami.imageId,
    subnetIds: ["subnet-0a"], securityGroupIds: ["sg-0a"], targetGroupArns: [tg] });
  const router = new BlueGreenRouter("web", { loadBalancerArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1",
    targetGroupArns: { blue: tg, green: tg.replace("blue", "green") }, weights: { blue: 100, green: 0 } });
  const network = new Network("web", { vpcId: "vpc-0123456789abcdef0", publicSubnetIds: ["subnet-0a", "subnet-0b"], privateSubnetIds: ["subnet-0c"] });
  let missing;
  try { new Network("own", {}); } catch (error) { missing = error; }
  console.log(JSON.stringify({
    ami: await valueOf(ami.imageId),
    fleet: await valueOf(fleet.autoScalingGroupName),
    listener: await valueOf(router.listenerArn),
    vpc: await valueOf(network.vpcId),
    missing: missing instanceof MissingPeerDependencyError ? missing.message : String(missing),
  }));
  process.exit(0); // the mock runtime keeps the event loop alive (as mocha's --exit does for a test run)
})().catch((error) => { console.error(error); process.exit(1); });
`;

describe("installed into a user's project with the lowest required peers", function () {
  this.timeout(5 * 60_000);
  let project: string;
  let result: Record<string, string>;

  before(function () {
    if (!isBuilt) skipSuite(this, NOT_BUILT);
    project = userProject();
    writeFileSync(join(project, "program.js"), PROGRAM);
    result = JSON.parse(
      execFileSync(process.execPath, ["program.js"], { cwd: project, encoding: "utf8", timeout: 120_000 }),
    );
  });

  it("declares @pulumi/pulumi and @pulumi/aws as required peers, awsx and policy as optional ones", () => {
    assert.deepEqual(Object.keys(manifest.peerDependencies).sort(), [
      "@pulumi/aws",
      "@pulumi/awsx",
      "@pulumi/policy",
      "@pulumi/pulumi",
    ]);
    assert.deepEqual(Object.keys(manifest.peerDependenciesMeta).sort(), ["@pulumi/awsx", "@pulumi/policy"]);
    assert.equal(lowest(manifest.peerDependencies["@pulumi/pulumi"]), "3.182.0");
  });

  it("leaves one copy of @pulumi/pulumi in the tree: the user's, at the version they pinned", () => {
    const copies = execFileSync("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], {
      cwd: project,
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    assert.deepEqual(copies, [join(project, "node_modules", "@pulumi", "pulumi")]);
    const installed = JSON.parse(readFileSync(join(copies[0], "package.json"), "utf8")) as {
      version: string;
    };
    assert.equal(installed.version, lowest(manifest.peerDependencies["@pulumi/pulumi"]));
    assert.equal(
      existsSync(join(project, "node_modules", "@pulumi", "awsx")),
      false,
      "an optional peer was installed",
    );
  });

  it("runs a program with every component under phoenix-fleet/testing", () => {
    assert.match(result.ami, /^ami-[0-9a-f]{17}$/);
    assert.match(result.fleet, /web-blue/);
    assert.match(result.listener, /:listener\//);
    assert.equal(result.vpc, "vpc-0123456789abcdef0");
  });

  it("names the missing optional peer when a Network creates its own VPC", () => {
    assert.match(
      result.missing,
      /needs the package @pulumi\/awsx, an optional peer dependency .* npm install @pulumi\/awsx/,
    );
  });
});
