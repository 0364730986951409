// The workflow commands through runCli, with the in-memory engine and scripted answers injected.
import assert from "assert";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { acquireLock } from "../../automation/lock";
import { MemoryEngine } from "../../automation/memoryEngine";
import { MemoryCloudProbe } from "../../automation/memoryProbe";
import { EXIT } from "../../cli/exitCodes";
import { memoryIo } from "../../cli/io";
import { runCli } from "../../cli/main";
import { setWorkflowDeps } from "../../cli/workflows/deps";

const AMI = "ami-0123456789abcdef0";
const AMI_2 = "ami-0fedcba9876543210";
const APP = ["--app", "shop", "--env", "prod"];

describe("phoenix workflow commands", () => {
  let engine: MemoryEngine;
  let probe: MemoryCloudProbe;
  let stateDir: string;
  let answers: (boolean | undefined)[];
  let asked: string[];
  let restore: () => void;

  beforeEach(() => {
    engine = new MemoryEngine();
    probe = new MemoryCloudProbe(engine);
    stateDir = mkdtempSync(join(tmpdir(), "phoenix-cli-"));
    answers = [];
    asked = [];
    restore = setWorkflowDeps({
      connect: async () => ({ engine, probe, stateDir }),
      confirm: async (question) => {
        asked.push(question);
        return answers.shift();
      },
      interrupt: () => ({ signal: new AbortController().signal, dispose: () => undefined }),
    });
  });
  afterEach(() => {
    restore();
    rmSync(stateDir, { recursive: true, force: true });
  });

  async function phoenix(...argv: string[]) {
    const io = memoryIo();
    const code = await runCli(argv, io);
    return { code, out: io.out, err: io.err };
  }

  async function released() {
    assert.strictEqual((await phoenix("bootstrap", ...APP)).code, EXIT.ok);
    assert.strictEqual((await phoenix("up", ...APP, "--release", "v1", "--image-id", AMI)).code, EXIT.ok);
    assert.strictEqual((await phoenix("swap", ...APP, "--yes")).code, EXIT.ok);
  }

  it("runs a release end to end: bootstrap, up, canary swap, status, rollback", async () => {
    await released();
    const up = await phoenix("up", ...APP, "--release", "v2", "--image-id", AMI_2, "--capacity", "2:6:3");
    assert.strictEqual(up.code, EXIT.ok, up.err);
    assert.match(
      up.out,
      /^deployed v2 \(ami-0fedcba9876543210, identity [a-z2-7]{10}\) to blue: 3\/3 targets healthy\n/,
    );
    assert.match(up.err, /^up: deploy ok \(/m, "plain progress lines when stderr is not a terminal");
    assert.match(up.err, /shop-prod-blue up: create 4/);

    const swap = await phoenix("swap", ...APP, "--steps", "10,50,100", "--alarm", "shop-5xx", "--yes");
    assert.strictEqual(swap.code, EXIT.ok, swap.err);
    assert.strictEqual(
      swap.out,
      "swapped green → blue (v2): 10 % → 50 % → 100 %; green stays as the rollback target\n",
    );

    const status = await phoenix("status", ...APP);
    const lines = status.out.split("\n");
    assert.match(
      lines[1],
      /^ALB ──┬── 100 % ──▶ blue {3}v2 {2}ami-0fedcba9876543210 {2}identity [a-z2-7]{10} {2}3\/3 healthy {2}◀ live$/,
    );
    assert.match(
      lines[2],
      /^ {6}└── {3}0 % ──▶ green {2}v1 {2}ami-0123456789abcdef0 {2}identity [a-z2-7]{10} {2}2\/2 healthy {2}rollback target until \d{4}-/,
    );

    const rollback = await phoenix("rollback", ...APP, "--yes");
    assert.strictEqual(rollback.out, "rolled back: 100 % on green (v1), blue idle\n");
    const json = JSON.parse((await phoenix("status", ...APP, "--json")).out) as {
      weights: Record<string, number>;
    };
    assert.deepStrictEqual(json.weights, { blue: 0, green: 100 });
  });

  it("asks before a destructive command, and refuses without --yes when there is no terminal", async () => {
    await released();
    await phoenix("up", ...APP, "--release", "v2", "--image-id", AMI_2);
    const calls = engine.callCount;
    answers = [false];
    const declined = await phoenix("swap", ...APP);
    assert.deepStrictEqual(
      [declined.code, asked],
      [EXIT.aborted, ["Move the traffic of shop/prod to the other colour (steps 100)?"]],
    );
    assert.match(declined.err, /cancelled, nothing changed/);
    answers = [undefined];
    const noTerminal = await phoenix("destroy", ...APP, "--colour", "blue");
    assert.strictEqual(noTerminal.code, EXIT.aborted);
    assert.match(noTerminal.err, /Refusing to go on without --yes/);
    assert.strictEqual(engine.callCount, calls, "nothing reached the engine");
    answers = [true];
    assert.strictEqual((await phoenix("swap", ...APP)).code, EXIT.ok);
  });

  it("exits 2 on bad input, naming the option and the value", async () => {
    const steps = await phoenix("swap", ...APP, "--steps", "10,50", "--yes");
    assert.strictEqual(steps.code, EXIT.badInput);
    assert.match(steps.err, /`steps` \(\[10,50\]\) must be a list of integer percentages/);
    const capacity = await phoenix("up", ...APP, "--release", "v1", "--image-id", AMI, "--capacity", "lots");
    assert.strictEqual(capacity.code, EXIT.badInput);
    assert.match(
      capacity.err,
      /`--capacity` \("lots"\) must be a number of instances \(3\) or min:max:desired/,
    );
    const app = await phoenix("status", "--app", "Shop!", "--env", "prod");
    assert.strictEqual(app.code, EXIT.badInput);
    assert.match(app.err, /`app` \("Shop!"\)/);
    assert.strictEqual((await phoenix("destroy", ...APP, "--colour", "red")).code, EXIT.badInput);
  });

  it("exits 3 when another workflow holds the lock, and 1 when a workflow fails", async () => {
    await phoenix("bootstrap", ...APP);
    const held = await acquireLock(stateDir, "shop-prod", "swap");
    try {
      const locked = await phoenix("up", ...APP, "--release", "v1", "--image-id", AMI);
      assert.strictEqual(locked.code, EXIT.locked);
      assert.match(locked.err, /`swap` \(pid \d+ on .+\) holds the lock/);
    } finally {
      await held.release();
    }
    await phoenix("up", ...APP, "--release", "v1", "--image-id", AMI);
    await phoenix("swap", ...APP, "--yes");
    const live = await phoenix("destroy", ...APP, "--colour", "green", "--yes");
    assert.strictEqual(live.code, EXIT.failed);
    assert.match(live.err, /green colour has 100 % of the traffic/);
  });

  it("drift prints what drifted and exits 1; history lists the journal", async () => {
    await released();
    engine.simulateDrift("shop-prod-green", "shop-prod-green-asg", { maxSize: 9 });
    const drift = await phoenix("drift", ...APP);
    assert.strictEqual(drift.code, EXIT.failed);
    assert.match(
      drift.out,
      /1 drifted resource\(s\) on green \(v1\):\n {2}shop-prod-green-asg \(aws:autoscaling\/group:Group\): maxSize\n/,
    );
    assert.match(drift.err, /drift found on green: run `phoenix heal`/);
    const history = await phoenix("history", ...APP, "--limit", "2");
    assert.deepStrictEqual(
      history.out
        .trim()
        .split("\n")
        .map((l) => l.split(/\s+/).slice(1, 3)),
      [
        ["swap", "ok"],
        ["drift", "ok"],
      ],
    );
  });

  it("draws progress on one live line on a terminal", async () => {
    await phoenix("bootstrap", ...APP);
    const io = { ...memoryIo(), isTTY: true };
    const tty = Object.assign(io, {
      stdout: (t: string) => void (io.out += t),
      stderr: (t: string) => void (io.err += t),
    });
    assert.strictEqual(await runCli(["up", ...APP, "--release", "v1", "--image-id", AMI], tty), EXIT.ok);
    assert.ok(
      tty.err.includes("\r\x1b[Kup: deploy · create 3 · "),
      "the live line is redrawn in place with op counts",
    );
    assert.ok(!tty.err.includes("\n"), "no plain lines on a terminal");
  });

  it("documents every command with examples", async () => {
    for (const command of [
      "bootstrap",
      "up",
      "swap",
      "rollback",
      "destroy",
      "status",
      "history",
      "drift",
      "heal",
    ]) {
      const help = await phoenix(command, "--help");
      assert.strictEqual(help.code, EXIT.ok);
      assert.match(help.out, new RegExp(`Examples:\\n  phoenix ${command} --app shop --env`));
    }
  });
});
