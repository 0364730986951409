// Crashes and concurrency through the real engine. A `pulumi` killed mid-update leaves its stack lock file
// (pulumi pkg/backend/diy/lock.go, v3.274.0) and pending operations in the state; the next workflow must
// complete or undo the interrupted one all the same. Two `phoenix` processes on one app/env: one is refused.
// A plain `pulumi` command holding the engine's lock surfaces as the typed error, and is never broken.
import { strict as assert } from "assert";
import { spawn, type ChildProcess } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { autoScalingGroups, registerImage } from "./support/emulator";
import { phoenix, startPhoenix } from "./support/phoenix";
import { requireLanguageHost } from "./rigHooks";
import { stackOutputs } from "./support/stacks";
import { backendPath, engineLocks, midDeploy, pulumiPids, until } from "./support/engineState";

const APP = "shop";
const EXIT_LOCKED = 3; // cli/exitCodes.ts

/** The names of the creates a killed update left pending in `stack`'s checkpoint (the file backend's JSON). */
function pendingCreates(stack: string): string[] {
  const state = JSON.parse(fs.readFileSync(backendPath("stacks", "phoenix", `${stack}.json`), "utf8")) as {
    checkpoint: {
      latest?: {
        pending_operations?: { type: string; resource: { urn: string; inputs?: { name?: string } } }[];
      };
    };
  };
  return (state.checkpoint.latest?.pending_operations ?? [])
    .filter((operation) => operation.type === "creating")
    .map((operation) => operation.resource.inputs?.name ?? operation.resource.urn.split("::").pop()!);
}

/** The auto scaling groups of `env`'s blue fleet that exist in the emulator. */
async function blueGroups(env: string): Promise<string[]> {
  return [...(await autoScalingGroups()).keys()].filter((name) => name.startsWith(`${APP}-${env}-blue`));
}

