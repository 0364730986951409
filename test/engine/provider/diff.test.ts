// The provider's Diff on its own (no emulator): replacements exactly on the ForceNew table, set semantics,
// Optional+Computed rule sets, unknowns in previews.
import { strict as assert } from "assert";
import { diffResource } from "./diff";
import { FORCE_NEW } from "../../../automation/memory/forceNew";
import { hasExplicitName, makeProvider, parseUrn } from "./provider";
import { RESOURCE_TYPES } from "./resources/index";
import { UNKNOWN } from "./values";

const LISTENER = "aws:lb/listener:Listener";
const forward = (blue: number, green: number) => [
  {
    type: "forward",
    forward: {
      targetGroups: [
        { arn: "tg-blue", weight: blue },
        { arn: "tg-green", weight: green },
      ],
    },
  },
];

describe("the rig aws provider's Diff", () => {
  it("has a ForceNew row, with its source, for every type it serves", () => {
    assert.deepEqual(Object.keys(FORCE_NEW).sort(), Object.keys(RESOURCE_TYPES).sort());
    for (const row of Object.values(FORCE_NEW)) assert.match(row.source, /^internal\/service\//);
  });

  it("updates a listener whose weights changed, and replaces it when it moves to another load balancer", () => {
    const live = {
      loadBalancerArn: "lb-1",
      port: 80,
      defaultActions: [
        {
          ...forward(100, 0)[0],
          order: 1,
          forward: { ...forward(100, 0)[0].forward, stickiness: { enabled: false, duration: 0 } },
        },
      ],
    };
    assert.deepEqual(
      diffResource(LISTENER, live, { loadBalancerArn: "lb-1", port: 80, defaultActions: forward(100, 0) }),
      {
        changes: false,
        replaces: [],
        changed: [],
      },
    );
    const swap = diffResource(LISTENER, live, {
      loadBalancerArn: "lb-1",
      port: 80,
      defaultActions: forward(0, 100),
    });
    assert.deepEqual([swap.changes, swap.replaces], [true, []]);
    const moved = diffResource(LISTENER, live, {
      loadBalancerArn: "lb-2",
      port: 80,
      defaultActions: forward(100, 0),
    });
    assert.deepEqual(moved.replaces, ["loadBalancerArn"]);
  });

  it("treats lists of plain values as sets and JSON documents by meaning", () => {
    const live = { subnets: ["b", "a"], securityGroups: ["sg-1"] };
    assert.equal(
      diffResource("aws:lb/loadBalancer:LoadBalancer", live, { subnets: ["a", "b"] }).changes,
      false,
    );
    const policy = { Version: "2012-10-17", Statement: [{ Effect: "Allow", Action: "sts:AssumeRole" }] };
    const reordered = JSON.stringify({ Statement: policy.Statement, Version: policy.Version }, null, 2);
    assert.equal(
      diffResource(
        "aws:iam/role:Role",
        { assumeRolePolicy: JSON.stringify(policy) },
        { assumeRolePolicy: reordered },
      ).changes,
      false,
    );
  });

  it("compares tags as maps: a tag added out of band is a change", () => {
    const live = { name: "g", tags: { app: "shop", owner: "someone" } };
    assert.deepEqual(
      diffResource("aws:lb/targetGroup:TargetGroup", live, { tags: { app: "shop" } }).changed,
      ["tags"],
    );
    assert.equal(
      diffResource("aws:lb/targetGroup:TargetGroup", live, { tags: { app: "shop", owner: "someone" } })
        .changes,
      false,
    );
  });

  it("replaces a target group on a new port and updates it on a new health check path", () => {
    const live = {
      port: 8080,
      protocol: "HTTP",
      healthCheck: { path: "/health", port: "traffic-port", interval: 15 },
    };
    assert.deepEqual(diffResource("aws:lb/targetGroup:TargetGroup", live, { port: 9090 }).replaces, ["port"]);
    const path = diffResource("aws:lb/targetGroup:TargetGroup", live, { healthCheck: { path: "/ready" } });
    assert.deepEqual([path.changes, path.replaces], [true, []]);
  });

  it("counts an unknown input as a change, a replacement when the property is ForceNew", () => {
    const d = diffResource("aws:lb/targetGroup:TargetGroup", { vpcId: "vpc-1" }, { vpcId: UNKNOWN });
    assert.deepEqual([d.changes, d.replaces], [true, ["vpcId"]]);
  });

  it("leaves a group's extra live rules alone unless the group declares its rules (Optional+Computed)", () => {
    const SG = "aws:ec2/securityGroup:SecurityGroup";
    const rule = (port: number) => ({
      fromPort: port,
      toPort: port,
      protocol: "tcp",
      cidrBlocks: ["0.0.0.0/0"],
    });
    const live = { description: "d", ingress: [rule(8080), rule(22)] };
    assert.equal(diffResource(SG, live, { description: "d" }).changes, false);
    assert.deepEqual(diffResource(SG, live, { description: "d", ingress: [rule(8080)] }).changed, [
      "ingress",
    ]);
  });

  it("replaces a rule whose source changes kind (cidr to group), as the rule's ModifyPlan does", () => {
    const d = diffResource(
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      { securityGroupId: "sg-1", cidrIpv4: "10.0.0.0/8" },
      { securityGroupId: "sg-1", referencedSecurityGroupId: "sg-2" },
    );
    assert.deepEqual(d.replaces.sort(), ["cidrIpv4", "referencedSecurityGroupId"]);
  });

  it("replaces delete-first exactly when the program named the resource (the bridge's rule)", () => {
    const TG = "aws:lb/targetGroup:TargetGroup";
    assert.equal(hasExplicitName(TG, { name: "shop-dev-blue-ab12c", port: 80, __defaults: [] }), true);
    assert.equal(hasExplicitName(TG, { name: "from-before-defaults-were-tracked" }), false);
    assert.equal(hasExplicitName(TG, { name: "blue-1a2b3c4", __defaults: ["name"] }), false);
    assert.equal(hasExplicitName(LISTENER, { port: 80 }), false);
  });

  it("names a resource at Check: a given name, else its prefix and a unique suffix, else the logical name", async () => {
    const provider = makeProvider("0.0.0");
    const urn = "urn:pulumi:dev::phoenix::aws:iam/role:Role::fleet-role";
    const checked = async (olds: Record<string, unknown>, news: Record<string, unknown>) =>
      ((await provider.check!(urn, olds, news)).inputs ?? {}) as Record<string, unknown>;
    assert.equal((await checked({}, { name: "given" })).name, "given");
    assert.match(String((await checked({}, { namePrefix: "app-" })).name), /^app-\d{18}[0-9a-f]{8}$/);
    const first = await checked({}, {});
    assert.match(String(first.name), /^fleet-role-[0-9a-f]{7}$/);
    assert.equal((await checked(first, {})).name, first.name, "the name chosen first is kept");
  });

  it("reads the type token and the logical name of a child resource's URN", () => {
    assert.deepEqual(
      parseUrn("urn:pulumi:dev::phoenix::phoenix:aws:Network$aws:lb/listener:Listener::shop-dev-listener"),
      { token: LISTENER, name: "shop-dev-listener" },
    );
  });
});
