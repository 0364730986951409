// Drift is read from a refresh preview's events as the real engine sends them (pulumi v3.260): per resource a
// `resourcePreEvent` sent before the provider's Read (op `refresh`, no diffs, `old` equal to `new`:
// pkg/resource/deploy/step.go:1446, step_executor.go:487), then a `resOutputsEvent` with the result
// (op `same`/`update`/`delete` from RefreshStep.ResultOp, step.go:1511, pkg/engine/update.go:1559; `new` null
// for a deleted resource, step.go:1493). No `diffs`: a provider on the Node provider API cannot send them.
import assert from "assert";
import type { DiffKind, EngineEvent, OpType, StepEventStateMetadata } from "@pulumi/pulumi/automation";
import { driftedResources } from "../../automation/drift";
import recorded from "./fixtures/refreshDrift.recorded.json";

const STACK = "shop-prod-blue";
const urn = (type: string, name: string) =>
  `urn:pulumi:${STACK}::phoenix::phoenix:aws:ImmutableFleet$${type}::${name}`;

function state(
  type: string,
  name: string,
  outputs: Record<string, unknown>,
  inputs = outputs,
): StepEventStateMetadata {
  return {
    type,
    urn: urn(type, name),
    custom: true,
    id: String(outputs.id ?? name),
    parent: "",
    inputs,
    outputs,
    provider: "",
  };
}

/** The two events of one refresh step, as the engine sends them. */
function refreshStep(
  type: string,
  name: string,
  op: OpType,
  old: Record<string, unknown>,
  live: Record<string, unknown> | null,
  oldInputs = old,
): EngineEvent[] {
  const before = state(type, name, old, oldInputs);
  const metadata = { urn: before.urn, type, provider: "", old: before };
  return [
    {
      sequence: 0,
      timestamp: 0,
      resourcePreEvent: { metadata: { ...metadata, op: "refresh" as OpType, new: before }, planning: true },
    },
    {
      sequence: 0,
      timestamp: 0,
      resOutputsEvent: {
        metadata: {
          ...metadata,
          op,
          new: live === null ? (null as unknown as undefined) : state(type, name, live, live),
        },
        planning: true,
      },
    },
  ];
}

const ASG = "aws:autoscaling/group:Group";
const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const SG = "aws:ec2/securityGroup:SecurityGroup";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const group = { id: "asg-1", maxSize: 3, desiredCapacity: 2, launchTemplate: { name: "lt", version: "1" } };

