// The house rules every policy of the pack follows (DESIGN.md "Policy semantics", STYLE.md "Policies").
import { strict as assert } from "assert";
import { ALL_POLICIES } from "../../policies/all";

describe("the pack's policies", () => {
  it("has the twelve policies, each named once", () => {
    const names = ALL_POLICIES.map((p) => p.name);
    assert.equal(new Set(names).size, names.length);
    assert.equal(names.length, 12);
  });
  for (const policy of ALL_POLICIES) {
    describe(policy.name, () => {
      it("has a kebab-case name", () => {
        assert.match(policy.name, /^[a-z0-9]+(-[a-z0-9]+)+$/);
      });
      it('has a description that starts "Checks that"', () => {
        assert.match(policy.description, /^Checks that /);
      });
      it("states its enforcement level: mandatory, except the advisory agents and role-tracing policies", () => {
        const advisory = ["no-in-place-config-agents", "session-manager-roles-traced"];
        assert.equal(policy.enforcementLevel, advisory.includes(policy.name) ? "advisory" : "mandatory");
      });
      it("validates with one function, not a list: the SDK deserialises the properties once per function", () => {
        // @pulumi/policy's Analyze deserialises a resource's properties for every validation function of a
        // policy, and skips the policy unread only when it has one function with one __pulumiType.
        const validate = (policy as { validateResource?: unknown }).validateResource;
        assert.ok(!Array.isArray(validate), `${policy.name} has a list of validations`);
      });
      it("has a config schema whose every property has a default and a description", () => {
        const properties = Object.entries(policy.configSchema?.properties ?? {});
        assert.ok(properties.length > 0, "no config properties");
        for (const [key, schema] of properties) {
          assert.notEqual(schema.default, undefined, `${key} has no default`);
          assert.ok(schema.description, `${key} has no description`);
          assert.notEqual(key, "enforcementLevel");
        }
      });
    });
  }
});
