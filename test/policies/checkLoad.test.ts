// How `phoenix check` reads the resources of an export (cli/check/load.ts): where a bad JSON document breaks (line
// and column), which resource of which stack a refusal names, which pending operations are checked, how
// resources are grouped into stacks, and what each resource hands the policies (its options, its property
// dependencies). Pending operation types are Pulumi's apitype.OperationType (sdk/go/common/apitype/core.go:346-360
// in Pulumi 3.274: creating, updating, deleting, reading, plus importing); resource options as
// apitype.ResourceV3 records them (`protect`, `ignoreChanges`, `additionalSecretOutputs`).
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { parseStackExport, projectAndStackOfUrn, stackOfUrn } from "../../cli/check/load";
import {
  checkDocument,
  NOTHING_CHECKED,
  ONE_OPEN_SSH_GROUP,
  openSshGroup,
  refusal,
  SG_URN,
} from "./checkCli";

const COMPLIANT = JSON.parse(readFileSync(join(__dirname, "fixtures", "fleet-compliant.json"), "utf8"));

const exportOf = (deployment: Record<string, unknown>) => ({ version: 3, deployment });

async function assertRefused(document: unknown, message: string) {
  const { code, out, err } = await checkDocument(document);
  assert.equal(err, refusal(message));
  assert.equal(code, 2);
  assert.equal(out, "");
}

