// What policies read once and share: a policy's merged config (per config object), an auto scaling group's
// launch template references (per group), a byType validation's parts (per type). `phoenix check` calls
// these on every resource of large exports; sharing must never hand one resource or config another's answer.
import { strict as assert } from "assert";
import type { ResourceValidationArgs } from "@pulumi/policy";
import { configOf } from "../../policies/lib/config";
import { templateReferencesOf } from "../../policies/lib/fleet";
import { byType, validateTypes } from "../../policies/lib/types";

const DEFAULTS = { ports: [22, 3389], allowPrivateSources: false };

describe("configOf", () => {
  const args = (given: unknown) => ({ getConfig: <T>() => given as T });

  it("merges the given config over the defaults, ignoring null and undefined", () => {
    assert.deepEqual(configOf(args({ ports: [2222], allowPrivateSources: null }), DEFAULTS), {
      ports: [2222],
      allowPrivateSources: false,
    });
    assert.deepEqual(configOf(args(undefined), DEFAULTS), DEFAULTS);
  });

  it("merges once per config object and defaults, and never answers one config with another's", () => {
    const given = { ports: [2222] };
    const first = configOf(args(given), DEFAULTS);
    assert.equal(configOf(args(given), DEFAULTS), first, "the same config object: the same merge");
    assert.deepEqual(configOf(args({ ports: [8022] }), DEFAULTS).ports, [8022]);
    const otherDefaults = { ports: [3389], allowPrivateSources: true };
    assert.deepEqual(configOf(args(given), otherDefaults), { ports: [2222], allowPrivateSources: true });
  });

  it("hands out a frozen merge and leaves the defaults as they were", () => {
    const config = configOf(args({ allowPrivateSources: true }), DEFAULTS);
    assert.ok(Object.isFrozen(config));
    assert.deepEqual(DEFAULTS, { ports: [22, 3389], allowPrivateSources: false });
  });
});

describe("templateReferencesOf", () => {
  it("reads each group's references once, and each group's own", () => {
    const blue = { launchTemplate: { name: "web-blue-abcdefghij", version: "1" } };
    const green = {
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateName: "web-green-abcdefghij", version: "2" },
          overrides: [{ launchTemplateSpecification: { launchTemplateId: "lt-1", version: "$Latest" } }],
        },
      },
    };
    const refs = templateReferencesOf(blue);
    assert.equal(templateReferencesOf(blue), refs);
    assert.deepEqual(refs, [
      { path: "launchTemplate", id: undefined, name: "web-blue-abcdefghij", version: "1" },
    ]);
    assert.deepEqual(
      templateReferencesOf(green).map((r) => [r.path, r.id ?? r.name, r.version]),
      [
        ["mixedInstancesPolicy.launchTemplate.launchTemplateSpecification", "web-green-abcdefghij", "2"],
        ["mixedInstancesPolicy.launchTemplate.overrides[0].launchTemplateSpecification", "lt-1", "$Latest"],
      ],
    );
    assert.ok(Object.isFrozen(refs));
  });
});

describe("byType", () => {
  const A = "aws:test/a:A";
  const B = "aws:test/b:B";
  const run = (validation: ReturnType<typeof byType>, type: string) => {
    const seen: string[] = [];
    let notApplicable: string | undefined;
    const args = {
      type,
      notApplicable: (reason?: string) => {
        notApplicable = reason;
      },
    } as unknown as ResourceValidationArgs;
    void validation(args, (message) => seen.push(message));
    return { seen, notApplicable };
  };

  it("runs, for each type, exactly the parts for that type, in order", () => {
    const validation = byType(
      validateTypes([A], (_p, _a, report) => report("first A")),
      validateTypes([A, B], (_p, _a, report) => report("A or B")),
      validateTypes([B], (_p, _a, report) => report("B")),
    );
    assert.deepEqual(run(validation, A).seen, ["first A", "A or B"]);
    assert.deepEqual(run(validation, B).seen, ["A or B", "B"]);
  });

  it("is not applicable to any other type, naming the types it judges", () => {
    const validation = byType(
      validateTypes([A], () => undefined),
      validateTypes([B], () => undefined),
    );
    const { seen, notApplicable } = run(validation, "aws:test/c:C");
    assert.deepEqual(seen, []);
    assert.equal(notApplicable, `Policy only applies to resources of types '${A}', '${B}'`);
  });
});
