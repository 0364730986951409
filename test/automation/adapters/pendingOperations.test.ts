// The pending operations a killed update leaves in a stack's state, read from `pulumi stack export`. The shape
// is the rig's (pulumi v3.274.0): phoenix killed mid-up left these two in shop-a1-blue's checkpoint.
import * as assert from "assert";
import type { Deployment } from "@pulumi/pulumi/automation";
import { pendingOperationsOf } from "../../../automation/localWorkspace/pendingOperations";

const FLEET = "urn:pulumi:shop-a1-blue::phoenix::phoenix:aws:ImmutableFleet";
const EXPORTED: Deployment = {
  version: 3,
  deployment: {
    manifest: {},
    resources: [],
    pending_operations: [
      {
        type: "creating",
        resource: {
          urn: `${FLEET}$aws:iam/instanceProfile:InstanceProfile::shop-a1-blue-profile`,
          type: "aws:iam/instanceProfile:InstanceProfile",
          inputs: { name: "shop-a1-blue-profile-f5d17d6", path: "/", role: "shop-a1-blue-role-6be6161" },
        },
      },
      {
        type: "creating",
        resource: {
          urn: `${FLEET}$aws:iam/rolePolicyAttachment:RolePolicyAttachment::shop-a1-blue-cloudwatch-agent`,
          type: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
          inputs: { policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" },
        },
      },
    ],
  },
};

describe("pending operations of an exported stack", () => {
  it("names each by its physical name when its inputs give one, else by its logical name", () => {
    assert.deepStrictEqual(pendingOperationsOf(EXPORTED), [
      {
        operation: "creating",
        urn: `${FLEET}$aws:iam/instanceProfile:InstanceProfile::shop-a1-blue-profile`,
        resourceType: "aws:iam/instanceProfile:InstanceProfile",
        name: "shop-a1-blue-profile-f5d17d6",
      },
      {
        operation: "creating",
        urn: `${FLEET}$aws:iam/rolePolicyAttachment:RolePolicyAttachment::shop-a1-blue-cloudwatch-agent`,
        resourceType: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
        name: "shop-a1-blue-cloudwatch-agent",
      },
    ]);
  });

  it("finds none in a state without them, or in no state at all", () => {
    assert.deepStrictEqual(pendingOperationsOf({ version: 3, deployment: { resources: [] } }), []);
    assert.deepStrictEqual(pendingOperationsOf(undefined), []);
  });
});
