// Reading drift, more edges (issue 12): events whose states lack outputs, inputs or an `old` side; the order of
// the properties reported; a resource that is not a security group but has `ingress`/`egress` (a network ACL);
// a security group judged by its own declared rules, not another group's; a group whose provider reads no rules
// in one direction. And the existing-VPC helpers: a VPC id or subnet list of the wrong kind, the config of a
// created VPC, the VPC read back from a network stack's outputs.
import assert from "assert";
import type {
  EngineEvent,
  OpType,
  StepEventMetadata,
  StepEventStateMetadata,
} from "@pulumi/pulumi/automation";
import { driftedResources } from "../../automation/drift";
import { deployedVpc, existingVpcProblems, LIBRARY_NAMES, vpcConfig } from "../../automation/existingVpc";

const STACK = "shop-prod-network";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const ASG = "aws:autoscaling/group:Group";
const ACL = "aws:ec2/networkAcl:NetworkAcl";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const urn = (type: string, name: string) => `urn:pulumi:${STACK}::phoenix::${type}::${name}`;

function state(type: string, name: string, fields: Partial<StepEventStateMetadata>): StepEventStateMetadata {
  return {
    type,
    urn: urn(type, name),
    custom: true,
    id: "",
    parent: "",
    provider: "",
    inputs: {},
    outputs: {},
    ...fields,
  };
}

/** The resOutputsEvent of one refresh step (the only event drift reads). */
function outputsEvent(
  type: string,
  name: string,
  op: OpType,
  old?: StepEventStateMetadata,
  next?: StepEventStateMetadata,
  extra: Partial<StepEventMetadata> = {},
): EngineEvent {
  return {
    sequence: 0,
    timestamp: 0,
    resOutputsEvent: {
      metadata: { op, urn: urn(type, name), type, provider: "", old, new: next, ...extra },
      planning: true,
    },
  };
}

const ssh = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"], securityGroups: [] };

describe("reading drift, more edges", () => {
  it("an update whose new or old state has no outputs: only the provider's diffs count", () => {
    const events = [
      outputsEvent(
        ASG,
        "a",
        "update",
        state(ASG, "a", { outputs: { maxSize: 2 } }),
        state(ASG, "a", { outputs: undefined as never }),
        { diffs: ["maxSize"] },
      ),
      outputsEvent(ASG, "b", "update", undefined, state(ASG, "b", { outputs: { maxSize: 3 } }), {
        diffs: ["minSize"],
      }),
    ];
    assert.deepStrictEqual(
      driftedResources(events).map((d) => [d.name, d.properties]),
      [
        ["a", ["maxSize"]],
        ["b", ["minSize"]],
      ],
    );
  });

  it("a `same` step is no drift, whatever its outputs say", () => {
    const old = state(ASG, "a", { outputs: { maxSize: 2 } });
    const events = [outputsEvent(ASG, "a", "same", old, state(ASG, "a", { outputs: { maxSize: 5 } }))];
    assert.deepStrictEqual(driftedResources(events), []);
  });

  it("reports the changed properties sorted, once each", () => {
    const old = state(ASG, "a", { outputs: { zeta: 1, alpha: 1, tags: { a: "1" } } });
    const next = state(ASG, "a", { outputs: { zeta: 2, alpha: 2, tags: { a: "2" } } });
    const events = [
      outputsEvent(ASG, "a", "update", old, next, {
        diffs: ["zeta"],
        detailedDiff: { "tags.a": { kind: "update" } as never },
      }),
    ];
    assert.deepStrictEqual(driftedResources(events)[0].properties, ["alpha", "tags", "zeta"]);
  });

  it("a network ACL's ingress is a plain property, not security group rules", () => {
    const old = state(ACL, "acl", { id: "acl-1", outputs: { ingress: [{ ruleNo: 100 }] } });
    const next = state(ACL, "acl", { id: "acl-1", outputs: { ingress: [{ ruleNo: 100 }, ssh] } });
    const [drifted] = driftedResources([outputsEvent(ACL, "acl", "update", old, next)]);
    assert.deepStrictEqual(drifted, {
      stack: STACK,
      urn: urn(ACL, "acl"),
      type: ACL,
      name: "acl",
      properties: ["ingress"],
      deleted: false,
    });
  });

  it("a security group: other changed properties sorted with the rule direction; no missingRules when none", () => {
    const old = state(SG, "fleet-sg", { id: "sg-1", outputs: { description: "a", tags: { x: "1" } } });
    const next = state(SG, "fleet-sg", {
      id: "sg-1",
      outputs: { description: "b", tags: { x: "2" }, ingress: [ssh] },
    });
    const [drifted] = driftedResources([outputsEvent(SG, "fleet-sg", "update", old, next)]);
    assert.deepStrictEqual(drifted, {
      stack: STACK,
      urn: urn(SG, "fleet-sg"),
      type: SG,
      name: "fleet-sg",
      properties: ["description", "ingress", "tags"],
      strayRules: [
        {
          groupId: "sg-1",
          direction: "ingress",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrIpv4: "0.0.0.0/0",
        },
      ],
      deleted: false,
    });
  });

  it("a group's id from its old state when the new one has none", () => {
    const old = state(SG, "g", { id: "sg-old", outputs: {} });
    const next = state(SG, "g", { id: "", outputs: { ingress: [ssh] } });
    const [drifted] = driftedResources([outputsEvent(SG, "g", "update", old, next)]);
    assert.strictEqual(drifted.strayRules?.[0].groupId, "sg-old");
  });

  it("a rule declared by a rule resource of one group does not allow it on another", () => {
    const declared = {
      securityGroupId: "sg-a",
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    };
    const rule = state(INGRESS, "a-ssh", { id: "sgr-1", inputs: declared, outputs: declared });
    const events = [
      outputsEvent(INGRESS, "a-ssh", "same", rule, rule),
      outputsEvent(
        SG,
        "a",
        "same",
        state(SG, "a", { id: "sg-a" }),
        state(SG, "a", { id: "sg-a", outputs: { ingress: [ssh] } }),
      ),
      outputsEvent(
        SG,
        "b",
        "same",
        state(SG, "b", { id: "sg-b" }),
        state(SG, "b", { id: "sg-b", outputs: { ingress: [ssh] } }),
      ),
    ];
    assert.deepStrictEqual(
      driftedResources(events).map((d) => [d.name, d.strayRules?.map((r) => r.groupId)]),
      [["b", ["sg-b"]]],
    );
  });

  it("a group whose provider reads no rules in a direction: its inline rules there are not called missing", () => {
    const egress = [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }];
    const old = state(SG, "g", { id: "sg-1", inputs: { egress }, outputs: { egress } });
    const next = state(SG, "g", { id: "sg-1", outputs: { description: "same" } });
    assert.deepStrictEqual(
      driftedResources([outputsEvent(SG, "g", "update", old, next)]).map((d) => [
        d.properties,
        d.missingRules,
      ]),
      [[["description"], undefined]],
    );
  });

  it("a step without an old state or inputs is read without failing", () => {
    const next = state(SG, "g", { id: "sg-1", inputs: undefined as never, outputs: { ingress: [] } });
    assert.deepStrictEqual(driftedResources([outputsEvent(SG, "g", "same", undefined, next)]), []);
  });
});

