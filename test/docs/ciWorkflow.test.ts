// docs/ci.md's GitHub Actions workflow is a promise to users: it must be valid YAML, call only `phoenix`
// commands and flags that exist, and read `--json` fields the commands really print. The last part runs the
// workflow's phoenix calls, in order, on the in-memory engine: twice, the second time with the smoke test
// failing so that the rollback step runs.
import assert from "node:assert/strict";
import { readFileSync } from "fs";
import { join } from "path";
import { parseDocument } from "yaml";
import { memoryIo } from "../../cli/io";
import { buildProgram } from "../../cli/main";
import { parseRecordsUrl } from "../../automation/records/url";
import { AMI_1, AMI_2, cliHarness } from "../cli/workflows/harness";

interface Step {
  id?: string;
  name?: string;
  if?: string;
  run?: string;
  uses?: string;
}

const markdown = readFileSync(join(__dirname, "..", "..", "docs", "ci.md"), "utf8");
const source = /```yaml\n([\s\S]*?)```/.exec(markdown)![1];

/** `${{ inputs.x }}`, `${{ secrets.x }}`, `${{ vars.x }}` as a run of the workflow would see them. */
function expressions(text: string, inputs: Record<string, string>): string {
  return text.replace(/\$\{\{\s*(inputs|secrets|vars)\.([\w-]+)\s*\}\}/g, (_, scope: string, name: string) =>
    scope === "inputs" ? inputs[name] : `<${scope}.${name}>`,
  );
}

/** The words of a shell command line: quotes removed, `$VAR` and `${VAR}` expanded (outside single quotes). */
function shellWords(line: string, env: Record<string, string>): string[] {
  const words: string[] = [];
  for (const match of line.matchAll(/'([^']*)'|"((?:[^"\\]|\\.)*)"|(\S+)/g)) {
    const [, single, double, bare] = match;
    words.push(single ?? (double ?? bare).replace(/\$\{?(\w+)\}?/g, (_, name: string) => env[name] ?? ""));
  }
  return words;
}

/** Every `npx phoenix …` call of a run script, as argv (up to the first shell operator). */
function phoenixCalls(script: string, env: Record<string, string>): string[][] {
  const joined = script.replace(/\\\n\s*/g, " ");
  return [...joined.matchAll(/npx phoenix ([^|>;&)\n]*)/g)].map((match) => shellWords(match[1], env));
}

/** The `jq -r <path>` reads of a run script (simple paths only). */
const jqPaths = (script: string) => [...script.matchAll(/jq -r (\.[\w.]+)/g)].map((match) => match[1]);

const at = (document: unknown, path: string) =>
  path
    .split(".")
    .filter(Boolean)
    .reduce<unknown>((value, key) => (value as Record<string, unknown> | undefined)?.[key], document);

describe("docs/ci.md: the GitHub Actions workflow", () => {
  const document = parseDocument(source, { uniqueKeys: true });
  const workflow = document.toJS() as {
    on: { workflow_dispatch: { inputs: Record<string, unknown> } };
    concurrency: { group: string; "cancel-in-progress": boolean };
    env: Record<string, string>;
    jobs: Record<string, { steps: Step[] }>;
  };
  const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);

  it("is valid YAML with an AMI input, a concurrency group per environment and the DynamoDB record store", () => {
    assert.deepEqual(document.errors, []);
    assert.ok(workflow.on.workflow_dispatch.inputs["image-id"]);
    assert.match(workflow.concurrency.group, /\$\{\{ inputs\.environment \}\}/);
    assert.equal(workflow.concurrency["cancel-in-progress"], false);
    assert.equal(parseRecordsUrl(workflow.env.PHOENIX_RECORDS)?.kind, "dynamodb");
  });

  it("calls only phoenix commands and flags that exist", () => {
    const program = buildProgram(memoryIo(""));
    const env = { ...workflow.env, PHOENIX_ENV: "staging" };
    const calls = steps.flatMap((step) => (step.run ? phoenixCalls(step.run, env) : []));
    assert.ok(calls.length >= 7, `only ${calls.length} phoenix calls found`);
    for (const [name, ...args] of calls) {
      const command = program.commands.find((c) => c.name() === name);
      assert.ok(command, `phoenix ${name} does not exist`);
      const known = new Set(command.options.flatMap((option) => [option.long, option.short]));
      for (const arg of args.filter((a) => a.startsWith("-")))
        assert.ok(known.has(arg), `phoenix ${name} has no option ${arg}`);
    }
  });

  it("refers only to steps that exist, and rolls back only after a swap that succeeded", () => {
    const ids = new Set(steps.map((step) => step.id).filter(Boolean));
    for (const step of steps) {
      const text = `${step.if ?? ""} ${step.run ?? ""}`;
      for (const [, id] of text.matchAll(/steps\.([\w-]+)\./g)) assert.ok(ids.has(id), `no step ${id}`);
    }
    const rollback = steps.find((step) => step.run?.includes("phoenix rollback"));
    assert.match(rollback?.if ?? "", /failure\(\) && steps\.swap\.outputs\.exit-code == '0'/);
  });

  it("runs: every phoenix call exits 0 and every field the next steps read is there", async function () {
    this.timeout(120_000);
    const saved = { ...process.env };
    const h = cliHarness();
    try {
      for (const [release, imageId, smokeFails] of [
        ["v1", AMI_1, false],
        ["v2", AMI_2, true],
      ] as const) {
        const inputs = { release, "image-id": imageId, environment: "staging" };
        const env = Object.fromEntries(
          Object.entries(workflow.env).map(([key, value]) => [key, expressions(value, inputs)]),
        );
        Object.assign(process.env, env);
        for (const step of steps) {
          if (!step.run || (step.if?.includes("failure()") && !smokeFails)) continue;
          const script = expressions(step.run, inputs);
          for (const argv of phoenixCalls(script, env)) {
            const run = await h.phoenix(argv);
            assert.equal(run.code, 0, `${step.name}: phoenix ${argv.join(" ")}: ${run.err}`);
            if (!argv.includes("--json")) continue;
            const output = JSON.parse(run.out) as unknown;
            for (const path of jqPaths(script)) {
              const value = at(output, path);
              assert.ok(value !== undefined && value !== null, `${step.name}: ${path} is ${String(value)}`);
            }
          }
        }
      }
      const status = JSON.parse((await h.phoenix(["status", "--json"])).out) as {
        result: { live: string; colours: Record<string, { release?: string }>; weights: unknown };
      };
      assert.deepEqual(status.result.weights, { blue: 100, green: 0 }, "the second run was not rolled back");
      assert.equal(status.result.colours.blue.release, "v1");
    } finally {
      h.cleanup();
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});
