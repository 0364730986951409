// phoenix-fleet/testing used as a user would: their own components under Pulumi's standard unit-test pattern
// (mocks first, resources created at the test's top level, outputs awaited), no Phoenix internals.
import assert from "node:assert/strict";
import * as aws from "@pulumi/aws";
import { BlueGreenRouter, GoldenAmi, ImmutableFleet } from "../../components";
import { FAKE_ACCOUNT, setPhoenixMocks, valueOf } from "../../testing";

describe("phoenix-fleet/testing: setPhoenixMocks", () => {
  before(async () => {
    await setPhoenixMocks({
      project: "shop",
      stack: "dev",
      resources: {
        // A user's override: the fleet's auto scaling group as their cloud would name it.
        "aws:autoscaling/group:Group": (args) => ({ name: `asg-${args.name}` }),
      },
      calls: { "aws:index/getCallerIdentity:getCallerIdentity": () => ({ accountId: "210987654321" }) },
    });
  });

  it("GoldenAmi resolves to the AMI its Image Builder image produced", async () => {
    const image = new GoldenAmi("web", {
      parentImage: "ami-0123456789abcdef0",
      buildSteps: ["dnf install -y nginx"],
    });
    assert.match(await valueOf(image.imageId), /^ami-[0-9a-f]{17}$/);
  });

  it("ImmutableFleet registers (resource hooks included) and takes the user's override", async () => {
    const fleet = new ImmutableFleet("shop-dev-blue", {
      release: "v1",
      app: "shop",
      imageId: "ami-0123456789abcdef0",
      subnetIds: ["subnet-0a", "subnet-0b"],
      securityGroupIds: ["sg-0a"],
      targetGroupArns: [`arn:aws:elasticloadbalancing:us-east-1:${FAKE_ACCOUNT}:targetgroup/blue/1`],
    });
    assert.equal(await valueOf(fleet.autoScalingGroupName), "asg-shop-dev-blue-asg");
  });

  it("BlueGreenRouter's listener has a realistic ARN", async () => {
    const router = new BlueGreenRouter("shop-dev", {
      loadBalancerArn: `arn:aws:elasticloadbalancing:us-east-1:${FAKE_ACCOUNT}:loadbalancer/app/shop/1`,
      targetGroupArns: {
        blue: `arn:aws:elasticloadbalancing:us-east-1:${FAKE_ACCOUNT}:targetgroup/blue/1`,
        green: `arn:aws:elasticloadbalancing:us-east-1:${FAKE_ACCOUNT}:targetgroup/green/2`,
      },
      weights: { blue: 100, green: 0 },
    });
    assert.match(
      await valueOf(router.listenerArn),
      /^arn:aws:elasticloadbalancing:us-east-1:\d{12}:listener\//,
    );
  });

  it("answers a function call from the user's table over the fake cloud's", async () => {
    const identity = await aws.getCallerIdentity();
    assert.equal(identity.accountId, "210987654321");
  });
});
