// Which documents `phoenix check` reads and what it says of those it cannot (cli/check/deployment.ts): exports of
// every deployment version, file backend checkpoints, bare deployments and `phoenix plan --json` documents; every
// refusal exits 2 and names the input (`-`), the field, what it got and what is allowed. Expected texts are
// written out here, not taken from the code. Pulumi 3.274 sources for the shapes:
// - UnmarshalUntypedDeployment (pkg/resource/stack/deployment.go:449-497) and supportedFeatures (:132-141);
// - UnmarshalVersionedCheckpointToLatestCheckpoint (pkg/resource/stack/checkpoint.go:38-101): a version 0
//   checkpoint is a CheckpointV1 at the top level, migrated like a version 1 deployment;
// - UpToResourceV2/UpToResourceV3 (pkg/resource/stack/migrate/resource.go:25-79): `defaults` dropped, every
//   input depends on all of the resource's dependencies.
import { strict as assert } from "assert";
import type { StackValidationPolicy } from "@pulumi/policy";
import { parseStackExport } from "../../cli/check/load";
import { evaluateResources } from "../../policies/offline";
import {
  checkCli,
  checkDocument,
  NOTHING_CHECKED,
  ONE_OPEN_SSH_GROUP,
  openSshGroup,
  refusal,
  SG_TYPE,
  SG_URN,
} from "./checkCli";

/** What a refusal says of a missing field. */
const GOT_UNDEFINED = "nothing (the field is missing)";

/** A version 3 export holding only `openSshGroup()`. */
const exportOf = (deployment: unknown, extra: Record<string, unknown> = {}) => ({
  version: 3,
  ...extra,
  deployment,
});

async function assertRefused(document: unknown, message: string) {
  const { code, out, err } = await checkDocument(document);
  assert.equal(err, refusal(message));
  assert.equal(code, 2);
  assert.equal(out, "");
}

async function assertReadsOneOpenSshGroup(document: unknown) {
  const { code, out, err } = await checkDocument(document);
  assert.equal(out, ONE_OPEN_SSH_GROUP, err);
  assert.equal(code, 1);
}

async function assertReadsNothing(document: unknown) {
  const { code, out, err } = await checkDocument(document);
  assert.equal(out, NOTHING_CHECKED, err);
  assert.equal(code, 0);
}

