// no-remote-shell and session-manager-roles-traced: stack policies, run as `phoenix check` runs them (the
// offline evaluator, links from property dependencies or from names and ARNs in outputs).
import { strict as assert } from "assert";
import { evaluateResources, type OfflineResource, type Verdict } from "../../policies/offline";
import { noRemoteShell, sessionManagerRolesTraced } from "../../policies/remoteShell";
import { sessionManagerActionsAllowed, trustsService } from "../../policies/lib/iamDocument";
import { AWS } from "../../policies/lib/types";
import { UNKNOWN } from "./harness";

const EC2_TRUST = JSON.stringify({
  Version: "2012-10-17",
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const LAMBDA_TRUST = EC2_TRUST.replace("ec2.amazonaws.com", "lambda.amazonaws.com");
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
const urn = (type: string, name: string) => `urn:pulumi:shop-dev-blue::phoenix::${type}::${name}`;

interface Stack {
  [name: string]: { type: string; outputs: Record<string, unknown>; deps?: Record<string, string[]> };
}

/**
 * A fleet stack with no way in: an EC2 role with the CloudWatch agent policy, its instance profile, a launch
 * template using it. Each test adds or changes one thing.
 */
function happyPathStack(): Stack {
  return {
    "fleet-role": {
      type: AWS.iamRole,
      outputs: { name: "fleet-role-1", arn: "arn:aws:iam::1:role/fleet-role-1", assumeRolePolicy: EC2_TRUST },
    },
    "fleet-cw": {
      type: AWS.iamRolePolicyAttachment,
      outputs: { role: "fleet-role-1", policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy" },
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
      outputs: {
        name: "shop-web-abc",
        iamInstanceProfile: { arn: "arn:aws:iam::1:instance-profile/fleet-profile-1" },
      },
    },
  };
}

/** Image Builder's build role and profile, used by an infrastructure configuration alone (as GoldenAmi does). */
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

function resources(stack: Stack): OfflineResource[] {
  return Object.entries(stack).map(([name, r]) => ({
    urn: urn(r.type, name),
    type: r.type,
    name,
    outputs: r.outputs,
    inputs: r.outputs,
    propertyDependencies: Object.fromEntries(
      Object.entries(r.deps ?? {}).map(([key, names]) => [key, names.map((n) => urn(stack[n].type, n))]),
    ),
  }));
}

function check(stack: Stack, config?: Record<string, unknown>): Array<[string, string, string]> {
  return evaluateResources(resources(stack), {
    policies: [noRemoteShell, sessionManagerRolesTraced],
    config,
  }).map((v: Verdict) => [v.policy, v.kind === "undecided" ? "undecided" : v.enforcementLevel, v.name]);
}

const withSsmOnFleet = (): Stack => ({
  ...happyPathStack(),
  "fleet-ssm": { type: AWS.iamRolePolicyAttachment, outputs: { role: "fleet-role-1", policyArn: SSM_CORE } },
});

describe("no-remote-shell", () => {
  it("passes a fleet stack with no way in, and Image Builder's build role with SSM", () => {
    assert.deepEqual(check({ ...happyPathStack(), ...buildRole() }), []);
  });

  describe("EC2 Instance Connect endpoints", () => {
    const stack = () => ({
      ...happyPathStack(),
      eice: { type: AWS.instanceConnectEndpoint, outputs: { subnetId: "subnet-1" } },
    });
    it("refuses one, naming it", () => {
      assert.deepEqual(check(stack()), [["no-remote-shell", "mandatory", "eice"]]);
      const [verdict] = evaluateResources(resources(stack()), { policies: [noRemoteShell] });
      assert.match(verdict.message, /^EC2 Instance Connect endpoint "eice" must not exist/);
    });
    it("allows it by config", () => {
      assert.deepEqual(check(stack(), { "no-remote-shell": { allowInstanceConnectEndpoints: true } }), []);
    });
  });

  describe("serial console access", () => {
    const table: Array<[string, Record<string, unknown>, boolean]> = [
      ["enabled by default (no `enabled`)", {}, true],
      ["enabled: true", { enabled: true }, true],
      ['enabled: "true"', { enabled: "true" }, true],
      ["enabled: false", { enabled: false }, false],
      ['enabled: "false"', { enabled: "false" }, false],
    ];
    for (const [title, outputs, refused] of table) {
      it(`${refused ? "refuses" : "allows"} ${title}`, () => {
        const stack = { ...happyPathStack(), serial: { type: AWS.serialConsoleAccess, outputs } };
        assert.deepEqual(check(stack), refused ? [["no-remote-shell", "mandatory", "serial"]] : []);
      });
    }
    it("allows it by config", () => {
      const stack = { ...happyPathStack(), serial: { type: AWS.serialConsoleAccess, outputs: {} } };
      assert.deepEqual(check(stack, { "no-remote-shell": { allowSerialConsole: true } }), []);
    });
  });

  describe("Session Manager on the instances that run a release", () => {
    const refused = [["no-remote-shell", "mandatory", "fleet-role"]];
    const grants: Array<[string, Stack]> = [
      ["AmazonSSMManagedInstanceCore by a role policy attachment", withSsmOnFleet()],
      [
        "AmazonEC2RoleforSSM (service-role path, another partition) by a policy attachment",
        {
          ...happyPathStack(),
          attach: {
            type: AWS.iamPolicyAttachment,
            outputs: {
              roles: ["fleet-role-1"],
              policyArn: "arn:aws-cn:iam::aws:policy/service-role/AmazonEC2RoleforSSM",
            },
          },
        },
      ],
      [
        "the role's managedPolicyArns",
        {
          ...happyPathStack(),
          "fleet-role": {
            type: AWS.iamRole,
            outputs: { ...happyPathStack()["fleet-role"].outputs, managedPolicyArns: [SSM_CORE] },
          },
        },
      ],
      [
        "an inline policy allowing ssmmessages:* (JSON text)",
        {
          ...happyPathStack(),
          "fleet-role": {
            type: AWS.iamRole,
            outputs: {
              ...happyPathStack()["fleet-role"].outputs,
              inlinePolicies: [
                {
                  name: "shell",
                  policy: JSON.stringify({
                    Statement: [{ Effect: "Allow", Action: "ssmmessages:*", Resource: "*" }],
                  }),
                },
              ],
            },
          },
        },
      ],
      [
        "a role policy allowing ssm*:Open* (an object, wildcards)",
        {
          ...happyPathStack(),
          shell: {
            type: AWS.iamRolePolicy,
            outputs: {
              role: "fleet-role-1",
              policy: {
                Statement: { Effect: "Allow", Action: ["s3:GetObject", "SSM*:Open*"], Resource: "*" },
              },
            },
          },
        },
      ],
      [
        "an IAM policy allowing everything but IAM (NotAction), attached by ARN",
        {
          ...happyPathStack(),
          broad: {
            type: AWS.iamPolicy,
            outputs: {
              arn: "arn:aws:iam::1:policy/broad",
              policy: JSON.stringify({ Statement: [{ Effect: "Allow", NotAction: "iam:*", Resource: "*" }] }),
            },
          },
          "broad-attach": {
            type: AWS.iamRolePolicyAttachment,
            outputs: { role: "fleet-role-1", policyArn: "arn:aws:iam::1:policy/broad" },
          },
        },
      ],
      [
        "the SSM policy on a role linked only by property dependencies (names unknown in a preview)",
        {
          ...happyPathStack(),
          "fleet-ssm": {
            type: AWS.iamRolePolicyAttachment,
            outputs: { policyArn: SSM_CORE },
            deps: { role: ["fleet-role"] },
          },
          "fleet-profile": { type: AWS.iamInstanceProfile, outputs: {}, deps: { role: ["fleet-role"] } },
          "fleet-lt": {
            type: AWS.launchTemplate,
            outputs: { name: "shop-web-abc" },
            deps: { iamInstanceProfile: ["fleet-profile"] },
          },
        },
      ],
      [
        "a role used by an EKS node group directly",
        {
          ...withSsmOnFleet(),
          nodes: { type: AWS.eksNodeGroup, outputs: { nodeRoleArn: "arn:aws:iam::1:role/fleet-role-1" } },
        },
      ],
    ];
    for (const [title, stack] of grants) {
      it(`refuses ${title}`, () => {
        assert.deepEqual(
          check(stack).filter(([policy]) => policy === "no-remote-shell"),
          refused,
        );
      });
    }

    it("names the grant and what the role serves", () => {
      const [verdict] = evaluateResources(resources(withSsmOnFleet()), { policies: [noRemoteShell] });
      assert.equal(
        verdict.message,
        'Role "fleet-role" must not give Session Manager shells to the instances that run a release: ' +
          'AmazonSSMManagedInstanceCore by Role policy attachment "fleet-ssm"; it serves Launch template "fleet-lt".',
      );
    });

    it("refuses a build role whose profile also serves a launch template", () => {
      const stack = {
        ...buildRole(),
        "fleet-lt": {
          type: AWS.launchTemplate,
          outputs: { iamInstanceProfile: { name: "build-profile-1" } },
        },
      };
      assert.deepEqual(check(stack), [["no-remote-shell", "mandatory", "build-role"]]);
    });

    const allowed: Array<[string, Stack, Record<string, unknown>?]> = [
      [
        "a role EC2 cannot assume (a Lambda's)",
        {
          ...withSsmOnFleet(),
          "fleet-role": {
            type: AWS.iamRole,
            outputs: { name: "fleet-role-1", assumeRolePolicy: LAMBDA_TRUST },
          },
        },
      ],
      [
        "a document that allows only ssm:GetParameter",
        {
          ...happyPathStack(),
          params: {
            type: AWS.iamRolePolicy,
            outputs: {
              role: "fleet-role-1",
              policy: { Statement: [{ Effect: "Allow", Action: "ssm:GetParameter" }] },
            },
          },
        },
      ],
      ["with allowSessionManager", withSsmOnFleet(), { "no-remote-shell": { allowSessionManager: true } }],
    ];
    for (const [title, stack, config] of allowed) {
      it(`allows ${title}`, () => {
        assert.deepEqual(check(stack, config), []);
      });
    }
  });
});

describe("session-manager-roles-traced (advisory)", () => {
  it("is advisory", () => {
    assert.equal(sessionManagerRolesTraced.enforcementLevel, "advisory");
  });

  const untraced: Array<[string, Stack, string]> = [
    [
      "an SSM attachment to a role this stack doesn't declare",
      { ssm: { type: AWS.iamRolePolicyAttachment, outputs: { role: "elsewhere", policyArn: SSM_CORE } } },
      "ssm",
    ],
    [
      "a role with SSM and no instance profile here",
      {
        ...withSsmOnFleet(),
        "fleet-profile": { type: AWS.iamInstanceProfile, outputs: { name: "p", role: "other" } },
      },
      "fleet-role",
    ],
    [
      "a build role whose profile nothing here uses",
      {
        ...buildRole(),
        "build-infra": { type: AWS.imageBuilderInfrastructure, outputs: { instanceProfileName: "other" } },
      },
      "build-role",
    ],
  ];
  for (const [title, stack, subject] of untraced) {
    it(`says it can't tell what is served: ${title}`, () => {
      assert.deepEqual(check(stack), [["session-manager-roles-traced", "advisory", subject]]);
    });
  }

  it("traces through property dependencies when names are unknown (a preview): a build role passes", () => {
    // As the real engine sends a preview: every name and ARN unknown, the links in property dependencies.
    const stack: Stack = {
      "build-role": { type: AWS.iamRole, outputs: { name: UNKNOWN, assumeRolePolicy: EC2_TRUST } },
      "build-ssm": {
        type: AWS.iamRolePolicyAttachment,
        outputs: { role: UNKNOWN, policyArn: SSM_CORE },
        deps: { role: ["build-role"] },
      },
      "build-profile": {
        type: AWS.iamInstanceProfile,
        outputs: { name: UNKNOWN, role: UNKNOWN },
        deps: { role: ["build-role"] },
      },
      "build-infra": {
        type: AWS.imageBuilderInfrastructure,
        outputs: { instanceProfileName: UNKNOWN },
        deps: { instanceProfileName: ["build-profile"] },
      },
      "fleet-profile": { type: AWS.iamInstanceProfile, outputs: { name: UNKNOWN, role: "other" } },
      "fleet-lt": {
        type: AWS.launchTemplate,
        outputs: { iamInstanceProfile: { arn: UNKNOWN } },
        deps: { iamInstanceProfile: ["fleet-profile"] },
      },
    };
    assert.deepEqual(check(stack), []);
  });

  it("takes a role allowed by config", () => {
    const stack = untraced[1][1];
    assert.deepEqual(
      check(stack, { "session-manager-roles-traced": { allowedRoles: ["fleet-role-1"] } }),
      [],
    );
  });
});

describe("IAM documents", () => {
  const table: Array<[string, unknown, string[]]> = [
    ["Action ssmmessages:*", { Statement: [{ Effect: "Allow", Action: "ssmmessages:*" }] }, ["all"]],
    ["Action * ", { Statement: [{ Effect: "Allow", Action: "*" }] }, ["all"]],
    [
      "Action SSMMessages:createdatachannel (case)",
      { Statement: [{ Effect: "Allow", Action: "SSMMessages:createdatachannel" }] },
      ["ssmmessages:CreateDataChannel"],
    ],
    [
      "Action ssmmessages:Open?ataChannel (?)",
      { Statement: [{ Effect: "Allow", Action: "ssmmessages:Open?ataChannel" }] },
      ["ssmmessages:OpenDataChannel"],
    ],
    ["Deny ssmmessages:*", { Statement: [{ Effect: "Deny", Action: "ssmmessages:*" }] }, []],
    ["NotAction ssmmessages:*", { Statement: [{ Effect: "Allow", NotAction: "ssmmessages:*" }] }, []],
    ["Action ssm:*", { Statement: [{ Effect: "Allow", Action: "ssm:*" }] }, []],
    ["not JSON", "{not json", []],
  ];
  for (const [title, doc, expected] of table) {
    it(`${title} → ${expected.join(", ") || "no Session Manager action"}`, () => {
      const allowed = sessionManagerActionsAllowed(() =>
        typeof doc === "string" ? doc : JSON.stringify(doc),
      );
      assert.ok(Array.isArray(allowed));
      assert.equal(
        expected[0] === "all" ? allowed.length : allowed.join(","),
        expected[0] === "all" ? 4 : expected.join(","),
      );
    });
  }
  it("reads a trust policy's service principal, as a string or a list", () => {
    assert.equal(
      trustsService(() => EC2_TRUST, "ec2.amazonaws.com"),
      true,
    );
    assert.equal(
      trustsService(() => LAMBDA_TRUST, "ec2.amazonaws.com"),
      false,
    );
    const list = {
      Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com", "ec2.amazonaws.com"] } }],
    };
    assert.equal(
      trustsService(() => list, "ec2.amazonaws.com"),
      true,
    );
  });
});
