import { strict as assert } from "assert";
import { createHash } from "crypto";
import type { PolicyResource, StackValidationArgs } from "@pulumi/policy";
import {
  launchTemplateIdentity,
  nameWithIdentity,
  userDataDigest,
} from "../../components/immutability/identity";
import { AWS, pulumiTypeOf } from "../../policies/lib/types";
import { fleetTemplateInSameStack, immutableReleaseIdentity } from "../../policies/releaseIdentity";
import { UNKNOWN, runPolicy } from "./harness";
import * as PINNED from "./pinnedTemplate";

const TEMPLATE_INPUTS = {
  imageId: "ami-0abc",
  instanceType: "t3.small",
  userData: "IyEvYmluL3NoCg==",
  vpcSecurityGroupIds: ["sg-fleet"],
  metadataOptions: { httpTokens: "required" },
};
// Pinned literals, so that a change in how identities are computed fails here instead of moving the expectation
// with it (the first test recomputes them, the only place that calls the code for them).
const IDENTITY = "kt2snqj732";
const NAME = "shop-web-v1-kt2snqj732";
/** SHA-256 of the user data as Phoenix tags it: of the base64 text itself (node:crypto, not Phoenix's code). */
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("immutable-release-identity", () => {
  it("the pinned identity, name and digest are what Phoenix computes for the template inputs", () => {
    assert.equal(launchTemplateIdentity(TEMPLATE_INPUTS), IDENTITY);
    assert.equal(nameWithIdentity("shop-web-v1", IDENTITY), NAME);
    assert.equal(userDataDigest(TEMPLATE_INPUTS.userData), sha256(TEMPLATE_INPUTS.userData));
    // The template the other policy tests share (pinnedTemplate.ts); a group's name fits in 255 characters as is.
    assert.equal(launchTemplateIdentity(PINNED.TEMPLATE), PINNED.IDENTITY);
    assert.equal(nameWithIdentity("shop-web", PINNED.IDENTITY), PINNED.TEMPLATE_NAME);
    assert.equal(nameWithIdentity("shop-web", PINNED.IDENTITY, 255), PINNED.TEMPLATE_NAME);
  });

  describe("launch templates", () => {
    /** A Phoenix launch template whose name and tag carry the identity of its inputs. */
    function happyPathArgs(): Record<string, unknown> {
      return {
        ...TEMPLATE_INPUTS,
        name: NAME,
        tags: { "phoenix:app": "shop", "phoenix:identity": IDENTITY },
      };
    }
    const run = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
      runPolicy(immutableReleaseIdentity, AWS.launchTemplate, props, { name: "web", config });

    it("passes the happy path", () => {
      assert.deepEqual(run(happyPathArgs()).violations, []);
    });
    it("passes with provider defaults filled in and numbers as strings", () => {
      const props = {
        ...happyPathArgs(),
        metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: "1" },
        blockDeviceMappings: [],
        description: "changed in place: not part of the identity",
      };
      assert.deepEqual(run(props).violations, []);
    });
    it("passes a changed tag (tags are outside the identity)", () => {
      const props = { ...happyPathArgs(), tags: { ...(happyPathArgs().tags as object), team: "web" } };
      assert.deepEqual(run(props).violations, []);
    });
    it("fails a changed AMI under the old name: a mutation in place", () => {
      const { violations } = run({ ...happyPathArgs(), imageId: "ami-0def" });
      assert.equal(violations.length, 2);
      assert.match(
        violations[0],
        new RegExp(
          `"web" must carry the release identity of its inputs in its name: .* carries "${IDENTITY}"`,
        ),
      );
      assert.match(violations[1], /must tag `phoenix:identity` with the identity of its inputs/);
    });
    it("fails a changed instance type", () => {
      assert.equal(run({ ...happyPathArgs(), instanceType: "t3.large" }).violations.length, 2);
    });
    it("fails a name without any identity", () => {
      const { violations } = run({ ...happyPathArgs(), name: "shop-web" });
      assert.match(violations[0], /carries none, the inputs hash to/);
    });
    it("fails an auto-named template (namePrefix)", () => {
      const { violations } = run({ ...happyPathArgs(), name: undefined, namePrefix: "shop-web-" });
      assert.match(violations[0], /must have a physical `name` ending in the release identity/);
    });
    it("ignores a template without Phoenix tags by default", () => {
      assert.deepEqual(run({ ...TEMPLATE_INPUTS, name: "someone-elses" }).violations, []);
    });
    it('checks every template with scope: "all", where no identity is a violation', () => {
      assert.equal(run({ ...TEMPLATE_INPUTS, name: "someone-elses" }, { scope: "all" }).violations.length, 1);
    });
    it("gives no verdict when an immutable input is unknown during preview", () => {
      const result = run({ ...happyPathArgs(), imageId: UNKNOWN });
      assert.deepEqual(result.violations, []);
      assert.match(String(result.unknown?.message), /imageId/);
    });
    it("gives no verdict when the name is unknown during preview", () => {
      const result = run({ ...happyPathArgs(), name: UNKNOWN });
      assert.deepEqual(result.violations, []);
      assert.ok(result.unknown);
    });
  });

  describe("launch templates with secret user data", () => {
    const SIG = "4dabf18193072939515e22adb298388d";
    const SECRET = "1b47061264138c4ac30d75fd1eb44270";
    const DIGEST = sha256(TEMPLATE_INPUTS.userData);
    /** As Phoenix registers it: the user data secret, its SHA-256 in a plain tag; as the engine sends it. */
    function happyPathArgs(): Record<string, unknown> {
      return {
        ...TEMPLATE_INPUTS,
        userData: { [SIG]: SECRET, value: TEMPLATE_INPUTS.userData },
        name: NAME,
        tags: { "phoenix:app": "shop", "phoenix:identity": IDENTITY, "phoenix:user-data-sha256": DIGEST },
      };
    }
    const run = (props: Record<string, unknown>) =>
      runPolicy(immutableReleaseIdentity, AWS.launchTemplate, props, { name: "web" });

    it("passes secret user data the engine sent decrypted, with its digest tag", () => {
      assert.deepEqual(run(happyPathArgs()).violations, []);
    });
    it("passes user data sent unwrapped (the policy SDK's deserialised form)", () => {
      assert.deepEqual(run({ ...happyPathArgs(), userData: TEMPLATE_INPUTS.userData }).violations, []);
    });
    it("passes encrypted user data (an export): the identity is computed from the digest tag", () => {
      const props = { ...happyPathArgs(), userData: { [SIG]: SECRET, ciphertext: "v1:abc" } };
      const result = run(props);
      assert.deepEqual(result.violations, []);
      assert.equal(result.unknown, undefined);
    });
    it("fails user data changed in place under the old name and the old digest tag", () => {
      const changed = { [SIG]: SECRET, value: "ZWNobyBoaQo=" };
      const { violations } = run({ ...happyPathArgs(), userData: changed });
      assert.equal(violations.length, 3);
      assert.match(violations[0], /must carry the release identity of its inputs in its name/);
      assert.match(violations[1], /must tag `phoenix:identity` with the identity of its inputs/);
      assert.match(
        violations[2],
        new RegExp(
          `"web" must tag \`phoenix:user-data-sha256\` with the SHA-256 of its user data: "${DIGEST}" ≠ "${sha256("ZWNobyBoaQo=")}"`,
        ),
      );
    });
    it("fails, offline, an encrypted change whose digest tag moved but whose name did not", () => {
      const props = {
        ...happyPathArgs(),
        userData: { [SIG]: SECRET, ciphertext: "v1:other" },
        tags: {
          ...(happyPathArgs().tags as object),
          "phoenix:user-data-sha256": sha256("ZWNobyBoaQo="),
        },
      };
      const { violations } = run(props);
      assert.equal(violations.length, 2);
      assert.match(violations[0], /must carry the release identity of its inputs in its name/);
    });
    it("gives no verdict on encrypted user data without a digest tag (or a malformed one)", () => {
      for (const digest of [undefined, "not-a-digest"]) {
        const tags = {
          "phoenix:app": "shop",
          "phoenix:identity": IDENTITY,
          "phoenix:user-data-sha256": digest,
        };
        const props = { ...happyPathArgs(), userData: { [SIG]: SECRET, ciphertext: "v1:abc" }, tags };
        assert.throws(() => run(props), /input `userData` is an encrypted secret/);
      }
    });
    it("hashes the digest, not the user data: the identity is the same with the value or with its tag", () => {
      const withValue = launchTemplateIdentity(TEMPLATE_INPUTS);
      const withTag = launchTemplateIdentity({
        ...TEMPLATE_INPUTS,
        userData: { [SIG]: SECRET, ciphertext: "v1:abc" },
        tags: { "phoenix:user-data-sha256": DIGEST },
      });
      assert.equal(withTag, withValue);
      // A list of tags, as auto scaling groups and some exports carry them, and `tagsAll` count too.
      for (const tags of [
        { tagsAll: { "phoenix:user-data-sha256": DIGEST } },
        { tags: [{ key: "phoenix:user-data-sha256", value: DIGEST }] },
      ]) {
        assert.equal(
          launchTemplateIdentity({
            ...TEMPLATE_INPUTS,
            userData: { [SIG]: SECRET, ciphertext: "v1:abc" },
            ...tags,
          }),
          withValue,
        );
      }
    });
  });

  describe("auto scaling groups", () => {
    const templateName = NAME;
    function happyPathArgs(): Record<string, unknown> {
      return {
        name: nameWithIdentity("shop-web-v1", IDENTITY, 255),
        launchTemplate: { name: templateName, version: "1" },
        minSize: 2,
        maxSize: 4,
        tags: [
          { key: "phoenix:app", value: "shop", propagateAtLaunch: true },
          { key: "phoenix:identity", value: IDENTITY, propagateAtLaunch: true },
        ],
      };
    }
    const run = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
      runPolicy(immutableReleaseIdentity, AWS.autoScalingGroup, props, { name: "web", config });

    it("passes the happy path", () => {
      assert.deepEqual(run(happyPathArgs()).violations, []);
    });
    it("passes a capacity change (capacity is outside the identity)", () => {
      assert.deepEqual(run({ ...happyPathArgs(), minSize: 6, maxSize: 12 }).violations, []);
    });
    it("passes a template referenced through a mixed instances policy", () => {
      const props = {
        ...happyPathArgs(),
        launchTemplate: undefined,
        mixedInstancesPolicy: {
          launchTemplate: { launchTemplateSpecification: { launchTemplateName: templateName, version: "3" } },
        },
      };
      assert.deepEqual(run(props).violations, []);
    });
    it("fails a group switched to another release's template in place", () => {
      const other = nameWithIdentity("shop-web-v2", "abcdefghij");
      const { violations } = run({ ...happyPathArgs(), launchTemplate: { name: other, version: "1" } });
      assert.match(violations[0], /must carry the release identity of its launch template in its name/);
      assert.match(violations[1], /must tag `phoenix:identity` with its template's identity/);
    });
    it("fails a template referenced by id only", () => {
      const { violations } = run({ ...happyPathArgs(), launchTemplate: { id: "lt-0123", version: "1" } });
      assert.deepEqual(violations, [
        'Auto scaling group "web" must reference its launch template by name (`launchTemplate`): the name carries the release identity, an id does not.',
      ]);
    });
    it("fails a template whose name carries no identity", () => {
      const { violations } = run({ ...happyPathArgs(), launchTemplate: { name: "shop-web", version: "1" } });
      assert.match(violations[0], /"shop-web" carries none/);
    });
    it("gives no verdict when the template name is unknown during preview", () => {
      const result = run({ ...happyPathArgs(), launchTemplate: { name: UNKNOWN, version: UNKNOWN } });
      assert.deepEqual(result.violations, []);
      assert.ok(result.unknown);
    });
    it("ignores untagged groups by default and checks them with scope: all", () => {
      const props = { ...happyPathArgs(), tags: [], name: "legacy" };
      assert.deepEqual(run(props).violations, []);
      assert.equal(run(props, { scope: "all" }).violations.length, 1);
    });
  });
});

