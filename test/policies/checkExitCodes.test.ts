// `phoenix check`'s exit code is decided by mandatory violations alone: a run with only undecided verdicts or only
// advisory findings passes (0) and still prints their counts; one mandatory violation fails it (1). Each export
// here is built to hold exactly the findings a row names, so a slip in the summary or the exit rule shows.
import { strict as assert } from "assert";
import { mkdtempSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runCli } from "../../cli/main";
import { memoryIo } from "../../cli/io";

const STACK = "shop-prod-network";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET = { [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: "v1:MC4wLjAuMC8w" };

interface Resource {
  type: string;
  name: string;
  inputs: Record<string, unknown>;
}

const sshFrom = (cidrBlocks: unknown): Resource => ({
  type: "aws:ec2/securityGroup:SecurityGroup",
  name: "fleet-sg",
  inputs: { vpcId: "vpc-1", ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks }] },
});
const patchAgent: Resource = {
  type: "aws:ssm/association:Association",
  name: "patch-now",
  inputs: { name: "AWS-RunPatchBaseline", targets: [{ key: "tag:phoenix:app", values: ["shop"] }] },
};

const dir = mkdtempSync(join(tmpdir(), "phoenix-check-exit-"));
let files = 0;

/** Writes a stack export holding `resources` (and the stack itself) and returns its path. */
function exportOf(resources: Resource[]): string {
  const file = join(dir, `export-${files++}.json`);
  const stack = {
    urn: `urn:pulumi:${STACK}::phoenix::pulumi:pulumi:Stack::phoenix-${STACK}`,
    type: "pulumi:pulumi:Stack",
  };
  const custom = resources.map((r, i) => ({
    urn: `urn:pulumi:${STACK}::phoenix::${r.type}::${r.name}`,
    custom: true,
    id: `id-${i}`,
    type: r.type,
    inputs: r.inputs,
  }));
  writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources: [stack, ...custom] } }));
  return file;
}

async function check(args: string[]) {
  const io = memoryIo("");
  const code = await runCli(["check", ...args], io);
  return { code, out: io.out, err: io.err };
}

describe("phoenix check exit codes", () => {
  it("only undecided verdicts: exit 0, the undecided count printed and the unreadable input named", async () => {
    const { code, out } = await check([exportOf([sshFrom(SECRET)])]);
    assert.equal(code, 0, out);
    assert.match(
      out,
      /Passed: 1 stack, 2 resources checked; 0 mandatory violations, 0 advisory, 1 undecided\./,
    );
    assert.match(
      out,
      /undecided no-ssh-access: no verdict: input `ingress\[0\].cidrBlocks` is an encrypted secret/,
    );
  });

  it("only advisory findings: exit 0 with the advisory count printed", async () => {
    const { code, out, err } = await check([exportOf([patchAgent])]);
    assert.equal(code, 0, out);
    assert.equal(err, "");
    assert.match(
      out,
      /Passed: 1 stack, 2 resources checked; 0 mandatory violations, 1 advisory, 0 undecided\./,
    );
  });

  it("undecided and advisory together still pass", async () => {
    const { code, out } = await check([exportOf([sshFrom(SECRET), patchAgent])]);
    assert.equal(code, 0, out);
    assert.match(out, /0 mandatory violations, 1 advisory, 1 undecided\./);
  });

  it("one mandatory violation among advisory and undecided ones: exit 1", async () => {
    const { code, out, err } = await check([exportOf([sshFrom(["0.0.0.0/0"]), patchAgent])]);
    assert.equal(code, 1, out);
    assert.equal(err, "phoenix: 1 mandatory policy violation\n");
    assert.match(
      out,
      /Failed: 1 stack, 3 resources checked; 1 mandatory violation, 1 advisory, 0 undecided\./,
    );
  });

  it("a mandatory violation in any one of several exports fails the run", async () => {
    const { code } = await check([exportOf([patchAgent]), exportOf([sshFrom(["0.0.0.0/0"])])]);
    assert.equal(code, 1);
  });

  for (const format of ["--json", "--format=sarif"]) {
    it(`the same exit codes with ${format}`, async () => {
      assert.equal((await check([exportOf([sshFrom(SECRET), patchAgent]), ...format.split("=")])).code, 0);
      assert.equal((await check([exportOf([sshFrom(["0.0.0.0/0"])]), ...format.split("=")])).code, 1);
    });
  }

  it("a mandatory policy lowered to advisory by --policy-config no longer fails the run", async () => {
    const config = join(dir, "advisory.json");
    writeFileSync(config, JSON.stringify({ "no-ssh-access": { enforcementLevel: "advisory" } }));
    const { code, out } = await check([exportOf([sshFrom(["0.0.0.0/0"])]), "--policy-config", config]);
    assert.equal(code, 0, out);
    assert.match(out, /0 mandatory violations, 1 advisory, 0 undecided\./);
  });
});
