// Network: validation (table-driven), names within 32 characters, and its children under mocks.
import { strict as assert } from "assert";
import { withMocks, outputOf, type MockedStack } from "../helpers/mocks";
import type { NetworkArgs } from "../../components/network";
import { ELB_NAME_MAX, elbName, resolveNetworkSettings } from "../../components/networkSettings";
import { ComponentArgsError } from "../../components/validation";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const TG = "aws:lb/targetGroup:TargetGroup";

function problemsOf(args: NetworkArgs): string[] {
  try {
    resolveNetworkSettings("demo", args);
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError);
    return [...e.problems];
  }
  return [];
}

const existingVpc = {
  vpcId: "vpc-1",
  publicSubnetIds: ["subnet-p1", "subnet-p2"],
  privateSubnetIds: ["subnet-q1", "subnet-q2"],
};

describe("resolveNetworkSettings", () => {
  it("applies the documented defaults", () => {
    const s = resolveNetworkSettings("demo", {});
    assert.equal(s.mode, "create");
    assert.equal(s.vpcCidr, "10.0.0.0/16");
    assert.equal(s.appPort, 8080);
    assert.deepEqual(s.albIngressCidrs, ["0.0.0.0/0"]);
    assert.equal(s.deregistrationDelay, 30);
    assert.deepEqual(s.healthCheck, {
      path: "/health",
      matcher: "200-399",
      interval: 15,
      healthyThreshold: 2,
      unhealthyThreshold: 3,
      timeout: 5,
    });
    assert.equal(resolveNetworkSettings("demo", existingVpc).mode, "existing");
  });

  it("takes each health check field on its own", () => {
    const s = resolveNetworkSettings("demo", { healthCheck: { path: "/ready", interval: 30 } });
    assert.equal(s.healthCheck.path, "/ready");
    assert.equal(s.healthCheck.interval, 30);
    assert.equal(s.healthCheck.matcher, "200-399");
  });

  const invalid: [string, NetworkArgs, RegExp][] = [
    [
      "a VPC id without public subnets",
      { vpcId: "vpc-1", privateSubnetIds: ["s"] },
      /`publicSubnetIds` is required with `vpcId`/,
    ],
    [
      "subnets without a VPC id",
      { publicSubnetIds: ["s"], privateSubnetIds: ["t"] },
      /`vpcId` is required with/,
    ],
    [
      "empty private subnets",
      { ...existingVpc, privateSubnetIds: [] },
      /`privateSubnetIds` \(\[\]\) must list at least one/,
    ],
    [
      "a CIDR with an existing VPC",
      { ...existingVpc, vpcCidr: "10.1.0.0/16" },
      /`vpcCidr` \("10.1.0.0\/16"\) cannot be used with `vpcId`/,
    ],
    [
      "AZs with an existing VPC",
      { ...existingVpc, availabilityZones: 3 },
      /`availabilityZones` and `natGateways` apply only/,
    ],
    [
      "a malformed CIDR",
      { vpcCidr: "10.0.0.0/33" },
      /`vpcCidr` \("10.0.0.0\/33"\) must be an IPv4 CIDR block from \/16 to \/24/,
    ],
    ["a VPC too large", { vpcCidr: "10.0.0.0/8" }, /`vpcCidr` \("10.0.0.0\/8"\) must be an IPv4 CIDR/],
    ["an octet over 255", { vpcCidr: "10.300.0.0/16" }, /`vpcCidr` \("10.300.0.0\/16"\)/],
    ["one AZ", { availabilityZones: 1 }, /`availabilityZones` \(1\) must be an integer from 2 to 6/],
    [
      "a NAT strategy",
      { natGateways: "Many" as "Single" },
      /`natGateways` \("Many"\) must be "Single", "OnePerAz" or "None"/,
    ],
    ["the SSH port as app port", { appPort: 22 }, /`appPort` \(22\) must not be a remote-access port/],
    ["the RDP port as app port", { appPort: 3389 }, /`appPort` \(3389\) must not be a remote-access port/],
    ["a port out of range", { appPort: 0 }, /`appPort` \(0\) must be an integer from 1 to 65535/],
    ["no ingress CIDRs", { albIngressCidrs: [] }, /`albIngressCidrs` \(\[\]\) must list at least one CIDR/],
    [
      "a bad ingress CIDR",
      { albIngressCidrs: ["everyone"] },
      /`albIngressCidrs\[0\]` \("everyone"\) must be an IPv4 or IPv6 CIDR/,
    ],
    [
      "a bad deregistration delay",
      { deregistrationDelay: 4000 },
      /`deregistrationDelay` \(4000\) must be an integer from 0 to 3600/,
    ],
    [
      "a relative health path",
      { healthCheck: { path: "health" } },
      /`healthCheck.path` \("health"\) must be a URL path/,
    ],
    [
      "a bad matcher",
      { healthCheck: { matcher: "2xx" } },
      /`healthCheck.matcher` \("2xx"\) must be HTTP codes/,
    ],
    [
      "a fast interval",
      { healthCheck: { interval: 1 } },
      /`healthCheck.interval` \(1\) must be an integer from 5 to 300/,
    ],
    [
      "one healthy check",
      { healthCheck: { healthyThreshold: 1 } },
      /`healthCheck.healthyThreshold` \(1\) must be an integer from 2 to 10/,
    ],
    [
      "eleven unhealthy checks",
      { healthCheck: { unhealthyThreshold: 11 } },
      /`healthCheck.unhealthyThreshold` \(11\)/,
    ],
    [
      "a timeout of 1",
      { healthCheck: { timeout: 1 } },
      /`healthCheck.timeout` \(1\) must be an integer from 2 to 120/,
    ],
    [
      "a timeout not below the interval",
      { healthCheck: { timeout: 15 } },
      /`healthCheck.timeout` \(15\) must be less than `healthCheck.interval` \(15\)/,
    ],
  ];
  for (const [title, args, message] of invalid) {
    it(`rejects ${title}`, () => {
      const problems = problemsOf(args);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0], message);
    });
  }

  it("accepts IPv6 ingress CIDRs", () => {
    assert.deepEqual(problemsOf({ albIngressCidrs: ["::/0", "2001:db8::/32", "203.0.113.0/24"] }), []);
  });
});

