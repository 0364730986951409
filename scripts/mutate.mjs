// `npm run mutate -- <unit> [--files <glob>] [--concurrency <n>] [--from-head]`: Stryker's mutation testing,
// one unit of the scope at a time (the dry run alone runs the unit's whole spec; two cores cannot afford them
// all at once).
// A folder name runs its units (`automation`); no name runs every unit, one after the other. Each unit keeps
// its own incremental report in reports/mutation/ (committed), so a later run pays only for the mutants of
// what changed since.
// `--files` narrows the run to some files of the unit (a quick check while killing survivors); it then
// neither reads nor writes the incremental report, which must always hold the whole unit. `--spec` runs
// only some of the unit's tests (automation's whole spec takes minutes before the first mutant), with the
// same rule: a quick check, no report; a mutant those tests miss may still be killed by the whole spec.
// Plain ESM JavaScript: Stryker 9 is an ES module, which the repository's CommonJS TypeScript cannot import.
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import process from "node:process";
import { parseArgs } from "node:util";
import { Stryker } from "@stryker-mutator/core";

const AUTOMATION_SPEC = [
  "test/automation/**/*.test.ts",
  "test/images/**/*.test.ts",
  "test/cli/workflows/**/*.test.ts",
];
const automation = (files) => ({
  mutate: files.map((f) => (f.startsWith("!") ? `!automation/${f.slice(1)}` : `automation/${f}`)),
  spec: AUTOMATION_SPEC,
});

/**
 * The scope (issue 12): each unit with the tests that judge it, its own incremental report and its own score.
 * automation/ is cut in several units so that each run ends (and writes its report) within a sitting.
 * The LocalWorkspace adapter and the AWS probe are left out: the recorded transcripts and the rig judge them.
 */