describe("phoenix check: the documents it reads (deployment.ts)", () => {
  describe("a document that is not a JSON object is refused, naming what it is", () => {
    const table: Array<[string, string]> = [
      ["[1]", "an array"],
      ["null", "null"],
      ['"shop-prod"', 'the string "shop-prod"'],
      ["42", "number 42"],
      ["true", "boolean true"],
      // Strings are cut after 37 characters when longer than 40, so the message stays one readable line.
      ['"0123456789012345678901234567890123456789"', 'the string "0123456789012345678901234567890123456789"'],
      [
        '"01234567890123456789012345678901234567890"',
        'the string "0123456789012345678901234567890123456..."',
      ],
    ];
    for (const [text, got] of table) {
      it(`${text} → got ${got}`, () =>
        assertRefused(
          text,
          `- is not a stack export: expected a JSON object with \`deployment.resources\`, got ${got}`,
        ));
    }
  });

  it("an object with none of deployment, checkpoint, latest, resources or stacks: lists its keys, says how to export", async () => {
    await assertRefused(
      {},
      "- is not a stack export: no `deployment` object (top-level keys: none); " +
        "make one with `pulumi stack export --file <file>`",
    );
    await assertRefused(
      { stack: "shop-prod-network", resources: "none" },
      "- is not a stack export: no `deployment` object (top-level keys: stack, resources); " +
        "make one with `pulumi stack export --file <file>`",
    );
  });

  describe("versions and features", () => {
    it("refuses a version that is not an integer, saying what it got", async () => {
      for (const [version, got] of [
        ["3", 'the string "3"'],
        [3.5, "number 3.5"],
        [null, "null"],
        [{}, "an object"],
      ] as const) {
        await assertRefused(
          exportOf({ resources: [openSshGroup()] }, { version }),
          `-: \`version\` must be an integer, got ${got}`,
        );
      }
    });

    it("accepts at version 4 every feature Pulumi 3.274 supports", () =>
      assertReadsOneOpenSshGroup(
        exportOf(
          { resources: [openSshGroup()] },
          {
            version: 4,
            features: [
              "refreshBeforeUpdate",
              "views",
              "hooks",
              "taint",
              "replaceWith",
              "snippets-prototype",
              "extensionParameterization",
              "byteString",
            ],
          },
        ),
      ));

    it("refuses unknown features with Pulumi's words, listing each of them and the features it knows", () =>
      assertRefused(
        exportOf({ resources: [openSshGroup()] }, { version: 4, features: ["warp", "hooks", "teleport"] }),
        "-: this stack's deployment needs support for the following features: warp, teleport " +
          "(Pulumi 3.274 and phoenix check know refreshBeforeUpdate, views, hooks, taint, replaceWith, " +
          "snippets-prototype, extensionParameterization, byteString)",
      ));

    it("refuses `features` that is not an array", () =>
      assertRefused(
        exportOf({ resources: [openSshGroup()] }, { version: 4, features: "hooks" }),
        '-: `features` must be an array of names, got the string "hooks"',
      ));

    it("reads features only from version 4, as Pulumi does: an unknown one at version 3 is ignored", () =>
      assertReadsOneOpenSshGroup(exportOf({ resources: [openSshGroup()] }, { features: ["warp"] })));
  });

  describe("the deployment object of an export", () => {
    it("refuses a deployment that is not an object", async () => {
      await assertRefused(exportOf("shop"), '-: deployment must be an object, got the string "shop"');
      await assertRefused(exportOf(null), "-: deployment must be an object, got null");
      await assertRefused(exportOf([openSshGroup()]), "-: deployment must be an object, got an array");
    });

    it("refuses resources that are not an array", () =>
      assertRefused(
        exportOf({ resources: { [SG_URN]: openSshGroup() } }),
        "-: deployment.resources must be an array, got an object",
      ));

    it("reads missing or null resources as none (Go decodes both as an empty slice)", async () => {
      await assertReadsNothing(exportOf({}));
      await assertReadsNothing(exportOf({ resources: null }));
      await assertReadsNothing(exportOf({ resources: [], pending_operations: null }));
    });

    it("refuses pending operations that are not an array", () =>
      assertRefused(
        exportOf({ resources: [], pending_operations: { type: "creating" } }),
        "-: deployment.pending_operations must be an array, got an object",
      ));

    it("refuses a pending operation without a resource object, naming its index", async () => {
      const ok = { resource: openSshGroup(), type: "creating" };
      for (const [op, got] of [
        [{ type: "creating" }, GOT_UNDEFINED],
        [{ resource: null, type: "creating" }, "null"],
        [{ resource: "fleet-sg", type: "creating" }, 'the string "fleet-sg"'],
        ["creating", GOT_UNDEFINED],
      ] as const) {
        await assertRefused(
          exportOf({ resources: [], pending_operations: [ok, op] }),
          `-: deployment.pending_operations[1].resource must be an object, got ${got}`,
        );
      }
    });

    it("reads an export that also has a top-level `latest` as an export (Go's decoder ignores unknown fields)", () =>
      assertReadsOneOpenSshGroup(exportOf({ resources: [openSshGroup()] }, { latest: null })));
  });

  describe("a bare deployment (`deployment` of an export, on its own)", () => {
    it("is read as the latest version", () => assertReadsOneOpenSshGroup({ resources: [openSshGroup()] }));

    it("names its fields without a prefix in refusals", async () => {
      await assertRefused(
        { resources: [], pending_operations: 5 },
        "-: pending_operations must be an array, got number 5",
      );
      await assertRefused(
        { resources: [{ type: SG_TYPE }] },
        `-: resources[0].urn must be a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>), got ${GOT_UNDEFINED}`,
      );
    });
  });

  describe("file backend checkpoints", () => {
    it("reads a version 0 checkpoint (no version, `latest` at the top)", () =>
      assertReadsOneOpenSshGroup({ stack: "shop-prod-network", latest: { resources: [openSshGroup()] } }));

    it("names a version 0 checkpoint's fields from `latest`", () =>
      assertRefused({ latest: { resources: 5 } }, "-: latest.resources must be an array, got number 5"));

    it("names a versioned checkpoint's fields from `checkpoint.latest`", async () => {
      await assertRefused(
        { version: 3, checkpoint: { stack: "s", latest: { resources: 5 } } },
        "-: checkpoint.latest.resources must be an array, got number 5",
      );
      await assertRefused(
        { version: 3, checkpoint: { stack: "s", latest: "x" } },
        '-: checkpoint.latest must be an object, got the string "x"',
      );
    });

    it("refuses a checkpoint that is not an object", async () => {
      await assertRefused(
        { version: 3, checkpoint: "x" },
        '-: checkpoint must be an object, got the string "x"',
      );
      await assertRefused({ version: 3, checkpoint: null }, "-: checkpoint must be an object, got null");
      await assertRefused({ version: 3, checkpoint: [] }, "-: checkpoint must be an object, got an array");
    });

    it("reads a checkpoint whose `latest` is null as a stack never updated", () =>
      assertReadsNothing({ version: 3, checkpoint: { stack: "s", latest: null } }));
  });

  describe("`phoenix plan --offline --json` documents (cli/plan/document.ts)", () => {
    const planResource = (r: Record<string, unknown>) => ({
      urn: r.urn,
      type: r.type,
      name: String(r.urn).split("::").pop(),
      inputs: r.inputs,
      outputs: r.inputs,
      verdicts: [],
    });
    const keyPair = {
      urn: "urn:pulumi:shop-prod-blue::phoenix::aws:ec2/keyPair:KeyPair::ops",
      type: "aws:ec2/keyPair:KeyPair",
      inputs: { publicKey: "ssh-ed25519 AAAAC3Nza ops@example" },
    };
    const plan = (stacks: unknown[]) => ({
      stacks,
      traffic: { listener: "shop-prod-listener", weights: { blue: 100, green: 0 }, fleets: {} },
      policies: { mandatory: 0, advisory: 0, undecided: 0 },
    });

    it("checks every planned stack's resources", async () => {
      const { code, out } = await checkDocument(
        plan([
          { name: "shop-prod-network", role: "network", resources: [planResource(openSshGroup())] },
          { name: "shop-prod-blue", role: "fleet", resources: [planResource(keyPair)] },
        ]),
      );
      assert.equal(code, 1);
      assert.match(out, /^Stack phoenix\/shop-prod-network \(-\): 1 resources$/m);
      assert.match(out, /^Stack phoenix\/shop-prod-blue \(-\): 1 resources$/m);
      assert.match(
        out,
        /Failed: 2 stacks, 2 resources checked; 2 mandatory violations, 0 advisory, 0 undecided\.\n$/,
      );
    });

    it("refuses a planned stack without a resource list, naming it", async () => {
      const network = { name: "shop-prod-network", role: "network", resources: [] };
      await assertRefused(
        plan([network, { name: "shop-prod-blue", role: "fleet" }]),
        `-: stacks[1].resources must be an array, got ${GOT_UNDEFINED}`,
      );
      await assertRefused(plan([null]), `-: stacks[0].resources must be an array, got ${GOT_UNDEFINED}`);
    });

    it("names a planned resource by its place in its stack's list, past stacks with none", async () => {
      await assertRefused(
        plan([{ name: "n", role: "network", resources: [planResource(openSshGroup()), { urn: SG_URN }] }]),
        `-: stacks[0].resources[1].type must be a string, got ${GOT_UNDEFINED}`,
      );
      const network = { name: "n", role: "network", resources: [planResource(openSshGroup())] };
      const empty = { name: "r", role: "router", resources: [] };
      const blue = { name: "b", role: "fleet", resources: [planResource(openSshGroup()), { urn: SG_URN }] };
      await assertRefused(
        plan([network, empty, blue]),
        `-: stacks[2].resources[1].type must be a string, got ${GOT_UNDEFINED}`,
      );
      await assertRefused(
        plan([network, empty, { ...blue, resources: [7] }]),
        "-: stacks[2].resources[0] must be an object, got number 7",
      );
    });
  });

  describe("versions 1 and 2 read as Pulumi migrates them to 3", () => {
    const VPC_URN = "urn:pulumi:shop-prod-network::phoenix::aws:ec2/vpc:Vpc::main";
    const vpc = {
      urn: VPC_URN,
      custom: true,
      id: "vpc-1",
      type: "aws:ec2/vpc:Vpc",
      inputs: { cidrBlock: "10.0.0.0/16" },
    };
    const dependentGroup = { ...openSshGroup(), dependencies: [VPC_URN] };

    /** Each resource's property dependencies (as URNs) as a stack policy sees them. */
    function seenPropertyDependencies(document: unknown): Record<string, Record<string, string[]>> {
      const seen: Record<string, Record<string, string[]>> = {};
      const recorder: StackValidationPolicy = {
        name: "record-property-dependencies",
        description: "Checks nothing: records what stack policies see.",
        enforcementLevel: "advisory",
        validateStack: (args) => {
          for (const r of args.resources) {
            seen[r.name] = Object.fromEntries(
              Object.entries(r.propertyDependencies).map(([key, rs]) => [key, rs.map((d) => d.urn)]),
            );
          }
        },
      };
      const stacks = parseStackExport(JSON.stringify(document), "-");
      for (const stack of stacks) evaluateResources(stack.resources, { policies: [recorder] });
      return seen;
    }

    for (const version of [1, 2]) {
      it(`version ${version}: every input depends on all of the resource's dependencies`, () => {
        const group =
          version === 1 ? { ...dependentGroup, defaults: { revokeRulesOnDelete: false } } : dependentGroup;
        assert.deepEqual(seenPropertyDependencies({ version, deployment: { resources: [vpc, group] } }), {
          main: { cidrBlock: [] },
          "fleet-sg": { vpcId: [VPC_URN], ingress: [VPC_URN] },
        });
      });
    }

    it("version 2: property dependencies in the file are replaced, as Pulumi's decoder has no field for them", () =>
      assert.deepEqual(
        seenPropertyDependencies({
          version: 2,
          deployment: { resources: [vpc, { ...dependentGroup, propertyDependencies: { vpcId: [] } }] },
        }),
        { main: { cidrBlock: [] }, "fleet-sg": { vpcId: [VPC_URN], ingress: [VPC_URN] } },
      ));

    it("version 3 keeps what the export says: no property dependencies recorded, none seen", () =>
      assert.deepEqual(
        seenPropertyDependencies({ version: 3, deployment: { resources: [vpc, dependentGroup] } }),
        {
          main: {},
          "fleet-sg": {},
        },
      ));

    it("a version 0 checkpoint is migrated as version 1", () =>
      assert.deepEqual(seenPropertyDependencies({ latest: { resources: [vpc, dependentGroup] } }), {
        main: { cidrBlock: [] },
        "fleet-sg": { vpcId: [VPC_URN], ingress: [VPC_URN] },
      }));

    it("a version 2 resource without inputs (absent or null) depends on nothing", () =>
      assert.deepEqual(
        seenPropertyDependencies({
          version: 2,
          deployment: {
            resources: [
              { urn: VPC_URN, custom: true, type: "aws:ec2/vpc:Vpc", dependencies: [SG_URN] },
              { ...openSshGroup(), inputs: null, dependencies: [VPC_URN] },
            ],
          },
        }),
        { main: {}, "fleet-sg": {} },
      ));

    it("a version 1 resource that is not an object is refused, naming what it is", async () => {
      for (const [resource, got] of [
        [null, "null"],
        [7, "number 7"],
        [[SG_URN], "an array"],
      ] as const) {
        await assertRefused(
          { version: 1, deployment: { resources: [resource] } },
          `-: deployment.resources[0] must be an object, got ${got}`,
        );
      }
    });
  });

  describe("text encodings", () => {
    it("refuses UTF-16 with the whole advice: how to export, and how to re-encode in PowerShell", async () => {
      const text = Buffer.from(`\ufeff${JSON.stringify(exportOf({ resources: [] }))}`, "utf16le").toString(
        "utf8",
      );
      await assertRefused(
        text,
        "- is UTF-16 (little-endian) text; phoenix check reads UTF-8, as Pulumi writes it. " +
          "Export with `pulumi stack export --file <file>` (in Windows PowerShell, `>` re-encodes to UTF-16), " +
          "or re-encode it: `Get-Content <file> | Set-Content -Encoding utf8 <new file>`.",
      );
    });

    it("reads a NUL past the first 8 characters of UTF-8 text as bad JSON, not as UTF-16", async () => {
      const { code, err } = await checkCli(["-"], '{"version":3,"deployment":{"resources":[]}}\u0000');
      assert.equal(code, 2);
      assert.equal(
        err,
        refusal(
          "- is not JSON: Unexpected non-whitespace character after JSON at position 43 (line 1, column 44)",
        ),
      );
    });
  });
});
