// What `phoenix check` prints (cli/check/report.ts, sourceLocation.ts): the text for people, the JSON for scripts
// and the SARIF 2.1.0 for code-scanning tools, each rendered from literal reports and compared with the whole
// expected document, written out here. SARIF fields as the OASIS SARIF 2.1.0 spec names them (result.level
// error/warning/note, result.kind fail/review, reportingDescriptor.defaultConfiguration,
// partialFingerprints); `security-severity` as GitHub code scanning reads it (a number as a string, 0.1 to 10).
import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { Policies } from "@pulumi/policy";
import type { Verdict } from "../../policies/offline";
import { renderJson, renderSarif, renderText, summarize, type StackReport } from "../../cli/check/report";
import { gitRootOf, sourceLocation } from "../../cli/check/sourceLocation";
import { skipSuite } from "../integration/support";

const SG_URN = "urn:pulumi:shop-prod-network::phoenix::aws:ec2/securityGroup:SecurityGroup::fleet-sg";
const KEY_URN = "urn:pulumi:shop-prod-network::phoenix::aws:ec2/keyPair:KeyPair::ops";

const sshViolation: Verdict = {
  policy: "no-ssh-access",
  kind: "violation",
  enforcementLevel: "mandatory",
  urn: SG_URN,
  type: "aws:ec2/securityGroup:SecurityGroup",
  name: "fleet-sg",
  message: "SSH open to 0.0.0.0/0.",
  description: "Checks that no security group admits SSH.",
  severity: "critical",
};
const sshUndecided: Verdict = {
  ...sshViolation,
  kind: "undecided",
  message: "no verdict: input `ingress[1].cidrBlocks` is an encrypted secret.",
};
const keyAdvisory: Verdict = {
  policy: "no-key-pairs",
  kind: "violation",
  enforcementLevel: "advisory",
  urn: KEY_URN,
  type: "aws:ec2/keyPair:KeyPair",
  name: "ops",
  message: "Key pair ops must not exist.",
  description: "Checks that no key pair exists.",
};
/** A stack policy's verdict on the stack as a whole: no resource. */
const stackViolation: Verdict = {
  policy: "one-router-per-stack",
  kind: "violation",
  enforcementLevel: "mandatory",
  urn: "",
  type: "",
  name: "",
  message: "The stack must hold one router.",
  description: "Checks that a stack holds one router.",
  severity: "medium",
};

const network = (): StackReport => ({
  project: "phoenix",
  stack: "shop-prod-network",
  source: "network.json",
  resources: 4,
  verdicts: [sshViolation, sshUndecided, keyAdvisory, stackViolation],
  pending: new Map([[KEY_URN, "creating"]]),
  positions: new Map([
    [SG_URN, "project:///network.ts#12,5"],
    [KEY_URN, "project:///keys.ts#7"],
  ]),
});
/** A stack read from standard input, its URNs without a project, with nothing found. */
const blue = (): StackReport => ({
  project: "",
  stack: "shop-prod-blue",
  source: "-",
  resources: 5,
  verdicts: [],
  pending: new Map(),
  positions: new Map(),
});

