// `inOwnProcessGroup` (automation/localWorkspace/pulumiProcessGroup.ts) against the SDK's own
// `PulumiCommand`, both running a fake `pulumi` (a Node script) that records every signal it gets. Ctrl-C on a
// terminal is played as a terminal plays it: SIGINT to the whole process group of a driver child
// (pulumiProcessGroupDriver.ts) that handles Ctrl-C as the CLI does. The SDK's command is the control: its
// `pulumi` gets the terminal's SIGINT and the SDK's, which the real engine takes as "terminate immediately"
// (test/engine/terminalInterrupt.test.ts shows it through the real engine).
import * as assert from "assert";
import { execFileSync, spawn } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";
import {
  inOwnProcessGroup,
  type RunnablePulumiCommand,
} from "../../../automation/localWorkspace/pulumiProcessGroup";
import { RecordingPulumiCommand } from "./recordingPulumiCommand";

const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");
const DRIVER = path.join(__dirname, "pulumiProcessGroupDriver.ts");

/**
 * `pulumi version`; `pulumi echo …` prints its arguments, PULUMI_AUTOMATION_API and the first PATH entry;
 * `pulumi fail` fails as the CLI does on a missing stack; `pulumi group` prints its process group; `pulumi
 * wait` prints "ready", appends every SIGINT/SIGTERM to $FAKE_PULUMI_SIGNALS and exits 2 s after the first.
 */
const FAKE_PULUMI = `#!${process.execPath}
const fs = require("fs");
const [command, ...rest] = process.argv.slice(2);
if (command === "version") return console.log("3.274.0");
if (command === "echo") {
  return console.log([...rest, process.env.PULUMI_AUTOMATION_API, process.env.PATH.split(":")[0]].join(" "));
}
if (command === "fail") {
  process.stderr.write("error: no stack named 'dev' found\\n");
  return void (process.exitCode = 255);
}
if (command === "group") {
  const ps = require("child_process").execFileSync("ps", ["-o", "pgid=", "-p", String(process.pid)]);
  return console.log(ps.toString().trim());
}
const note = (signal) => {
  fs.appendFileSync(process.env.FAKE_PULUMI_SIGNALS, signal + "\\n");
  setTimeout(() => process.exit(0), 2000);
};
process.on("SIGINT", () => note("SIGINT"));
process.on("SIGTERM", () => note("SIGTERM"));
setTimeout(() => process.exit(3), 60000);
console.log("ready");
`;

function processGroupOf(pid: number): number {
  return Number(
    execFileSync("ps", ["-o", "pgid=", "-p", String(pid)])
      .toString()
      .trim(),
  );
}

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Skip, saying why: Windows has no process groups, so the wrapper leaves the SDK's command as it is there. */
function skipOnWindows(context: Mocha.Context): never {
  console.log("    skipped: Windows has no process groups to signal");
  return context.skip();
}

