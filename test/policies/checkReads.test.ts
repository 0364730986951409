// `phoenix check` reads what Pulumi writes (issue 9 item 5), each case a real-shaped document made from the
// fixture export: pending operations, deployment versions 1 to 4 and their features, a byte order mark,
// UTF-16, a file backend checkpoint, and stacks of one name in two projects.
import { strict as assert } from "assert";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { memoryIo } from "../../cli/io";
import { runCli } from "../../cli/main";
import { sourceLocation } from "../../cli/check/sourceLocation";

const FIXTURES = join(__dirname, "fixtures");
const VIOLATING = JSON.parse(readFileSync(join(FIXTURES, "network-violating.json"), "utf8"));
const COMPLIANT = JSON.parse(readFileSync(join(FIXTURES, "fleet-compliant.json"), "utf8"));

async function check(args: string[], stdin = "") {
  const io = memoryIo(stdin);
  const code = await runCli(["check", ...args], io);
  return { code, out: io.out, err: io.err };
}
const checkDocument = (document: unknown, ...args: string[]) =>
  check(["-", ...args], JSON.stringify(document));

/** The violating export with its SSH group taken out of `resources` and put in a pending create. */
function pendingCreate(type = "creating") {
  const doc = structuredClone(VIOLATING);
  const index = doc.deployment.resources.findIndex((r: { urn: string }) => r.urn.endsWith("::fleet-sg"));
  const [sg] = doc.deployment.resources.splice(index, 1);
  doc.deployment.pending_operations = [{ resource: sg, type }];
  return doc;
}

