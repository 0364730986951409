// no-remote-shell and session-manager-roles-traced, as `phoenix check` runs them: the message of each
// violation (the resource, every grant and every server it names), and the stacks where a link that can't
// be read leaves a verdict open. Expected messages are literals.
import { strict as assert } from "assert";
import { AWS } from "../../policies/lib/types";
import { evaluateResources, type OfflineResource } from "../../policies/offline";
import { noRemoteShell, sessionManagerRolesTraced } from "../../policies/remoteShell";
import { UNKNOWN } from "./harness";

const EC2_TRUST = JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

type Stack = Record<string, { type: string; outputs: Record<string, unknown> }>;
const urn = (type: string, name: string) => `urn:pulumi:shop-dev-blue::phoenix::${type}::${name}`;

function resources(stack: Stack): OfflineResource[] {
  return Object.entries(stack).map(([name, r]) => ({
    urn: urn(r.type, name),
    type: r.type,
    name,
    outputs: r.outputs,
    inputs: r.outputs,
  }));
}

function verdicts(stack: Stack, policy: typeof noRemoteShell) {
  return evaluateResources(resources(stack), { policies: [policy] }).map((v) => ({
    kind: v.kind,
    urn: v.urn,
    message: v.message,
  }));
}

/** A fleet role given Session Manager by an attachment, its profile, and a launch template using it. */
function fleetWithSsm(): Stack {
  return {
    "fleet-role": { type: AWS.iamRole, outputs: { name: "fleet-role-1", assumeRolePolicy: EC2_TRUST } },
    "fleet-ssm": {
      type: AWS.iamRolePolicyAttachment,
      outputs: { role: "fleet-role-1", policyArn: SSM_CORE },
    },
    "fleet-profile": {
      type: AWS.iamInstanceProfile,
      outputs: { name: "fleet-profile-1", role: "fleet-role-1" },
    },
    "fleet-lt": { type: AWS.launchTemplate, outputs: { iamInstanceProfile: { name: "fleet-profile-1" } } },
  };
}

/** Image Builder's build role with SSM, its profile used by an infrastructure configuration alone. */
function buildRole(): Stack {
  return {
    "build-role": { type: AWS.iamRole, outputs: { name: "build-role-1", assumeRolePolicy: EC2_TRUST } },
    "build-ssm": {
      type: AWS.iamRolePolicyAttachment,
      outputs: { role: "build-role-1", policyArn: SSM_CORE },
    },
    "build-profile": {
      type: AWS.iamInstanceProfile,
      outputs: { name: "build-profile-1", role: "build-role-1" },
    },
    "build-infra": {
      type: AWS.imageBuilderInfrastructure,
      outputs: { instanceProfileName: "build-profile-1" },
    },
  };
}

describe("no-remote-shell: messages", () => {
  it("names the serial console access resource, on its URN", () => {
    assert.deepEqual(
      verdicts({ serial: { type: AWS.serialConsoleAccess, outputs: { enabled: true } } }, noRemoteShell),
      [
        {
          kind: "violation",
          urn: urn(AWS.serialConsoleAccess, "serial"),
          message:
            'Serial console access "serial" must not enable the serial console: it is an interactive way into every instance.',
        },
      ],
    );
  });

  it("names a grant the role makes itself (managedPolicyArns) without repeating the role, and every grant in stack order", () => {
    const stack = fleetWithSsm();
    stack["fleet-role"].outputs.managedPolicyArns = [SSM_CORE];
    assert.deepEqual(verdicts(stack, noRemoteShell), [
      {
        kind: "violation",
        urn: urn(AWS.iamRole, "fleet-role"),
        message:
          'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          "`managedPolicyArns`: AmazonSSMManagedInstanceCore; AmazonSSMManagedInstanceCore by Role policy " +
          'attachment "fleet-ssm"; it serves Launch template "fleet-lt".',
      },
    ]);
  });

  it("names every server of the role", () => {
    const stack: Stack = {
      ...fleetWithSsm(),
      "fleet-vm": { type: AWS.instance, outputs: { iamInstanceProfile: "fleet-profile-1" } },
    };
    assert.deepEqual(
      verdicts(stack, noRemoteShell).map((v) => v.message),
      [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          'AmazonSSMManagedInstanceCore by Role policy attachment "fleet-ssm"; it serves Launch template "fleet-lt", ' +
          'Instance "fleet-vm".',
      ],
    );
  });
});

describe("session-manager-roles-traced: messages and open verdicts", () => {
  it("names the role, its grant and why what it serves can't be seen", () => {
    const stack: Stack = {
      ssm: { type: AWS.iamRolePolicyAttachment, outputs: { role: "elsewhere", policyArn: SSM_CORE } },
    };
    assert.deepEqual(verdicts(stack, sessionManagerRolesTraced), [
      {
        kind: "violation",
        urn: urn(AWS.iamRolePolicyAttachment, "ssm"),
        message:
          'Role "elsewhere" must serve only Image Builder build instances to have Session Manager ' +
          '(AmazonSSMManagedInstanceCore by Role policy attachment "ssm"), and this stack does not declare that ' +
          "role, so what it serves can't be seen.",
      },
    ]);
  });

  it("leaves a role that serves a release to no-remote-shell, whatever else can't be read", () => {
    // A second template names a profile not known until apply: it may be the fleet's, or not.
    const stack: Stack = {
      ...fleetWithSsm(),
      "other-lt": { type: AWS.launchTemplate, outputs: { iamInstanceProfile: { arn: UNKNOWN } } },
    };
    assert.deepEqual(verdicts(stack, sessionManagerRolesTraced), []);
    assert.deepEqual(
      verdicts(stack, noRemoteShell).map((v) => v.kind),
      ["violation"],
    );
  });

  it("gives no verdict on a build role when a launch template's profile can't be read (it may be the build one)", () => {
    const stack: Stack = {
      ...buildRole(),
      "fleet-lt": { type: AWS.launchTemplate, outputs: { iamInstanceProfile: { arn: UNKNOWN } } },
    };
    assert.deepEqual(
      verdicts(stack, sessionManagerRolesTraced).map((v) => v.kind),
      ["undecided"],
    );
    assert.deepEqual(
      verdicts(stack, noRemoteShell).map((v) => v.kind),
      ["undecided"],
    );
  });
});
