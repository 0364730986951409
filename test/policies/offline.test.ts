import { strict as assert } from "assert";
import { ALL_POLICIES } from "../../policies/all";
import { IDENTITY, TEMPLATE, TEMPLATE_NAME } from "./pinnedTemplate";
import { AWS } from "../../policies/lib/types";
import {
  PolicyConfigError,
  evaluateResources,
  validatePolicyConfig,
  type OfflineResource,
} from "../../policies/offline";
import { UNKNOWN } from "./harness";

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

/** A compliant fleet stack: its launch template and the group running it. */
function fleetStack(): OfflineResource[] {
  const templateName = TEMPLATE_NAME;
  return [
    {
      urn: `urn:pulumi:shop-dev-blue::phoenix::${AWS.launchTemplate}::web-lt`,
      type: AWS.launchTemplate,
      inputs: { ...TEMPLATE, name: templateName, tags: { "phoenix:identity": IDENTITY } },
    },
    {
      urn: `urn:pulumi:shop-dev-blue::phoenix::${AWS.autoScalingGroup}::web-asg`,
      type: AWS.autoScalingGroup,
      inputs: {
        name: TEMPLATE_NAME,
        launchTemplate: { name: templateName, version: "1" },
        targetGroupArns: ["arn:tg"],
        healthCheckType: "ELB",
        tags: [{ key: "phoenix:identity", value: IDENTITY }],
      },
    },
  ];
}
const sshRule = (cidr: unknown): OfflineResource => ({
  urn: `urn:pulumi:shop-dev-network::phoenix::${AWS.securityGroupRule}::ssh`,
  type: AWS.securityGroupRule,
  inputs: { type: "ingress", protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [cidr] },
});

