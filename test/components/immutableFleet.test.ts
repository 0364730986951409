// ImmutableFleet under Pulumi's mock runtime: its children and their inputs, the release identity, the
// update-guard hook. The component is imported after `withMocks` (resources made before never reach it).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { withMocks, outputOf, type MockedStack } from "../helpers/mocks";
import type { ImmutableFleetArgs } from "../../components/immutableFleet";
import {
  PHOENIX_TAGS,
  autoScalingGroupIdentity,
  identityOfName,
  isSerializedSecret,
  launchTemplateIdentity,
  userDataDigest,
} from "../../components/immutability/identity";
import { registeredHooks } from "../../programs/offline/mockRuntime";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";

function happyPathArgs(): ImmutableFleetArgs {
  return {
    release: "r1",
    app: "web",
    imageId: "ami-0123456789abcdef0",
    subnetIds: ["subnet-0a", "subnet-0b"],
    securityGroupIds: ["sg-0a"],
    targetGroupArns: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1"],
    userData: "#!/bin/sh\nexec /opt/app/run\n",
    tags: { team: "platform" },
  };
}

/** Plan one fleet in a fresh mock stack; returns the recorder and the component's resolved outputs. */
async function planFleet(
  args: ImmutableFleetArgs | (() => ImmutableFleetArgs),
  options: { preview?: boolean } = {},
) {
  const mocks = await withMocks({ preview: options.preview });
  const { ImmutableFleet } = await import("../../components/immutableFleet");
  let fleet: InstanceType<typeof ImmutableFleet> | undefined;
  await mocks.run(async () => {
    fleet = new ImmutableFleet("web-demo-blue", typeof args === "function" ? args() : args);
    // Returning the group's name makes the run wait until every child is registered.
    return { name: fleet.autoScalingGroupName };
  });
  return { mocks, fleet: fleet! };
}

async function namesOf(args: ImmutableFleetArgs) {
  const { mocks } = await planFleet(args);
  return { lt: mocks.one(LT).inputs.name as string, asg: mocks.one(ASG).inputs.name as string };
}

interface HookBindingRequest {
  getName(): string;
  getHooks(): { getBeforeUpdateList(): string[] } | undefined;
}

/** The `beforeUpdate` hook names each resource is registered with, as the engine would receive them. */
async function beforeUpdateHooksSent(plan: () => Promise<unknown>): Promise<Map<string, string[]>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: { prototype: { registerResource(req: HookBindingRequest, cb: unknown): unknown } };
  };
  const original = MockMonitor.prototype.registerResource;
  const bound = new Map<string, string[]>();
  MockMonitor.prototype.registerResource = function (req: HookBindingRequest, cb: unknown) {
    bound.set(req.getName(), req.getHooks()?.getBeforeUpdateList() ?? []);
    return original.call(this, req, cb);
  };
  try {
    await plan();
  } finally {
    MockMonitor.prototype.registerResource = original;
  }
  return bound;
}

interface SecretOutputsRequest {
  getName(): string;
  getAdditionalsecretoutputsList(): string[];
}

/** The `additionalSecretOutputs` each resource is registered with, as the engine would receive them. */
async function additionalSecretOutputsSent(plan: () => Promise<unknown>): Promise<Map<string, string[]>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: { prototype: { registerResource(req: SecretOutputsRequest, cb: unknown): unknown } };
  };
  const original = MockMonitor.prototype.registerResource;
  const sent = new Map<string, string[]>();
  MockMonitor.prototype.registerResource = function (req: SecretOutputsRequest, cb: unknown) {
    sent.set(req.getName(), req.getAdditionalsecretoutputsList());
    return original.call(this, req, cb);
  };
  try {
    await plan();
  } finally {
    MockMonitor.prototype.registerResource = original;
  }
  return sent;
}