const UNITS = {
  components: {
    // index.ts only re-exports.
    mutate: ["components/**/*.ts", "!components/**/index.ts"],
    spec: ["test/components/**/*.test.ts", "test/programs/**/*.test.ts"],
  },
  // The traffic decisions: the health gate, weights and idle colour, deployment state, the rollback target.
  // Its own spec: the tests that judge these decisions (named one by one: the mocha runner expands no braces).
  // The whole automation spec reaches every line here hundreds of times: over an hour on two busy cores.
  "automation/traffic": {
    ...automation(["health.ts", "traffic.ts", "deploymentState.ts", "rollbackTarget.ts"]),
    spec: [
      ...["health", "healthGate", "trafficGuards", "splitTraffic", "rollbackTarget", "keepWarm"],
      ...["noLiveRelease", "workflows", "recoveryCases", "route53", "strategies"],
      ...["trafficHelpers", "rollbackExplanations", "deploymentStateRead"],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(["test/cli/workflows/rollback.test.ts", "test/cli/workflows/status.test.ts"]),
  },
  // The checks: the immutability guard, input validation, fleet options, rules, secrets, drift reading, errors.
  // Its own spec, as automation/traffic's: the tests that judge these checks.
  "automation/checks": {
    ...automation([
      "immutableGuard.ts",
      "validate.ts",
      "fleetOptions.ts",
      "securityGroupRules.ts",
      "secrets.ts",
      "driftCheck.ts",
      "events.ts",
      "errors.ts",
    ]),
    spec: [
      ...["validation", "immutableGuard", "secrets", "securityGroupRules", "inputBoundaries", "fleetConfig"],
      ...["errorMessages", "driftSteps", "drift", "driftAcrossStacks"],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(["test/images/imageOptions.test.ts"]),
  },
  // The workflows and their steps: up, swap, rollback, destroy, status, bootstrap, and the run that journals them.
  // Its own spec, as automation/traffic's: the workflow tests over the in-memory engine and the CLI's workflow
  // commands. Left out: the fault sweeps and fast-check properties (minutes each, and every survivor would rerun
  // them), and the CLI frame (its processes run no mutant).
  "automation/workflows": {
    ...automation([
      "blueGreen.ts",
      "bootstrap.ts",
      "rollback.ts",
      "status.ts",
      "workflowSteps.ts",
      "workflowRun.ts",
      "sleep.ts",
    ]),
    spec: [
      ...["sleep", "workflowJournal", "workflowDefaults", "healSteps", "recoveryJournal", "statusFields"],
      ...["rollbackSteps", "workflowFrame", "destroySwapEdges", "deployEdges", "journalArchive"],
      ...[
        "deploymentOptions",
        "records/dynamoDbWorkflows",
        "workflowStepsEdges",
        "healEdges",
        "recoveryEdges",
        "route53Edges",
        "workflowOptionsEdges",
        "workflowLastEdges",
      ],
      ...["workflows", "trafficGuards", "splitTraffic", "keepWarm", "noLiveRelease"],
      ...["rollbackTarget", "rollbackAfterRolling", "healthGate", "validation", "routerChoice", "route53"],
      ...["strategies", "rollingSteps", "recreateSteps", "existingVpc", "recovery", "recoveryCases"],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(
        [
          "project",
          "safety",
          "secrets",
          "status",
          "rollback",
          "records",
          "existingVpc",
          "release",
          "images",
        ].map((name) => `test/cli/workflows/${name}.test.ts`),
        // The image workflows' frame (bake, amis, pruneAmis, up without an AMI) lives in blueGreen.ts.
        ["catalog", "pruneRun", "imageOptions"].map((name) => `test/images/${name}.test.ts`),
      ),
  },
  // Drift and heal, the recovery of an interrupted workflow, and the existing-VPC checks: split from
  // automation/workflows so that each unit's run ends within a sitting.
  "automation/recovery": {
    ...automation(["heal.ts", "drift.ts", "recovery.ts", "existingVpc.ts"]),
    spec: [
      ...["healSteps", "recoveryJournal", "workflowDefaults", "recovery", "recoveryCases", "trafficGuards"],
      ...["workflows", "healEdges", "recoveryEdges", "deployEdges", "strategies", "driftRead"],
      ...["route53Edges", "recoveryLastEdges"],
      ...["drift", "driftSteps", "driftAcrossStacks", "existingVpc", "securityGroupRules", "healthGate"],
      ...[
        "splitTraffic",
        "noLiveRelease",
        "rollingSteps",
        "recreateSteps",
        "rollbackAfterRolling",
        "route53",
      ],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(["existingVpc", "safety", "status"].map((name) => `test/cli/workflows/${name}.test.ts`)),
  },
  // The testing kit: the in-memory engine and probe (product: users test with them). Its own spec, as
  // automation/traffic's: the tests that drive the engine, the probe and the simulated account directly.
  // memory/programWorker.ts is left out: it runs on a worker thread, whose global has no active mutant (the
  // mocha runner switches mutants on this thread's global only; the env variable the instrumented code also
  // reads is set by the command runner alone) and whose coverage never reaches Stryker: its mutants could only
  // ever show as not covered. The real programs it runs are judged in the components unit; what it returns
  // is checked against `phoenix plan --offline` by realPrograms.test.ts.
  "automation/kit": {
    ...automation(["memoryEngine.ts", "memoryProbe.ts", "memory/**/*.ts", "!memory/programWorker.ts"]),
    spec: [
      ...["memoryEngine", "memoryEnginePlans", "memoryEngineFaults", "memoryProbe", "memoryImages"],
      ...["forceNewKeys", "programRunner", "programProtocol", "realPrograms", "healthGate"],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(["test/images/bake.test.ts", "test/images/catalog.test.ts"]),
  },
  // The records: journal, lock, record stores, and the history read from them.
  // Its own spec, as automation/traffic's: the tests of the journal, the lock and the stores, and the workflow
  // tests that read records back (recovery, keep-warm, history and status, the CLI's lock and records).
  "automation/records": {
    ...automation(["journal.ts", "lock.ts", "history.ts", "records/**/*.ts"]),
    spec: [
      ...["lock", "lockFile", "lockEdges", "lockTakeover", "journalArchive", "journalFile", "history"],
      ...["recovery", "keepWarm", "records/archivePlan", "records/recordsUrl", "records/dynamoDbItems"],
      ...[
        "records/dynamoDbTable",
        "records/dynamoDbStore",
        "records/dynamoDbAppend",
        "records/dynamoDbLease",
      ],
      ...["records/dynamoDbLeaseTiming", "records/dynamoDbFaults", "records/dynamoDbWorkflows"],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(
        ["records", "interrupt", "safety", "status"].map((name) => `test/cli/workflows/${name}.test.ts`),
      ),
  },
  // The release strategies and the routers they move traffic through (ALB weights, Route 53 records).
  // Both with their own spec, as automation/traffic's: the tests that judge them.
  "automation/release": {
    ...automation(["strategies/**/*.ts", "!strategies/index.ts", "routers/**/*.ts", "!routers/index.ts"]),
    spec: [
      ...["strategies", "recreateSteps", "canaryRelease", "rollingSteps", "rollbackAfterRolling"],
      ...["routerChoice", "strategyOptions", "route53"],
    ]
      .map((name) => `test/automation/${name}.test.ts`)
      .concat(["test/cli/workflows/strategies.test.ts", "test/cli/workflows/route53.test.ts"]),
  },
  // Golden AMIs: bake, choose, list and prune.
  "automation/images": {
    ...automation(["images/**/*.ts"]),
    spec: [
      "test/images/**/*.test.ts",
      "test/cli/workflows/images.test.ts",
      "test/automation/validation.test.ts",
    ],
  },
  "cli/check": {
    mutate: ["cli/check/**/*.ts"],
    spec: [
      "test/policies/check.test.ts",
      "test/policies/checkExitCodes.test.ts",
      "test/policies/checkReads.test.ts",
      "test/policies/checkDeployment.test.ts",
      "test/policies/checkLoad.test.ts",
      "test/policies/checkReport.test.ts",
      "test/policies/offline.test.ts",
    ],
  },
  policies: {
    mutate: ["policies/**/*.ts", "!policies/index.ts"],
    // The protocol and publish tests run the compiled pack in a separate process, where no mutant is active:
    // they cannot kill one, and building the pack in Stryker's sandbox fails.
    spec: ["test/policies/**/*.test.ts"],
    ignore: ["test/policies/protocol.test.ts", "test/policies/publish.test.ts"],
  },
};

/** A name on the command line: a unit, or a folder standing for its units (`automation`). */
function unitsOf(name) {
  if (name in UNITS) return [name];
  return Object.keys(UNITS).filter((unit) => unit.startsWith(`${name}/`));
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    files: { type: "string" },
    spec: { type: "string", multiple: true },
    concurrency: { type: "string", default: "1" },
    "from-head": { type: "boolean", default: false },
  },
});
const unknown = positionals.filter((name) => unitsOf(name).length === 0);
if (unknown.length > 0) {
  process.stderr.write(`Unknown unit ${unknown.join(", ")}; the scope is ${Object.keys(UNITS).join(", ")}\n`);
  process.exit(2);
}
const units = positionals.length > 0 ? positionals.flatMap(unitsOf) : Object.keys(UNITS);
const quick = values.files !== undefined || values.spec !== undefined;
if (quick && units.length !== 1) {
  process.stderr.write("--files and --spec narrow one unit: name it\n");
  process.exit(2);
}

// `--from-head`: mutate the committed tree (git archive HEAD), not the working tree. The working tree is shared
// with other people's unfinished changes, which may fail a test of the spec and stop the dry run. The
// incremental reports are copied back into the working tree at the end.
const repo = process.cwd();
let workDir = repo;
if (values["from-head"]) {
  workDir = mkdtempSync(join(tmpdir(), "phoenix-mutate-"));
  execFileSync("sh", ["-c", `git archive HEAD | tar -x -C "${workDir}"`], { stdio: "inherit" });
  symlinkSync(resolve(repo, "node_modules"), join(workDir, "node_modules"));
  process.chdir(workDir);
  process.stderr.write(`Mutating the committed tree (HEAD) in ${workDir}\n`);
}

const scores = [];
for (const unit of units) {
  const { mutate, ignore = [] } = UNITS[unit];
  const spec = values.spec ?? UNITS[unit].spec;
  const stryker = new Stryker({
    mutate: values.files ? [values.files] : mutate,
    testRunner: "mocha",
    // The repository's .mocharc.json (ts-node, timeouts) with the unit's spec.
    mochaOptions: { config: ".mocharc.json", spec, ignore },
    // Each mutant runs only the tests that reach it.
    coverageAnalysis: "perTest",
    // A static mutant (module-level code, run once at import) would rerun the whole spec for itself: too slow
    // for two shared cores. Stryker reports them as ignored, outside the score.
    ignoreStatic: true,
    concurrency: Number(values.concurrency),
    // automation/'s spec (every workflow test) takes over Stryker's default 5 minutes on two busy cores.
    dryRunTimeoutMinutes: 30,
    incremental: !quick,
    incrementalFile: `reports/mutation/${unit.replace("/", "-")}.json`,
    ignorePatterns: ["dist", "coverage", ".rig", ".phoenix", "test/engine", "bench"],
    reporters: ["clear-text", "progress"],
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 90, low: 80, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
  });
  const results = await stryker.runMutationTest();
  scores.push(`${unit}: ${score(results)}`);
  const report = `reports/mutation/${unit.replace("/", "-")}.json`;
  if (workDir !== repo && !quick && existsSync(join(workDir, report))) {
    mkdirSync(join(repo, "reports/mutation"), { recursive: true });
    copyFileSync(join(workDir, report), join(repo, report));
  }
}
if (workDir !== repo) {
  process.chdir(repo);
  rmSync(workDir, { recursive: true, force: true });
}
process.stdout.write(
  `\nMutation score per unit (no coverage counts as survived):\n  ${scores.join("\n  ")}\n`,
);

/** Stryker's mutation score: killed and timed out over every valid mutant that was not ignored. */
function score(results) {
  const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length;
  const detected = count("Killed", "Timeout");
  const valid = detected + count("Survived", "NoCoverage");
  return `${valid === 0 ? "n/a" : ((100 * detected) / valid).toFixed(2) + " %"} (${detected}/${valid} detected)`;
}
