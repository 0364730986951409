// Values that cannot be read, over every policy (issue 9 item 4): each input of a case made unreadable in
// turn — unknown (the engine's sentinel, as in a preview) and an encrypted secret (as in a stack export) —
// with the verdict each must give. Offline through `evaluateResources`; in the engine's shape through the
// SDK's own unknown-checking proxy (the engine decrypts secrets, so there only the unknown applies).
import { strict as assert } from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { ALL_POLICIES } from "../../policies/all";
import { evaluateResources, type OfflineResource } from "../../policies/offline";
import { UNKNOWN, runPolicy } from "./harness";
import { CASES, type Case, type Expected } from "./unreadableTable";

const ENCRYPTED = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:abc",
};

/** A copy of `props` with the value at `path` (`a.b[0].c`) replaced; the path must exist. */
function withValueAt(props: Record<string, unknown>, path: string, value: unknown): Record<string, unknown> {
  const copy = structuredClone(props);
  const keys = path.match(/[^.[\]]+/g)!;
  let node: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys[keys.length - 1];
  assert.ok(node && last in node, `the case has no value at ${path}`);
  node[last] = value;
  return copy;
}

function resourcesOf(c: Case, at?: { index: number; path: string; value: unknown }): OfflineResource[] {
  const all = [{ type: c.type, props: c.props }, ...(c.others ?? [])];
  return all.map((r, i) => ({
    urn: `urn:pulumi:shop-dev-blue::phoenix::${r.type}::r${i}`,
    type: r.type,
    inputs: at && at.index === i ? withValueAt(r.props, at.path, at.value) : r.props,
  }));
}

function offlineVerdict(c: Case, config: Record<string, unknown>, resources: OfflineResource[]): Expected {
  const policy = ALL_POLICIES.find((p) => p.name === c.policy)!;
  const verdicts = evaluateResources(resources, {
    policies: [policy],
    config: { [c.policy]: { enforcementLevel: "mandatory", ...config } },
  });
  const kinds = new Set(verdicts.map((v) => v.kind));
  assert.ok(kinds.size <= 1, `both a violation and no verdict: ${JSON.stringify(verdicts)}`);
  return kinds.has("violation") ? "violation" : kinds.has("undecided") ? "undecided" : "pass";
}

function engineVerdict(c: Case, config: Record<string, unknown>, props: Record<string, unknown>): Expected {
  const policy = ALL_POLICIES.find((p) => p.name === c.policy) as ResourceValidationPolicy;
  const result = runPolicy(policy, c.type, props, { config });
  if (result.violations.length > 0) {
    assert.equal(result.unknown, undefined, "a violation and a 'can't run' at once");
    return "violation";
  }
  return result.unknown ? "undecided" : "pass";
}

function parsePath(path: string) {
  const at = /^(\d+):(.*)$/.exec(path);
  return at ? { index: Number(at[1]), path: at[2] } : { index: 0, path };
}

describe("values that cannot be read: a verdict unless it depends on them", () => {
  it("covers every policy of the pack", () => {
    const covered = new Set(CASES.map((c) => c.policy));
    assert.deepEqual(
      ALL_POLICIES.map((p) => p.name).filter((name) => !covered.has(name)),
      [],
    );
  });

  for (const c of CASES) {
    describe(`${c.policy}: ${c.title}`, () => {
      const isStack = c.others !== undefined;
      it(`gives ${c.baseline} with every value readable`, () => {
        assert.equal(offlineVerdict(c, c.config ?? {}, resourcesOf(c)), c.baseline);
        if (!isStack) assert.equal(engineVerdict(c, c.config ?? {}, c.props), c.baseline);
      });
      for (const row of c.rows) {
        const config = { ...c.config, ...row.config };
        const configured = row.config ? ` (config ${JSON.stringify(row.config)})` : "";
        const at = parsePath(row.path);
        it(`${row.path} unknown → ${row.unknown}, encrypted → ${row.secret}${configured}`, () => {
          const unknown = resourcesOf(c, { ...at, value: UNKNOWN });
          assert.equal(offlineVerdict(c, config, unknown), row.unknown, "offline, unknown");
          if (!isStack) {
            assert.equal(engineVerdict(c, config, unknown[0].inputs!), row.unknown, "engine, unknown");
          }
          const secret = resourcesOf(c, { ...at, value: ENCRYPTED });
          assert.equal(offlineVerdict(c, config, secret), row.secret, "offline, encrypted");
        });
      }
    });
  }
});
