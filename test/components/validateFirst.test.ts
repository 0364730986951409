// Every component checks its arguments before it registers anything, itself included: a program that catches
// the error has registered nothing under that name (STYLE: validate before creating any resource).
import { strict as assert } from "assert";
import { withMocks } from "../helpers/mocks";
import { ComponentArgsError } from "../../components/validation";

const TG = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1";
const LB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/web/1";
const alias = (colour: string) => ({ dnsName: `${colour}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" });

/** Each component with arguments that fail its check, and a valid control built in the same program. */
const CASES: Array<{
  component: string;
  build: (m: typeof import("../../components")) => (name: string, valid: boolean) => unknown;
}> = [
  {
    component: "ImmutableFleet",
    build: (c) => (name, valid) =>
      new c.ImmutableFleet(name, {
        release: "v1",
        app: "web",
        imageId: "ami-0123456789abcdef0",
        subnetIds: ["subnet-0a"],
        securityGroupIds: ["sg-0a"],
        targetGroupArns: [TG],
        ...(valid ? {} : { desiredCapacity: 7, maxSize: 4 }),
      }),
  },
  {
    component: "GoldenAmi",
    build: (c) => (name, valid) =>
      new c.GoldenAmi(name, { parentImage: valid ? "ami-0123456789abcdef0" : "", buildSteps: ["true"] }),
  },
  {
    component: "BlueGreenRouter",
    build: (c) => (name, valid) =>
      new c.BlueGreenRouter(name, {
        loadBalancerArn: LB,
        targetGroupArns: { blue: TG, green: TG.replace("blue", "green") },
        weights: valid ? { blue: 100, green: 0 } : { blue: 70, green: 70 },
      }),
  },
  {
    component: "Network",
    build: (c) => (name, valid) =>
      new c.Network(name, {
        vpcId: "vpc-0123456789abcdef0",
        publicSubnetIds: ["subnet-0a", "subnet-0b"],
        privateSubnetIds: ["subnet-0c"],
        appPort: valid ? 8080 : 22,
      }),
  },
  {
    component: "Route53Router",
    build: (c) => (name, valid) =>
      new c.Route53Router(name, {
        zoneId: "Z0123456789ABC",
        recordName: "shop.example.com",
        loadBalancers: { blue: alias("blue"), green: alias("green") },
        weights: valid ? { blue: 100, green: 0 } : { blue: 70, green: 70 },
      }),
  },
];

describe("components check their arguments before registering anything", () => {
  for (const { component, build } of CASES) {
    it(`${component}: invalid arguments register nothing under that name, not even the component`, async () => {
      const m = await withMocks();
      const make = build(await import("../../components"));
      // In one program with a valid one: once the run has registered that one and its children, anything the
      // invalid one had started would be registered too (no wall-clock wait).
      await m.run(async () => {
        assert.throws(() => make("invalid", false), ComponentArgsError);
        make("control", true);
      });
      assert.ok(
        m.resources.some((r) => r.type === `phoenix:aws:${component}` && r.name === "control"),
        "the valid one registered itself",
      );
      assert.deepEqual(
        m.resources.filter((r) => r.name.startsWith("invalid")).map((r) => `${r.type} ${r.name}`),
        [],
      );
    });
  }
});
