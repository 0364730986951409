// The workflow guard: in-place updates of immutable types found in preview events, with the refused keys.
import assert from "assert";
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { immutableUpdates } from "../../automation/immutableGuard";

const LT = "aws:ec2/launchTemplate:LaunchTemplate";
const ASG = "aws:autoscaling/group:Group";

function pre(type: string, op: OpType, extra: Partial<StepEventMetadata> = {}): EngineEvent {
  const urn = `urn:pulumi:s::phoenix::${type}::r`;
  return {
    sequence: 1,
    timestamp: 0,
    resourcePreEvent: { metadata: { op, urn, type, provider: "", ...extra }, planning: true },
  };
}

function state(type: string, inputs: Record<string, unknown>) {
  return { type, urn: "u", id: "i", parent: "", inputs, outputs: {}, provider: "" };
}

describe("immutableUpdates (the preview guard)", () => {
  it("refuses a launch template update of its AMI, naming the key", () => {
    const event = pre(LT, "update", {
      old: state(LT, { imageId: "ami-1", tags: { a: "1" } }),
      new: state(LT, { imageId: "ami-2", tags: { a: "2" } }),
    });
    assert.deepStrictEqual(immutableUpdates([event]), [
      { urn: "urn:pulumi:s::phoenix::aws:ec2/launchTemplate:LaunchTemplate::r", type: LT, keys: ["imageId"] },
    ]);
  });

  it("allows capacity and tag changes of a group, and a move to a newer version of the same template", () => {
    const old = state(ASG, { desiredCapacity: 2, launchTemplate: { name: "t-abc", version: "1" }, tags: [] });
    const next = state(ASG, {
      desiredCapacity: 5,
      launchTemplate: { name: "t-abc", version: "2" },
      tags: [{ key: "k" }],
    });
    assert.deepStrictEqual(immutableUpdates([pre(ASG, "update", { old, new: next })]), []);
  });

  it("refuses a group moving to another template", () => {
    const old = state(ASG, { launchTemplate: { name: "t-abc", version: "1" } });
    const next = state(ASG, { launchTemplate: { name: "t-xyz", version: "1" } });
    assert.deepStrictEqual(
      immutableUpdates([pre(ASG, "update", { old, new: next })]).map((u) => u.keys),
      [["launchTemplate"]],
    );
  });

  it("reads the keys from diffs when the engine sends no inputs, and refuses an update without any detail", () => {
    const instance = pre("aws:ec2/instance:Instance", "update", {
      diffs: ["userData", "tags"],
      detailedDiff: { "metadataOptions.httpTokens": { diffKind: "update" as never, inputDiff: true } },
    });
    const bare = pre(LT, "update");
    assert.deepStrictEqual(
      immutableUpdates([instance, bare]).map((u) => u.keys),
      [["metadataOptions", "userData"], ["(unknown)"]],
    );
  });

  it("reads the diffs when only one input set came, and judges an instance by its diffs even with both", () => {
    const oldOnly = pre(LT, "update", { old: state(LT, { imageId: "ami-1" }), diffs: ["tags", "userData"] });
    const newOnly = pre(LT, "update", { new: state(LT, { imageId: "ami-2" }), diffs: ["tags"] });
    // Instances are not in the components' guard: their inputs are not compared, their diffs decide.
    const instance = pre("aws:ec2/instance:Instance", "update", {
      old: state("aws:ec2/instance:Instance", { instanceType: "t3.micro" }),
      new: state("aws:ec2/instance:Instance", { instanceType: "t3.large" }),
      diffs: ["instanceType", "tags"],
    });
    assert.deepStrictEqual(
      immutableUpdates([oldOnly, newOnly, instance]).map((u) => u.keys),
      [["userData"], ["instanceType"]],
    );
  });

  it("ignores replacements, creates and mutable types", () => {
    const events: EngineEvent[] = [
      pre(LT, "replace", { diffs: ["imageId"] }),
      pre(ASG, "create"),
      pre("aws:lb/listener:Listener", "update", { diffs: ["defaultActions"] }),
      {
        sequence: 2,
        timestamp: 0,
        diagnosticEvent: { message: "hi", color: "never", severity: "info" as const },
      },
    ];
    assert.deepStrictEqual(immutableUpdates(events), []);
  });
});
