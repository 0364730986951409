// Immutability through the real engine, each layer on its own:
// 1. the Phoenix CrossGuard pack refuses a program with an SSH rule and a key pair, through Phoenix's adapter
//    (an inline program, the engine's default `policyPacks`) and as a plain `pulumi up --policy-pack` of a
//    Node program (both through the Node.js language host, which runs the pack);
// 2. the preview guard of `phoenix up` (automation/immutableGuard.ts) refuses an in-place update of a fleet's
//    launch template whose physical names no longer carry the release identity, before any `up` runs;
// 3. the fleet's `beforeUpdate` resource hook (components/fleetUpdateHook.ts) refuses that very update when
//    the stack is updated without the workflow, and the emulator's launch template keeps its image.
// Layers 2 and 3 run without the pack, whose `immutable-release-identity` policy would refuse the fleet first
// (and so without the language host: they are not skipped when it is missing).
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  DescribeKeyPairsCommand,
  DescribeLaunchTemplateVersionsCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenDeployment, createAwsCloudProbe } from "../../automation";
import { ImmutableUpdateError } from "../../automation/errors";
import {
  createLocalWorkspaceEngine,
  loadDefaultPrograms,
  type LocalWorkspaceEngine,
  type RoleProgram,
} from "../../automation/localWorkspace";
import { ROLES, type Role } from "../../programs/contract";
import { REPO_ROOT } from "../../scripts/rig/cache";
import { autoScalingGroups, ec2, registerImage } from "./support/emulator";
import { requireLanguageHost } from "./rigHooks";
import { ensurePackBuilt } from "../policies/languageHost";

const POLICY_PACK = path.join(REPO_ROOT, "policies");
/** A throwaway public key (ssh-keygen -t ed25519); nothing holds its private half. */
const PUBLIC_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIF0KcpyC3/+ws6qHThyX/wIzAI47S0texg3KViaCv8rO rig";

/**
 * What the engine prints for the pack's verdicts (pkg at v3.274.0): the heading `Policies:`
 * (backend/display/progress.go:876), the pack with ❌ and its local path (progress.go:945, 956), then per
 * violation `- [mandatory] [severity: <severity>]  <policy>  (<type>: <name>)` and the policy's message
 * (backend/display/diff.go:259-271).
 */
function assertRefusedByPack(output: string, policies: string[]): void {
  assert.match(output, /Policies:/, output);
  assert.match(output, /❌ phoenix-immutability@v0\.1\.0 \(local: .*policies\)/, output);
  for (const policy of policies) {
    assert.match(output, new RegExp(`\\[mandatory\\] \\[severity: \\w+\\]\\s+${policy}\\s`), output);
  }
}

/** Nothing of the refused programs reached the emulator. */
async function assertNothingCreated(groupNamePrefix: string): Promise<void> {
  const client = ec2();
  try {
    const { KeyPairs = [] } = await client.send(new DescribeKeyPairsCommand({}));
    assert.deepEqual(
      KeyPairs.filter((pair) => pair.PublicKey?.includes("rig") || pair.KeyName?.startsWith("key")),
      [],
    );
    const { SecurityGroups = [] } = await client.send(new DescribeSecurityGroupsCommand({}));
    assert.deepEqual(
      SecurityGroups.filter((group) => group.GroupName?.startsWith(groupNamePrefix)).map((g) => g.GroupName),
      [],
    );
  } finally {
    client.destroy();
  }
}

