// `phoenix check` through the CLI entry point, on fixture stack exports.
import { strict as assert } from "assert";
import { ALL_POLICIES } from "../../policies/all";
import { mkdtempSync, readFileSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../cli/main";
import { memoryIo } from "../../cli/io";

const fixture = (name: string) => join(__dirname, "fixtures", name);
const COMPLIANT = fixture("fleet-compliant.json");
const VIOLATING = fixture("network-violating.json");

async function check(args: string[], stdin = "") {
  const io = memoryIo(stdin);
  const code = await runCli(["check", ...args], io);
  return { code, out: io.out, err: io.err };
}

describe("phoenix check", () => {
  it("passes a compliant fleet export with exit code 0; its encrypted userData decides no verdict", async () => {
    // The launch template's and the group's userData are secrets (ciphertext here), but no policy's verdict
    // depends on userData, so nothing is undecided (undecided verdicts: checkExitCodes.test.ts).
    const { code, out } = await check([COMPLIANT]);
    assert.equal(code, 0);
    assert.match(readFileSync(COMPLIANT, "utf8"), /"ciphertext"/);
    assert.doesNotMatch(out, /\? undecided/);
    assert.match(out, /^Stack phoenix\/shop-prod-blue \(.*fleet-compliant\.json\): 5 resources$/m);
    assert.match(
      out,
      /Passed: 1 stack, 5 resources checked; 0 mandatory violations, 0 advisory, 0 undecided\./,
    );
  });

  it("fails a violating export with exit code 1, grouped by stack and resource", async () => {
    const { code, out, err } = await check([VIOLATING]);
    assert.equal(code, 1);
    assert.equal(err, "phoenix: 2 mandatory policy violations\n");
    const lines = out.split("\n");
    const sg = lines.indexOf("  aws:ec2/securityGroup:SecurityGroup fleet-sg");
    assert.ok(sg > 0, out);
    assert.match(
      lines[sg + 1],
      /^ {4}✗ mandatory no-ssh-access: Security group "fleet-sg" must not admit remote access: ingress\[1\] \(protocol tcp\) admits port 22 from 0\.0\.0\.0\/0\.$/,
    );
    assert.ok(lines.includes("  aws:ec2/keyPair:KeyPair ops"));
    assert.ok(
      lines.some((l) => /^ {4}! advisory {2}no-in-place-config-agents: SSM association "patch-now"/.test(l)),
      out,
    );
    // The rule pending deletion is not part of the stack any more.
    assert.ok(!out.includes("old-ssh"));
    assert.match(
      out,
      /Failed: 1 stack, 4 resources checked; 2 mandatory violations, 1 advisory, 0 undecided\./,
    );
  });

  it("checks several exports and standard input together", async () => {
    const { code, out } = await check([COMPLIANT, "-"], readFileSync(VIOLATING, "utf8"));
    assert.equal(code, 1);
    assert.match(out, /^Stack phoenix\/shop-prod-blue /m);
    assert.match(out, /^Stack phoenix\/shop-prod-network \(-\)/m);
    assert.match(out, /Failed: 2 stacks, 9 resources checked/);
  });

  it("applies --policy-config in the pulumi format", async () => {
    const { code, out } = await check([VIOLATING, "--policy-config", fixture("policy-config.json")]);
    // no-ssh-access allows private sources only: 0.0.0.0/0 still fails; key pairs advisory; agents disabled.
    assert.equal(code, 1);
    assert.match(out, /1 mandatory violation, 1 advisory, 0 undecided/);
    assert.ok(!out.includes("no-in-place-config-agents"));
  });

  it("prints stable JSON with --json", async () => {
    const { code, out } = await check([VIOLATING, "--json"]);
    assert.equal(code, 1);
    const doc = JSON.parse(out);
    assert.deepEqual(doc.summary, {
      stacks: 1,
      resources: 4,
      mandatory: 2,
      advisory: 1,
      undecided: 0,
      passed: false,
    });
    assert.deepEqual(
      doc.stacks[0].verdicts.map((v: { policy: string; name: string; enforcementLevel: string }) => [
        v.policy,
        v.name,
        v.enforcementLevel,
      ]),
      [
        ["no-ssh-access", "fleet-sg", "mandatory"],
        ["no-key-pairs", "ops", "mandatory"],
        ["no-in-place-config-agents", "patch-now", "advisory"],
      ],
    );
  });

  it("prints SARIF 2.1.0 with --format sarif", async () => {
    const { code, out } = await check([COMPLIANT, VIOLATING, "--format", "sarif"]);
    assert.equal(code, 1);
    const sarif = JSON.parse(out);
    assert.equal(sarif.version, "2.1.0");
    const run = sarif.runs[0];
    assert.equal(run.tool.driver.name, "phoenix-policies");
    assert.equal(run.tool.driver.rules.length, ALL_POLICIES.length);
    assert.deepEqual(
      run.results.map((r: { ruleId: string; level: string }) => [r.ruleId, r.level]),
      [
        ["no-ssh-access", "error"],
        ["no-key-pairs", "error"],
        ["no-in-place-config-agents", "warning"],
      ],
    );
    const first = run.results[0];
    assert.equal(run.tool.driver.rules[first.ruleIndex].id, "no-ssh-access");
    assert.equal(first.locations[0].physicalLocation.artifactLocation.uri, VIOLATING);
    assert.equal(
      first.locations[0].logicalLocations[0].fullyQualifiedName,
      "urn:pulumi:shop-prod-network::phoenix::aws:ec2/securityGroup:SecurityGroup::fleet-sg",
    );
  });

  it("locates a result at the resource's source position when the export has one", async () => {
    const doc = JSON.parse(readFileSync(COMPLIANT, "utf8"));
    const template = doc.deployment.resources.find((r: { type: string }) =>
      r.type.endsWith("LaunchTemplate"),
    );
    template.inputs.keyName = "ops";
    const { out } = await check(["-", "--format", "sarif"], JSON.stringify(doc));
    const [result] = JSON.parse(out).runs[0].results;
    assert.deepEqual(result.locations[0].physicalLocation, {
      artifactLocation: { uri: "components/immutableFleet.ts" },
      region: { startLine: 176, startColumn: 30 },
    });
  });

  describe("unusable input: exit code 2, saying which file and where", () => {
    it("a file that is not JSON", async () => {
      const { code, err } = await check([fixture("not-json.json")]);
      assert.equal(code, 2);
      assert.match(err, /not-json\.json is not JSON: .* \(line 4, column 19\)/);
    });
    it("JSON that is not a stack export", async () => {
      const { code, err } = await check([fixture("not-an-export.json")]);
      assert.equal(code, 2);
      assert.match(
        err,
        /not-an-export\.json is not a stack export: no `deployment` object \(top-level keys: name, runtime\)/,
      );
    });
    it("a resource without a URN, naming its index", async () => {
      const { code, err } = await check(
        ["-"],
        JSON.stringify({ deployment: { resources: [{ type: "x" }] } }),
      );
      assert.equal(code, 2);
      assert.match(
        err,
        /-: deployment\.resources\[0\]\.urn must be a Pulumi URN .*, got nothing \(the field is missing\)/,
      );
    });
    it("a missing file", async () => {
      const { code, err } = await check([fixture("nope.json")]);
      assert.equal(code, 2);
      assert.match(err, /cannot read .*nope\.json: ENOENT/);
    });
    it("standard input named twice", async () => {
      const { code, err } = await check(["-", "--policy-config", "-"], "{}");
      assert.equal(code, 2);
      assert.match(
        err,
        /standard input \(-\) can be read once: give the export or the --policy-config on it, not both/,
      );
    });
    it("a policy config that names an unknown policy: a warning, as the Pulumi CLI accepts it", async () => {
      const dir = mkdtempSync(join(tmpdir(), "phoenix-check-"));
      writeFileSync(join(dir, "config.json"), JSON.stringify({ "no-ssh-acess": "advisory" }));
      // An export with no resources: the config is checked all the same, before any resource.
      const empty = join(dir, "empty.json");
      writeFileSync(empty, JSON.stringify({ version: 3, deployment: { resources: [] } }));
      const { code, err } = await check([empty, "--policy-config", join(dir, "config.json")]);
      assert.equal(code, 0);
      assert.match(
        err,
        /^phoenix: warning: --policy-config .*config\.json: `no-ssh-acess` is not a policy of this pack, so it changes nothing/,
      );
      writeFileSync(join(dir, "empty-config.json"), "\n");
      assert.equal((await check([empty, "--policy-config", join(dir, "empty-config.json")])).code, 0);
    });
  });
});