describe("drift read from a refresh preview's events", () => {
  it("finds an update and a delete that only the outputs events report (the pre-events say nothing)", () => {
    const events = [
      ...refreshStep(ASG, "shop-prod-blue-asg", "update", group, {
        ...group,
        launchTemplate: { name: "lt", version: "2" },
      }),
      ...refreshStep(LT, "shop-prod-blue-lt", "delete", { id: "lt-1", name: "lt" }, null),
      ...refreshStep("aws:ec2/vpc:Vpc", "vpc", "same", { id: "vpc-1" }, { id: "vpc-1" }),
    ];
    assert.deepStrictEqual(
      driftedResources(events).map((d) => [d.stack, d.name, d.properties, d.deleted]),
      [
        [STACK, "shop-prod-blue-asg", ["launchTemplate"], false],
        [STACK, "shop-prod-blue-lt", [], true],
      ],
    );
  });

  it("ignores a desired capacity moved by scaling policies", () => {
    const events = refreshStep(ASG, "asg", "update", group, { ...group, desiredCapacity: 5 });
    assert.deepStrictEqual(driftedResources(events), []);
  });

  it("adds the provider's diffs when it sends them (real pulumi-aws), by top-level property", () => {
    const events = refreshStep(ASG, "asg", "update", group, group);
    events[1].resOutputsEvent!.metadata.diffs = ["maxSize"];
    events[1].resOutputsEvent!.metadata.detailedDiff = {
      "tags[0].value": { diffKind: "update" as DiffKind, inputDiff: false },
    };
    assert.deepStrictEqual(driftedResources(events)[0].properties, ["maxSize", "tags"]);
  });

  describe("security groups: judged by their rules", () => {
    const fleetGroup = { id: "sg-fleet", vpcId: "vpc-1" };
    const declared = {
      id: "sgr-1",
      securityGroupId: "sg-fleet",
      ipProtocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      referencedSecurityGroupId: "sg-alb",
    };
    const declaredBlock = {
      protocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      securityGroups: ["sg-alb"],
      cidrBlocks: [],
    };
    const sshBlock = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };

    it("does not call the rules that rule resources declare drift, even when the provider reports them", () => {
      const events = [
        ...refreshStep(SG, "fleet-sg", "update", fleetGroup, { ...fleetGroup, ingress: [declaredBlock] }),
        ...refreshStep(INGRESS, "fleet-in-alb", "same", declared, declared),
      ];
      assert.deepStrictEqual(driftedResources(events), []);
    });

    it("reports a stray rule (port 22 added out of band) with the group, whatever op the provider chose", () => {
      for (const op of ["update", "same"] as const) {
        const events = [
          ...refreshStep(SG, "fleet-sg", op, fleetGroup, {
            ...fleetGroup,
            ingress: [declaredBlock, sshBlock],
          }),
          ...refreshStep(INGRESS, "fleet-in-alb", "same", declared, declared),
        ];
        const [drifted, ...rest] = driftedResources(events);
        assert.deepStrictEqual(rest, []);
        assert.deepStrictEqual([drifted.name, drifted.properties], ["fleet-sg", ["ingress"]]);
        assert.deepStrictEqual(drifted.strayRules, [
          {
            groupId: "sg-fleet",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 22,
            toPort: 22,
            cidrIpv4: "0.0.0.0/0",
          },
        ]);
      }
    });

    it("reports an inline rule gone from the cloud as missing", () => {
      const inline = { ...fleetGroup, ingress: [sshBlock] };
      const events = refreshStep(SG, "g", "update", inline, { ...fleetGroup, ingress: [] }, inline);
      const [drifted] = driftedResources(events);
      assert.deepStrictEqual(
        [drifted.properties, drifted.missingRules?.length, drifted.strayRules],
        [["ingress"], 1, undefined],
      );
    });
  });

  describe("on events recorded from the real engine (pulumi v3.274 in the rig)", () => {
    const events = (name: "sshRuleAndListenerWeights" | "autoScalingGroupDeleted") =>
      recorded[name].map((r) => r.event as unknown as EngineEvent);

    it("the recording is what the engine sends: pre-events say nothing, the outputs events carry the result", () => {
      const pre = events("sshRuleAndListenerWeights").flatMap((e) =>
        e.resourcePreEvent ? [e.resourcePreEvent] : [],
      );
      assert.ok(pre.length > 0);
      for (const { metadata } of pre) {
        assert.equal(metadata.op, "refresh");
        assert.equal(metadata.diffs, undefined);
        assert.deepStrictEqual(metadata.new, metadata.old);
      }
      const deleted = events("autoScalingGroupDeleted").find(
        (e) => e.resOutputsEvent?.metadata.op === "delete",
      );
      assert.strictEqual(deleted?.resOutputsEvent?.metadata.new, null);
    });

    it("finds the SSH rule added to the fleet group (the engine said `same`) and the listener changed by hand", () => {
      const found = driftedResources(events("sshRuleAndListenerWeights"));
      assert.deepStrictEqual(
        found.map((d) => [
          d.stack,
          d.name,
          d.properties,
          d.strayRules?.map((r) => [r.protocol, r.fromPort, r.cidrIpv4]),
        ]),
        [
          ["shop-dl-network", "shop-dl-fleet-sg", ["ingress"], [["tcp", 22, "0.0.0.0/0"]]],
          ["shop-dl-router", "shop-dl-listener", ["defaultActions"], undefined],
        ],
        "the rules the network's rule resources declare are no drift",
      );
    });

    it("finds the deleted auto scaling group", () => {
      assert.deepStrictEqual(
        driftedResources(events("autoScalingGroupDeleted")).map((d) => [d.stack, d.name, d.deleted]),
        [["shop-dl-blue", "shop-dl-blue-asg", true]],
      );
    });
  });
});