describe("crashes and concurrency through the real engine", function () {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-crash-"));
  let image: string;
  const run = (env: string, args: string[], options?: { allowFailure?: boolean }) =>
    phoenix(APP, env, args, project, options);
  const started: ChildProcess[] = [];

  before(async function () {
    requireLanguageHost(this);
    image = await registerImage("shop-crash-v1");
  });

  after(() => {
    for (const child of started) if (child.exitCode === null) child.kill("SIGKILL");
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("phoenix killed mid-up: the engine's lock and pending creates stay; the next up undoes it and deploys", async () => {
    const env = "killed";
    await run(env, ["bootstrap"]);
    const up = startPhoenix(APP, env, ["up", "--release", "v1", "--image-id", image], project);
    started.push(up.child);
    await midDeploy(`${APP}-${env}-blue`, up);
    up.child.kill("SIGKILL"); // the inline program runs inside phoenix: the engine loses its program
    await up.done;
    await until("the orphaned pulumi up to end", () => pulumiPids("up", `${APP}-${env}-blue`).length === 0);
    assert.equal(engineLocks(`${APP}-${env}-blue`).length, 1, "the killed update's lock file is left behind");
    const creating = pendingCreates(`${APP}-${env}-blue`);

    const next = await run(env, ["up", "--release", "v1", "--image-id", image]);
    assert.match(next.stderr, /recover: undo-up/);
    // The creates the killed update left pending are named, so that a leaked resource can be found.
    for (const name of creating)
      assert.ok(next.stderr.includes(name), `the recovery names ${name}:\n${next.stderr}`);
    assert.equal(next.json.result?.colour, "blue");
    assert.deepEqual(engineLocks(`${APP}-${env}-blue`), []);
    // The deployed fleet's group, and any group the killed update was creating: the engine dropped those from the
    // state (its pending creates), so they are leaked in the cloud — and the recovery named each of them.
    const deployed = String(stackOutputs(project, `${APP}-${env}-blue`).autoScalingGroupName);
    const groups = await blueGroups(env);
    assert.ok(groups.includes(deployed), `the deployed group ${deployed} exists: ${groups.join(", ")}`);
    for (const leaked of groups.filter((group) => group !== deployed))
      assert.ok(
        creating.includes(leaked),
        `a group that nothing names: ${leaked} (pending creates: ${creating})`,
      );
    const history = (await run(env, ["history"])).json.result as unknown as Record<string, string>[];
    assert.deepEqual(
      history.map((record) => `${record.workflow}:${record.status}`),
      ["bootstrap:ok", "up:recovered", "recover:ok", "up:ok"],
    );
  });

  it("its pulumi child interrupted, then killed: phoenix undoes the up itself, and the next up deploys", async () => {
    const env = "sigint";
    await run(env, ["bootstrap"]);
    const up = startPhoenix(APP, env, ["up", "--release", "v1", "--image-id", image], project);
    started.push(up.child);
    const pid = await midDeploy(`${APP}-${env}-blue`, up);
    process.kill(pid, "SIGINT");
    await new Promise((resolve) => setTimeout(resolve, 300));
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // it had already ended on the interrupt
    }
    const failed = await up.done;
    assert.notEqual(failed.code, 0, `the up must fail:\n${failed.stderr}`);
    assert.deepEqual(await blueGroups(env), [], "the interrupted up is undone: no blue fleet");
    assert.deepEqual(engineLocks(`${APP}-${env}-blue`), []);

    const next = await run(env, ["up", "--release", "v1", "--image-id", image]);
    assert.equal(next.json.result?.colour, "blue");
    assert.equal((await blueGroups(env)).length, 1);
  });

  it("two phoenix processes on one app/env: one is refused as locked, the other deploys", async () => {
    const env = "twice";
    await run(env, ["bootstrap"]);
    const args = ["up", "--release", "v1", "--image-id", image];
    const first = startPhoenix(APP, env, args, project);
    const second = startPhoenix(APP, env, args, project);
    started.push(first.child, second.child);
    const results = await Promise.all([first.done, second.done]);
    const codes = results.map((result) => result.code).sort();
    assert.deepEqual(codes, [0, EXIT_LOCKED], results.map((result) => result.stderr).join("\n---\n"));
    const refused = results.find((result) => result.code === EXIT_LOCKED)!;
    assert.equal(refused.json.error?.type, "LockedError");
    assert.equal((await blueGroups(env)).length, 1);
  });

  it("a plain pulumi command holding the engine's lock: a typed StackLockedError, and its lock is kept", async () => {
    const env = "twice"; // bootstrapped and deployed by the test above
    const router = `${APP}-${env}-router`;
    // A plain `pulumi refresh` of the router in Phoenix's workspace, stopped while it holds the lock.
    const refresh = spawn("pulumi", ["refresh", "--yes", "--skip-preview", "--stack", router], {
      cwd: path.join(project, ".phoenix"),
      env: process.env,
      stdio: "ignore",
    });
    started.push(refresh);
    await until("the plain refresh's lock", () => engineLocks(router).length > 0);
    refresh.kill("SIGSTOP");
    try {
      const swap = await run(env, ["swap"], { allowFailure: true });
      assert.equal(swap.code, EXIT_LOCKED, swap.stderr);
      assert.match(
        String(swap.json.error?.message),
        new RegExp(`Stack ${router} is locked by the Pulumi engine`),
      );
      assert.match(String(swap.json.error?.message), new RegExp(`\\(pid ${refresh.pid}\\)`));
      assert.equal(engineLocks(router).length, 1, "a live process's lock is never removed");
      assert.deepEqual(
        stackOutputs(project, router).weights ?? { blue: 0, green: 0 },
        { blue: 0, green: 0 },
        "the swap changed nothing",
      );
    } finally {
      refresh.kill("SIGCONT");
    }
    // Killed while holding it, the plain command leaves a stale lock: the next swap clears it and runs.
    refresh.kill("SIGKILL");
    await until("the plain refresh to end", () => refresh.exitCode !== null || refresh.signalCode !== null);
    assert.equal(engineLocks(router).length, 1);
    const swap = await run(env, ["swap"]);
    assert.equal(swap.code, 0);
    assert.deepEqual(engineLocks(router), []);
  });
});