describe("phoenix check reads what Pulumi writes", () => {
  let scratch: string;
  before(() => (scratch = mkdtempSync(join(tmpdir(), "phoenix-check-reads-"))));
  after(() => rmSync(scratch, { recursive: true, force: true }));

  describe("pending operations", () => {
    it("checks the resource of a pending create and marks it pending (text and JSON)", async () => {
      const text = await checkDocument(pendingCreate());
      assert.equal(text.code, 1);
      assert.match(text.out, /^ {2}aws:ec2\/securityGroup:SecurityGroup fleet-sg \(pending: creating\)$/m);
      const json = JSON.parse((await checkDocument(pendingCreate(), "--json")).out);
      const sg = json.stacks[0].verdicts.find((v: { name: string }) => v.name === "fleet-sg");
      assert.equal(sg.policy, "no-ssh-access");
      assert.equal(sg.pending, "creating");
      const key = json.stacks[0].verdicts.find((v: { name: string }) => v.name === "ops");
      assert.equal(key.pending, undefined);
    });
    it("checks an update in flight once, on the state being applied", async () => {
      const doc = pendingCreate("updating");
      const applied = doc.deployment.pending_operations[0].resource;
      doc.deployment.resources.push({ ...applied, inputs: { ...applied.inputs, ingress: [] } });
      const json = JSON.parse((await checkDocument(doc, "--json")).out);
      const sg = json.stacks[0].verdicts.filter((v: { name: string }) => v.name === "fleet-sg");
      assert.deepEqual(
        sg.map((v: { pending: string }) => v.pending),
        ["updating"],
      );
    });
    it("does not check a pending delete", async () => {
      const { out } = await checkDocument(pendingCreate("deleting"));
      assert.doesNotMatch(out, /fleet-sg/);
    });
  });

  describe("versions and features, as Pulumi 3.274 reads them", () => {
    for (const version of [1, 2, 3, 4]) {
      it(`accepts version ${version}`, async () => {
        const doc = { ...structuredClone(VIOLATING), version };
        if (version === 1) doc.deployment.resources[1].defaults = { revokeRulesOnDelete: false };
        const { code, out } = await checkDocument(doc);
        assert.equal(code, 1, out);
        assert.match(out, /2 mandatory violations/);
      });
    }
    it("refuses version 5 and version 0, saying which versions it reads", async () => {
      for (const [version, words] of [
        [5, /deployment version \(5\) is too new: Pulumi 3\.274 and phoenix check read versions 1 to 4/],
        [0, /deployment is too old \(version 0; Pulumi reads 1 to 4\)/],
      ] as const) {
        const { code, err } = await checkDocument({ ...VIOLATING, version });
        assert.equal(code, 2);
        assert.match(err, words);
      }
    });
    it("accepts version 4 with features Pulumi knows, refuses one it does not, as Pulumi does", async () => {
      assert.equal((await checkDocument({ ...VIOLATING, version: 4, features: ["hooks", "taint"] })).code, 1);
      const { code, err } = await checkDocument({
        ...VIOLATING,
        version: 4,
        features: ["hooks", "teleport"],
      });
      assert.equal(code, 2);
      assert.match(err, /this stack's deployment needs support for the following features: teleport \(/);
    });
  });

  describe("encodings", () => {
    it("accepts a UTF-8 byte order mark", async () => {
      const file = join(scratch, "bom.json");
      writeFileSync(file, `\ufeff${JSON.stringify(COMPLIANT)}`);
      assert.equal((await check([file])).code, 0);
    });
    for (const [encoding, name] of [
      ["utf16le", "little-endian"],
      ["utf16be", "big-endian"],
    ] as const) {
      it(`refuses UTF-16 (${name}), naming the encoding and how to re-export`, async () => {
        const file = join(scratch, `${encoding}.json`);
        const le = Buffer.from(`\ufeff${JSON.stringify(COMPLIANT)}`, "utf16le");
        writeFileSync(file, encoding === "utf16le" ? le : le.swap16());
        const { code, err } = await check([file]);
        assert.equal(code, 2);
        assert.match(err, new RegExp(`is UTF-16 \\(${name}\\) text; phoenix check reads UTF-8`));
        assert.match(err, /pulumi stack export --file <file>/);
      });
    }
  });

  describe("file backend checkpoints (.pulumi/stacks/<project>/<stack>.json)", () => {
    it("accepts a versioned checkpoint", async () => {
      const checkpoint = {
        version: 3,
        checkpoint: { stack: "organization/phoenix/shop-prod-network", latest: VIOLATING.deployment },
      };
      const { code, out } = await checkDocument(checkpoint);
      assert.equal(code, 1);
      assert.match(out, /^Stack phoenix\/shop-prod-network \(-\): 4 resources$/m);
    });
    it("accepts a checkpoint of a stack never updated", async () => {
      const { code, out } = await checkDocument({ version: 3, checkpoint: { stack: "s" } });
      assert.equal(code, 0, out);
    });
    it("checks features on a version 4 checkpoint", async () => {
      const doc = {
        version: 4,
        features: ["warp"],
        checkpoint: { stack: "s", latest: VIOLATING.deployment },
      };
      assert.match((await checkDocument(doc)).err, /needs support for the following features: warp/);
    });
  });

  it("groups stacks by project and stack: one stack name in two projects is two stacks", async () => {
    const other = structuredClone(VIOLATING);
    for (const r of other.deployment.resources) r.urn = r.urn.replace("::phoenix::", "::billing::");
    const { out } = await check([join(FIXTURES, "network-violating.json"), "-"], JSON.stringify(other));
    assert.match(out, /^Stack phoenix\/shop-prod-network /m);
    assert.match(out, /^Stack billing\/shop-prod-network /m);
    assert.match(out, /Failed: 2 stacks, 8 resources checked/);
  });

  describe("SARIF locations", () => {
    it("points inside the repository, relative to its root; falls back to the export file outside it", async () => {
      const doc = structuredClone(VIOLATING);
      const [, sg, key] = doc.deployment.resources;
      sg.sourcePosition = "project:///components/network.ts#12,3";
      key.sourcePosition = "project:///../../../../etc/keys.ts#4";
      const file = join(scratch, "positions.json");
      writeFileSync(file, JSON.stringify(doc));
      const { out } = await check([file, "--format", "sarif"]);
      const byName = new Map(
        JSON.parse(out).runs[0].results.map(
          (r: { locations: Array<{ logicalLocations: Array<{ name: string }> }> }) => [
            r.locations[0].logicalLocations[0].name,
            r.locations[0],
          ],
        ),
      );
      assert.deepEqual((byName.get("fleet-sg") as { physicalLocation: unknown }).physicalLocation, {
        artifactLocation: { uri: "components/network.ts" },
        region: { startLine: 12, startColumn: 3 },
      });
      assert.deepEqual((byName.get("ops") as { physicalLocation: unknown }).physicalLocation, {
        artifactLocation: { uri: file },
      });
    });
    it("resolves against the repository root from a subdirectory, and the current directory with no repository", () => {
      const position = "project:///index.ts#3";
      assert.deepEqual(sourceLocation(position, { cwd: "/repo/infra", gitRoot: "/repo" }), {
        uri: "infra/index.ts",
        startLine: 3,
      });
      assert.equal(sourceLocation("project:///../lib/x.ts#1", { cwd: "/repo", gitRoot: "/repo" }), undefined);
      assert.deepEqual(sourceLocation("project:///src/a.ts", { cwd: "/work" }), { uri: "src/a.ts" });
      assert.equal(sourceLocation("project:///../a.ts", { cwd: "/work" }), undefined);
      assert.equal(sourceLocation(undefined, { cwd: "/work" }), undefined);
    });
  });
});