describe("phoenix check: what it prints (report.ts)", () => {
  describe("the summary", () => {
    it("counts stacks, resources and each kind of verdict; only a mandatory violation fails", () => {
      assert.deepEqual(summarize([network(), blue()]), {
        stacks: 2,
        resources: 9,
        mandatory: 2,
        advisory: 1,
        undecided: 1,
        passed: false,
      });
      const noMandatory = { ...network(), verdicts: [sshUndecided, keyAdvisory] };
      assert.deepEqual(summarize([noMandatory]), {
        stacks: 1,
        resources: 4,
        mandatory: 0,
        advisory: 1,
        undecided: 1,
        passed: true,
      });
    });
  });

  describe("text", () => {
    it("per stack and resource one line per verdict, the stack's own verdicts last, then the summary", () => {
      const reports = [network(), blue()];
      assert.equal(
        renderText(reports, summarize(reports)),
        [
          "Stack phoenix/shop-prod-network (network.json): 4 resources",
          "  aws:ec2/securityGroup:SecurityGroup fleet-sg",
          "    ✗ mandatory no-ssh-access: SSH open to 0.0.0.0/0.",
          "    ? undecided no-ssh-access: no verdict: input `ingress[1].cidrBlocks` is an encrypted secret.",
          "  aws:ec2/keyPair:KeyPair ops (pending: creating)",
          "    ! advisory  no-key-pairs: Key pair ops must not exist.",
          "  the stack as a whole",
          "    ✗ mandatory one-router-per-stack: The stack must hold one router.",
          "",
          "Stack shop-prod-blue (-): 5 resources",
          "  no findings",
          "",
          "Failed: 2 stacks, 9 resources checked; 2 mandatory violations, 1 advisory, 1 undecided.",
          "",
        ].join("\n"),
      );
    });

    it("singular words for one stack and one violation; Passed without a mandatory one", () => {
      const one = { ...network(), verdicts: [sshViolation] };
      assert.equal(
        renderText([one], summarize([one]))
          .split("\n")
          .at(-2),
        "Failed: 1 stack, 4 resources checked; 1 mandatory violation, 0 advisory, 0 undecided.",
      );
      assert.equal(
        renderText([blue()], summarize([blue()])),
        "Stack shop-prod-blue (-): 5 resources\n  no findings\n\n" +
          "Passed: 1 stack, 5 resources checked; 0 mandatory violations, 0 advisory, 0 undecided.\n",
      );
    });
  });

  describe("JSON", () => {
    it("stable field names; severity null when the policy has none; `pending` only on pending resources", () => {
      const reports = [network(), blue()];
      const text = renderJson(reports, summarize(reports));
      assert.ok(text.endsWith("}\n"), "one document, ending with a newline");
      assert.ok(text.startsWith('{\n  "summary": {\n    "stacks": 2,'), "indented by two spaces");
      const verdict = (v: Verdict, extra: Record<string, unknown> = {}) => ({
        policy: v.policy,
        kind: v.kind,
        enforcementLevel: v.enforcementLevel,
        severity: v.severity ?? null,
        urn: v.urn,
        type: v.type,
        name: v.name,
        message: v.message,
        ...extra,
      });
      assert.deepEqual(JSON.parse(text), {
        summary: { stacks: 2, resources: 9, mandatory: 2, advisory: 1, undecided: 1, passed: false },
        stacks: [
          {
            project: "phoenix",
            stack: "shop-prod-network",
            source: "network.json",
            resources: 4,
            verdicts: [
              verdict(sshViolation),
              verdict(sshUndecided),
              verdict(keyAdvisory, { pending: "creating" }),
              verdict(stackViolation),
            ],
          },
          { project: "", stack: "shop-prod-blue", source: "-", resources: 5, verdicts: [] },
        ],
      });
      const [, , key] = JSON.parse(text).stacks[0].verdicts;
      assert.equal(key.severity, null);
    });
  });

  describe("SARIF 2.1.0", () => {
    const policies = [
      {
        name: "no-ssh-access",
        description: "Checks that no security group admits SSH.",
        enforcementLevel: "mandatory",
        severity: "critical",
        remediationSteps: "Remove the rule; use Session Manager.",
        validateResource: () => undefined,
      },
      {
        name: "no-key-pairs",
        description: "Checks that no key pair exists.",
        enforcementLevel: "advisory",
        severity: "low",
        validateResource: () => undefined,
      },
      {
        name: "one-router-per-stack",
        description: "Checks that a stack holds one router.",
        enforcementLevel: "mandatory",
        severity: "medium",
        validateStack: () => undefined,
      },
      {
        name: "no-public-ami",
        description: "Checks that no image is public.",
        enforcementLevel: "advisory",
        severity: "high",
        validateResource: () => undefined,
      },
      {
        name: "no-ignore-changes",
        description: "Checks that no immutable resource ignores changes.",
        enforcementLevel: "mandatory",
        validateResource: () => undefined,
      },
    ] as unknown as Policies;
    const tags = ["security", "pulumi", "immutability"];

    it("the pack's policies as rules: descriptions, help, default level, security severity", () => {
      const sarif = JSON.parse(renderSarif([], policies, "1.2.3", { cwd: "/repo" }));
      assert.deepEqual(sarif.runs[0].tool.driver, {
        name: "phoenix-policies",
        version: "1.2.3",
        rules: [
          {
            id: "no-ssh-access",
            name: "no-ssh-access",
            shortDescription: { text: "Checks that no security group admits SSH." },
            fullDescription: { text: "Checks that no security group admits SSH." },
            help: { text: "Remove the rule; use Session Manager." },
            defaultConfiguration: { level: "error" },
            properties: { "security-severity": "9.5", tags },
          },
          {
            id: "no-key-pairs",
            name: "no-key-pairs",
            shortDescription: { text: "Checks that no key pair exists." },
            fullDescription: { text: "Checks that no key pair exists." },
            defaultConfiguration: { level: "warning" },
            properties: { "security-severity": "3.0", tags },
          },
          {
            id: "one-router-per-stack",
            name: "one-router-per-stack",
            shortDescription: { text: "Checks that a stack holds one router." },
            fullDescription: { text: "Checks that a stack holds one router." },
            defaultConfiguration: { level: "error" },
            properties: { "security-severity": "5.5", tags },
          },
          {
            id: "no-public-ami",
            name: "no-public-ami",
            shortDescription: { text: "Checks that no image is public." },
            fullDescription: { text: "Checks that no image is public." },
            defaultConfiguration: { level: "warning" },
            properties: { "security-severity": "8.0", tags },
          },
          {
            id: "no-ignore-changes",
            name: "no-ignore-changes",
            shortDescription: { text: "Checks that no immutable resource ignores changes." },
            fullDescription: { text: "Checks that no immutable resource ignores changes." },
            defaultConfiguration: { level: "error" },
            properties: { tags },
          },
        ],
      });
    });

    it("each verdict a result: level, kind, message, rule, location at the program line or the export, fingerprint", () => {
      const unknownPolicy: Verdict = { ...keyAdvisory, policy: "retired-policy", urn: KEY_URN };
      // Read from standard input; its one position names no line (Pulumi always writes one; a hand-made
      // export may not).
      const fromStdin: StackReport = {
        ...blue(),
        verdicts: [unknownPolicy, stackViolation],
        positions: new Map([[KEY_URN, "project:///keys.ts"]]),
      };
      const reports = [network(), fromStdin];
      const text = renderSarif(reports, policies, "1.2.3", { cwd: "/repo/infra", gitRoot: "/repo" });
      assert.ok(text.endsWith("}\n"), "one document, ending with a newline");
      const sarif = JSON.parse(text);
      assert.equal(sarif.$schema, "https://json.schemastore.org/sarif-2.1.0.json");
      assert.equal(sarif.version, "2.1.0");
      const logical = (name: string, fullyQualifiedName: string) => [
        { name, fullyQualifiedName, kind: "resource" },
      ];
      assert.deepEqual(sarif.runs[0].results, [
        {
          ruleId: "no-ssh-access",
          ruleIndex: 0,
          level: "error",
          kind: "fail",
          message: { text: "SSH open to 0.0.0.0/0." },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: "infra/network.ts" },
                region: { startLine: 12, startColumn: 5 },
              },
              logicalLocations: logical("fleet-sg", SG_URN),
            },
          ],
          partialFingerprints: { "phoenixResource/v1": `no-ssh-access|${SG_URN}` },
        },
        {
          ruleId: "no-ssh-access",
          ruleIndex: 0,
          level: "note",
          kind: "review",
          message: { text: "no verdict: input `ingress[1].cidrBlocks` is an encrypted secret." },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: "infra/network.ts" },
                region: { startLine: 12, startColumn: 5 },
              },
              logicalLocations: logical("fleet-sg", SG_URN),
            },
          ],
          partialFingerprints: { "phoenixResource/v1": `no-ssh-access|${SG_URN}` },
        },
        {
          ruleId: "no-key-pairs",
          ruleIndex: 1,
          level: "warning",
          kind: "fail",
          message: { text: "Key pair ops must not exist." },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: "infra/keys.ts" }, region: { startLine: 7 } },
              logicalLocations: logical("ops", KEY_URN),
            },
          ],
          partialFingerprints: { "phoenixResource/v1": `no-key-pairs|${KEY_URN}` },
        },
        {
          ruleId: "one-router-per-stack",
          ruleIndex: 2,
          level: "error",
          kind: "fail",
          message: { text: "The stack must hold one router." },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: "network.json" } },
              logicalLocations: logical("shop-prod-network", "stack shop-prod-network"),
            },
          ],
          partialFingerprints: { "phoenixResource/v1": "one-router-per-stack|" },
        },
        {
          ruleId: "retired-policy",
          ruleIndex: -1,
          level: "warning",
          kind: "fail",
          message: { text: "Key pair ops must not exist." },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: "infra/keys.ts" } },
              logicalLocations: logical("ops", KEY_URN),
            },
          ],
          partialFingerprints: { "phoenixResource/v1": `retired-policy|${KEY_URN}` },
        },
        {
          ruleId: "one-router-per-stack",
          ruleIndex: 2,
          level: "error",
          kind: "fail",
          message: { text: "The stack must hold one router." },
          locations: [
            {
              physicalLocation: { artifactLocation: { uri: "stdin" } },
              logicalLocations: logical("shop-prod-blue", "stack shop-prod-blue"),
            },
          ],
          partialFingerprints: { "phoenixResource/v1": "one-router-per-stack|" },
        },
      ]);
    });
  });

  describe("source positions (sourceLocation.ts)", () => {
    it("uses only a position in Pulumi's exact form, inside the repository and not the repository itself", () => {
      const roots = { cwd: "/repo", gitRoot: "/repo" };
      assert.deepEqual(sourceLocation("project:///src/app.ts#3,9", roots), {
        uri: "src/app.ts",
        startLine: 3,
        startColumn: 9,
      });
      for (const position of [
        " project:///src/app.ts#3",
        "file:///repo/src/app.ts#3",
        "project:///src/app.ts#L3",
        "project:///src/app.ts#3,9 ",
        "project:///.#1",
        "project:///..#1",
        "project:///../other/app.ts#1",
        "",
      ]) {
        assert.equal(sourceLocation(position, roots), undefined, position);
      }
    });

    describe("the repository root: the nearest directory holding .git", function () {
      let scratch: string;
      before(function () {
        scratch = mkdtempSync(join(tmpdir(), "phoenix-git-root-"));
        if (existsSync(join(tmpdir(), ".git")) || existsSync("/.git")) {
          skipSuite(this, `a .git above ${tmpdir()} makes every directory there part of a repository`);
        }
      });
      after(() => rmSync(scratch, { recursive: true, force: true }));

      it("found from a directory below it, a .git directory or a worktree's .git file", () => {
        const repo = join(scratch, "repo");
        mkdirSync(join(repo, ".git"), { recursive: true });
        mkdirSync(join(repo, "infra", "stacks"), { recursive: true });
        assert.equal(gitRootOf(join(repo, "infra", "stacks")), repo);
        assert.equal(gitRootOf(repo), repo);
        const worktree = join(scratch, "worktree");
        mkdirSync(join(worktree, "infra"), { recursive: true });
        writeFileSync(join(worktree, ".git"), "gitdir: /elsewhere/.git/worktrees/w\n");
        assert.equal(gitRootOf(join(worktree, "infra")), worktree);
      });

      it("none outside any repository", () => {
        const plain = join(scratch, "plain", "infra");
        mkdirSync(plain, { recursive: true });
        assert.equal(gitRootOf(plain), undefined);
      });
    });
  });
});