describe("immutability through the real engine", function () {
  let projectDir: string;

  before(() => {
    projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-immutability-"));
  });
  after(() => {
    if (projectDir) fs.rmSync(projectDir, { recursive: true, force: true });
  });

  describe("the Phoenix policy pack in the engine", () => {
    // The language host runs the pack; the fleet scenarios below run inline programs without a pack.
    before(function () {
      requireLanguageHost(this);
      ensurePackBuilt(); // the language host runs the compiled pack (policies/bin), never its sources
    });

    it("refuses an SSH rule and a key pair through the adapter (inline program, the engine's policyPacks)", async () => {
      const forbidden: RoleProgram = async () => {
        new aws.ec2.SecurityGroup("adapter-open", {
          vpcId: process.env.PHOENIX_VPC_ID,
          ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
        });
        new aws.ec2.KeyPair("key-adapter", { publicKey: PUBLIC_KEY });
        return {};
      };
      const engine = createLocalWorkspaceEngine({
        projectDir,
        programs: Object.fromEntries(ROLES.map((role) => [role, forbidden])) as Record<Role, RoleProgram>,
      });
      // The default: the Phoenix pack of this package, on every preview and up.
      assert.deepEqual(engine.policyPacks, [POLICY_PACK]);
      const stack = await engine.createOrSelectStack("imm-pack", "network");
      // A preview reports every violation (step_generator.go:81-84 `sawError`: in a dry run a mandatory
      // violation does not make the resource invalid, analyze_snapshot.go:80-84), then fails.
      await assert.rejects(stack.preview(), (error: Error) => {
        assertRefusedByPack(error.message, ["no-ssh-access", "no-key-pairs"]);
        // resource/deploy/deployment_executor.go:484-487 and 129-135: "<kind> failed".
        assert.match(error.message, /error: preview failed/);
        return true;
      });
      // An up (the Automation API's `up` runs `pulumi up --yes --skip-preview`, @pulumi/pulumi
      // automation/stack.ts) stops at the first resource refused, before creating it: a mandatory violation
      // outside a dry run makes it invalid, "resource … is invalid" (step_generator.go:1570-1574).
      await assert.rejects(stack.up(), (error: Error) => {
        const named = ["no-ssh-access", "no-key-pairs"].filter((policy) =>
          new RegExp(`\\[mandatory\\].*\\s${policy}\\s`).test(error.message),
        );
        assert.ok(named.length > 0, error.message);
        assertRefusedByPack(error.message, named);
        return true;
      });
      await assertNothingCreated("adapter-open");
    });

    it("refuses them in a plain `pulumi up --policy-pack` of a Node program", () => {
      // A project of its own in a temporary directory; @pulumi/pulumi and @pulumi/aws resolve through a link
      // to this package's node_modules (the language host runs the program with `node`).
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-imm-plain-"));
      try {
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        fs.writeFileSync(
          path.join(dir, "package.json"),
          '{ "name": "phoenix-imm-plain", "private": true }\n',
        );
        fs.writeFileSync(
          path.join(dir, "Pulumi.yaml"),
          "name: phoenix-imm-plain\nruntime: nodejs\nmain: index.js\n",
        );
        fs.writeFileSync(
          path.join(dir, "index.js"),
          [
            `const aws = require("@pulumi/aws");`,
            `new aws.ec2.SecurityGroup("plain-open", {`,
            `  vpcId: ${JSON.stringify(process.env.PHOENIX_VPC_ID)},`,
            `  ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],`,
            `});`,
            `new aws.ec2.KeyPair("key-plain", { publicKey: ${JSON.stringify(PUBLIC_KEY)} });`,
            ``,
          ].join("\n"),
        );
        const pulumiCli = (args: string[]) =>
          spawnSync("pulumi", [...args, "--non-interactive"], {
            cwd: dir,
            env: process.env,
            encoding: "utf8",
          });
        const init = pulumiCli(["stack", "init", "imm-plain"]);
        assert.equal(init.status, 0, init.stderr);
        // As the README documents it: a preview first (every violation reported), then no update at all.
        const up = pulumiCli(["up", "--yes", "--policy-pack", POLICY_PACK]);
        const output = `${up.stdout}\n${up.stderr}`;
        assert.notEqual(up.status, 0, output);
        assertRefusedByPack(output, ["no-ssh-access", "no-key-pairs"]);
        assert.match(output, /error: preview failed/);
        assert.doesNotMatch(output, /Updating \(/, "the preview failed, so no update started");
        pulumiCli(["stack", "rm", "--yes", "--force", "imm-plain"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
      return assertNothingCreated("plain-open");
    });
    it("refuses Session Manager on a fleet role in a plain `pulumi preview --policy-pack`, and passes a build role", () => {
      // no-remote-shell is a stack policy: during a preview the roles' names are unknown, and it follows the
      // property dependencies the engine sends with AnalyzeStack. The build role's profile serves only Image
      // Builder, so its SSM grant passes.
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-imm-ssm-"));
      try {
        fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(dir, "node_modules"), "dir");
        fs.writeFileSync(path.join(dir, "package.json"), '{ "name": "phoenix-imm-ssm", "private": true }\n');
        fs.writeFileSync(
          path.join(dir, "Pulumi.yaml"),
          "name: phoenix-imm-ssm\nruntime: nodejs\nmain: index.js\n",
        );
        fs.writeFileSync(
          path.join(dir, "index.js"),
          [
            `const aws = require("@pulumi/aws");`,
            `const trust = JSON.stringify({ Version: "2012-10-17", Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }] });`,
            `const ssm = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";`,
            `const withSsm = (name) => {`,
            `  const role = new aws.iam.Role(name + "-role", { assumeRolePolicy: trust });`,
            `  new aws.iam.RolePolicyAttachment(name + "-ssm", { role: role.name, policyArn: ssm });`,
            `  return new aws.iam.InstanceProfile(name + "-profile", { role: role.name });`,
            `};`,
            `const fleet = withSsm("fleet");`,
            `new aws.ec2.LaunchTemplate("fleet-lt", { imageId: "ami-12345678", instanceType: "t3.micro",`,
            `  iamInstanceProfile: { arn: fleet.arn }, metadataOptions: { httpTokens: "required" } });`,
            `const build = withSsm("build");`,
            `new aws.imagebuilder.InfrastructureConfiguration("build-infra", { instanceProfileName: build.name,`,
            `  instanceTypes: ["t3.micro"], instanceMetadataOptions: { httpTokens: "required" } });`,
            ``,
          ].join("\n"),
        );
        const pulumiCli = (args: string[]) =>
          spawnSync("pulumi", [...args, "--non-interactive"], {
            cwd: dir,
            env: process.env,
            encoding: "utf8",
          });
        const init = pulumiCli(["stack", "init", "imm-ssm"]);
        assert.equal(init.status, 0, init.stderr);
        const preview = pulumiCli(["preview", "--policy-pack", POLICY_PACK]);
        const output = `${preview.stdout}\n${preview.stderr}`;
        assert.notEqual(preview.status, 0, output);
        assertRefusedByPack(output, ["no-remote-shell"]);
        assert.match(output, /Role "fleet-role" must not give Session Manager shells/, output);
        assert.doesNotMatch(output, /build-role" must/, output);
        assert.doesNotMatch(output, /session-manager-roles-traced/, output);
        pulumiCli(["stack", "rm", "--yes", "--force", "imm-ssm"]);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe("a fleet whose names leave out the release identity", () => {
    const APP = "shop";
    const ENV = "imm";
    const blue = `${APP}-${ENV}-blue`;
    /**
     * The real fleet program with a broken naming: a stack transform gives the launch template and the
     * group fixed names, so a new AMI no longer renames (hence replaces) them; the engine would update the
     * template in place. The `beforeUpdate` hook stays on both resources.
     */
    const staticNamesFleet: RoleProgram = () => {
      pulumi.runtime.registerResourceTransform((args) => {
        const fixed = ["aws:ec2/launchTemplate:LaunchTemplate", "aws:autoscaling/group:Group"];
        if (!fixed.includes(args.type)) return undefined;
        return { props: { ...args.props, name: args.name }, opts: args.opts };
      });
      return loadDefaultPrograms().fleet();
    };
    let engine: LocalWorkspaceEngine;
    let deployment: BlueGreenDeployment;
    const images: string[] = [];
    /** The image of each version of the fleet's launch template, as the emulator has them. */
    const templateImages = async () => {
      const client = ec2();
      try {
        const { LaunchTemplateVersions = [] } = await client.send(
          new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateName: `${blue}-lt` }),
        );
        return LaunchTemplateVersions.map((v) => v.LaunchTemplateData?.ImageId);
      } finally {
        client.destroy();
      }
    };

    before(async () => {
      engine = createLocalWorkspaceEngine({
        projectDir,
        policyPacks: false,
        programs: { ...loadDefaultPrograms(), fleet: staticNamesFleet },
      });
      deployment = new BlueGreenDeployment({
        app: APP,
        env: ENV,
        engine,
        probe: createAwsCloudProbe({}),
        stateDir: engine.localStateDir,
        healthPollMs: 500,
      });
      images.push(await registerImage("shop-imm-v1"), await registerImage("shop-imm-v1-patched"));
      await deployment.bootstrap({
        network: {
          vpcId: process.env.PHOENIX_VPC_ID,
          publicSubnetIds: process.env.PHOENIX_PUBLIC_SUBNETS?.split(","),
          privateSubnetIds: process.env.PHOENIX_PRIVATE_SUBNETS?.split(","),
        },
      });
      await deployment.up({ release: "v1", imageId: images[0] });
      assert.deepEqual(await templateImages(), [images[0]]);
    });

    it("phoenix up: the preview guard refuses the in-place update, and no up runs", async () => {
      const stack = await engine.createOrSelectStack(blue, "fleet");
      const setConfig = async () =>
        Object.entries(await stack.getAllConfig())
          .filter(([, { value }]) => value !== "")
          .map(([key, { value }]) => `${key}=${value}`)
          .sort();
      const configBefore = await setConfig();
      await assert.rejects(deployment.up({ release: "v1", imageId: images[1] }), (error: Error) => {
        assert.ok(error instanceof ImmutableUpdateError, String(error));
        // Read off the real preview's resourcePreEvent (op `update`, with old and new inputs).
        assert.deepEqual(
          error.updates.map((u) => [u.urn.split("::").pop(), u.type, u.keys]),
          [[`${blue}-lt`, "aws:ec2/launchTemplate:LaunchTemplate", ["imageId"]]],
        );
        assert.match(error.message, /Nothing was changed/);
        return true;
      });
      // No up: the template has its one version. The hook did not run in the preview either: the engine skips
      // hooks in a dry run unless registered with onDryRun (pkg/resource/deploy/deployment.go:931 at v3.274.0),
      // and Phoenix's is not, so the guard on the preview's events is what refuses the update first.
      assert.deepEqual(await templateImages(), [images[0]]);
      assert.deepEqual(await setConfig(), configBefore, "the stack's config is as it was");
      const history = await stack.automationStack.history();
      assert.deepEqual(
        history.map((h) => [h.kind, h.result]),
        [["update", "succeeded"]],
        "one update of the blue stack: the first up",
      );
    });

    it("pulumi up without the workflow: the beforeUpdate hook refuses it, the template keeps its image", async () => {
      const stack = await engine.createOrSelectStack(blue, "fleet");
      // The new image by hand, then a plain update of the stack (what `pulumi config set` and `pulumi up` do).
      await stack.setAllConfig({ "phoenix:imageId": { value: images[1] } });
      await assert.rejects(stack.up(), (error: Error) => {
        // pkg/resource/deploy/deployment.go:955 (v3.274.0) wraps the hook's error, which the Node SDK returns
        // as the hook response's `error` (pkg/resource/deploy/source_eval.go:2004-2006).
        assert.match(
          error.message,
          new RegExp(
            `before hook "phoenix-immutable-update-guard" failed: Phoenix refuses to update the launch ` +
              `template "${blue}-lt" in place: \`imageId\` changed`,
          ),
        );
        return true;
      });
      assert.deepEqual(await templateImages(), [images[0]]);
      const groups = [...(await autoScalingGroups()).entries()].filter(([name]) => name === `${blue}-asg`);
      assert.deepEqual(
        groups.map(([, g]) => g.version),
        ["1"],
        "the group still runs the template's first version",
      );
    });
  });
});
