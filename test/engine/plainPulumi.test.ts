// Plain `pulumi up` of each role from the root Pulumi.yaml, with stack config, as the README documents it
// ("The stacks of one app/env"): a stack per role, `phoenix:role` choosing the program, the network in the
// emulator's default VPC (`vpcId`, `publicSubnetIds`, `privateSubnetIds`: awsx cannot run here), a golden
// AMI baked from an image registered in the emulator, a fleet of that AMI (the fleet's `imageId` default:
// the ami stack's output), the router sending all traffic to it. What each `up` made is read
// back from the emulator with the AWS SDK; then every stack is destroyed and removed, and the resources are
// gone. The program runs through the Node.js language host, as for a user.
//
// The project is the repository's own: a temporary directory links the root Pulumi.yaml, package.json,
// dist/ (the compiled programs, `main: dist/programs/main.js`) and node_modules, so that the stack config
// files (`Pulumi.<stack>.yaml`) land there and not in the shared working tree. The backend is the README's:
// `mkdir -p .phoenix/state && pulumi login file://$PWD/.phoenix/state` (the rig's PULUMI_BACKEND_URL, which
// would win over the login, is left out of these commands), and `pulumi logout` at the end leaves the rig's
// PULUMI_HOME as it was.
import { strict as assert } from "assert";
import { execFile } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { promisify } from "util";
import {
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import {
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import { REPO_ROOT } from "../../scripts/rig/cache";
import { autoScalingGroups, ec2, elbv2, listenerWeights, registerImage } from "./support/emulator";
import { requireLanguageHost } from "./rigHooks";

const run = promisify(execFile);
const APP = "shop";
const ENV = "plain";
const stack = (part: string) => `${APP}-${ENV}-${part}`;

describe("plain `pulumi up` of each role from the root Pulumi.yaml", function () {
  let dir: string;
  const env = () => ({ ...process.env, PULUMI_BACKEND_URL: undefined });
  /** `pulumi <args> --non-interactive` in the project; fails the test with the CLI's output. */
  const pulumi = async (args: string[]): Promise<string> => {
    try {
      const { stdout } = await run("pulumi", [...args, "--non-interactive"], {
        cwd: dir,
        env: env(),
        maxBuffer: 64 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const failed = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `pulumi ${args.join(" ")} failed:\n${failed.stdout ?? ""}\n${failed.stderr ?? failed.message}`,
        { cause: error },
      );
    }
  };
  /** The README's steps for one stack: init, `phoenix:*` config (`--path` for lists), up. */
  const deploy = async (name: string, config: [string, string][]) => {
    await pulumi(["stack", "init", name]);
    for (const [key, value] of config) {
      const isPath = key.includes("[");
      await pulumi([
        "config",
        "set",
        ...(isPath ? ["--path"] : []),
        `phoenix:${key}`,
        value,
        "--stack",
        name,
      ]);
    }
    await pulumi(["up", "--yes", "--stack", name]);
    return JSON.parse(await pulumi(["stack", "output", "--json", "--stack", name])) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  };
  const common = (role: string): [string, string][] => [
    ["role", role],
    ["app", APP],
    ["env", ENV],
  ];
  let network: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let ami: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let fleet: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  let router: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

  before(async function () {
    requireLanguageHost(this);
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-plain-"));
    for (const file of ["Pulumi.yaml", "package.json", "dist", "node_modules"]) {
      fs.symlinkSync(path.join(REPO_ROOT, file), path.join(dir, file));
    }
    // Without the directory the login fails: "could not log in to the state backend …: no such file or
    // directory" (pkg/cmd/pulumi/auth/login.go:409-411 at v3.274.0; gocloud.dev blob/fileblob/fileblob.go
    // 290-298 opens a bucket directory only if it exists, unless `create_dir` is given).
    fs.mkdirSync(path.join(dir, ".phoenix", "state"), { recursive: true });
    await pulumi(["login", `file://${dir}/.phoenix/state`]);
  });
  after(async () => {
    if (!dir) return;
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) await pulumi(["logout"]).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("network: an existing VPC from stack config (lists set with --path), ALB, groups, target groups", async () => {
    const publicSubnets = String(process.env.PHOENIX_PUBLIC_SUBNETS).split(",");
    const privateSubnets = String(process.env.PHOENIX_PRIVATE_SUBNETS).split(",");
    network = await deploy(stack("network"), [
      ...common("network"),
      ["vpcId", String(process.env.PHOENIX_VPC_ID)],
      ...publicSubnets.map((id, i): [string, string] => [`publicSubnetIds[${i}]`, id]),
      ...privateSubnets.map((id, i): [string, string] => [`privateSubnetIds[${i}]`, id]),
    ]);
    assert.equal(network.vpcId, process.env.PHOENIX_VPC_ID);
    assert.deepEqual(network.publicSubnetIds, publicSubnets);
    assert.deepEqual(network.privateSubnetIds, privateSubnets);

    const lb = elbv2();
    const client = ec2();
    try {
      const { LoadBalancers = [] } = await lb.send(
        new DescribeLoadBalancersCommand({ LoadBalancerArns: [network.albArn] }),
      );
      assert.equal(LoadBalancers[0]?.VpcId, process.env.PHOENIX_VPC_ID);
      assert.equal(LoadBalancers[0]?.DNSName, network.albDnsName);
      const { TargetGroups = [] } = await lb.send(
        new DescribeTargetGroupsCommand({
          TargetGroupArns: [network.blueTargetGroupArn, network.greenTargetGroupArn],
        }),
      );
      assert.deepEqual(
        TargetGroups.map((g) => [g.VpcId, g.Port]),
        [
          [process.env.PHOENIX_VPC_ID, 8080],
          [process.env.PHOENIX_VPC_ID, 8080],
        ],
      );
      const { SecurityGroups = [] } = await client.send(
        new DescribeSecurityGroupsCommand({
          GroupIds: [network.albSecurityGroupId, network.fleetSecurityGroupId],
        }),
      );
      assert.equal(SecurityGroups.length, 2);
      const fleetGroup = SecurityGroups.find((g) => g.GroupId === network.fleetSecurityGroupId);
      assert.deepEqual(
        fleetGroup?.IpPermissions?.map((p) => [p.FromPort, p.UserIdGroupPairs?.map((u) => u.GroupId)]),
        [[8080, [network.albSecurityGroupId]]],
        "the fleet admits the app port from the ALB only (no SSH)",
      );
    } finally {
      lb.destroy();
      client.destroy();
    }
  });

  it("golden-ami: an Image Builder pipeline baking from a registered parent image (build steps set with --path)", async () => {
    const parentImage = await registerImage("shop-plain-base");
    ami = await deploy(stack("ami"), [
      ...common("golden-ami"),
      ["parentImage", parentImage],
      ["buildSteps[0]", "echo baked > /etc/phoenix-baked"],
    ]);
    assert.match(ami.imageId, /^ami-/);
    assert.notEqual(ami.imageId, parentImage);
    assert.match(ami.imageArn, /^arn:aws:imagebuilder:/);
    const client = ec2();
    try {
      const { Images = [] } = await client.send(new DescribeImagesCommand({ ImageIds: [ami.imageId] }));
      assert.equal(Images.length, 1, "the baked AMI is registered in the emulator");
    } finally {
      client.destroy();
    }
  });

  it("fleet: a release of the golden AMI stack's image (no imageId set) behind the blue target group", async () => {
    fleet = await deploy(stack("blue"), [
      ...common("fleet"),
      ["colour", "blue"],
      ["release", "v1"],
      ["minSize", "1"],
      ["desiredCapacity", "1"],
    ]);
    const imageId = ami.imageId;
    assert.deepEqual([fleet.colour, fleet.release, fleet.imageId], ["blue", "v1", imageId]);
    assert.equal(fleet.targetGroupArn, network.blueTargetGroupArn);
    const group = (await autoScalingGroups()).get(fleet.autoScalingGroupName);
    assert.ok(group, `auto scaling group ${fleet.autoScalingGroupName} in the emulator`);
    assert.deepEqual(group.targetGroupArns, [network.blueTargetGroupArn]);
    assert.equal(group.version, "1", "the group pins the template's version");
    const client = ec2();
    try {
      const { LaunchTemplates = [] } = await client.send(
        new DescribeLaunchTemplatesCommand({ LaunchTemplateNames: [fleet.launchTemplateName] }),
      );
      assert.equal(LaunchTemplates[0]?.LaunchTemplateId, group.launchTemplateId);
    } finally {
      client.destroy();
    }
  });

  it("router: the listener sends all traffic to blue", async () => {
    router = await deploy(stack("router"), [...common("router"), ["blueWeight", "100"]]);
    assert.deepEqual(router.weights, { blue: 100, green: 0 });
    assert.equal(router.url, `http://${network.albDnsName}/`);
    const weights = await listenerWeights(router.listenerArn);
    assert.equal(weights[network.blueTargetGroupArn], 100);
    assert.equal(weights[network.greenTargetGroupArn] ?? 0, 0);
  });

  it("pulumi destroy of each stack, the router first and the network last, leaves nothing", async () => {
    for (const part of ["router", "blue", "ami", "network"]) {
      await pulumi(["destroy", "--yes", "--stack", stack(part)]);
      await pulumi(["stack", "rm", "--yes", stack(part)]);
    }
    assert.deepEqual(JSON.parse(await pulumi(["stack", "ls", "--json"])), []);
    assert.equal((await autoScalingGroups()).get(fleet.autoScalingGroupName), undefined);
    const lb = elbv2();
    try {
      const { LoadBalancers = [] } = await lb.send(new DescribeLoadBalancersCommand({}));
      assert.ok(!LoadBalancers.some((l) => l.LoadBalancerArn === network.albArn), "the ALB is gone");
    } finally {
      lb.destroy();
    }
  });
});
