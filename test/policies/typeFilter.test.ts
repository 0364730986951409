// Which resources a policy's validation is run on, and how messages name them (policies/lib/types.ts). The
// engine's SDK skips a policy without calling it when its one validation carries a `__pulumiType` other than the
// resource's type (@pulumi/policy server.js:239-247, getPulumiType policy.js:271-274); Phoenix's validations
// carry it only when they judge a single type, and say which types they judge when called on another.
import { strict as assert } from "assert";
import type { ResourceValidation, ResourceValidationPolicy } from "@pulumi/policy";
import {
  AWS,
  byType,
  describeResource,
  pulumiTypeOf,
  typesOf,
  validateTypes,
} from "../../policies/lib/types";
import { engineArgs, runPolicy } from "./harness";

// The SDK's own reader of `__pulumiType` (internal, so required by path), as the oracle for pulumiTypeOf.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkPolicy = require("@pulumi/policy/policy") as { getPulumiType(fn: unknown): string | undefined };

/** A policy whose one validation, over `types`, reports each resource it judges. */
function reporting(types: string[]): ResourceValidationPolicy {
  return {
    name: "reports-type",
    description: "Checks that types are filtered",
    validateResource: validateTypes(types, (_props, args, report) => report(`judged ${args.name}`)),
  };
}

/** The reason a validation gives when called directly (not through the SDK's filter) on `type`. */
function reasonOn(validation: ResourceValidation, type: string): string {
  try {
    void validation(engineArgs(type, {}), () => assert.fail("no violation on a type it does not judge"));
  } catch (error) {
    return (error as Error).message;
  }
  return assert.fail("notApplicable was not called");
}

describe("which resources a validation is run on", () => {
  it("one type: the SDK skips every other type by its __pulumiType, and the validation runs on its own", () => {
    const validation = validateTypes([AWS.keyPair], () => {});
    assert.equal(pulumiTypeOf(validation), "aws:ec2/keyPair:KeyPair");
    const policy = reporting([AWS.keyPair]);
    assert.deepEqual(runPolicy(policy, AWS.keyPair, {}, { name: "deployer" }).violations, [
      "judged deployer",
    ]);
    assert.deepEqual(runPolicy(policy, AWS.instance, {}), {
      violations: [],
      notApplicable: ["Policy only applies to resources of type 'aws:ec2/keyPair:KeyPair'"],
    });
  });

  it("several types: no __pulumiType, so the SDK calls it on each of them, and it judges each", () => {
    const types = [AWS.launchTemplate, AWS.instance];
    const validation = validateTypes(types, () => {});
    assert.equal(pulumiTypeOf(validation), undefined);
    assert.equal(sdkPolicy.getPulumiType(validation), undefined);
    const policy = reporting(types);
    assert.deepEqual(runPolicy(policy, AWS.instance, {}, { name: "bastion" }).violations, ["judged bastion"]);
    assert.deepEqual(runPolicy(policy, AWS.launchTemplate, {}, { name: "web" }).violations, ["judged web"]);
    assert.deepEqual(runPolicy(policy, AWS.keyPair, {}).notApplicable, [
      "Policy only applies to resources of types 'aws:ec2/launchTemplate:LaunchTemplate', 'aws:ec2/instance:Instance'",
    ]);
  });

  it("byType: each part on its own types, and the types of all parts said when none applies", () => {
    const seen: string[] = [];
    const validation = byType(
      validateTypes([AWS.instance], (_p, args) => void seen.push(`instance part: ${args.name}`)),
      validateTypes(
        [AWS.launchTemplate, AWS.instance],
        (_p, args) => void seen.push(`shared part: ${args.name}`),
      ),
    );
    assert.equal(pulumiTypeOf(validation), undefined);
    assert.deepEqual(typesOf(validation), [
      "aws:ec2/instance:Instance",
      "aws:ec2/launchTemplate:LaunchTemplate",
      "aws:ec2/instance:Instance",
    ]);
    void validation(engineArgs(AWS.instance, {}, { name: "i-1" }), () => {});
    void validation(engineArgs(AWS.launchTemplate, {}, { name: "lt-1" }), () => {});
    assert.deepEqual(seen, ["instance part: i-1", "shared part: i-1", "shared part: lt-1"]);
    assert.equal(
      reasonOn(validation, AWS.keyPair),
      "Policy only applies to resources of types 'aws:ec2/instance:Instance', " +
        "'aws:ec2/launchTemplate:LaunchTemplate', 'aws:ec2/instance:Instance'",
    );
  });

  it("a single-type byType keeps the SDK's fast filter, and says its one type", () => {
    const validation = byType(validateTypes([AWS.keyPair], () => {}));
    assert.equal(pulumiTypeOf(validation), "aws:ec2/keyPair:KeyPair");
    assert.equal(
      reasonOn(validation, AWS.instance),
      "Policy only applies to resources of type 'aws:ec2/keyPair:KeyPair'",
    );
  });
});

describe("reading a validation's types", () => {
  const table: Array<[string, unknown, string | undefined, string[]]> = [
    [
      "the SDK's validateResourceOfType mark",
      Object.assign(() => {}, { __pulumiType: AWS.instance }),
      AWS.instance,
      [AWS.instance],
    ],
    ["an empty mark", Object.assign(() => {}, { __pulumiType: "" }), undefined, []],
    ["a mark that is not a string", Object.assign(() => {}, { __pulumiType: 7 }), undefined, []],
    ["no mark", () => {}, undefined, []],
    ["no validation at all", undefined, undefined, []],
  ];
  for (const [title, fn, token, types] of table) {
    it(`${title}: ${token ?? "no type"}`, () => {
      assert.equal(pulumiTypeOf(fn), token);
      assert.equal(sdkPolicy.getPulumiType(fn), token, "as the SDK reads it");
      assert.deepEqual(typesOf(fn), types);
    });
  }
});

describe("how messages name a resource", () => {
  it("by its kind and logical name", () => {
    assert.equal(describeResource(AWS.launchTemplate, "web-lt"), 'Launch template "web-lt"');
    assert.equal(describeResource(AWS.iamRole, "fleet-role"), 'Role "fleet-role"');
  });
  it("by its type token when Phoenix has no name for its kind", () => {
    assert.equal(describeResource("aws:foo/bar:Baz", "x"), 'Resource of type aws:foo/bar:Baz "x"');
  });
});
