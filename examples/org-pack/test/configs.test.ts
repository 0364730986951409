// Each stack kind's policy config, checked before it is enabled: `phoenix check` runs the pack's policies offline
// on a stack export (the one in this folder holds what the configs are meant to tell apart) with the config as
// `pulumi up --policy-pack-config` would take it, and the verdicts must be the ones the org expects.
import assert from "node:assert/strict";
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { dirname, join } from "path";

const EXAMPLE = join(__dirname, "..");
const PHOENIX = join(dirname(require.resolve("phoenix-fleet/package.json")), "bin", "phoenix.js");
const CANDIDATE = join(__dirname, "candidate-stack.json");

/** Per stack kind: does a stack like the candidate pass, and which policy flags which resource at which level. */
const EXPECTED = JSON.parse(readFileSync(join(__dirname, "expected-verdicts.json"), "utf8")) as Record<
  string,
  { passes: boolean; verdicts: [policy: string, level: string, resource: string][] }
>;

interface CheckReport {
  stacks: { verdicts: { policy: string; enforcementLevel: string; name: string; kind: string }[] }[];
}

for (const [stack, expected] of Object.entries(EXPECTED)) {
  describe(`policy-config.${stack}.json`, () => {
    let run: ReturnType<typeof spawnSync>;

    before(() => {
      run = spawnSync(
        process.execPath,
        [
          PHOENIX,
          "check",
          "--json",
          "--policy-config",
          join(EXAMPLE, `policy-config.${stack}.json`),
          CANDIDATE,
        ],
        { encoding: "utf8", timeout: 60_000 },
      );
    });

    it("is a valid config: every policy and property it names is the pack's", () => {
      assert.notEqual(run.status, 2, String(run.stderr));
      assert.doesNotMatch(String(run.stderr), /warning/);
    });

    it(`${expected.passes ? "passes" : "refuses"} the candidate stack`, () => {
      assert.equal(run.status, expected.passes ? 0 : 1, String(run.stderr));
    });

    it("flags exactly the expected resources, at the expected levels", () => {
      const report = JSON.parse(String(run.stdout)) as CheckReport;
      const verdicts = report.stacks
        .flatMap((s) => s.verdicts)
        .map((v) => [v.policy, v.enforcementLevel, v.name])
        .sort();
      assert.deepEqual(verdicts, [...expected.verdicts].sort());
    });
  });
}