describe("fleet-template-in-same-stack", () => {
  const templateName = NAME;
  function resource(type: string, name: string, props: Record<string, unknown>): PolicyResource {
    return {
      type,
      name,
      urn: `urn:pulumi:dev::shop::${type}::${name}`,
      props,
      opts: {
        protect: false,
        ignoreChanges: [],
        aliases: [],
        additionalSecretOutputs: [],
        customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      },
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => pulumiTypeOf(cls) === type,
      asType: () => undefined,
    };
  }
  /** A fleet stack: its template and the group that runs it. */
  function happyPathArgs(): PolicyResource[] {
    return [
      resource(AWS.launchTemplate, "web-lt", { id: "lt-1", name: templateName }),
      resource(AWS.autoScalingGroup, "web-asg", {
        launchTemplate: { id: "lt-1", name: templateName, version: "1" },
        tags: [{ key: "phoenix:app", value: "shop" }],
      }),
    ];
  }
  function run(resources: PolicyResource[], config: Record<string, unknown> = {}) {
    const violations: Array<{ message: string; urn?: string }> = [];
    const args: StackValidationArgs = {
      resources,
      stackTags: new Map(),
      getConfig: <T extends object>() => config as T,
      notApplicable: (reason?: string): never => {
        throw new Error(reason);
      },
    };
    void fleetTemplateInSameStack.validateStack(
      args,
      (message, urn) => void violations.push({ message, urn }),
    );
    return violations;
  }

  it("passes a group running its own stack's template", () => {
    assert.deepEqual(run(happyPathArgs()), []);
  });
  it("fails a group running a template from elsewhere, on the group's URN", () => {
    const [, group] = happyPathArgs();
    const violations = run([group]);
    assert.equal(violations.length, 1);
    assert.equal(violations[0].urn, group.urn);
    assert.match(
      violations[0].message,
      /"web-asg" must run a launch template of its own stack: `launchTemplate` names ".*", which this stack does not declare/,
    );
  });
  it("ignores an untagged group unless scope is all", () => {
    const group = resource(AWS.autoScalingGroup, "legacy", {
      launchTemplate: { name: "elsewhere", version: "1" },
    });
    assert.deepEqual(run([group]), []);
    assert.equal(run([group], { scope: "all" }).length, 1);
  });
});