describe("ImmutableFleet", () => {
  let mocks: MockedStack;
  let fleet: Awaited<ReturnType<typeof planFleet>>["fleet"];

  // In beforeEach, not before: Stryker's per-test coverage counts only what runs in a test and its beforeEach.
  beforeEach(async () => {
    ({ mocks, fleet } = await planFleet(happyPathArgs()));
  });

  it("creates a role, its CloudWatch agent policy, a profile, a launch template and a group", () => {
    const children = mocks.resources.filter((r) => r.type.startsWith("aws:"));
    assert.deepEqual(children.map((r) => r.type).sort(), [
      ASG,
      LT,
      "aws:iam/instanceProfile:InstanceProfile",
      "aws:iam/role:Role",
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    ]);
    assert.deepEqual(children.map((r) => r.name).sort(), [
      "web-demo-blue-asg",
      "web-demo-blue-cloudwatch-agent",
      "web-demo-blue-lt",
      "web-demo-blue-profile",
      "web-demo-blue-role",
    ]);
    for (const child of children) {
      assert.match(child.parentUrn ?? "", /phoenix:aws:ImmutableFleet::web-demo-blue$/, child.name);
    }
  });

  it("gives the role only EC2 trust and the CloudWatch agent policy (no SSM)", () => {
    const role = mocks.one("aws:iam/role:Role");
    const trust = JSON.parse(role.inputs.assumeRolePolicy as string);
    assert.deepEqual(trust.Statement[0].Principal, { Service: "ec2.amazonaws.com" });
    const attachments = mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.deepEqual(
      attachments.map((a) => a.inputs.policyArn),
      ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"],
    );
  });

  it("launch template: no keyName, IMDSv2, encrypted root volume, encoded user data, the created profile", () => {
    const lt = mocks.one(LT).inputs;
    assert.equal("keyName" in lt, false);
    assert.equal("updateDefaultVersion" in lt, false);
    assert.equal(lt.imageId, "ami-0123456789abcdef0");
    assert.equal(lt.instanceType, "t3.micro");
    assert.equal((lt.metadataOptions as Record<string, unknown>).httpTokens, "required");
    assert.deepEqual(lt.blockDeviceMappings, [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    // A secret as the engine receives it: the signature and the (base64) value.
    assert.ok(isSerializedSecret(lt.userData));
    const userData = (lt.userData as { value: string }).value;
    assert.equal(Buffer.from(userData, "base64").toString(), "#!/bin/sh\nexec /opt/app/run\n");
    assert.deepEqual(lt.vpcSecurityGroupIds, ["sg-0a"]);
    const profile = mocks.one("aws:iam/instanceProfile:InstanceProfile");
    assert.match(
      (lt.iamInstanceProfile as { arn: string }).arn,
      new RegExp(`instance-profile/${profile.name}-`),
    );
  });

  it("tags instances, volumes and the template with app, release and identity", async () => {
    const lt = mocks.one(LT).inputs;
    const identity = await outputOf(fleet.identity);
    const expected = {
      team: "platform",
      "phoenix:app": "web",
      "phoenix:release": "r1",
      "phoenix:identity": identity,
    };
    const specs = lt.tagSpecifications as { resourceType: string; tags: Record<string, string> }[];
    assert.deepEqual(
      specs.map((s) => s.resourceType),
      ["instance", "volume", "network-interface"],
    );
    for (const spec of specs) assert.deepEqual(spec.tags, expected);
    // The template alone also carries the digest of its (secret) user data: a plain value, not a secret.
    const digest = userDataDigest(Buffer.from("#!/bin/sh\nexec /opt/app/run\n").toString("base64"));
    assert.deepEqual(lt.tags, { ...expected, [PHOENIX_TAGS.userDataDigest]: digest });
  });

  it("sends the launch template's user data as a secret input and asks for a secret output", async () => {
    const secretOutputs = await additionalSecretOutputsSent(() => planFleet(happyPathArgs()));
    assert.deepEqual(secretOutputs.get("web-demo-blue-lt"), ["userData"]);
    assert.deepEqual(secretOutputs.get("web-demo-blue-asg"), []);
    // Everything else about the template stays readable: the names and tags the policies read.
    const lt = mocks.one(LT).inputs;
    assert.equal(typeof lt.name, "string");
    assert.equal(isSerializedSecret(lt.tags), false);
    assert.equal(await outputOf(pulumi.isSecret(fleet.identity)), false);
  });

  it("leaves the template untagged and its user data unset without user data", async () => {
    const { mocks: m } = await planFleet({ ...happyPathArgs(), userData: undefined });
    const lt = m.one(LT).inputs;
    assert.equal("userData" in lt, false);
    assert.equal(PHOENIX_TAGS.userDataDigest in (lt.tags as Record<string, string>), false);
  });

  it("computes the identity offline from the digest tag when the user data is only ciphertext", async () => {
    const lt = mocks.one(LT).inputs;
    const identity = await outputOf(fleet.identity);
    // As in a stack export: the user data encrypted, the tags plain.
    const exported = {
      ...lt,
      userData: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        ciphertext: "v1:abc",
      },
    };
    assert.equal(launchTemplateIdentity(exported), identity);
  });

  it("group: template by name at a pinned version, ELB health checks, waits for healthy targets", () => {
    const asg = mocks.one(ASG).inputs;
    const lt = mocks.one(LT).inputs;
    assert.deepEqual(asg.launchTemplate, { name: lt.name, version: "1" });
    assert.deepEqual(asg.vpcZoneIdentifiers, ["subnet-0a", "subnet-0b"]);
    assert.deepEqual(asg.targetGroupArns, happyPathArgs().targetGroupArns);
    assert.equal(asg.healthCheckType, "ELB");
    assert.equal(asg.waitForElbCapacity, 2);
    assert.equal(asg.waitForCapacityTimeout, "10m");
    assert.deepEqual([asg.minSize, asg.maxSize, asg.desiredCapacity], [1, 3, 2]);
    const tags = asg.tags as { key: string; value: string; propagateAtLaunch: boolean }[];
    assert.deepEqual(tags.map((t) => t.key).sort(), [
      "phoenix:app",
      "phoenix:identity",
      "phoenix:release",
      "team",
    ]);
    assert.ok(tags.every((t) => t.propagateAtLaunch));
  });

  it("names carry the identity the policy recomputes from the inputs it sees", async () => {
    const lt = mocks.one(LT).inputs;
    const asg = mocks.one(ASG).inputs;
    const identity = await outputOf(fleet.identity);
    assert.equal(launchTemplateIdentity(lt), identity);
    assert.equal(identityOfName(lt.name), identity);
    assert.equal(autoScalingGroupIdentity(asg), identity);
    assert.equal(await outputOf(fleet.launchTemplateName), `web-demo-blue-r1-${identity}`);
    assert.equal(await outputOf(fleet.autoScalingGroupName), `web-demo-blue-r1-${identity}`);
    assert.equal(fleet.release, "r1");
  });

  it("registers the update-guard hook and binds it before updates of the template and the group", async () => {
    const { UPDATE_GUARD_HOOK_NAME } = await import("../../components/fleetUpdateHook");
    assert.ok(registeredHooks.has(UPDATE_GUARD_HOOK_NAME));
    const bound = await beforeUpdateHooksSent(() => planFleet(happyPathArgs()));
    assert.deepEqual(bound.get("web-demo-blue-lt"), [UPDATE_GUARD_HOOK_NAME]);
    assert.deepEqual(bound.get("web-demo-blue-asg"), [UPDATE_GUARD_HOOK_NAME]);
    assert.deepEqual(bound.get("web-demo-blue-role") ?? [], []);
  });

  it("uses a given instance profile instead of creating one", async () => {
    const arn = "arn:aws:iam::123456789012:instance-profile/app";
    const { mocks: m } = await planFleet({ ...happyPathArgs(), instanceProfileArn: arn });
    assert.equal(m.ofType("aws:iam/role:Role").length, 0);
    assert.equal(m.ofType("aws:iam/instanceProfile:InstanceProfile").length, 0);
    assert.deepEqual(m.one(LT).inputs.iamInstanceProfile, { arn });
    assert.equal(m.resources.filter((r) => r.type.startsWith("aws:")).length, 2);
  });

  for (const targetGroupArns of [undefined, []]) {
    it(`without target groups (${JSON.stringify(targetGroupArns)}): EC2 health checks and no ELB wait`, async () => {
      const { mocks: m } = await planFleet({ ...happyPathArgs(), targetGroupArns });
      const asg = m.one(ASG).inputs;
      assert.equal(asg.healthCheckType, "EC2");
      assert.equal("waitForElbCapacity" in asg, false);
      assert.equal("targetGroupArns" in asg, false);
    });
  }

  it("fails before creating any child when the arguments are invalid", async () => {
    const m = await withMocks();
    const { ImmutableFleet } = await import("../../components/immutableFleet");
    // In one program with a valid fleet: once the run has registered every child of that one, anything the
    // invalid one had started would be registered too (no wall-clock wait).
    await m.run(async () => {
      assert.throws(
        () => new ImmutableFleet("web", { ...happyPathArgs(), desiredCapacity: 7, maxSize: 4 }),
        /`desiredCapacity` \(7\) must be between `minSize` \(1\) and `maxSize` \(4\)/,
      );
      return { name: new ImmutableFleet("control", happyPathArgs()).autoScalingGroupName };
    });
    const aws = m.resources.filter((r) => r.type.startsWith("aws:"));
    assert.ok(aws.length > 0, "the valid fleet registered its children");
    assert.deepEqual(
      aws.filter((r) => !r.name.startsWith("control")).map((r) => r.name),
      [],
    );
  });
});

describe("ImmutableFleet release identity", () => {
  let base: { lt: string; asg: string };
  // In beforeEach, not before: Stryker's per-test coverage counts only what runs in a test and its beforeEach.
  beforeEach(async () => {
    base = await namesOf(happyPathArgs());
  });

  const replacing: [string, Partial<ImmutableFleetArgs>][] = [
    ["the AMI", { imageId: "ami-0fedcba9876543210" }],
    ["the instance type", { instanceType: "t3.large" }],
    ["the user data", { userData: "#!/bin/sh\nexec /opt/app/run --v2\n" }],
    ["the security groups", { securityGroupIds: ["sg-0a", "sg-0b"] }],
    ["the instance profile", { instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/other" }],
    ["the root volume", { rootVolume: { sizeGiB: 40 } }],
  ];
  for (const [what, change] of replacing) {
    it(`changes both names when ${what} changes`, async () => {
      const names = await namesOf({ ...happyPathArgs(), ...change });
      assert.notEqual(names.lt, base.lt);
      assert.notEqual(names.asg, base.asg);
      assert.notEqual(identityOfName(names.lt), identityOfName(base.lt));
    });
  }

  const keeping: [string, Partial<ImmutableFleetArgs>][] = [
    ["capacity", { minSize: 2, maxSize: 8, desiredCapacity: 5 }],
    ["tags", { tags: { team: "payments", cost: "42" } }],
    ["the subnets", { subnetIds: ["subnet-0c"] }],
    ["the wait timeout", { waitForCapacityTimeout: "20m" }],
  ];
  for (const [what, change] of keeping) {
    it(`keeps both names when ${what} changes`, async () => {
      assert.deepEqual(await namesOf({ ...happyPathArgs(), ...change }), base);
    });
  }

  it("changes the names, not the identity, with the release", async () => {
    const names = await namesOf({ ...happyPathArgs(), release: "r2" });
    assert.equal(identityOfName(names.lt), identityOfName(base.lt));
    assert.notEqual(names.lt, base.lt);
  });

  it("hashes outputs of other resources by value, never as [object Object]", async () => {
    const viaOutputs = await namesOf({
      ...happyPathArgs(),
      imageId: pulumi.output(Promise.resolve("ami-0123456789abcdef0")),
      securityGroupIds: pulumi.output(["sg-0a"]),
      userData: pulumi.secret("#!/bin/sh\nexec /opt/app/run\n"),
    });
    assert.deepEqual(viaOutputs, base);
  });

  it("leaves the names unknown during preview when an input is unknown", async () => {
    // The unknown is made after the preview runtime is installed, as an engine would make it.
    const { mocks, fleet } = await planFleet(
      () => ({ ...happyPathArgs(), imageId: pulumi.output(pulumi.unknown) as pulumi.Output<string> }),
      { preview: true },
    );
    const isKnown = (o: pulumi.Output<unknown>) => (o as unknown as { isKnown: Promise<boolean> }).isKnown;
    assert.equal(await isKnown(fleet.identity), false);
    // The engine is sent unknown names and tags, never a stringified placeholder.
    assert.ok(pulumi.isUnknown(mocks.one(LT).inputs.name));
    assert.ok(pulumi.isUnknown(mocks.one(ASG).inputs.name));
    const specs = mocks.one(LT).inputs.tagSpecifications as { tags: unknown }[];
    assert.ok(specs.every((spec) => pulumi.isUnknown(spec.tags)));
    assert.equal(JSON.stringify(mocks.one(ASG).inputs).includes("[object Object]"), false);
  });
});