describe("reading a security group's drift from sparse states", () => {
  it("a new state without outputs reads no rules; an old one without inputs declares none", () => {
    const old = state(SG, "g", { id: "sg-1", inputs: undefined as never, outputs: {} });
    const next = state(SG, "g", { id: "sg-1", outputs: undefined as never });
    assert.deepStrictEqual(driftedResources([outputsEvent(SG, "g", "update", old, next)]), []);
    // With the live rules read, an old state without inputs declares no inline rule: the live one is a stray.
    const read = state(SG, "g", { id: "sg-1", outputs: { ingress: [ssh] } });
    assert.deepStrictEqual(
      driftedResources([outputsEvent(SG, "g", "update", old, read)]).map((d) => d.strayRules?.length),
      [1],
    );
  });

  it("the group's id from the old outputs when neither state names it, else empty", () => {
    const stray = (old: StepEventStateMetadata) =>
      driftedResources([
        outputsEvent(SG, "g", "same", old, state(SG, "g", { id: "", outputs: { ingress: [ssh] } })),
      ])[0].strayRules?.[0].groupId;
    assert.strictEqual(stray(state(SG, "g", { id: "", outputs: { id: "sg-out" } })), "sg-out");
    assert.strictEqual(stray(state(SG, "g", { id: "", outputs: {} })), "");
  });
});

describe("existing VPC helpers, more edges", () => {
  const ids = {
    publicSubnetIds: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
    privateSubnetIds: ["subnet-11111111"],
  };

  it("names exactly what is missing, word for word", () => {
    assert.deepStrictEqual(
      existingVpcProblems({ vpcId: "vpc-0123abcd", publicSubnetIds: ids.publicSubnetIds }, LIBRARY_NAMES),
      [
        "`network.privateSubnetIds` is required with `network.vpcId` and `network.publicSubnetIds`: an existing VPC " +
          "needs all three, its id (`network.vpcId`), the load balancer's public subnets (`network.publicSubnetIds`) " +
          "and the fleets' private subnets (`network.privateSubnetIds`)",
      ],
    );
  });

  it("refuses a VPC id that is a list, and a subnet list with a number", () => {
    assert.deepStrictEqual(existingVpcProblems({ ...ids, vpcId: ["vpc-0123abcd"] }, LIBRARY_NAMES), [
      '`network.vpcId` (["vpc-0123abcd"]) must be a VPC id: `vpc-` and 8 to 17 lower-case hex digits',
    ]);
    assert.deepStrictEqual(
      existingVpcProblems({ ...ids, vpcId: "vpc-0123abcd", privateSubnetIds: [7] }, LIBRARY_NAMES),
      [
        '`network.privateSubnetIds` ([7]) must be a list of subnet ids, such as ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]',
      ],
    );
  });

  it("gives a created VPC its CIDR, and nothing of an existing one", () => {
    assert.deepStrictEqual(vpcConfig(undefined, "10.1.0.0/16", false), {
      vpcCidr: "10.1.0.0/16",
      vpcId: undefined,
      publicSubnetIds: undefined,
      privateSubnetIds: undefined,
    });
  });

  it("reads the deployed VPC from the network's outputs; none before its first up; lists default to empty", () => {
    assert.strictEqual(deployedVpc({}), undefined);
    assert.deepStrictEqual(deployedVpc({ vpcId: { value: "vpc-0123abcd", secret: false } }), {
      vpcId: "vpc-0123abcd",
      publicSubnetIds: [],
      privateSubnetIds: [],
    });
    assert.deepStrictEqual(
      deployedVpc({
        vpcId: { value: "vpc-0123abcd", secret: false },
        publicSubnetIds: { value: "subnet-0a1b2c3d", secret: false },
        privateSubnetIds: { value: ["subnet-11111111"], secret: false },
      }),
      { vpcId: "vpc-0123abcd", publicSubnetIds: [], privateSubnetIds: ["subnet-11111111"] },
    );
  });
});
