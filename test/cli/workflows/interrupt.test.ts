// The default context's Ctrl-C, in a process of its own (signals to this one would reach mocha): pulumi runs
// through execa, as the Automation API spawns it, so signal-exit listens for SIGINT beside the workflow.
import { strict as assert } from "assert";
import { spawnSync } from "child_process";
import { readFileSync } from "fs";
import { EXIT } from "../../../cli/exitCodes";

/**
 * Runs `body` after the context listens and a child runs through the Automation API's execa; with
 * `lockFirst`, proper-lockfile (which the deployment loads before the context listens) has loaded
 * signal-exit before.
 */
function runInterrupted(body: string, lockFirst: boolean) {
  const script = `
    if (${lockFirst}) require("./automation/lock");
    const { defaultWorkflowContext } = require("./cli/workflows/context");
    const execa = require(require.resolve("execa", { paths: [require.resolve("@pulumi/pulumi/automation")] }));
    const log = (line) => process.stdout.write(line + "\\n");
    const before = process.listeners("SIGINT");
    // afterPress(n, fn): run fn once the context's listener has seen the nth Ctrl-C (on the next turn, after
    // every other SIGINT listener of that emit, signal-exit's included, has run: a process about to die of it
    // would be dead by then). No wall-clock wait.
    const afterPress = (n, fn) => (after[n] = fn);
    const after = [];
    const stop = defaultWorkflowContext.onInterrupt((presses) => {
      log("press " + presses);
      if (after[presses]) setImmediate(after[presses]);
    });
    const added = process.listeners("SIGINT").filter((l) => !before.includes(l));
    const listening = () => added.length === 1 && process.listeners("SIGINT").includes(added[0]);
    const child = execa("sleep", ["30"]); // signal-exit's SIGINT listener, after the context's unless lockFirst
    child.catch(() => undefined);
    ${body}`;
  const run = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
    cwd: `${__dirname}/../../..`,
    encoding: "utf8",
    timeout: 30_000,
  });
  return { ...run, lines: run.stdout.split("\n").filter(Boolean) };
}

/** Whether `pid` still runs (a zombie waiting for its reaper does not). */
function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}

describe("phoenix workflow commands: Ctrl-C in the default context", function () {
  this.timeout(60_000);

  for (const lockFirst of [false, true]) {
    const order = lockFirst ? "signal-exit listening first" : "signal-exit listening last";
    it(`keeps listening after the first Ctrl-C, so the workflow can undo what it started (${order})`, () => {
      const run = runInterrupted(
        `
        afterPress(1, () => {
          log("alive, listening " + listening());
          stop();
          log("stopped, listening " + listening());
          child.kill();
        });
        process.kill(process.pid, "SIGINT");`,
        lockFirst,
      );
      assert.equal(run.signal, null, `the process died of ${run.signal}: ${run.stderr}`);
      assert.equal(run.status, 0, run.stderr);
      assert.deepEqual(run.lines, ["press 1", "alive, listening true", "stopped, listening false"]);
    });

    it(`quits with exit code 130 on the second Ctrl-C, after the listener saw it, stopping the child (${order})`, () => {
      const run = runInterrupted(
        `
        log("child " + child.pid);
        afterPress(1, () => process.kill(process.pid, "SIGINT"));
        process.kill(process.pid, "SIGINT");
        setTimeout(() => log("still running"), 20_000); // a deadline only: 130 ends the process long before`,
        lockFirst,
      );
      assert.equal(run.signal, null, `the process died of ${run.signal}: ${run.stderr}`);
      assert.equal(run.status, EXIT.aborted, run.stderr);
      const [child, ...rest] = run.lines;
      assert.deepEqual(rest, ["press 1", "press 2"]);
      const pid = Number(child.replace("child ", ""));
      // SIGTERM was sent before the process exited; give the child a moment to die of it.
      for (let i = 0; i < 40 && running(pid); i++)
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      assert.equal(running(pid), false, "execa's exit handler stopped the child");
    });
  }
});
