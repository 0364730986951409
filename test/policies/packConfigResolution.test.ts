// Pack config resolved and checked as the Pulumi CLI does before `Configure` (pkg/resource/analyzer/config.go in
// Pulumi 3.274: parsePolicyPackConfig 113-151, parsePolicyConfigs 182-217, ReconcilePolicyPackConfig 367-395,
// schema validation with gojsonschema 271-290), for this pack and for an organisation's own pack (the example
// org pack resolves its config with the same function). Every expected value is a literal.
import { strict as assert } from "assert";
import type { Policies, PolicyConfigSchema } from "@pulumi/policy";
import { PolicyConfigError, resolvePackConfig } from "../../policies/lib/packConfig";

/** A policy of an organisation's pack: a name, an optional level, an optional schema. */
function policy(name: string, configSchema?: PolicyConfigSchema, enforcementLevel?: "mandatory") {
  return {
    name,
    description: `Checks that ${name}`,
    enforcementLevel,
    configSchema,
    validateResource: () => {},
  };
}

/** One policy with one property, for the schema cases. */
function packWith(prop: PolicyConfigSchema["properties"][string]): Policies {
  return [policy("org-policy", { properties: { value: prop } })];
}

/** The problems PolicyConfigError lists for `raw`, or [] when it resolves. */
function problemsOf(raw: unknown, policies: Policies): string[] {
  try {
    resolvePackConfig(raw, policies, "mandatory");
    return [];
  } catch (error) {
    assert.ok(error instanceof PolicyConfigError, String(error));
    return error.problems;
  }
}

const LEVELS = "advisory, mandatory, remediate, disabled";

