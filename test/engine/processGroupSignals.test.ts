// What signals reach pulumi when phoenix is interrupted, with `inOwnProcessGroup`
// (automation/localWorkspace/pulumiProcessGroup.ts) and with the SDK's own `PulumiCommand` as the control. A
// fake `pulumi` (test/automation/adapters/fakePulumi.ts) records every signal it gets; Ctrl-C on a terminal is
// played as a terminal plays it: SIGINT to the whole process group of a driver child
// (test/automation/adapters/pulumiProcessGroupDriver.ts) that handles Ctrl-C as the CLI does. The real engine
// takes the SDK's extra SIGINT as "terminate immediately" (terminalInterrupt.test.ts shows it). Signals take
// real time, which is why this lives in the engine suite and not in `npm test`; every wait is on a condition.
import * as assert from "assert";
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { fakePulumiRoot, skipOnWindows } from "../automation/adapters/fakePulumi";

const REPO_ROOT = path.resolve(__dirname, "..", "..");
const DRIVER = path.join(REPO_ROOT, "test", "automation", "adapters", "pulumiProcessGroupDriver.ts");

async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** What the driver's interruption can watch: the signals pulumi recorded, and whether the driver saw a SIGINT. */
interface Watch {
  signals(): string[];
  driverSawSigint(): boolean;
}

describe("signals that reach pulumi when phoenix is interrupted (inOwnProcessGroup)", function () {
  this.timeout(120_000);
  let root: string;

  /**
   * Start the driver (`mode`, `onSigint`: see pulumiProcessGroupDriver.ts) as the leader of a process group,
   * `interrupt` it once `pulumi wait` is ready, and return what the fake pulumi recorded once both are done.
   */
  async function interrupted(
    mode: "sdk" | "own",
    onSigint: "abort" | "ignore",
    interrupt: (driverPid: number, watch: Watch) => Promise<string[] | void>,
  ) {
    const log = path.join(root, `signals-${mode}-${onSigint}-${Date.now()}`);
    fs.writeFileSync(log, "");
    const recorded = () => fs.readFileSync(log, "utf8").split("\n").filter(Boolean);
    const signals = () => recorded().filter((line) => line !== "exit");
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
      const seen = await interrupt(driver.pid!, {
        signals,
        driverSawSigint: () => output.includes("driver: SIGINT"),
      });
      const { code, signal } = await exited;
      // pulumi may outlive the driver (the SDK does not wait for it): its record is complete once it wrote "exit".
      await until(`pulumi to exit:\n${output}`, () => recorded().includes("exit"));
      return { code, signal, signals: signals(), interrupt: seen ?? [], output };
    } finally {
      if (driver.exitCode === null && driver.signalCode === null) driver.kill("SIGKILL");
    }
  }

  const terminalCtrlC = (pid: number) => void process.kill(-pid, "SIGINT");

  type Scenario = ReturnType<typeof interrupted>;
  /** The driver scenarios, all started at once by `before` (each costs seconds, mostly Node starting). */
  const scenarios: Record<string, Scenario> = {};
  before(async function () {
    if (process.platform === "win32") skipOnWindows(this);
    ({ root } = await fakePulumiRoot());
    const ctrlCThenTerm = (mode: "sdk" | "own") =>
      interrupted(mode, "ignore", async (pid, watch) => {
        terminalCtrlC(pid);
        // The group's SIGINT is delivered at once to every member; the driver saying it saw it means any
        // pulumi in that group got it too. The SDK's pulumi also gets the SDK's own SIGINT: wait for it.
        await until("the driver to see the terminal's SIGINT", watch.driverSawSigint);
        if (mode === "sdk")
          await until("the SIGINT to reach the SDK's pulumi", () => watch.signals().length > 0);
        const seen = watch.signals();
        // A fatal signal to phoenix: signal-exit stops pulumi before phoenix dies.
        process.kill(pid, "SIGTERM");
        return seen;
      });
    Object.assign(scenarios, {
      sdkTerminal: ctrlCThenTerm("sdk"),
      ownTerminal: ctrlCThenTerm("own"),
      ctrlC: interrupted("own", "abort", async (pid) => terminalCtrlC(pid)),
      killInt: interrupted("own", "abort", async (pid) => void process.kill(pid, "SIGINT")),
      twice: interrupted("own", "abort", async (pid, watch) => {
        terminalCtrlC(pid);
        await until("the first SIGINT to reach pulumi", () => watch.signals().length > 0);
        terminalCtrlC(pid);
      }),
    });
    // Each test awaits its own; a failure is reported there, not as an unhandled rejection here.
    for (const scenario of Object.values(scenarios)) scenario.catch(() => undefined);
  });

  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
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
