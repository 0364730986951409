// Coverage by enumeration: every @pulumi/aws resource type that can admit a port, install a key pair,
// launch instances or set their metadata options (scripts/policies/enumerate.ts) is decided in
// docs/policies.md ("Coverage by enumeration"): covered by policies that judge that very type, covered through
// the launch template or configuration it launches from, or out of scope with a reason.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ALL_POLICIES } from "../../policies/all";
import { typesOf } from "../../policies/lib/types";
import { enumerate, type EnumeratedType } from "../../scripts/policies/enumerate";

interface Decision {
  type: string;
  concern: string;
  decision: string;
}

function documentedDecisions(): Decision[] {
  const doc = readFileSync(join(__dirname, "..", "..", "docs", "policies.md"), "utf8");
  const start = doc.indexOf("<!-- coverage:start -->");
  const end = doc.indexOf("<!-- coverage:end -->");
  assert.ok(start >= 0 && end > start, "docs/policies.md has no coverage table");
  return doc
    .slice(start, end)
    .split("\n")
    .filter((line) => line.startsWith("| `aws:"))
    .map((line) => {
      const [type, concern, decision] = line
        .split("|")
        .slice(1, 4)
        .map((cell) => cell.trim());
      return { type: type.replace(/`/g, ""), concern, decision };
    });
}

/** The types each resource policy judges (its validations' type tokens). */
function typesJudgedBy(name: string): string[] {
  const policy = ALL_POLICIES.find((p) => p.name === name) as
    (ResourceValidationPolicy & { validateStack?: unknown }) | undefined;
  assert.ok(policy, `no policy named ${name}`);
  const validations = [policy.validateResource ?? policy.validateStack ?? []].flat();
  return validations.flatMap((v) => typesOf(v));
}

const key = (d: { type: string; concern: string }) => `${d.type} ${d.concern}`;

describe("coverage by enumeration (scripts/policies/enumerate.ts, docs/policies.md)", function () {
  this.timeout(60_000);
  let enumerated: EnumeratedType[];
  const decisions = documentedDecisions();

  before(() => {
    enumerated = enumerate();
  });

  it("finds the types it must (the enumeration itself works)", () => {
    const tokens = enumerated.map((e) => e.token);
    for (const token of [
      "aws:ec2/securityGroup:SecurityGroup",
      "aws:eks/nodeGroup:NodeGroup",
      "aws:ec2/instance:Instance",
    ])
      assert.ok(tokens.includes(token), token);
    const nodeGroup = enumerated.find((e) => e.token === "aws:eks/nodeGroup:NodeGroup")!;
    assert.equal(nodeGroup.concerns.keys, "remoteAccess.ec2SshKey");
  });

  it("decides every enumerated type and concern in the docs, and nothing else", () => {
    const found = enumerated.flatMap((e) =>
      Object.keys(e.concerns).map((concern) => key({ type: e.token, concern })),
    );
    const documented = decisions.map(key);
    assert.deepEqual(
      found.filter((f) => !documented.includes(f)),
      [],
      "enumerated but not decided in docs/policies.md",
    );
    assert.deepEqual(
      documented.filter((d) => !found.includes(d)),
      [],
      "decided in docs/policies.md but no longer enumerated",
    );
  });

  for (const d of decisions) {
    it(`${d.type} (${d.concern}): ${d.decision.slice(0, 60)}`, () => {
      if (d.decision.startsWith("out of scope")) {
        assert.match(d.decision, /^out of scope[^:]*: \S.{10,}/, "out of scope needs a reason");
        return;
      }
      if (d.decision.startsWith("through ")) {
        // Launching from templates or configurations: those must be judged for keys and metadata.
        const via = [...d.decision.matchAll(/`(aws:[^`]+)`/g)].map((m) => m[1]);
        assert.ok(via.length > 0, d.decision);
        for (const type of via) {
          assert.ok(typesJudgedBy("no-key-pairs").includes(type), `no-key-pairs does not judge ${type}`);
          assert.ok(
            typesJudgedBy("imdsv2-required").includes(type),
            `imdsv2-required does not judge ${type}`,
          );
        }
        return;
      }
      const policies = [...d.decision.matchAll(/`([a-z0-9-]+)`/g)].map((m) => m[1]);
      assert.ok(
        policies.length > 0,
        `a decision names policies, "through" types or "out of scope": ${d.decision}`,
      );
      for (const policy of policies) {
        assert.ok(typesJudgedBy(policy).includes(d.type), `${policy} does not judge ${d.type}`);
      }
    });
  }
});
