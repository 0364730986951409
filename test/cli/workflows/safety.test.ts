// The workflow commands' refusals and exit codes: bad input (2), a held lock (3), a missing Pulumi CLI
// (4), confirmation and Ctrl-C (130), and what reaches stderr.
import { strict as assert } from "assert";
import { writeFileSync } from "fs";
import { join } from "path";
import { acquireLock } from "../../../automation/lock";
import { BlueGreenDeployment } from "../../../automation/blueGreen";
import { MemoryCloudProbe } from "../../../automation/memoryProbe";
import { MemoryEngine } from "../../../automation/memoryEngine";
import { PulumiCliNotFoundError } from "../../../automation/localWorkspace/errors";
import type { Engine } from "../../../automation/seams";
import { EXIT } from "../../../cli/exitCodes";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness } from "./harness";
import { onFakeTime } from "../../helpers/fakeTime";

const ESC = "\x1b";
const CLEAR_LINE = `\r${ESC}[2K`;

describe("phoenix workflow commands: refusals and exit codes", () => {
  let h: CliHarness;
  afterEach(() => h.cleanup());

  /** blue serves v1; green holds v2 without traffic (not a rollback target: it never had traffic). */
  async function released(): Promise<void> {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
      ["swap", ...TARGET, "--yes"],
      ["up", ...TARGET, "--release", "v2", "--image-id", AMI_2],
    ]) {
      const run = await h.phoenix(argv);
      assert.equal(run.code, EXIT.ok, `${argv.join(" ")}: ${run.err}`);
    }
  }

  describe("bad input: exit 2 before any engine call", () => {
    beforeEach(() => (h = cliHarness()));

    const cases: [string, string[], RegExp][] = [
      ["a missing --app", ["status", "--env", "prod"], /`--app` is required: the application name/],
      [
        "an upper-case --env",
        ["status", "--app", "shop", "--env", "Prod"],
        /`--env` \("Prod"\) must be 2–32 lower-case letters/,
      ],
      [
        "a bad --backend",
        ["status", ...TARGET, "--backend", "/srv/state"],
        /`--backend` \("\/srv\/state"\) must be a Pulumi backend URL/,
      ],
      [
        "a bad --region",
        ["status", ...TARGET, "--region", "europe"],
        /`--region` \("europe"\) must be an AWS region/,
      ],
      [
        "steps not ending at 100",
        ["swap", ...TARGET, "--steps", "10,50", "--yes"],
        /`--steps` \("10,50"\) must be comma-separated integer percentages .* ending at 100/,
      ],
      ["decreasing steps", ["swap", ...TARGET, "--steps", "50,10,100", "--yes"], /`--steps` \("50,10,100"\)/],
      [
        "a duration without a unit",
        ["swap", ...TARGET, "--pause", "30", "--yes"],
        /`--pause` \("30"\) must be a duration such as 500ms, 30s, 5m, 1h or 1h30m/,
      ],
      [
        "a duration over 7 days",
        ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--health-timeout", "8d"],
        /`--health-timeout` \("8d"\) must be a duration/,
      ],
      [
        "a bad release",
        ["up", ...TARGET, "--release", "V 1", "--image-id", AMI_1],
        /`--release` \("V 1"\) must be 1–40 lower-case letters/,
      ],
      [
        "a bad AMI id",
        ["up", ...TARGET, "--release", "v1", "--image-id", "ami-123"],
        /`--image-id` \("ami-123"\) must be an AMI id/,
      ],
      [
        "--image-id with --image-from-env (without either, up takes the newest baked AMI)",
        ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--image-from-env", "staging"],
        /`--image-from-env` \("staging"\) cannot be given with --image-id/,
      ],
      [
        "--desired above --max",
        ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--max", "2", "--desired", "5"],
        /`--desired` \(5\) must be between `--min` \(1\) and `--max` \(2\)/,
      ],
      [
        "a fractional --min",
        ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--min", "1.5"],
        /`--min` \("1.5"\) must be a whole number from 0 to 1000/,
      ],
      [
        "an unreadable --user-data",
        ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--user-data", "/nonexistent/boot.yaml"],
        /`--user-data` \("\/nonexistent\/boot.yaml"\) must be a readable file \(ENOENT\)/,
      ],
      [
        "a missing --colour",
        ["destroy", ...TARGET, "--yes"],
        /`--colour` is required: which colour to destroy, blue or green/,
      ],
      [
        "an unknown --colour",
        ["destroy", ...TARGET, "--colour", "red", "--yes"],
        /`--colour` \("red"\) must be one of blue, green/,
      ],
      [
        "a zero --limit",
        ["history", ...TARGET, "--limit", "0"],
        /`--limit` \("0"\) must be a whole number from 1 to 1000000/,
      ],
      [
        "a bad --vpc-cidr",
        ["bootstrap", ...TARGET, "--vpc-cidr", "10.0.0.0/33"],
        /`--vpc-cidr` \("10.0.0.0\/33"\) must be an IPv4 CIDR block/,
      ],
    ];
    for (const [what, argv, message] of cases) {
      it(`refuses ${what}`, async () => {
        const run = await h.phoenix(argv);
        assert.equal(run.code, EXIT.badInput, run.err);
        assert.match(run.err, /^phoenix: invalid input, nothing was changed:\n/);
        assert.match(run.err, message);
        assert.equal(h.created.length, 0, "no deployment was even built");
        assert.equal(h.engine.callCount, 0);
      });
    }

    it("reports every problem at once, and as a JSON document with --json", async () => {
      const run = await h.phoenix(["swap", "--app", "Shop", "--steps", "10,5", "--pause", "3x", "--json"]);
      assert.equal(run.code, EXIT.badInput);
      const document = JSON.parse(run.out) as {
        ok: boolean;
        exitCode: number;
        error: { type: string; message: string };
      };
      assert.deepEqual(
        [document.ok, document.exitCode, document.error.type],
        [false, EXIT.badInput, "CliError"],
      );
      assert.deepEqual(
        document.error.message
          .split("\n")
          .slice(1)
          .map((l) => l.match(/`(--[a-z-]+)`/)?.[1]),
        ["--env", "--app", "--steps", "--pause"],
      );
    });

    it("takes --app and --env from PHOENIX_APP and PHOENIX_ENV", async () => {
      process.env.PHOENIX_APP = "shop";
      process.env.PHOENIX_ENV = "prod";
      try {
        const run = await h.phoenix(["bootstrap"]);
        assert.equal(run.code, EXIT.ok, run.err);
        assert.deepEqual([h.created[0].app, h.created[0].env], ["shop", "prod"]);
      } finally {
        delete process.env.PHOENIX_APP;
        delete process.env.PHOENIX_ENV;
      }
    });

    it("passes --backend, --region, --keep-warm and --health-timeout to the deployment", async () => {
      const run = await h.phoenix([
        "heal",
        ...TARGET,
        "--backend",
        "s3://state/phoenix",
        "--region",
        "eu-west-3",
        "--keep-warm",
        "1h30m",
        "--health-timeout",
        "90s",
        "--yes",
      ]);
      assert.equal(run.code, EXIT.failed, "not bootstrapped");
      assert.deepEqual(h.created, [
        {
          app: "shop",
          env: "prod",
          projectDir: h.projectDir,
          backendUrl: "s3://state/phoenix",
          region: "eu-west-3",
          keepWarmMs: 5_400_000,
          healthTimeoutMs: 90_000,
          // No --records: the file store, on this machine.
          records: { kind: "file" },
        },
      ]);
    });

    it("maps the library's own validation errors to exit 2 as well", async () => {
      // The CLI reads --user-data as it is; the library refuses more than 16 KiB of it.
      const file = join(h.stateDir, "boot.yaml");
      writeFileSync(file, "#cloud-config\n" + "x".repeat(17 * 1024));
      await h.phoenix(["bootstrap", ...TARGET]);
      const run = await h.phoenix([
        "up",
        ...TARGET,
        "--release",
        "v1",
        "--image-id",
        AMI_1,
        "--user-data",
        file,
      ]);
      assert.equal(run.code, EXIT.badInput, run.err);
      assert.match(
        run.err,
        /^phoenix: Invalid input:\n {2}- `userData` \("17422 characters"\) must be a string of at most 16 KiB/,
      );
      assert.equal(h.ups("shop-prod-blue"), 0);
    });
  });

  describe("confirmation of destructive runs", () => {
    beforeEach(() => (h = cliHarness()));

    it("refuses without --yes when there is no terminal, saying to pass --yes, and changes nothing", async () => {
      await released();
      const calls = h.ups("shop-prod-router");
      for (const argv of [
        ["swap", ...TARGET],
        // (rollback has no target here, v2 never served: it is refused unasked: rollback.test.ts)
        ["destroy", ...TARGET, "--colour", "green"],
        ["heal", ...TARGET],
        ["up", ...TARGET, "--release", "v3", "--image-id", AMI_2],
      ]) {
        const run = await h.phoenix(argv);
        assert.equal(run.code, EXIT.aborted, argv[0]);
        assert.match(
          run.err,
          /^phoenix: Not confirmed: .*There is no terminal to ask on: pass --yes to confirm\. Nothing was changed\.\n$/,
          argv[0],
        );
      }
      assert.equal(h.ups("shop-prod-router"), calls);
      assert.deepEqual(
        [h.weights(), h.releaseOf("green"), h.releaseOf("blue")],
        [{ green: 0, blue: 100 }, "v2", "v1"],
      );
    });

    it("asks on a terminal what will change; no declines with 130, yes goes on", async () => {
      await released();
      const declined = await h.phoenix(["swap", ...TARGET, "--steps", "10,50,100"], {
        isTTY: true,
        answers: [false],
      });
      assert.equal(declined.code, EXIT.aborted);
      assert.deepEqual(declined.questions, [
        "This moves the traffic of shop/prod from blue (release v1) to green (release v2) in steps of 10, 50, 100 %. Continue?",
      ]);
      assert.match(declined.err, /Not confirmed: nothing was changed\./);
      assert.deepEqual(h.weights(), { green: 0, blue: 100 });
      const accepted = await h.phoenix(["swap", ...TARGET], { isTTY: true, answers: [true] });
      assert.equal(accepted.code, EXIT.ok, accepted.err);
      assert.deepEqual(h.weights(), { green: 100, blue: 0 });
    });

    it("asks before up only when it would destroy an older release on the idle colour", async () => {
      await released();
      const again = await h.phoenix(["up", ...TARGET, "--release", "v2", "--image-id", AMI_2]);
      assert.equal(again.code, EXIT.ok, "the same release on the idle colour destroys nothing");
      const replace = await h.phoenix(["up", ...TARGET, "--release", "v3", "--image-id", AMI_2], {
        isTTY: true,
        answers: [true],
      });
      assert.equal(replace.code, EXIT.ok, replace.err);
      assert.deepEqual(replace.questions, [
        "Deploying v3 to shop/prod first destroys release v2 on the idle green colour. Continue?",
      ]);
      assert.match(replace.out, /^Replaced the idle release v2\.$/m);
    });

    it("does not ask when nothing would be destroyed or moved", async () => {
      await released();
      const run = await h.phoenix(["destroy", ...TARGET, "--colour", "green", "--yes"]);
      assert.equal(run.code, EXIT.ok);
      const nothing = await h.phoenix(["destroy", ...TARGET, "--colour", "green"]);
      assert.deepEqual(
        [nothing.code, nothing.out],
        [EXIT.ok, "The green colour of shop/prod has no stack: nothing to destroy.\n"],
      );
    });
  });

  describe("lock, prerequisites, failures", () => {
    it("exits 3 when another workflow holds the app/env lock, naming the holder", async () => {
      h = cliHarness();
      await released();
      const lock = await acquireLock(h.stateDir, "shop-prod", "swap");
      try {
        const run = await h.phoenix(["swap", ...TARGET, "--yes"]);
        assert.equal(run.code, EXIT.locked, run.err);
        assert.match(run.err, /^phoenix: `swap` \(pid \d+ of \S+ on .+, since .+\) holds the lock /);
        assert.deepEqual(h.weights(), { green: 0, blue: 100 });
      } finally {
        await lock.release();
      }
    });

    it("exits 4 when the Pulumi CLI is missing: from the factory or from the first engine call", async () => {
      h = cliHarness({
        context: {
          createDeployment: async () => {
            throw new PulumiCliNotFoundError("pulumi");
          },
        },
      });
      const fromFactory = await h.phoenix(["status", ...TARGET]);
      assert.equal(fromFactory.code, EXIT.missingPrerequisite);
      assert.match(
        fromFactory.err,
        /The Pulumi CLI \(`pulumi`\) was not found on PATH\..*https:\/\/www\.pulumi\.com\/docs\/install\//,
      );
      h.cleanup();

      const noCli = (): never => {
        throw new PulumiCliNotFoundError("pulumi");
      };
      const engine: Engine = {
        listStacks: async () => noCli(),
        createOrSelectStack: async () => noCli(),
        removeStack: async () => noCli(),
      };
      h = cliHarness({
        context: {
          createDeployment: async (s) =>
            new BlueGreenDeployment({
              app: s.app,
              env: s.env,
              engine,
              probe: new MemoryCloudProbe(new MemoryEngine()),
              stateDir: h.stateDir,
            }),
        },
      });
      const fromEngine = await h.phoenix(["bootstrap", ...TARGET, "--json"]);
      assert.equal(fromEngine.code, EXIT.missingPrerequisite);
      assert.equal(
        (JSON.parse(fromEngine.out) as { error: { type: string } }).error.type,
        "PulumiCliNotFoundError",
      );
    });

    it("exits 1 when a workflow fails and is undone, with the library's message", async () => {
      h = cliHarness();
      await released();
      h.probe.setAlarm("shop-5xx", true);
      const run = await h.phoenix(["swap", ...TARGET, "--steps", "10,100", "--alarm", "shop-5xx", "--yes"]);
      assert.equal(run.code, EXIT.failed);
      assert.match(
        run.err,
        /^phoenix: Swap failed at step 1 \(10 %\): CloudWatch alarms in ALARM: shop-5xx\. Traffic is back at 100 % on blue\./m,
      );
      assert.deepEqual(h.weights(), { green: 0, blue: 100 });
    });

    it("exits 1 for a refusal by a safety rule: up before bootstrap", async () => {
      h = cliHarness();
      const run = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1]);
      assert.equal(run.code, EXIT.failed);
      assert.match(
        run.err,
        /shop\/prod is not bootstrapped .*run `phoenix bootstrap --app shop --env prod` first/,
      );
    });
  });

  describe("Ctrl-C", () => {
    it("aborts the running swap through its signal: traffic back on the old colour, exit 130", async () => {
      let routerUps = 0;
      h = cliHarness({
        engine: {
          // Press Ctrl-C while the router's second step is being applied.
          latencyMs: (call) =>
            call.method === "up" && call.stack === "shop-prod-router" && ++routerUps === 4 && h.interrupt()
              ? 1
              : 0,
          sleep: async (_ms, signal) => signal?.throwIfAborted(),
        },
      });
      await released(); // bootstrap and the first swap update the router: 2 ups
      const run = await h.phoenix(["swap", ...TARGET, "--steps", "10,50,100", "--yes"]);
      assert.equal(run.code, EXIT.aborted, run.err);
      assert.match(
        run.err,
        /Interrupted: stopping at the next safe point and undoing what this workflow started/,
      );
      assert.match(run.err, /^\[ +\d+\.\ds\] FAILED swap: route:50 in \d+\.\ds: interrupted \(Ctrl-C\)$/m);
      assert.match(run.err, /^\[ +\d+\.\ds\] ok swap: restore-traffic in \d+\.\ds · update 1$/m);
      assert.match(run.err, /^phoenix: .*\b(step 2|50 %).*blue/im);
      assert.deepEqual(h.weights(), { green: 0, blue: 100 });
      assert.equal(h.interrupt(), false, "the command stopped listening for Ctrl-C when it ended");
    });

    it("aborts a running up: what it created is destroyed, traffic untouched, exit 130", async () => {
      h = cliHarness({
        engine: {
          // Press Ctrl-C while the new fleet's stack is being deployed.
          latencyMs: (call) =>
            call.method === "up" && call.stack === "shop-prod-blue" && h.interrupt() ? 1 : 0,
          sleep: async (_ms, signal) => signal?.throwIfAborted(),
        },
      });
      assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
      const run = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--json"]);
      assert.equal(run.code, EXIT.aborted, run.err);
      const document = JSON.parse(run.out) as { ok: boolean; exitCode: number };
      assert.deepEqual([document.ok, document.exitCode], [false, EXIT.aborted]);
      assert.match(run.err, /^\[ +\d+\.\ds\] ok up: undo in \d+\.\ds/m);
      assert.equal(h.engine.inspect("shop-prod-blue"), undefined, "the half-deployed stack is gone");
      assert.deepEqual(h.weights(), { blue: 0, green: 0 });
    });

    it("says on a second Ctrl-C that it quits without finishing the undo, and what may remain", async () => {
      h = cliHarness({
        engine: {
          // Press Ctrl-C twice while the new fleet's stack is being deployed (this context does not quit).
          latencyMs: (call) =>
            call.method === "up" && call.stack === "shop-prod-blue" && h.interrupt() && h.interrupt() ? 1 : 0,
          sleep: async (_ms, signal) => signal?.throwIfAborted(),
        },
      });
      assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
      const run = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1]);
      assert.equal(run.code, EXIT.aborted, run.err);
      assert.equal(run.err.match(/Interrupted: stopping at the next safe point/g)?.length, 1, run.err);
      assert.match(
        run.err,
        /Interrupted again: quitting now, without finishing the undo\. .*`phoenix status` shows it.*pending operations/,
      );
    });
  });

  describe("progress on stderr, results on stdout", () => {
    beforeEach(() => (h = cliHarness()));

    it("writes plain lines with the elapsed time, the step and resource counts when stderr is not a terminal", async () => {
      await h.phoenix(["bootstrap", ...TARGET]);
      const up = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1]);
      const lines = up.err.trimEnd().split("\n");
      for (const line of lines) assert.match(line, /^\[ +\d+\.\ds\] /);
      assert.match(up.err, /^\[ +\d+\.\ds\] up: configure \(release v1\) …$/m);
      assert.match(up.err, /^\[ +\d+\.\ds\] ok up: deploy in \d+\.\ds · create 7$/m);
      assert.match(up.err, /^\[ +\d+\.\ds\] health of blue: 2\/2 healthy \(healthy 2\), check 1$/m);
      assert.match(lines[lines.length - 1], /\] up done in \d+\.\ds$/);
      assert.ok(!up.err.includes(ESC), "no terminal control codes");
      assert.doesNotMatch(up.out, /create 7 ·|\[ +\d/, "no progress on stdout");
    });

    it("redraws one live line on a terminal and keeps a line per finished step", async () => {
      await released();
      const swap = await h.phoenix(["swap", ...TARGET, "--steps", "50,100", "--yes"], { isTTY: true });
      assert.equal(swap.code, EXIT.ok);
      // Every redraw starts by clearing the line: the text between two clears is what the terminal shows.
      const frames = swap.err.split(CLEAR_LINE);
      assert.ok(
        frames.some((f) => /^swap: route:50 \(blue 50 % \/ green 50 %\) · update 1 · \d+\.\ds$/.test(f)),
      );
      assert.ok(frames.some((f) => /^✓ swap: route:50 in \d+\.\ds · update 1\n$/.test(f)));
      assert.ok(swap.err.endsWith(CLEAR_LINE), "the live line is cleared before the result is printed");
    });

    it("keeps the live line's clock ticking while a step runs", async function () {
      h.cleanup();
      // A deploy that takes 700 ms of fake time (the engine's latency, the live line's timer and its clock all
      // run on Node's mock timers): the live line must be redrawn meanwhile.
      h = cliHarness({
        engine: { latencyMs: (call) => (call.method === "up" && call.stack === "shop-prod-blue" ? 700 : 0) },
      });
      await h.phoenix(["bootstrap", ...TARGET]);
      const { settled } = await onFakeTime(
        () => h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1], { isTTY: true }),
        { stepMs: 50 },
      );
      assert.ok(
        settled && "value" in settled,
        `up settled: ${String(settled && "error" in settled && settled.error)}`,
      );
      const up = settled.value;
      assert.equal(up.code, EXIT.ok, up.err);
      const clocks = up.err
        .split(CLEAR_LINE)
        .map((frame) => /^up: deploy · (\d+\.\d)s$/.exec(frame)?.[1])
        .filter((clock) => clock !== undefined);
      assert.ok(
        new Set(clocks).size >= 2,
        `the deploy step was redrawn with a moving clock: ${clocks.join(", ")}`,
      );
    });

    it("prints no progress for status and history, which only read", async () => {
      await released();
      const status = await h.phoenix(["status", ...TARGET]);
      assert.equal(status.err, "");
    });
  });
});
