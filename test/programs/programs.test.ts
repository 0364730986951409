// Each role's program under Pulumi's mock runtime, with its config and the upstream stacks' outputs.
import { strict as assert } from "assert";
import type { Program } from "../../programs";
import { withMocks, type MockedStack } from "../helpers/mocks";

const network = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"],
  privateSubnetIds: ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"],
  albArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod/50dc6c495c0c9188",
  albDnsName: "shop-prod-123.us-east-1.elb.amazonaws.com",
  albSecurityGroupId: "sg-0aaaaaaaaaaaaaaa1",
  fleetSecurityGroupId: "sg-0bbbbbbbbbbbbbbb1",
  blueTargetGroupArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-blue/0123456789abcdef",
  greenTargetGroupArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-green/fedcba9876543210",
  appPort: 8080,
};
const common = { "phoenix:app": "shop", "phoenix:env": "prod" };

async function run(config: Record<string, unknown>, stacks: Record<string, Record<string, unknown>> = {}) {
  const mocks: MockedStack = await withMocks({
    stack: "under-test",
    config: { ...common, ...config },
    stacks,
  });
  const { runConfiguredRole } = await import("../../programs");
  const outputs = await mocks.run(runConfiguredRole as Program);
  return { mocks, outputs };
}

async function failure(
  config: Record<string, unknown>,
  stacks: Record<string, Record<string, unknown>> = {},
): Promise<Error> {
  try {
    await run(config, stacks);
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected the program to fail");
}

describe("programs", function () {
  this.timeout(120_000);

  it("refuses a stack without phoenix:role, naming the key", async () => {
    const error = await failure({});
    assert.match(error.message, /`phoenix:role` is required: `pulumi config set phoenix:role <value>`/);
  });

  it("refuses an unknown role, naming the allowed ones", async () => {
    const error = await failure({ "phoenix:role": "db" });
    assert.match(error.message, /`phoenix:role` \("db"\) must be one of network, fleet, router, golden-ami/);
  });

  it("network: creates the VPC, ALB, security groups and both target groups, and exports them", async () => {
    const { mocks, outputs } = await run({ "phoenix:role": "network", "phoenix:appPort": "9000" });
    assert.equal(mocks.ofType("awsx:ec2:Vpc").length, 1);
    assert.equal(mocks.ofType("aws:lb/loadBalancer:LoadBalancer").length, 1);
    assert.equal(mocks.ofType("aws:lb/targetGroup:TargetGroup").length, 2);
    for (const key of [
      "vpcId",
      "albArn",
      "albDnsName",
      "fleetSecurityGroupId",
      "blueTargetGroupArn",
      "greenTargetGroupArn",
    ]) {
      assert.equal(typeof outputs[key], "string", `output ${key}`);
    }
    assert.equal(outputs.appPort, 9000);
    assert.notEqual(outputs.blueTargetGroupArn, outputs.greenTargetGroupArn);
  });

  it("fleet: deploys the release behind its colour's target group, from the network stack's outputs", async () => {
    const { mocks, outputs } = await run(
      {
        "phoenix:role": "fleet",
        "phoenix:colour": "green",
        "phoenix:release": "v2.0.0",
        "phoenix:imageId": "ami-0123456789abcdef0",
      },
      { "shop-prod-network": network },
    );
    const group = mocks.one("aws:autoscaling/group:Group");
    assert.deepEqual(group.inputs.targetGroupArns, [network.greenTargetGroupArn]);
    assert.deepEqual(group.inputs.vpcZoneIdentifiers, network.privateSubnetIds);
    const template = mocks.one("aws:ec2/launchTemplate:LaunchTemplate");
    assert.equal(template.inputs.imageId, "ami-0123456789abcdef0");
    assert.deepEqual(template.inputs.vpcSecurityGroupIds, [network.fleetSecurityGroupId]);
    assert.equal(template.inputs.keyName, undefined);
    assert.equal(outputs.colour, "green");
    assert.equal(outputs.release, "v2.0.0");
    assert.equal(outputs.targetGroupArn, network.greenTargetGroupArn);
    assert.match(String(outputs.autoScalingGroupName), new RegExp(`-${outputs.identity}$`));
  });

  it("fleet: takes the AMI from the golden AMI stack when no imageId is set", async () => {
    const { mocks } = await run(
      { "phoenix:role": "fleet", "phoenix:colour": "blue", "phoenix:release": "v2.0.0" },
      { "shop-prod-network": network, "shop-prod-ami": { imageId: "ami-0fedcba9876543210" } },
    );
    assert.equal(mocks.one("aws:ec2/launchTemplate:LaunchTemplate").inputs.imageId, "ami-0fedcba9876543210");
  });

  it("fleet: says which stack to deploy first when the network stack has no outputs", async () => {
    const error = await failure(
      {
        "phoenix:role": "fleet",
        "phoenix:colour": "blue",
        "phoenix:release": "v2.0.0",
        "phoenix:imageId": "ami-0123456789abcdef0",
      },
      { "shop-prod-network": {} },
    );
    assert.match(error.message, /deploy the network stack first/);
  });

  it("router: weights the two target groups as configured", async () => {
    const { mocks, outputs } = await run(
      { "phoenix:role": "router", "phoenix:blueWeight": "90", "phoenix:greenWeight": "10" },
      { "shop-prod-network": network },
    );
    const listener = mocks.one("aws:lb/listener:Listener");
    assert.equal(listener.inputs.loadBalancerArn, network.albArn);
    const forward = (
      listener.inputs.defaultActions as Array<{
        forward: { targetGroups: Array<{ arn: string; weight: number }> };
      }>
    )[0].forward;
    assert.deepEqual(
      forward.targetGroups.map((t) => [t.arn, t.weight]),
      [
        [network.blueTargetGroupArn, 90],
        [network.greenTargetGroupArn, 10],
      ],
    );
    assert.deepEqual(outputs.weights, { blue: 90, green: 10 });
    assert.equal(outputs.url, `http://${network.albDnsName}/`);
  });

  it("router: with no weights set, no release is live: one listener answering 503, weights 0/0", async () => {
    const { mocks, outputs } = await run({ "phoenix:role": "router" }, { "shop-prod-network": network });
    assert.equal(mocks.ofType("aws:lb/listener:Listener").length, 1);
    assert.deepEqual(mocks.one("aws:lb/listener:Listener").inputs.defaultActions, [
      {
        type: "fixed-response",
        fixedResponse: {
          contentType: "text/plain",
          messageBody: "no release is live yet",
          statusCode: "503",
        },
      },
    ]);
    assert.deepEqual(outputs.weights, { blue: 0, green: 0 });
  });

  it("golden-ami: bakes from the parent image and exports the AMI id", async () => {
    const { mocks, outputs } = await run({
      "phoenix:role": "golden-ami",
      "phoenix:parentImage": "ami-0123456789abcdef0",
      "phoenix:buildSteps": JSON.stringify(["dnf -y install nginx"]),
    });
    assert.equal(
      mocks.one("aws:imagebuilder/imageRecipe:ImageRecipe").inputs.parentImage,
      "ami-0123456789abcdef0",
    );
    assert.match(String(outputs.imageId), /^ami-[0-9a-f]{17}$/);
  });
});

describe("the root Pulumi.yaml", function () {
  this.timeout(120_000);

  it("runs the compiled programs/main, which runs the stack's configured role", async () => {
    const { readFileSync } = await import("fs");
    const project = readFileSync(`${__dirname}/../../Pulumi.yaml`, "utf8");
    assert.match(project, /^name: phoenix$/m);
    assert.match(project, /^main: dist\/programs\/main\.js$/m);

    const mocks = await withMocks({
      stack: "root-program",
      config: { ...common, "phoenix:role": "router", "phoenix:greenWeight": "100" },
      stacks: { "shop-prod-network": network },
    });
    // What Pulumi's Node.js host does with `main`: require it, and await what it exports.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const outputs = await mocks.run(() => require("../../programs/main") as Promise<Record<string, unknown>>);
    assert.deepEqual(outputs.weights, { blue: 0, green: 100 });
    assert.equal(mocks.ofType("aws:lb/listener:Listener").length, 1);
  });
});
