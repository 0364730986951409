// Session Manager grants traced through a stack (policies/lib/sessionManager.ts), as no-remote-shell and
// session-manager-roles-traced judge them offline (`phoenix check` on an export: outputs, with property
// dependencies as the engine records them). Each test changes one thing of a fleet stack; verdicts and messages
// are literals.
import { strict as assert } from "assert";
import { evaluateResources, type OfflineResource } from "../../policies/offline";
import { noRemoteShell, sessionManagerRolesTraced } from "../../policies/remoteShell";
import { AWS } from "../../policies/lib/types";
import { UNKNOWN } from "./harness";

const EC2_TRUST = JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const SHELL_DOC = JSON.stringify({
  Statement: [{ Effect: "Allow", Action: "ssmmessages:*", Resource: "*" }],
});
const S3_DOC = JSON.stringify({ Statement: [{ Effect: "Allow", Action: "s3:GetObject", Resource: "*" }] });
const ALL_FOUR =
  "ssmmessages:CreateControlChannel, ssmmessages:CreateDataChannel, ssmmessages:OpenControlChannel, " +
  "ssmmessages:OpenDataChannel";

type Stack = Record<
  string,
  { type: string; outputs: Record<string, unknown>; deps?: Record<string, string[]> }
>;

const urn = (type: string, name: string) => `urn:pulumi:shop-dev-blue::phoenix::${type}::${name}`;

/** An EC2 role, its instance profile and a launch template that uses it: no Session Manager anywhere. */
function fleetStack(): Stack {
  return {
    "fleet-role": {
      type: AWS.iamRole,
      outputs: { name: "fleet-role-1", arn: "arn:aws:iam::1:role/fleet-role-1", assumeRolePolicy: EC2_TRUST },
    },
    "fleet-profile": {
      type: AWS.iamInstanceProfile,
      outputs: {
        name: "fleet-profile-1",
        arn: "arn:aws:iam::1:instance-profile/fleet-profile-1",
        role: "fleet-role-1",
      },
    },
    "fleet-lt": {
      type: AWS.launchTemplate,
      outputs: { iamInstanceProfile: { arn: "arn:aws:iam::1:instance-profile/fleet-profile-1" } },
    },
  };
}

const ssmOn = (role: unknown) => ({
  type: AWS.iamRolePolicyAttachment,
  outputs: { role, policyArn: SSM_CORE },
});

function resources(stack: Stack): OfflineResource[] {
  return Object.entries(stack).map(([name, r]) => ({
    urn: urn(r.type, name),
    type: r.type,
    name,
    outputs: r.outputs,
    propertyDependencies: Object.fromEntries(
      Object.entries(r.deps ?? {}).map(([key, names]) => [key, names.map((n) => urn(stack[n].type, n))]),
    ),
  }));
}

/** `[policy, verdict, resource]` for each verdict of the two policies. */
function check(stack: Stack): Array<[string, string, string]> {
  return evaluateResources(resources(stack), { policies: [noRemoteShell, sessionManagerRolesTraced] }).map(
    (v) => [v.policy, v.kind === "undecided" ? "undecided" : v.enforcementLevel, v.name],
  );
}

function messages(stack: Stack): string[] {
  return evaluateResources(resources(stack), { policies: [noRemoteShell, sessionManagerRolesTraced] }).map(
    (v) => v.message,
  );
}

const REFUSED: Array<[string, string, string]> = [["no-remote-shell", "mandatory", "fleet-role"]];
const UNDECIDED: Array<[string, string, string]> = [
  ["no-remote-shell", "undecided", ""],
  ["session-manager-roles-traced", "undecided", ""],
];