describe("phoenix check: reading an export's resources (load.ts)", () => {
  describe("a document that is not JSON: the parser's words and, where it can be found, the line and column", () => {
    const table: Array<[string, string, string]> = [
      [
        "an unexpected token near the start (the whole text quoted)",
        '{"a": x}',
        `- is not JSON: Unexpected token 'x', "{"a": x}" is not valid JSON (line 1, column 7)`,
      ],
      [
        "an unexpected token near the end (the text before it cut), its newlines shown as \\n",
        '{\n  "resources": [\n    {"urn": "u", "type": nope}\n  ]\n}',
        `- is not JSON: Unexpected token 'o', ..." "type": nope}\\n  ]\\n}" is not valid JSON (line 3, column 27)`,
      ],
      [
        "an unexpected token followed by more text (the text after it cut)",
        '{"a": x, "padding": "0123456789"}',
        `- is not JSON: Unexpected token 'x', "{"a": x, "paddin"... is not valid JSON (line 1, column 7)`,
      ],
      [
        "an unexpected token in the middle of a long document (the text cut on both sides)",
        '{\n  "padding": "0123456789012345",\n  "a": x,\n  "b": "0123456789012345"\n}',
        `- is not JSON: Unexpected token 'x', ..."",\\n  "a": x,\\n  "b": "... is not valid JSON (line 3, column 8)`,
      ],
      [
        "an error the parser gives a position of (a trailing comma on line 4)",
        '{\n  "version": 3,\n  "deployment": {"resources": []},\n}',
        "- is not JSON: Expected double-quoted property name in JSON at position 53 (line 4, column 1)",
      ],
      ["an empty document", "", "- is not JSON: Unexpected end of JSON input (line 1, column 1)"],
      ["a document of blank lines", "\n\n", "- is not JSON: Unexpected end of JSON input (line 3, column 1)"],
      [
        // The quoted text ` 1111111, x]` is also inside the string before it: no line is guessed.
        "an error whose quoted text appears twice in the document (no line and column then)",
        '[" 1111111, x]", 1111111, x]',
        `- is not JSON: Unexpected token 'x', ..." 1111111, x]" is not valid JSON`,
      ],
    ];
    for (const [title, text, message] of table) {
      it(title, () => assertRefused(text, message));
    }
  });

  describe("a resource it cannot read is refused, naming its index and field", () => {
    const table: Array<[string, unknown, string]> = [
      ["a string", "fleet-sg", ' must be an object, got the string "fleet-sg"'],
      ["null", null, " must be an object, got null"],
      ["an array", [SG_URN], " must be an object, got an array"],
      [
        "a URN that is not a Pulumi URN",
        { ...openSshGroup(), urn: "sg-0fleet" },
        '.urn must be a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>), got the string "sg-0fleet"',
      ],
      ["a type that is not a string", { ...openSshGroup(), type: 5 }, ".type must be a string, got number 5"],
      [
        "inputs that are an array",
        { ...openSshGroup(), inputs: [] },
        ".inputs must be an object, got an array",
      ],
      [
        "outputs that are a string",
        { ...openSshGroup(), outputs: "sg-0fleet" },
        '.outputs must be an object, got the string "sg-0fleet"',
      ],
      [
        "property dependencies that are a number",
        { ...openSshGroup(), propertyDependencies: 5 },
        ".propertyDependencies must be an object, got number 5",
      ],
      [
        "dependencies that are not an array",
        { ...openSshGroup(), dependencies: { vpcId: "vpc-1" } },
        ".dependencies must be an array of URNs, got an object",
      ],
    ];
    for (const [title, resource, words] of table) {
      it(title, () =>
        assertRefused(
          exportOf({ resources: [openSshGroup(), resource] }),
          `-: deployment.resources[1]${words}`,
        ),
      );
    }

    it("the resource of a pending operation, by its place among the pending operations", () =>
      assertRefused(
        exportOf({
          resources: [],
          pending_operations: [{ resource: { ...openSshGroup(), type: 5 }, type: "creating" }],
        }),
        "-: deployment.pending_operations[0].resource.type must be a string, got number 5",
      ));

    it("a pending create whose resource has no URN, as a resource of `resources` without one is", () =>
      assertRefused(
        exportOf({
          resources: [],
          pending_operations: [
            { resource: { type: "aws:ec2/securityGroup:SecurityGroup" }, type: "creating" },
          ],
        }),
        "-: deployment.pending_operations[0].resource.urn must be a Pulumi URN " +
          "(urn:pulumi:<stack>::<project>::<type>::<name>), got nothing (the field is missing)",
      ));

    it("reads null inputs, outputs and property dependencies as none", async () => {
      const group = { ...openSshGroup(), inputs: null, outputs: null, propertyDependencies: null };
      const { code, out } = await checkDocument(exportOf({ resources: [group] }));
      assert.equal(
        out,
        "Stack phoenix/shop-prod-network (-): 1 resources\n  no findings\n\n" +
          "Passed: 1 stack, 1 resources checked; 0 mandatory violations, 0 advisory, 0 undecided.\n",
      );
      assert.equal(code, 0);
    });
  });

  describe("pending operations", () => {
    const pendingOnly = (...ops: Array<[Record<string, unknown>, string]>) =>
      exportOf({ resources: [], pending_operations: ops.map(([resource, type]) => ({ resource, type })) });

    for (const type of ["deleting", "reading"]) {
      it(`does not check the resource of a \`${type}\` pending operation: it changes nothing the stack will hold`, async () => {
        const { code, out } = await checkDocument(pendingOnly([openSshGroup(), type]));
        assert.equal(out, NOTHING_CHECKED);
        assert.equal(code, 0);
      });

      it(`checks a resource of \`resources\` that a \`${type}\` pending operation names, as it is`, async () => {
        const { code, out } = await checkDocument(
          exportOf({ resources: [openSshGroup()], pending_operations: [{ resource: openSshGroup(), type }] }),
        );
        assert.equal(out, ONE_OPEN_SSH_GROUP);
        assert.equal(code, 1);
      });
    }

    it("checks the resource of a pending import and marks it pending", async () => {
      const { code, out } = await checkDocument(pendingOnly([openSshGroup(), "importing"]));
      assert.equal(
        out,
        ONE_OPEN_SSH_GROUP.replace(
          "SecurityGroup fleet-sg\n",
          "SecurityGroup fleet-sg (pending: importing)\n",
        ),
      );
      assert.equal(code, 1);
    });

    it("checks an update in flight on the state being applied, not on the state it replaces", async () => {
      const closed = { ...openSshGroup(), inputs: { vpcId: "vpc-1", ingress: [] } };
      const { code, out } = await checkDocument(
        exportOf({
          resources: [openSshGroup()],
          pending_operations: [{ resource: closed, type: "updating" }],
        }),
      );
      assert.equal(
        out,
        "Stack phoenix/shop-prod-network (-): 1 resources\n  no findings\n\n" +
          "Passed: 1 stack, 1 resources checked; 0 mandatory violations, 0 advisory, 0 undecided.\n",
      );
      assert.equal(code, 0);
    });

    it("checks a URN with two pending operations once, on the last of them", async () => {
      const https = {
        ...openSshGroup(),
        inputs: {
          vpcId: "vpc-1",
          ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
        },
      };
      const { code, out } = await checkDocument(
        pendingOnly([openSshGroup(), "creating"], [https, "updating"]),
      );
      assert.equal(
        out,
        "Stack phoenix/shop-prod-network (-): 1 resources\n  no findings\n\n" +
          "Passed: 1 stack, 1 resources checked; 0 mandatory violations, 0 advisory, 0 undecided.\n",
      );
      assert.equal(code, 0);
    });

    it("marks pending only the resources of pending operations", () => {
      const keyPair = {
        urn: "urn:pulumi:shop-prod-network::phoenix::aws:ec2/keyPair:KeyPair::ops",
        custom: true,
        type: "aws:ec2/keyPair:KeyPair",
        inputs: { publicKey: "ssh-ed25519 AAAAC3Nza ops@example" },
      };
      const text = JSON.stringify(
        exportOf({
          resources: [keyPair],
          pending_operations: [{ resource: openSshGroup(), type: "creating" }],
        }),
      );
      const [stack] = parseStackExport(text, "network.json");
      assert.deepEqual([...stack.pending], [[SG_URN, "creating"]]);
      assert.deepEqual(
        stack.resources.map((r) => r.urn),
        [keyPair.urn, SG_URN],
      );
    });
  });

  describe("stacks", () => {
    it("groups resources by project and stack even when the stacks' resources are interleaved", async () => {
      const billing = (r: Record<string, unknown>) => ({
        ...r,
        urn: String(r.urn).replace("::phoenix::", "::billing::"),
      });
      const keyPair = {
        urn: "urn:pulumi:shop-prod-network::phoenix::aws:ec2/keyPair:KeyPair::ops",
        custom: true,
        type: "aws:ec2/keyPair:KeyPair",
        inputs: { publicKey: "ssh-ed25519 AAAAC3Nza ops@example" },
      };
      const stacks = parseStackExport(
        JSON.stringify({ resources: [openSshGroup(), billing(openSshGroup()), keyPair] }),
        "two-projects.json",
      );
      assert.deepEqual(
        stacks.map((s) => [s.project, s.stack, s.source, s.resources.map((r) => r.urn)]),
        [
          ["phoenix", "shop-prod-network", "two-projects.json", [SG_URN, keyPair.urn]],
          [
            "billing",
            "shop-prod-network",
            "two-projects.json",
            ["urn:pulumi:shop-prod-network::billing::aws:ec2/securityGroup:SecurityGroup::fleet-sg"],
          ],
        ],
      );
    });

    it("reads project and stack from a URN; a URN with no project has an empty one", () => {
      assert.deepEqual(projectAndStackOfUrn(SG_URN), { project: "phoenix", stack: "shop-prod-network" });
      assert.deepEqual(projectAndStackOfUrn("urn:pulumi:dev"), { project: "", stack: "dev" });
      assert.equal(stackOfUrn(SG_URN), "shop-prod-network");
    });

    it("records each resource's source position, when the export has one", () => {
      const placed = { ...openSshGroup(), sourcePosition: "project:///index.ts#12,5" };
      const unplaced = { ...openSshGroup(SG_URN.replace("fleet-sg", "alb-sg")), sourcePosition: 12 };
      const [stack] = parseStackExport(JSON.stringify({ resources: [placed, unplaced] }), "-");
      assert.deepEqual([...stack.positions], [[SG_URN, "project:///index.ts#12,5"]]);
    });
  });

  describe("what each resource hands the policies", () => {
    const resourcesOf = (...resources: unknown[]) =>
      parseStackExport(JSON.stringify(exportOf({ resources })), "-")[0].resources;

    it("its resource options, only those the export records", () => {
      const named = (name: string, fields: Record<string, unknown>) => ({
        ...openSshGroup(SG_URN.replace("fleet-sg", name)),
        ...fields,
      });
      const read = resourcesOf(
        named("plain", { protect: false, ignoreChanges: [], additionalSecretOutputs: [] }),
        named("protected", { protect: true }),
        named("ignoring", { ignoreChanges: ["description"] }),
        named("secret", { ignoreChanges: [], additionalSecretOutputs: ["name"] }),
        named("all", { protect: true, ignoreChanges: ["tags"], additionalSecretOutputs: ["arn"] }),
      );
      assert.deepEqual(
        read.map((r) => [r.urn.split("::").pop(), r.options]),
        [
          ["plain", undefined],
          ["protected", { protect: true }],
          ["ignoring", { protect: false, ignoreChanges: ["description"] }],
          ["secret", { protect: false, additionalSecretOutputs: ["name"] }],
          ["all", { protect: true, ignoreChanges: ["tags"], additionalSecretOutputs: ["arn"] }],
        ],
      );
      assert.ok(!("options" in read[0]), "a resource recording no options gets no options object");
    });

    it("its property dependencies after a version 1 migration: one list per input, empty with no dependencies", () => {
      const [read] = parseStackExport(
        JSON.stringify({ version: 1, deployment: { resources: [openSshGroup()] } }),
        "-",
      )[0].resources;
      assert.deepEqual(read.propertyDependencies, { vpcId: [], ingress: [] });
    });

    it("`ignoreChanges` on an auto scaling group reaches no-ignore-changes-on-immutable", async () => {
      const doc = structuredClone(COMPLIANT);
      const group = doc.deployment.resources.find(
        (r: { type: string }) => r.type === "aws:autoscaling/group:Group",
      );
      group.ignoreChanges = ["desiredCapacity", "launchTemplate"];
      const { code, out } = await checkDocument(doc, "--json");
      assert.equal(code, 1);
      const verdicts = JSON.parse(out).stacks[0].verdicts;
      assert.deepEqual(
        verdicts.map((v: { policy: string; name: string }) => [v.policy, v.name]),
        [["no-ignore-changes-on-immutable", "web-asg"]],
      );
      assert.match(verdicts[0].message, /`ignoreChanges`: "desiredCapacity", "launchTemplate"/);
    });
  });
});
