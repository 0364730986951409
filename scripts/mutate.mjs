// `npm run mutate -- <folder> [--files <glob>] [--concurrency <n>]`: Stryker's mutation testing, one folder
// of the scope at a time (the dry run alone runs the folder's whole spec; two cores cannot afford all four).
// Without a folder it runs every folder, one after the other. Each folder keeps its own incremental report
// in reports/mutation/ (committed), so a later run pays only for the mutants of what changed since.
// `--files` narrows the run to some files of the folder (a quick check while killing survivors); it then
// neither reads nor writes the incremental report, which must always hold the whole folder.
// Plain ESM JavaScript: Stryker 9 is an ES module, which the repository's CommonJS TypeScript cannot import.
import process from "node:process";
import { parseArgs } from "node:util";
import { Stryker } from "@stryker-mutator/core";

/** The scope (issue 12): each folder with the tests that judge it. */
const FOLDERS = {
  components: {
    // index.ts only re-exports.
    mutate: ["components/**/*.ts", "!components/**/index.ts"],
    spec: ["test/components/**/*.test.ts", "test/programs/**/*.test.ts"],
  },
  automation: {
    // The LocalWorkspace adapter and the AWS probe are judged by the recorded transcripts and the rig.
    mutate: [
      "automation/**/*.ts",
      "!automation/localWorkspace/**",
      "!automation/aws/**",
      "!automation/index.ts",
    ],
    spec: ["test/automation/**/*.test.ts", "test/cli/workflows/**/*.test.ts"],
  },
  "cli/check": {
    mutate: ["cli/check/**/*.ts"],
    spec: ["test/policies/check.test.ts", "test/policies/offline.test.ts"],
  },
  policies: {
    mutate: ["policies/**/*.ts", "!policies/index.ts"],
    spec: ["test/policies/**/*.test.ts"],
  },
};

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { files: { type: "string" }, concurrency: { type: "string", default: "1" } },
});
const unknown = positionals.filter((folder) => !(folder in FOLDERS));
if (unknown.length > 0) {
  process.stderr.write(
    `Unknown folder ${unknown.join(", ")}; the scope is ${Object.keys(FOLDERS).join(", ")}\n`,
  );
  process.exit(2);
}
const folders = positionals.length > 0 ? positionals : Object.keys(FOLDERS);
if (values.files && folders.length !== 1) {
  process.stderr.write("--files narrows one folder: name it\n");
  process.exit(2);
}

const scores = [];
for (const folder of folders) {
  const { mutate, spec } = FOLDERS[folder];
  const stryker = new Stryker({
    mutate: values.files ? [values.files] : mutate,
    testRunner: "mocha",
    // The repository's .mocharc.json (ts-node, timeouts) with the folder's spec.
    mochaOptions: { config: ".mocharc.json", spec },
    // Each mutant runs only the tests that reach it.
    coverageAnalysis: "perTest",
    // A static mutant (module-level code, run once at import) would rerun the whole spec for itself: too slow
    // for two shared cores. Stryker reports them as ignored, outside the score.
    ignoreStatic: true,
    concurrency: Number(values.concurrency),
    incremental: !values.files,
    incrementalFile: `reports/mutation/${folder.replace("/", "-")}.json`,
    ignorePatterns: ["dist", "coverage", ".rig", ".phoenix", "test/engine", "bench"],
    reporters: ["clear-text", "progress"],
    clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true },
    thresholds: { high: 90, low: 80, break: null },
    tempDirName: ".stryker-tmp",
    cleanTempDir: true,
  });
  const results = await stryker.runMutationTest();
  scores.push(`${folder}: ${score(results)}`);
}
process.stdout.write(
  `\nMutation score per folder (no coverage counts as survived):\n  ${scores.join("\n  ")}\n`,
);

/** Stryker's mutation score: killed and timed out over every valid mutant that was not ignored. */
function score(results) {
  const count = (...statuses) => results.filter((r) => statuses.includes(r.status)).length;
  const detected = count("Killed", "Timeout");
  const valid = detected + count("Survived", "NoCoverage");
  return `${valid === 0 ? "n/a" : ((100 * detected) / valid).toFixed(2) + " %"} (${detected}/${valid} detected)`;
}