describe("pulumi in a process group of its own (inOwnProcessGroup)", function () {
  this.timeout(60_000);
  let root: string;
  let sdk: RunnablePulumiCommand;
  let own: RunnablePulumiCommand;

  before(async function () {
    if (process.platform === "win32") skipOnWindows(this);
    root = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-pgroup-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.writeFileSync(path.join(root, "bin", "pulumi"), FAKE_PULUMI, { mode: 0o755 });
    const command = await PulumiCommand.get({ root, skipVersionCheck: true });
    sdk = command as unknown as RunnablePulumiCommand;
    own = inOwnProcessGroup(command) as unknown as RunnablePulumiCommand;
  });

  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("runs pulumi as the SDK does: the same command line, environment, result and typed errors", async () => {
    const run = (command: RunnablePulumiCommand) =>
      command.run(["echo", "a b"], root, {}) as Promise<{ stdout: string; stderr: string; code: number }>;
    const [expected, actual] = await Promise.all([run(sdk), run(own)]);
    assert.equal(expected.stdout, `a b --non-interactive true ${path.join(root, "bin")}`);
    assert.deepEqual(
      { stdout: actual.stdout, stderr: actual.stderr, code: actual.code },
      { stdout: expected.stdout, stderr: expected.stderr, code: expected.code },
    );
    const failure = (command: RunnablePulumiCommand) =>
      command.run(["fail"], root, {}).then(
        () => assert.fail("pulumi fail must fail"),
        (error: Error & { commandResult: { stderr: string; code: number } }) => error,
      );
    const [sdkError, ownError] = await Promise.all([failure(sdk), failure(own)]);
    assert.equal(sdkError.name, "StackNotFoundError");
    assert.equal(ownError.name, sdkError.name);
    assert.equal(ownError.constructor, sdkError.constructor);
    assert.equal(ownError.commandResult.code, sdkError.commandResult.code);
    assert.equal(ownError.commandResult.stderr, sdkError.commandResult.stderr);
  });

  it("each pulumi leads a process group of its own, outside its parent's", async () => {
    const parentGroup = processGroupOf(process.pid);
    const groupOf = async (command: RunnablePulumiCommand) =>
      Number(((await command.run(["group"], root, {})) as { stdout: string }).stdout);
    assert.equal(await groupOf(sdk), parentGroup, "the SDK's pulumi shares its parent's group");
    assert.notEqual(await groupOf(own), parentGroup);
  });

  it("leaves anything but the SDK's own PulumiCommand as it is (a test double)", () => {
    const double = new RecordingPulumiCommand() as unknown as PulumiCommand;
    assert.equal(inOwnProcessGroup(double), double);
  });

  /**
   * Start the driver (`mode`, `onSigint`: see pulumiProcessGroupDriver.ts) as the leader of a process group,
   * `interrupt` it once `pulumi wait` is ready, and return what the fake pulumi recorded once both are done.
   */
  async function interrupted(
    mode: "sdk" | "own",
    onSigint: "abort" | "ignore",
    interrupt: (driverPid: number, signals: () => string[]) => Promise<string[] | void>,
  ) {
    const log = path.join(root, `signals-${mode}-${onSigint}-${Date.now()}`);
    fs.writeFileSync(log, "");
    const signals = () => fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
    const driver = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", DRIVER, root, mode, onSigint],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, FAKE_PULUMI_SIGNALS: log },
        stdio: ["ignore", "pipe", "pipe"],
        detached: true,
      },
    );
    let output = "";
    driver.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    driver.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      driver.on("close", (code, signal) => resolve({ code, signal })),
    );
    try {
      await until(`pulumi wait to start:\n${output}`, () => output.includes("ready"));
      const seen = await interrupt(driver.pid!, signals);
      const { code, signal } = await exited;
      // The fake pulumi exits 2 s after its first signal; then its record is complete.
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      return { code, signal, signals: signals(), interrupt: seen ?? [], output };
    } finally {
      if (driver.exitCode === null && driver.signalCode === null) driver.kill("SIGKILL");
    }
  }

  const terminalCtrlC = (pid: number) => void process.kill(-pid, "SIGINT");

  type Scenario = ReturnType<typeof interrupted>;
  /** The driver scenarios, all started at once by `before` (each costs seconds, mostly Node starting). */
  const scenarios: Record<string, Scenario> = {};
  before(function () {
    if (process.platform === "win32") skipOnWindows(this);
    const ctrlCThenTerm = (mode: "sdk" | "own") =>
      interrupted(mode, "ignore", async (pid, signals) => {
        terminalCtrlC(pid);
        if (mode === "sdk") await until("the SIGINT to reach the SDK's pulumi", () => signals().length > 0);
        else await new Promise((resolve) => setTimeout(resolve, 1_500));
        const seen = signals();
        // A fatal signal to phoenix: signal-exit stops pulumi before phoenix dies.
        process.kill(pid, "SIGTERM");
        return seen;
      });
    Object.assign(scenarios, {
      sdkTerminal: ctrlCThenTerm("sdk"),
      ownTerminal: ctrlCThenTerm("own"),
      ctrlC: interrupted("own", "abort", async (pid) => terminalCtrlC(pid)),
      killInt: interrupted("own", "abort", async (pid) => void process.kill(pid, "SIGINT")),
      twice: interrupted("own", "abort", async (pid, signals) => {
        terminalCtrlC(pid);
        await until("the first SIGINT to reach pulumi", () => signals().length > 0);
        terminalCtrlC(pid);
      }),
    });
    // Each test awaits its own; a failure is reported there, not as an unhandled rejection here.
    for (const scenario of Object.values(scenarios)) scenario.catch(() => undefined);
  });

  it("Ctrl-C on a terminal (SIGINT to the group) does not reach pulumi itself; the SDK's pulumi gets it", async () => {
    const [sdkRun, ownRun] = await Promise.all([scenarios.sdkTerminal, scenarios.ownTerminal]);
    assert.deepEqual(
      sdkRun.interrupt,
      ["SIGINT"],
      `the SDK's pulumi, after the terminal's SIGINT:\n${sdkRun.output}`,
    );
    assert.deepEqual(ownRun.interrupt, [], `pulumi, after the terminal's SIGINT:\n${ownRun.output}`);
    assert.equal(sdkRun.signal, "SIGTERM", sdkRun.output);
    assert.deepEqual(sdkRun.signals, ["SIGINT", "SIGTERM"], sdkRun.output);
    assert.equal(ownRun.signal, "SIGTERM", ownRun.output);
    assert.deepEqual(ownRun.signals, ["SIGTERM"], ownRun.output);
  });

  it("Ctrl-C on a terminal: pulumi gets exactly one SIGINT, the SDK's on the aborted signal", async () => {
    const run = await scenarios.ctrlC;
    assert.deepEqual(run.signals, ["SIGINT"], run.output);
    assert.equal(run.code, 0, run.output);
  });

  it("kill -INT <phoenix pid> (no terminal): pulumi still gets the SDK's SIGINT", async () => {
    const run = await scenarios.killInt;
    assert.deepEqual(run.signals, ["SIGINT"], run.output);
    assert.equal(run.code, 0, run.output);
  });

  it("a second Ctrl-C: phoenix exits 130 and stops pulumi (SIGTERM, the engine's 'terminate')", async () => {
    const run = await scenarios.twice;
    assert.equal(run.code, 130, run.output);
    assert.deepEqual(run.signals, ["SIGINT", "SIGTERM"], run.output);
  });
});