describe("evaluateResources (offline)", () => {
  it("finds nothing in a compliant fleet stack", () => {
    assert.deepEqual(evaluateResources(fleetStack()), []);
  });

  it("reports a violation with its policy, level, resource and message", () => {
    const [verdict, ...rest] = evaluateResources([sshRule("0.0.0.0/0")]);
    assert.equal(rest.length, 0);
    assert.deepEqual(
      { ...verdict, description: undefined },
      {
        policy: "no-ssh-access",
        kind: "violation",
        enforcementLevel: "mandatory",
        urn: sshRule("").urn,
        type: AWS.securityGroupRule,
        name: "ssh",
        message:
          'Security group rule "ssh" must not admit remote access: the rule (protocol tcp) admits port 22 from 0.0.0.0/0.',
        description: undefined,
        severity: "critical",
      },
    );
  });

  const privateAllowed = { "no-ssh-access": { allowPrivateSources: true } };

  it("gives an advisory 'undecided' verdict, not a violation, for an unknown input the verdict depends on", () => {
    const verdicts = evaluateResources([sshRule(UNKNOWN)], { config: privateAllowed });
    assert.equal(verdicts.length, 1);
    assert.equal(verdicts[0].kind, "undecided");
    assert.equal(verdicts[0].enforcementLevel, "advisory");
    assert.match(verdicts[0].message, /no verdict: input `cidrBlocks\[0\]` is not known until apply/);
  });

  it("gives no verdict on an encrypted secret the verdict depends on, and judges one that carries its plaintext", () => {
    const encrypted = evaluateResources([sshRule({ [SECRET_SIG]: SECRET_VALUE, ciphertext: "v1:abc" })], {
      config: privateAllowed,
    });
    assert.deepEqual(
      encrypted.map((v) => [v.kind, v.message]),
      [["undecided", "no verdict: input `cidrBlocks[0]` is an encrypted secret"]],
    );
    const plaintext = evaluateResources([sshRule({ [SECRET_SIG]: SECRET_VALUE, plaintext: '"0.0.0.0/0"' })], {
      config: privateAllowed,
    });
    assert.deepEqual(
      plaintext.map((v) => v.kind),
      ["violation"],
    );
  });

  it("decides when the verdict does not depend on the value: by default any source of port 22 is a violation", () => {
    for (const source of [UNKNOWN, { [SECRET_SIG]: SECRET_VALUE, ciphertext: "v1:abc" }]) {
      const verdicts = evaluateResources([sshRule(source)]);
      assert.deepEqual(
        verdicts.map((v) => [v.kind, v.enforcementLevel]),
        [["violation", "mandatory"]],
      );
      assert.match(
        verdicts[0].message,
        /admits port 22 from an? (encrypted value|value not known until apply)\.$/,
      );
    }
  });

  it("gives an 'undecided' verdict on a release identity it can't compute", () => {
    const [template] = fleetStack();
    const verdicts = evaluateResources([{ ...template, inputs: { ...template.inputs, imageId: UNKNOWN } }]);
    assert.deepEqual(
      verdicts.map((v) => [v.policy, v.kind, v.message]),
      [["immutable-release-identity", "undecided", "no verdict: input `imageId` is not known until apply"]],
    );
  });

  it("catches a launch template whose AMI changed under its old name", () => {
    const [template, group] = fleetStack();
    const mutated = { ...template, inputs: { ...template.inputs, imageId: "ami-0new" } };
    const verdicts = evaluateResources([mutated, group]);
    assert.deepEqual(
      verdicts.map((v) => [v.policy, v.name]),
      [
        ["immutable-release-identity", "web-lt"],
        ["immutable-release-identity", "web-lt"],
      ],
    );
  });

  it("runs stack policies over outputs, reporting on the offending resource", () => {
    const [, group] = fleetStack();
    const verdicts = evaluateResources([{ ...group, outputs: group.inputs }]);
    assert.deepEqual(
      verdicts.map((v) => [v.policy, v.name, v.urn]),
      [["fleet-template-in-same-stack", "web-asg", group.urn]],
    );
  });

  it("passes resource options to policies (ignoreChanges)", () => {
    const [template, group] = fleetStack();
    const verdicts = evaluateResources([
      template,
      { ...group, options: { ignoreChanges: ["launchTemplate"] } },
    ]);
    assert.deepEqual(
      verdicts.map((v) => v.policy),
      ["no-ignore-changes-on-immutable"],
    );
  });

  describe("config, as `pulumi up --policy-pack-config` takes it", () => {
    it("lowers a policy to advisory", () => {
      const verdicts = evaluateResources([sshRule("0.0.0.0/0")], { config: { "no-ssh-access": "advisory" } });
      assert.deepEqual(
        verdicts.map((v) => v.enforcementLevel),
        ["advisory"],
      );
    });
    it("disables a policy, also through `all`", () => {
      assert.deepEqual(
        evaluateResources([sshRule("0.0.0.0/0")], { config: { "no-ssh-access": "disabled" } }),
        [],
      );
      assert.deepEqual(evaluateResources([sshRule("0.0.0.0/0")], { config: { all: "disabled" } }), []);
    });
    it("lets a policy's own entry win over `all`", () => {
      const verdicts = evaluateResources([sshRule("0.0.0.0/0")], {
        config: { all: "disabled", "no-ssh-access": { enforcementLevel: "mandatory" } },
      });
      assert.deepEqual(
        verdicts.map((v) => v.policy),
        ["no-ssh-access"],
      );
    });
    it("reports remediate as mandatory", () => {
      const verdicts = evaluateResources([sshRule("0.0.0.0/0")], { config: { all: "remediate" } });
      assert.deepEqual(
        verdicts.map((v) => v.enforcementLevel),
        ["mandatory"],
      );
    });
    it("passes properties to the policy", () => {
      const config = { "no-ssh-access": { allowPrivateSources: true } };
      assert.deepEqual(evaluateResources([sshRule("10.0.0.0/8")], { config }), []);
      assert.equal(evaluateResources([sshRule("100.64.0.0/10")], { config }).length, 1);
    });
    it("names every problem the Pulumi CLI refuses: bad level, wrong type", () => {
      const config = {
        "no-telnet": "mandatory",
        all: "strict",
        "no-ssh-access": { ports: ["22"], allowPublic: true },
        "immutable-release-identity": { scope: "some" },
      };
      assert.throws(
        () => evaluateResources([], { config }),
        (error: unknown) => {
          assert.ok(error instanceof PolicyConfigError);
          assert.deepEqual(error.problems, [
            '`all` must be one of advisory, mandatory, remediate, disabled, got "strict"',
            '`no-ssh-access.ports` item [0] must be integer, got ["22"]',
            '`immutable-release-identity.scope` must be one of "phoenix", "all", got "some"',
          ]);
          return true;
        },
      );
    });

    it("accepts what the CLI accepts but changes nothing (unknown policies and properties) with warnings", () => {
      const config = {
        "no-telnet": "mandatory",
        "no-ssh-access": { allowPublic: true },
        environments: ["org/policy-secrets"],
      };
      assert.deepEqual(validatePolicyConfig(config), [
        `\`no-telnet\` is not a policy of this pack, so it changes nothing (policies: all, ${ALL_POLICIES.map((p) => p.name).join(", ")})`,
        "`no-ssh-access.allowPublic` is not a property of no-ssh-access, so it changes nothing (properties: ports, allowPrivateSources)",
      ]);
    });

    it("takes the versioned form (version 2, policies, environments) and refuses other versions", () => {
      const v2 = { version: 2, environments: ["org/env"], policies: { "no-ssh-access": "advisory" } };
      const verdicts = evaluateResources([sshRule("0.0.0.0/0")], { config: v2 });
      assert.deepEqual(
        verdicts.map((v) => v.enforcementLevel),
        ["advisory"],
      );
      assert.throws(() => validatePolicyConfig({ version: 3, policies: {} }), /version 3 isn't supported/);
      assert.throws(() => validatePolicyConfig({ version: 1 }), /`version` must be 2/);
      assert.throws(
        () => validatePolicyConfig({ environments: "org/env" }),
        /`environments` must be an array/,
      );
      // Without a number, "version" is a policy's name, as the CLI reads it.
      assert.deepEqual(validatePolicyConfig({ version: "advisory" }).length, 1);
    });
  });
});
