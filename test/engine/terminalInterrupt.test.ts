// Ctrl-C on a terminal through the real engine. The terminal sends SIGINT to its whole foreground process
// group: `phoenix` and, unless it runs in a group of its own, its `pulumi` child. Phoenix's first Ctrl-C
// aborts the workflow's AbortSignal, on which the Automation API sends `pulumi` a SIGINT itself
// (@pulumi/pulumi automation/cmd.js, `exec`: `signal.addEventListener("abort", () => proc.kill("SIGINT"))`).
// The engine takes its first SIGINT as "cancel gracefully" and any later one as "terminate immediately"
// (pulumi pkg/backend/cancellation_scope.go 64-115, v3.274.0: "^C received; terminating"), which leaves
// pending operations in the state. One Ctrl-C must reach `pulumi` once: a graceful cancel, which phoenix then
// undoes. `kill -INT <phoenix pid>` (no terminal) reaches phoenix alone: the SDK's SIGINT must still cancel.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { autoScalingGroups, launchTemplateNames, registerImage } from "./support/emulator";
import { phoenix, startPhoenix, type PhoenixProcess, type PhoenixRun } from "./support/phoenix";
import { requireLanguageHost } from "./rigHooks";
import { engineLocks, midDeploy } from "./support/engineState";

const APP = "shop";
const EXIT_ABORTED = 130; // cli/exitCodes.ts

/** The process group of `pid`. */
function processGroup(pid: number): number {
  return Number(
    execFileSync("ps", ["-o", "pgid=", "-p", String(pid)])
      .toString()
      .trim(),
  );
}

/** The pending operations the state of `stack` records (what a terminated update leaves behind). */
function pendingOperations(project: string, stack: string): unknown[] {
  const stacks = execFileSync("pulumi", ["stack", "ls", "--json"], {
    cwd: path.join(project, ".phoenix"),
    env: process.env,
  });
  const names = (JSON.parse(stacks.toString()) as { name: string }[]).map((entry) => entry.name);
  if (!names.includes(stack)) return []; // the undo destroyed the stack and removed it
  const exported = execFileSync("pulumi", ["stack", "export", "--stack", stack], {
    cwd: path.join(project, ".phoenix"),
    env: process.env,
  });
  const state = JSON.parse(exported.toString()) as { deployment?: { pending_operations?: unknown[] } };
  return state.deployment?.pending_operations ?? [];
}

/** Everything phoenix printed, for the assertion messages. */
const printed = (run: PhoenixRun) => `stdout:\n${run.stdout}\nstderr:\n${run.stderr}`;

describe("Ctrl-C through the real engine", function () {
  let project: string;
  const started: PhoenixProcess[] = [];
  let image: string;

  before(async function () {
    requireLanguageHost(this);
    project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-ctrl-c-"));
    image = await registerImage("shop-ctrl-c-v1");
  });

  after(() => {
    for (const { child } of started)
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    if (project) fs.rmSync(project, { recursive: true, force: true });
  });

  /** Start `phoenix up` in a process group of its own, interrupt it mid-deploy with `interrupt`, await it. */
  async function interruptedUp(env: string, interrupt: (phoenixPid: number) => void) {
    await phoenix(APP, env, ["bootstrap"], project);
    const up = startPhoenix(APP, env, ["up", "--release", "v1", "--image-id", image], project, {
      detached: true,
    });
    started.push(up);
    const pulumiGroup = processGroup(await midDeploy(`${APP}-${env}-blue`, up));
    interrupt(up.child.pid!);
    const run = await up.done;
    return { run, pulumiGroup, phoenixGroup: up.child.pid!, stack: `${APP}-${env}-blue` };
  }

  /** One graceful cancel of the `pulumi up`, then phoenix's undo: nothing left in the state or the emulator. */
  async function assertUndoneGracefully(run: PhoenixRun, stack: string): Promise<void> {
    assert.equal(run.code, EXIT_ABORTED, printed(run));
    assert.equal(run.json.error?.type, "AbortedError", printed(run));
    // What `pulumi` printed reaches phoenix's output in the failed deploy step's message.
    assert.match(run.stderr, /\^C received; cancelling/, printed(run));
    assert.doesNotMatch(run.stderr, /received; terminating/, `pulumi got a second SIGINT:\n${printed(run)}`);
    assert.deepEqual(pendingOperations(project, stack), [], "no pending operations are left");
    assert.deepEqual(engineLocks(stack), [], "no engine lock is left");
    const templates = (await launchTemplateNames()).filter((name) => name.startsWith(stack));
    assert.deepEqual(templates, [], "no launch template is orphaned");
    const groups = [...(await autoScalingGroups()).keys()].filter((name) => name.startsWith(stack));
    assert.deepEqual(groups, [], "the interrupted up is undone: no blue fleet");
  }

  it("Ctrl-C on a terminal (SIGINT to phoenix's process group): pulumi cancels once, and the up is undone", async () => {
    const { run, stack, pulumiGroup, phoenixGroup } = await interruptedUp("tty", (pid) =>
      process.kill(-pid, "SIGINT"),
    );
    await assertUndoneGracefully(run, stack);
    assert.notEqual(pulumiGroup, phoenixGroup, "pulumi runs outside the terminal's foreground process group");
  });

  it("kill -INT <phoenix pid> (no terminal): pulumi still cancels gracefully, and the up is undone", async () => {
    const { run, stack } = await interruptedUp("kill", (pid) => process.kill(pid, "SIGINT"));
    await assertUndoneGracefully(run, stack);
  });
});