describe("Session Manager grants, traced through the stack", () => {
  it("the fleet stack without a grant passes", () => {
    assert.deepEqual(check(fleetStack()), []);
  });

  describe("RolePolicyAttachmentsExclusive (roleName, policyArns)", () => {
    it("refuses the SSM managed policy among its ARNs, naming it and the grant", () => {
      const stack = {
        ...fleetStack(),
        exclusive: {
          type: AWS.iamRolePolicyAttachmentsExclusive,
          outputs: {
            roleName: "fleet-role-1",
            policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess", SSM_CORE],
          },
        },
      };
      assert.deepEqual(check(stack), REFUSED);
      assert.deepEqual(messages(stack), [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          'AmazonSSMManagedInstanceCore by Role policy attachments "exclusive"; it serves Launch template "fleet-lt".',
      ]);
    });

    it("refuses an IAM policy of the stack among its ARNs that allows the channels", () => {
      const stack = {
        ...fleetStack(),
        shell: { type: AWS.iamPolicy, outputs: { arn: "arn:aws:iam::1:policy/shell", policy: SHELL_DOC } },
        exclusive: {
          type: AWS.iamRolePolicyAttachmentsExclusive,
          outputs: { roleName: "fleet-role-1", policyArns: ["arn:aws:iam::1:policy/shell"] },
        },
      };
      assert.deepEqual(check(stack), REFUSED);
    });

    it("passes policies that grant no shell", () => {
      const stack = {
        ...fleetStack(),
        exclusive: {
          type: AWS.iamRolePolicyAttachmentsExclusive,
          outputs: { roleName: "fleet-role-1", policyArns: ["arn:aws:iam::aws:policy/ReadOnlyAccess"] },
        },
      };
      assert.deepEqual(check(stack), []);
    });

    for (const [title, policyArns] of [
      ["its list", UNKNOWN],
      ["one of its ARNs", ["arn:aws:iam::aws:policy/ReadOnlyAccess", UNKNOWN]],
    ] as const) {
      it(`can't tell with ${title} unknown`, () => {
        const stack = {
          ...fleetStack(),
          shell: {
            type: AWS.iamRolePolicyAttachmentsExclusive,
            outputs: { roleName: "fleet-role-1", policyArns },
          },
        };
        assert.deepEqual(check(stack), UNDECIDED);
      });
    }
  });

  describe("grants that can't be read: no verdict, since each may be a shell", () => {
    const cases: Array<[string, Stack[string]]> = [
      ["an attachment's role unknown, with no dependency to go by", ssmOn(UNKNOWN)],
      [
        "an attachment of an IAM policy whose document is unknown",
        {
          type: AWS.iamRolePolicyAttachment,
          outputs: { role: "fleet-role-1", policyArn: "arn:aws:iam::1:policy/doc" },
        },
      ],
      [
        "a role policy whose document is unknown",
        { type: AWS.iamRolePolicy, outputs: { role: "fleet-role-1", policy: UNKNOWN } },
      ],
      [
        "a role's managed policy ARNs unknown",
        {
          type: AWS.iamRole,
          outputs: { name: "other-role", assumeRolePolicy: EC2_TRUST, managedPolicyArns: UNKNOWN },
        },
      ],
      [
        "one of a role's managed policy ARNs unknown",
        {
          type: AWS.iamRole,
          outputs: { name: "other-role", assumeRolePolicy: EC2_TRUST, managedPolicyArns: [UNKNOWN] },
        },
      ],
      [
        "a role's inline policies unknown",
        {
          type: AWS.iamRole,
          outputs: { name: "other-role", assumeRolePolicy: EC2_TRUST, inlinePolicies: UNKNOWN },
        },
      ],
      [
        "one inline policy unknown",
        {
          type: AWS.iamRole,
          outputs: { name: "other-role", assumeRolePolicy: EC2_TRUST, inlinePolicies: [UNKNOWN] },
        },
      ],
      [
        "an inline policy's document unknown",
        {
          type: AWS.iamRole,
          outputs: {
            name: "other-role",
            assumeRolePolicy: EC2_TRUST,
            inlinePolicies: [{ name: "x", policy: UNKNOWN }],
          },
        },
      ],
    ];
    for (const [title, shell] of cases) {
      it(title, () => {
        const stack: Stack = {
          ...fleetStack(),
          doc: { type: AWS.iamPolicy, outputs: { arn: "arn:aws:iam::1:policy/doc", policy: UNKNOWN } },
          shell,
        };
        assert.deepEqual(check(stack), UNDECIDED);
      });
    }
  });

  describe("what each grant is, in the message", () => {
    it("a role policy: its document's actions", () => {
      const stack = {
        ...fleetStack(),
        shell: { type: AWS.iamRolePolicy, outputs: { role: "fleet-role-1", policy: SHELL_DOC } },
      };
      assert.deepEqual(messages(stack), [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          `its document (${ALL_FOUR}) by Role policy "shell"; it serves Launch template "fleet-lt".`,
      ]);
    });

    it("an IAM policy of the stack attached by ARN: the policy and its actions", () => {
      const stack = {
        ...fleetStack(),
        shell: { type: AWS.iamPolicy, outputs: { arn: "arn:aws:iam::1:policy/shell", policy: SHELL_DOC } },
        attach: {
          type: AWS.iamRolePolicyAttachment,
          outputs: { role: "fleet-role-1", policyArn: "arn:aws:iam::1:policy/shell" },
        },
      };
      assert.deepEqual(messages(stack), [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          `IAM policy "shell" (${ALL_FOUR}) by Role policy attachment "attach"; it serves Launch template "fleet-lt".`,
      ]);
    });

    it("the role's own managed policy ARNs and inline policies, by index", () => {
      const stack = fleetStack();
      stack["fleet-role"].outputs = {
        ...stack["fleet-role"].outputs,
        managedPolicyArns: ["arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy", SSM_CORE],
        inlinePolicies: [
          { name: "s3", policy: S3_DOC },
          { name: "shell", policy: SHELL_DOC },
        ],
      };
      assert.deepEqual(messages(stack), [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          "`managedPolicyArns`: AmazonSSMManagedInstanceCore; " +
          `\`inlinePolicies[1]\` (${ALL_FOUR}); it serves Launch template "fleet-lt".`,
      ]);
    });

    it("the role's managed policy ARNs naming an IAM policy of the stack", () => {
      const stack: Stack = {
        ...fleetStack(),
        shell: { type: AWS.iamPolicy, outputs: { arn: "arn:aws:iam::1:policy/shell", policy: SHELL_DOC } },
      };
      stack["fleet-role"].outputs = {
        ...stack["fleet-role"].outputs,
        managedPolicyArns: ["arn:aws:iam::1:policy/shell"],
      };
      assert.deepEqual(check(stack), REFUSED);
    });

    it("a role whose managed and inline policies grant no shell passes", () => {
      const stack: Stack = {
        ...fleetStack(),
        s3: { type: AWS.iamPolicy, outputs: { arn: "arn:aws:iam::1:policy/s3", policy: S3_DOC } },
        attach: {
          type: AWS.iamRolePolicyAttachment,
          outputs: { role: "fleet-role-1", policyArn: "arn:aws:iam::1:policy/s3" },
        },
      };
      stack["fleet-role"].outputs = {
        ...stack["fleet-role"].outputs,
        managedPolicyArns: [
          "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
          "arn:aws:iam::1:policy/s3",
        ],
        inlinePolicies: [{ name: "s3", policy: S3_DOC }],
      };
      assert.deepEqual(check(stack), []);
    });

    it("an attachment of a customer policy that shares a name with a role policy of the stack grants nothing", () => {
      const stack: Stack = {
        ...fleetStack(),
        web: { type: AWS.iamRolePolicy, outputs: { name: "web", role: "other-role", policy: SHELL_DOC } },
        attach: {
          type: AWS.iamRolePolicyAttachment,
          outputs: { role: "fleet-role-1", policyArn: "arn:aws:iam::1:policy/web" },
        },
      };
      // The role policy's own grant, to a role declared elsewhere; the attachment's policy is no IAM policy here.
      assert.deepEqual(check(stack), [["session-manager-roles-traced", "advisory", "web"]]);
    });
  });

  describe("which role a grant names", () => {
    it("two declared roles with a grant each: a verdict for each", () => {
      const stack: Stack = {
        ...fleetStack(),
        "fleet-ssm": ssmOn("fleet-role-1"),
        "api-role": { type: AWS.iamRole, outputs: { name: "api-role-1", assumeRolePolicy: EC2_TRUST } },
        "api-profile": {
          type: AWS.iamInstanceProfile,
          outputs: { name: "api-profile-1", role: "api-role-1" },
        },
        "api-lt": { type: AWS.launchTemplate, outputs: { iamInstanceProfile: { name: "api-profile-1" } } },
        "api-ssm": ssmOn("api-role-1"),
      };
      assert.deepEqual(check(stack), [
        ["no-remote-shell", "mandatory", "fleet-role"],
        ["no-remote-shell", "mandatory", "api-role"],
      ]);
    });

    it("two roles the stack doesn't declare: an advisory for each, naming the role", () => {
      const stack: Stack = { one: ssmOn("elsewhere-1"), two: ssmOn("elsewhere-2") };
      assert.deepEqual(check(stack), [
        ["session-manager-roles-traced", "advisory", "one"],
        ["session-manager-roles-traced", "advisory", "two"],
      ]);
      assert.equal(
        messages(stack)[0],
        'Role "elsewhere-1" must serve only Image Builder build instances to have Session Manager ' +
          '(AmazonSSMManagedInstanceCore by Role policy attachment "one"), and this stack does not declare that ' +
          "role, so what it serves can't be seen.",
      );
    });

    it("a role named by its ARN, its id or its unique id", () => {
      for (const [handle, reference] of [
        ["arn", "arn:aws:iam::1:role/service/fleet-role-1"],
        ["id", "fleet-role-1"],
        ["uniqueId", "AROAEXAMPLE1"],
      ]) {
        const stack = fleetStack();
        stack["fleet-role"].outputs = { assumeRolePolicy: EC2_TRUST, [handle]: reference };
        stack["fleet-profile"].deps = { role: ["fleet-role"] };
        assert.deepEqual(check({ ...stack, ssm: ssmOn(reference) }), REFUSED, handle);
      }
    });

    it("a role named by an ARN when the stack knows only its name", () => {
      const stack: Stack = { ...fleetStack(), ssm: ssmOn("arn:aws:iam::1:role/fleet-role-1") };
      stack["fleet-role"].outputs = { name: "fleet-role-1", assumeRolePolicy: EC2_TRUST };
      assert.deepEqual(check(stack), REFUSED);
    });

    it("a property dependency on a resource that is no role names no role", () => {
      const stack = { ...fleetStack(), ssm: { ...ssmOn("elsewhere"), deps: { role: ["fleet-lt"] } } };
      assert.deepEqual(check(stack), [["session-manager-roles-traced", "advisory", "ssm"]]);
    });

    it("an empty role name is no role", () => {
      assert.deepEqual(check({ ...fleetStack(), ssm: ssmOn("") }), []);
    });
  });

  describe("what a role serves", () => {
    it("an EKS node group that takes the role directly, with no instance profile", () => {
      const stack: Stack = {
        "fleet-role": fleetStack()["fleet-role"],
        ssm: ssmOn("fleet-role-1"),
        nodes: { type: AWS.eksNodeGroup, outputs: { nodeRoleArn: "arn:aws:iam::1:role/fleet-role-1" } },
        "other-nodes": { type: AWS.eksNodeGroup, outputs: { nodeRoleArn: "arn:aws:iam::1:role/other" } },
      };
      assert.deepEqual(messages(stack), [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          'AmazonSSMManagedInstanceCore by Role policy attachment "ssm"; it serves EKS node group "nodes".',
      ]);
    });

    it("a resource of a type Phoenix doesn't list, linked to the profile by a property dependency", () => {
      const stack: Stack = {
        ...fleetStack(),
        ssm: ssmOn("fleet-role-1"),
        emr: {
          type: AWS.emrCluster,
          outputs: { ec2Attributes: { instanceProfile: UNKNOWN } },
          deps: { ec2Attributes: ["fleet-profile"] },
        },
      };
      delete stack["fleet-lt"];
      assert.deepEqual(messages(stack), [
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          'AmazonSSMManagedInstanceCore by Role policy attachment "ssm"; it serves EMR cluster "emr".',
      ]);
    });

    it("a profile named by its ARN when the stack knows only its name", () => {
      const stack: Stack = { ...fleetStack(), ssm: ssmOn("fleet-role-1") };
      stack["fleet-profile"].outputs = { name: "fleet-profile-1", role: "fleet-role-1" };
      assert.deepEqual(check(stack), REFUSED);
    });

    it("a reference holding the profile's name and an empty or null ARN still names it; nothing names a profile by ''", () => {
      const stack: Stack = {
        ...fleetStack(),
        ssm: ssmOn("fleet-role-1"),
        "build-role": { type: AWS.iamRole, outputs: { name: "build-role-1", assumeRolePolicy: EC2_TRUST } },
        "build-ssm": ssmOn("build-role-1"),
        "build-profile": {
          type: AWS.iamInstanceProfile,
          outputs: { name: "build-profile-1", arn: "", role: "build-role-1" },
        },
        "build-infra": {
          type: AWS.imageBuilderInfrastructure,
          outputs: { instanceProfileName: "build-profile-1" },
        },
      };
      stack["fleet-lt"].outputs = { iamInstanceProfile: { name: "fleet-profile-1", arn: "" } };
      assert.deepEqual(check(stack), REFUSED);
      stack["fleet-lt"].outputs = { iamInstanceProfile: { name: "fleet-profile-1", arn: null } };
      assert.deepEqual(check(stack), REFUSED);
    });

    it("a profile that shares its role's name does not serve itself: it is used by nothing", () => {
      const stack: Stack = {
        web: { type: AWS.iamRole, outputs: { name: "web", assumeRolePolicy: EC2_TRUST } },
        // As an export records it: the profile's role property depends on the role.
        "web-profile": {
          type: AWS.iamInstanceProfile,
          outputs: { name: "web", role: "web" },
          deps: { role: ["web"] },
        },
        ssm: ssmOn("web"),
      };
      assert.deepEqual(messages(stack), [
        'Role "web" must serve only Image Builder build instances to have Session Manager ' +
          '(AmazonSSMManagedInstanceCore by Role policy attachment "ssm"), and Instance profile "web-profile" is ' +
          "used by nothing in this stack.",
      ]);
    });

    it("a profile whose name can't be seen is not named by a reference that spells out 'undefined'", () => {
      const stack: Stack = { ...fleetStack(), ssm: ssmOn("fleet-role-1") };
      stack["fleet-profile"].outputs = { role: "fleet-role-1" };
      stack["fleet-lt"].outputs = {
        iamInstanceProfile: { arn: "arn:aws:iam::1:instance-profile/undefined" },
      };
      assert.deepEqual(check(stack), [["session-manager-roles-traced", "advisory", "fleet-role"]]);
    });

    it("a launch template whose profile can't be read may use it: no verdict on what the role serves", () => {
      const stack: Stack = { ...fleetStack(), ssm: ssmOn("fleet-role-1") };
      stack["fleet-lt"].outputs = { iamInstanceProfile: UNKNOWN };
      assert.deepEqual(check(stack), [
        ["no-remote-shell", "undecided", ""],
        ["session-manager-roles-traced", "undecided", ""],
      ]);
    });
  });
});
