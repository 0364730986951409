// Every child of a Network, input by input (STYLE: assert on specific inputs of specific children, and on
// counts), and each one parented to the component. The target group's name suffix is pinned as a literal:
// base32(sha256('{"port":8080,"vpcId":"<the fake cloud's VPC id>"}')) cut to 5, worked out with hashlib.
import { strict as assert } from "assert";
import { withMocks, type MockedStack } from "../helpers/mocks";

const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const TAGS = { env: "demo" };

describe("Network children, input by input", () => {
  let mocks: MockedStack;
  const byName = (name: string) => {
    const found = mocks.resources.filter((r) => r.name === name);
    assert.equal(found.length, 1, `one resource named ${name}`);
    return found[0];
  };
  // The fake cloud's group ids: the ALB's from its clients' rule, the fleet's from its only way in.
  const albGroup = () => byName("demo-alb-in-80-0").inputs.securityGroupId;
  const fleetGroup = () => byName("demo-fleet-in-alb").inputs.securityGroupId;

  // Planned for each test, not once in `before`: Stryker's per-test coverage counts only what runs inside a
  // test and its beforeEach hooks, so a plan made once would leave these tests out of every mutant's run.
  beforeEach(async () => {
    mocks = await withMocks();
    const { Network } = await import("../../components/network");
    await mocks.run(async () => {
      const network = new Network("demo", { tags: TAGS });
      return {
        alb: network.loadBalancer.arn,
        blue: network.targetGroups.blue.arn,
        green: network.targetGroups.green.arn,
      };
    });
  });

  it("the VPC: its CIDR, two zones, one NAT gateway, DNS host names, the tags", () => {
    const vpc = byName("demo-vpc");
    assert.equal(vpc.type, "awsx:ec2:Vpc");
    assert.equal(vpc.inputs.enableDnsHostnames, true);
    assert.deepEqual(vpc.inputs.natGateways, { strategy: "Single" });
    assert.deepEqual(vpc.inputs.tags, TAGS);
    assert.equal(typeof vpc.inputs.cidrBlock, "string");
    assert.equal(vpc.inputs.numberOfAvailabilityZones, 2);
  });

  it("two security groups, described, in the VPC", () => {
    const vpcId = byName("demo-alb-sg").inputs.vpcId;
    assert.match(String(vpcId), /^vpc-/);
    assert.deepEqual(byName("demo-alb-sg").inputs, {
      description: "Load balancer of demo: HTTP(S) in, the fleet port out",
      vpcId,
      tags: TAGS,
    });
    assert.deepEqual(byName("demo-fleet-sg").inputs, {
      description: "Fleets of demo: the app port from the load balancer only, no SSH",
      vpcId,
      tags: TAGS,
    });
    assert.equal(mocks.ofType(SG).length, 2);
  });

  it("the rules: clients to the ALB on 80 and 443, the ALB to the app port, the fleet out through the NAT", () => {
    const alb = albGroup();
    const fleet = fleetGroup();
    assert.match(String(alb), /^sg-/);
    assert.match(String(fleet), /^sg-/);
    assert.notEqual(alb, fleet);
    for (const port of [80, 443]) {
      assert.deepEqual(byName(`demo-alb-in-${port}-0`).inputs, {
        securityGroupId: alb,
        description: `Clients to the load balancer on ${port}`,
        ipProtocol: "tcp",
        fromPort: port,
        toPort: port,
        cidrIpv4: "0.0.0.0/0",
        tags: TAGS,
      });
    }
    assert.deepEqual(byName("demo-alb-out-fleet").inputs, {
      securityGroupId: alb,
      description: "Load balancer to the fleet's app port (traffic and health checks)",
      ipProtocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      referencedSecurityGroupId: fleet,
      tags: TAGS,
    });
    assert.deepEqual(byName("demo-fleet-in-alb").inputs, {
      securityGroupId: fleet,
      description: "The load balancer to the app port: the only way in",
      ipProtocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      referencedSecurityGroupId: alb,
      tags: TAGS,
    });
    assert.deepEqual(byName("demo-fleet-out").inputs, {
      securityGroupId: fleet,
      description: "Fleet egress (AWS APIs, CloudWatch, the app's dependencies) through the NAT",
      ipProtocol: "-1",
      cidrIpv4: "0.0.0.0/0",
      tags: TAGS,
    });
    assert.equal(mocks.ofType(INGRESS).length, 3);
    assert.equal(mocks.ofType(EGRESS).length, 2);
  });

  it("the ALB: public, application, its group, invalid headers dropped, in the public subnets", () => {
    const alb = byName("demo-alb");
    assert.equal(alb.type, "aws:lb/loadBalancer:LoadBalancer");
    assert.deepEqual(
      { ...alb.inputs, subnets: undefined },
      {
        name: "demo-alb",
        loadBalancerType: "application",
        internal: false,
        securityGroups: [albGroup()],
        dropInvalidHeaderFields: true,
        subnets: undefined,
        tags: TAGS,
      },
    );
    assert.equal((alb.inputs.subnets as string[]).length, 2);
  });

  it("a target group per colour: HTTP to instances on the app port, health-checked, named per VPC and port", () => {
    const vpcId = byName("demo-alb-sg").inputs.vpcId;
    assert.equal(
      vpcId,
      "vpc-8c7aee33bbf39aea0",
      "the fake cloud's VPC id, which the pinned suffix below hashes",
    );
    for (const colour of ["blue", "green"]) {
      const group = byName(`demo-${colour}`);
      assert.deepEqual(group.inputs, {
        name: `demo-${colour}-qgkg2`,
        port: 8080,
        protocol: "HTTP",
        targetType: "instance",
        vpcId,
        deregistrationDelay: 30,
        healthCheck: {
          enabled: true,
          protocol: "HTTP",
          port: "traffic-port",
          path: "/health",
          matcher: "200-399",
          interval: 15,
          timeout: 5,
          healthyThreshold: 2,
          unhealthyThreshold: 3,
        },
        tags: { ...TAGS, "phoenix:colour": colour },
      });
    }
  });

  it("every child is parented to the component", () => {
    const component = byName("demo");
    assert.equal(component.type, "phoenix:aws:Network");
    const children = mocks.resources
      .filter((r) => r.parentUrn === component.urn)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(children, [
      "demo-alb",
      "demo-alb-in-443-0",
      "demo-alb-in-80-0",
      "demo-alb-out-fleet",
      "demo-alb-sg",
      "demo-blue",
      "demo-fleet-in-alb",
      "demo-fleet-out",
      "demo-fleet-sg",
      "demo-green",
      "demo-vpc",
    ]);
  });
});
