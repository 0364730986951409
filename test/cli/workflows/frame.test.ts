// The pieces of the workflow commands' frame: flag parsing, the error → exit code table, `--help` for
// every command, and that registering the commands loads neither the Automation API nor the AWS SDK.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import {
  AbortedError,
  DeployFailedError,
  InvalidInputError,
  KeepWarmError,
  LockedError,
} from "../../../automation/errors";
import { InvalidProbeInputError, ProbeConfigurationError } from "../../../automation/aws/errors";
import {
  InvalidEngineInputError,
  PassphraseMissingError,
  PolicyPackNotFoundError,
  PulumiCliNotFoundError,
  PulumiCliTooOldError,
} from "../../../automation/localWorkspace/errors";
import { CliError, EXIT } from "../../../cli/exitCodes";
import { runCli } from "../../../cli/main";
import { memoryIo } from "../../../cli/io";
import { exitCodeOf } from "../../../cli/workflows/errors";
import { FlagParser } from "../../../cli/workflows/flags";

const WORKFLOWS = [
  "bootstrap",
  "up",
  "swap",
  "release",
  "rollback",
  "destroy",
  "status",
  "history",
  "drift",
  "heal",
];

describe("phoenix workflow commands: the frame", () => {
  describe("FlagParser", () => {
    const durations: [string, number][] = [
      ["0", 0],
      ["500ms", 500],
      ["30s", 30_000],
      ["5m", 300_000],
      ["1h", 3_600_000],
      ["1h30m", 5_400_000],
      ["2m30s", 150_000],
      ["7d", 604_800_000],
    ];
    for (const [text, ms] of durations) {
      it(`reads the duration ${text} as ${ms} ms`, () => {
        const parser = new FlagParser();
        assert.equal(parser.duration("--pause", text), ms);
        assert.deepEqual(parser.list, []);
      });
    }
    for (const text of ["30", "3x", "1.5h", "-1s", "", "h", "1h 30m", "8d", "30s5"]) {
      it(`refuses the duration ${JSON.stringify(text)}, naming the option`, () => {
        const parser = new FlagParser();
        assert.equal(parser.duration("--pause", text), undefined);
        assert.deepEqual(parser.list, [
          `\`--pause\` (${JSON.stringify(text)}) must be a duration such as 500ms, 30s, 5m, 1h or 1h30m (at most 7 days)`,
        ]);
      });
    }

    it("reads step lists: increasing integer percentages ending at 100", () => {
      const parser = new FlagParser();
      assert.deepEqual(parser.steps("--steps", "10, 50,100"), [10, 50, 100]);
      assert.deepEqual(parser.steps("--steps", "100"), [100]);
      for (const bad of ["", "0,100", "10,10,100", "50,10,100", "10,50", "10,50,101", "ten,100", "10.5,100"])
        assert.equal(parser.steps("--steps", bad), undefined, bad);
      assert.equal(parser.list.length, 8);
      assert.ok(parser.list.every((p) => p.startsWith("`--steps` (")));
    });

    it("fills a partial capacity from the fleet defaults around what was given", () => {
      const capacity = (raw: { min?: string; max?: string; desired?: string }) => {
        const parser = new FlagParser();
        return { capacity: parser.capacity(raw), problems: parser.list };
      };
      assert.deepEqual(capacity({}), { capacity: undefined, problems: [] });
      assert.deepEqual(capacity({ desired: "5" }).capacity, { min: 1, max: 5, desired: 5 });
      assert.deepEqual(capacity({ max: "2" }).capacity, { min: 1, max: 2, desired: 2 });
      assert.deepEqual(capacity({ min: "4" }).capacity, { min: 4, max: 4, desired: 4 });
      assert.deepEqual(capacity({ min: "0", max: "1", desired: "1" }).capacity, {
        min: 0,
        max: 1,
        desired: 1,
      });
      assert.deepEqual(capacity({ min: "3", max: "2" }).problems, [
        "`--min` (3) must not exceed `--max` (2)",
      ]);
      assert.deepEqual(capacity({ desired: "0" }).problems, [
        '`--desired` ("0") must be a whole number from 1 to 1000',
      ]);
    });
  });

  describe("exit codes of the library's errors", () => {
    const table: [string, unknown, number][] = [
      ["InvalidInputError", new InvalidInputError(["`steps` …"]), EXIT.badInput],
      ["InvalidEngineInputError", new InvalidEngineInputError(["stack name …"]), EXIT.badInput],
      ["InvalidProbeInputError", new InvalidProbeInputError(["`targetGroupArn` …"]), EXIT.badInput],
      ["LockedError", new LockedError("/state/shop-prod.lock", undefined), EXIT.locked],
      [
        "the Automation API's ConcurrentUpdateError",
        Object.assign(new Error("stack locked"), { name: "ConcurrentUpdateError" }),
        EXIT.locked,
      ],
      ["PulumiCliNotFoundError", new PulumiCliNotFoundError("pulumi"), EXIT.missingPrerequisite],
      ["PulumiCliTooOldError", new PulumiCliTooOldError("3.100.0", "3.181.0"), EXIT.missingPrerequisite],
      ["PassphraseMissingError", new PassphraseMissingError("file:///state"), EXIT.missingPrerequisite],
      ["PolicyPackNotFoundError", new PolicyPackNotFoundError("/policies"), EXIT.missingPrerequisite],
      ["ProbeConfigurationError", new ProbeConfigurationError("no region"), EXIT.missingPrerequisite],
      ["AbortedError", new AbortedError("swap"), EXIT.aborted],
      ["KeepWarmError", new KeepWarmError("blue", "v1", 60_000), EXIT.failed],
      ["a plain Error", new Error("boom"), EXIT.failed],
      ["a CliError", new CliError("declined", EXIT.aborted), EXIT.aborted],
      [
        "a failed deploy caused by a missing CLI",
        new DeployFailedError("blue", "v1", "no CLI", true, new PulumiCliNotFoundError("pulumi")),
        EXIT.missingPrerequisite,
      ],
    ];
    for (const [what, error, code] of table) {
      it(`maps ${what} to ${code}`, () => assert.equal(exitCodeOf(error), code));
    }
  });

  describe("--help", () => {
    for (const name of WORKFLOWS) {
      it(`documents ${name} with examples`, async () => {
        const io = memoryIo();
        assert.equal(await runCli([name, "--help"], io), EXIT.ok);
        assert.match(io.out, new RegExp(`^Usage: phoenix ${name} \\[options\\]`));
        for (const option of ["--app <name>", "--env <name>", "--backend <url>", "--json", "-y, --yes"])
          assert.ok(io.out.includes(option), `${name} --help lists ${option}`);
        const examples = io.out.split("\nExamples:\n")[1];
        assert.ok(examples, `${name} --help has examples`);
        assert.match(examples, new RegExp(`^ {2}phoenix ${name} --app shop --env `, "m"));
      });
    }

    it("lists every workflow command in the program's help", async () => {
      const io = memoryIo();
      await runCli(["--help"], io);
      for (const name of WORKFLOWS) assert.match(io.out, new RegExp(`^ {2}${name} `, "m"));
    });
  });

  it("loads neither the Automation API nor the AWS SDK until a workflow runs", function () {
    this.timeout(60_000);
    // A fresh process: this one has loaded everything already.
    const script = `
      const { Command } = require("commander");
      const { registerWorkflows } = require("./cli/commands/workflows");
      const { memoryIo } = require("./cli/io");
      const program = new Command("phoenix").exitOverride();
      registerWorkflows(program, memoryIo());
      program.parseAsync(["swap", "--app", "shop", "--env", "prod", "--steps", "5"], { from: "user" })
        .catch(() => undefined)
        .then(() => {
          const heavy = Object.keys(require.cache).filter((file) =>
            /@pulumi[\\\\/]pulumi[\\\\/]automation|@aws-sdk|automation[\\\\/](localWorkspace[\\\\/]index|aws[\\\\/]cloudProbe|blueGreen)/.test(file));
          process.stdout.write(JSON.stringify(heavy));
        });`;
    const output = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
      cwd: `${__dirname}/../../..`,
      encoding: "utf8",
    });
    assert.deepEqual(JSON.parse(output), []);
  });
});