describe("pack config, resolved as the Pulumi CLI resolves it", () => {
  describe("enforcement levels", () => {
    it("takes the pack's level, advisory unless given, for a policy that sets none (@pulumi/policy policy.js:27,62)", () => {
      const pack = [policy("org-policy")];
      assert.equal(resolvePackConfig(undefined, pack).get("org-policy")?.enforcementLevel, "advisory");
      assert.equal(
        resolvePackConfig(null, pack, "mandatory").get("org-policy")?.enforcementLevel,
        "mandatory",
      );
    });

    it("takes a policy's own level over the pack's", () => {
      const pack = [policy("org-policy", undefined, "mandatory")];
      assert.equal(resolvePackConfig({}, pack, "advisory").get("org-policy")?.enforcementLevel, "mandatory");
    });

    it("names the policy's enforcementLevel key when its level is not one of the four", () => {
      assert.deepEqual(problemsOf({ "org-policy": { enforcementLevel: "strict" } }, [policy("org-policy")]), [
        `\`org-policy.enforcementLevel\` must be one of ${LEVELS}, got "strict"`,
      ]);
    });

    it("refuses an entry that is neither a level nor an object: a number, null, a list (config.go:203-204)", () => {
      const pack = [policy("a"), policy("b"), policy("c")];
      assert.deepEqual(problemsOf({ a: 5, b: null, c: ["mandatory"] }, pack), [
        "`a` must be an enforcement level or an object of properties, got 5",
        "`b` must be an enforcement level or an object of properties, got null",
        '`c` must be an enforcement level or an object of properties, got ["mandatory"]',
      ]);
    });
  });

  describe("the file as a whole", () => {
    it("refuses a config that is not an object, naming what it got", () => {
      for (const [raw, shown] of [
        ["advisory", '"advisory"'],
        [["advisory"], '["advisory"]'],
        [7, "7"],
      ] as const) {
        assert.deepEqual(problemsOf(raw, [policy("org-policy")]), [
          `the config must be a JSON object of policy names, got ${shown}`,
        ]);
      }
    });

    it("says what is wrong in an error whose message lists every problem, one a line", () => {
      assert.throws(
        () => resolvePackConfig({ all: "strict", "org-policy": 1 }, [policy("org-policy")]),
        (error: Error) => {
          assert.equal(error.name, "PolicyConfigError");
          assert.equal(
            error.message,
            "invalid policy config:\n" +
              `  - \`all\` must be one of ${LEVELS}, got "strict"\n` +
              "  - `org-policy` must be an enforcement level or an object of properties, got 1",
          );
          return true;
        },
      );
    });

    it("gives no warning for `all`, which every pack takes", () => {
      const warnings: string[] = [];
      resolvePackConfig({ all: "advisory" }, [policy("org-policy")], "mandatory", warnings);
      assert.deepEqual(warnings, []);
    });

    it("refuses environments that are not all names (config.go:130-141)", () => {
      assert.deepEqual(problemsOf({ environments: ["org/env", 5] }, [policy("org-policy")]), [
        '`environments` must be an array of ESC environment names, got ["org/env",5]',
      ]);
      assert.deepEqual(problemsOf({ environments: ["org/env", "org/other"] }, [policy("org-policy")]), []);
    });

    it("refuses a version-2 file whose policies are not an object; null is no policies, as Go reads it", () => {
      for (const [policies, shown] of [
        ["advisory", '"advisory"'],
        [["org-policy"], '["org-policy"]'],
        [3, "3"],
      ] as const) {
        assert.deepEqual(problemsOf({ version: 2, policies }, [policy("org-policy")]), [
          `\`policies\` must be an object of policy names, got ${shown}`,
        ]);
      }
      const resolved = resolvePackConfig({ version: 2, policies: null }, [policy("org-policy")], "mandatory");
      assert.equal(resolved.get("org-policy")?.enforcementLevel, "mandatory");
    });

    it("shows a long value cut at 57 characters and marked, one of 60 whole", () => {
      const long = "x".repeat(70);
      assert.deepEqual(problemsOf({ all: long }, [policy("org-policy")]), [
        `\`all\` must be one of ${LEVELS}, got "${"x".repeat(56)}...`,
      ]);
      const sixty = "y".repeat(58); // 60 characters with its quotes
      assert.deepEqual(problemsOf({ all: sixty }, [policy("org-policy")]), [
        `\`all\` must be one of ${LEVELS}, got "${sixty}"`,
      ]);
    });
  });

  describe("properties against the policy's schema", () => {
    it("fills in the schema's defaults and leaves out properties without one", () => {
      const pack = [
        policy("org-policy", {
          properties: { ports: { type: "array", default: [22] }, note: { type: "string" } },
        }),
      ];
      assert.deepStrictEqual(resolvePackConfig({}, pack).get("org-policy")?.properties, { ports: [22] });
    });

    it("warns that a policy without a schema takes no properties", () => {
      const warnings: string[] = [];
      const resolved = resolvePackConfig(
        { "org-policy": { limit: 3 } },
        [policy("org-policy")],
        "mandatory",
        warnings,
      );
      assert.deepEqual(warnings, [
        "`org-policy.limit` is not a property of org-policy, so it changes nothing (it takes none)",
      ]);
      assert.deepStrictEqual(resolved.get("org-policy")?.properties, {});
    });

    const table: Array<[string, PolicyConfigSchema["properties"][string], unknown, string | undefined]> = [
      ["an integer is an integer", { type: "integer" }, 2222, undefined],
      ["a fraction is not an integer", { type: "integer" }, 1.5, "must be integer, got 1.5"],
      ["a number is a number", { type: "number" }, 0.5, undefined],
      ["a string is not a number", { type: "number" }, "1", 'must be number, got "1"'],
      // A program's config (not JSON) may hold what JSON can't: neither is a number a schema accepts.
      ["NaN is not a number", { type: "number" }, Number.NaN, "must be number, got null"],
      ["Infinity is not a number", { type: "number" }, Number.POSITIVE_INFINITY, "must be number, got null"],
      ["an object is an object", { type: "object" }, { a: 1 }, undefined],
      ["a list is not an object", { type: "object" }, [1], "must be object, got [1]"],
      ["null is not an object", { type: "object" }, null, "must be object, got null"],
      ["a string is not an object", { type: "object" }, "a", 'must be object, got "a"'],
      ["null is null", { type: "null" }, null, undefined],
      ["false is not null", { type: "null" }, false, "must be null, got false"],
      ["a string is a string", { type: "string" }, "web", undefined],
      ["a number is not a string", { type: "string" }, 5, "must be string, got 5"],
      ["the string true is not a boolean", { type: "boolean" }, "true", 'must be boolean, got "true"'],
      ["either of two types", { type: ["string", "integer"] }, 7, undefined],
      ["neither of two types", { type: ["string", "integer"] }, true, "must be string or integer, got true"],
      ["a value inside the minimum", { type: "integer", minimum: 1 }, 1, undefined],
      ["a value under the minimum", { type: "integer", minimum: 1 }, 0, "must be at least 1, got 0"],
      ["a value inside the maximum", { type: "integer", maximum: 10 }, 10, undefined],
      ["a value over the maximum", { type: "integer", maximum: 10 }, 11, "must be at most 10, got 11"],
      ["bounds without a type", { minimum: 1, maximum: 10 }, 5, undefined],
      ["a bound does not bind a string", { type: ["string", "integer"], minimum: 10 }, "5", undefined],
      ["any value without a type", {}, "anything", undefined],
      ["an enum value", { enum: ["phoenix", "all"] }, "all", undefined],
      [
        "a value outside the enum",
        { enum: ["phoenix", "all"] },
        "some",
        'must be one of "phoenix", "all", got "some"',
      ],
      ["items of the list's type", { type: "array", items: { type: "string" } }, ["a", "b"], undefined],
      [
        "an item of another type, named by index",
        { type: "array", items: { type: "string" } },
        ["a", 2],
        'item [1] must be string, got ["a",2]',
      ],
      [
        "one name where one or a list is allowed",
        { type: ["string", "array"], items: { type: "string" } },
        "a",
        undefined,
      ],
      [
        "undefined from a program, where a list is asked",
        { type: "array" },
        undefined,
        "must be array, got undefined",
      ],
    ];
    for (const [title, schema, value, problem] of table) {
      it(`${title}: ${problem ?? "taken"}`, () => {
        const raw = { "org-policy": { value } };
        assert.deepEqual(
          problemsOf(raw, packWith(schema)),
          problem ? [`\`org-policy.value\` ${problem}`] : [],
        );
        if (!problem) {
          const resolved = resolvePackConfig(raw, packWith(schema));
          assert.deepStrictEqual(resolved.get("org-policy")?.properties, { value });
        }
      });
    }
  });
});