describe("elbName", () => {
  it("keeps short names as they are", () => {
    assert.equal(elbName("demo", "alb"), "demo-alb");
  });

  it("fits long names in 32 characters and keeps two long names apart", () => {
    const a = elbName("payments-production-eu-west-1-primary", "blue");
    const b = elbName("payments-production-eu-west-1-secondary", "blue");
    assert.ok(a.length <= ELB_NAME_MAX && b.length <= ELB_NAME_MAX, `${a} ${b}`);
    assert.ok(a.endsWith("-blue"));
    assert.notEqual(a, b);
    assert.match(a, /^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/);
  });

  it("turns characters AWS refuses into dashes", () => {
    assert.equal(elbName("my_app.demo", "alb"), "my-app-demo-alb");
  });
});

describe("Network", () => {
  async function plan(args: NetworkArgs) {
    const mocks = await withMocks();
    const { Network } = await import("../../components/network");
    let network: InstanceType<typeof Network> | undefined;
    await mocks.run(async () => {
      network = new Network("demo", args);
      return {
        alb: network.loadBalancer.arn,
        blue: network.targetGroups.blue.arn,
        green: network.targetGroups.green.arn,
      };
    });
    return { mocks, network: network! };
  }

  let mocks: MockedStack;
  let network: Awaited<ReturnType<typeof plan>>["network"];
  // In beforeEach, not before: Stryker's per-test coverage counts only what runs in a test and its beforeEach.
  beforeEach(async () => {
    ({ mocks, network } = await plan({ tags: { env: "demo" } }));
  });

  it("creates the VPC, two security groups, their rules, the ALB and two target groups", () => {
    const count = (type: string) => mocks.ofType(type).length;
    assert.equal(count("awsx:ec2:Vpc"), 1);
    assert.equal(count(SG), 2);
    assert.equal(count(INGRESS), 3);
    assert.equal(count(EGRESS), 2);
    assert.equal(count("aws:lb/loadBalancer:LoadBalancer"), 1);
    assert.equal(count(TG), 2);
    assert.equal(mocks.resources.filter((r) => r.type.startsWith("aws")).length, 11);
  });

  it("VPC: the CIDR, two AZs, one NAT gateway", () => {
    const vpc = mocks.one("awsx:ec2:Vpc").inputs;
    assert.equal(vpc.cidrBlock, "10.0.0.0/16");
    assert.equal(vpc.numberOfAvailabilityZones, 2);
    assert.deepEqual(vpc.natGateways, { strategy: "Single" });
  });

  it("ALB security group: 80 and 443 in from the internet, out to the fleet's port only", async () => {
    const albSg = await outputOf(network.albSecurityGroup.id);
    const fleetSg = await outputOf(network.fleetSecurityGroup.id);
    const ingress = mocks.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === albSg);
    assert.deepEqual(
      ingress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.toPort, r.inputs.cidrIpv4]),
      [
        ["tcp", 80, 80, "0.0.0.0/0"],
        ["tcp", 443, 443, "0.0.0.0/0"],
      ],
    );
    const egress = mocks.ofType(EGRESS).filter((r) => r.inputs.securityGroupId === albSg);
    assert.deepEqual(
      egress.map((r) => [r.inputs.ipProtocol, r.inputs.fromPort, r.inputs.referencedSecurityGroupId]),
      [["tcp", 8080, fleetSg]],
    );
  });

  it("fleet security group: only the ALB on the app port, never SSH", async () => {
    const albSg = await outputOf(network.albSecurityGroup.id);
    const fleetSg = await outputOf(network.fleetSecurityGroup.id);
    const ingress = mocks.ofType(INGRESS).filter((r) => r.inputs.securityGroupId === fleetSg);
    assert.equal(ingress.length, 1);
    assert.equal(ingress[0].inputs.fromPort, 8080);
    assert.equal(ingress[0].inputs.toPort, 8080);
    assert.equal(ingress[0].inputs.ipProtocol, "tcp");
    assert.equal(ingress[0].inputs.referencedSecurityGroupId, albSg);
    assert.equal("cidrIpv4" in ingress[0].inputs, false);
    for (const rule of mocks.ofType(INGRESS)) {
      const from = rule.inputs.fromPort as number;
      const to = rule.inputs.toPort as number;
      assert.ok(!(from <= 22 && 22 <= to), `${rule.name} admits 22`);
      assert.notEqual(rule.inputs.ipProtocol, "-1");
    }
    for (const sg of mocks.ofType(SG)) {
      assert.equal("ingress" in sg.inputs, false, "no inline rules");
    }
  });

  it("ALB: application, internet-facing, in the public subnets, drops invalid headers", async () => {
    const alb = mocks.one("aws:lb/loadBalancer:LoadBalancer").inputs;
    assert.equal(alb.loadBalancerType, "application");
    assert.equal(alb.internal, false);
    assert.equal(alb.dropInvalidHeaderFields, true);
    assert.deepEqual(alb.subnets, await outputOf(network.publicSubnetIds));
    assert.deepEqual(alb.securityGroups, [await outputOf(network.albSecurityGroup.id)]);
    assert.equal(alb.name, "demo-alb");
  });

  it("target groups: blue and green, the app port, the health check, a 30 s drain", async () => {
    const groups = mocks.ofType(TG);
    assert.deepEqual(
      groups.map((g) => g.name),
      ["demo-blue", "demo-green"],
    );
    for (const group of groups) {
      assert.equal(group.inputs.port, 8080);
      assert.equal(group.inputs.protocol, "HTTP");
      assert.equal(group.inputs.deregistrationDelay, 30);
      assert.equal(group.inputs.vpcId, await outputOf(network.vpcId));
      assert.ok((group.inputs.name as string).length <= 32);
      assert.deepEqual(group.inputs.healthCheck, {
        enabled: true,
        protocol: "HTTP",
        port: "traffic-port",
        path: "/health",
        matcher: "200-399",
        interval: 15,
        healthyThreshold: 2,
        unhealthyThreshold: 3,
        timeout: 5,
      });
    }
    assert.deepEqual(
      groups.map((g) => (g.inputs.tags as Record<string, string>)["phoenix:colour"]),
      ["blue", "green"],
    );
    assert.equal((groups[0].inputs.tags as Record<string, string>).env, "demo");
  });

  it("exposes the VPC's subnets and the app port", async () => {
    assert.match(await outputOf(network.vpcId), /^vpc-/);
    assert.equal((await outputOf(network.privateSubnetIds)).length, 2);
    assert.equal(network.appPort, 8080);
  });

  it("uses an existing VPC without creating one", async () => {
    const { mocks: m, network: n } = await plan({ ...existingVpc, appPort: 3000, albIngressCidrs: ["::/0"] });
    assert.equal(m.ofType("awsx:ec2:Vpc").length, 0);
    assert.equal(n.vpc, undefined);
    assert.equal(await outputOf(n.vpcId), "vpc-1");
    assert.deepEqual(await outputOf(n.privateSubnetIds), ["subnet-q1", "subnet-q2"]);
    assert.deepEqual(m.one("aws:lb/loadBalancer:LoadBalancer").inputs.subnets, ["subnet-p1", "subnet-p2"]);
    const ipv6 = m.ofType(INGRESS).filter((r) => r.inputs.cidrIpv6 === "::/0");
    assert.equal(ipv6.length, 2);
    assert.ok(m.ofType(TG).every((g) => g.inputs.vpcId === "vpc-1" && g.inputs.port === 3000));
  });

  it("fails before creating any child when the arguments are invalid", async () => {
    const m = await withMocks();
    const { Network } = await import("../../components/network");
    // In one program with a valid network: once the run has registered every child of that one, anything the
    // invalid one had started would be registered too (no wall-clock wait).
    await m.run(async () => {
      assert.throws(
        () => new Network("demo", { vpcId: "vpc-1", appPort: 22 }),
        (e: ComponentArgsError) => {
          assert.equal(e.problems.length, 3);
          return true;
        },
      );
      return { alb: new Network("control", { tags: { env: "demo" } }).loadBalancer.arn };
    });
    const aws = m.resources.filter((r) => r.type.startsWith("aws"));
    assert.ok(aws.length > 0, "the valid network registered its children");
    assert.deepEqual(
      aws.filter((r) => !r.name.startsWith("control")).map((r) => r.name),
      [],
    );
  });
});
