// The deployment's defaults and its workflow frame (issue 12): the health deadline (10 minutes) and first poll
// (2 s), the undo attempts (3), the real sleep used without a `sleep` option (on Node's mock timers), and how a
// workflow aborted before or during its run ends in the journal.
import assert from "assert";
import { AbortedError, DeployFailedError } from "../../automation/errors";
import { onFakeTime } from "../helpers/fakeTime";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, weights, type Harness } from "./harness";

const BLUE = `${APP}-${ENV}-blue`;
const MINUTE = 60_000;

describe("the deployment's defaults and its workflow frame", () => {
  let h: Harness;
  afterEach(() => h.cleanup());

  it("waits 10 minutes for health by default, the first poll after 2 s, then backing off", async () => {
    h = harness({ deployment: { healthTimeoutMs: undefined, healthPollMs: undefined } });
    await h.deployment.bootstrap();
    h.probe.setHealthy(APP, ENV, "blue", false);
    const start = h.clock.now;
    const error = await h.deployment.up({ release: "v1", imageId: AMI_1 }).catch((e: unknown) => e);
    assert.ok(error instanceof DeployFailedError, String(error));
    // Polls at 0, 2, 6, 14, 29 s, then every 15 s up to 599 s, and a last one at the deadline: 44 in all.
    assert.match(error.reason, / after 44 checks in 600000 ms\)/);
    const readings = h.events.flatMap((e) => (e.kind === "health" ? [e.at - start] : []));
    assert.deepStrictEqual(readings.slice(0, 6), [0, 2000, 6000, 14000, 29000, 44000]);
    assert.strictEqual(readings.at(-1), 10 * MINUTE);
  });

  describe("undo attempts", () => {
    /** An up of v1 whose engine up of blue fails, and whose first `failures` destroys of blue fail too. */
    async function failedUp(failures: number): Promise<{ error: unknown; destroys: number }> {
      h = harness();
      await h.deployment.bootstrap();
      let destroys = 0;
      h.engine.failWhen((call) => {
        if (call.stack !== BLUE) return undefined;
        if (call.method === "up") return "after";
        if (call.method === "destroy") return ++destroys <= failures ? "before" : undefined;
        return undefined;
      });
      const error = await h.deployment.up({ release: "v1", imageId: AMI_1 }).catch((e: unknown) => e);
      h.engine.failWhen(undefined);
      return { error, destroys };
    }

    it("tries an undo three times by default: two failed destroys, then the third cleans up", async () => {
      const { error, destroys } = await failedUp(2);
      assert.strictEqual(destroys, 3);
      assert.ok(error instanceof DeployFailedError && error.cleanedUp, String(error));
      assert.ok(!h.engine.stackNames().includes(BLUE), "the half-made fleet is gone");
      assert.strictEqual((await h.deployment.status()).interrupted, undefined);
    });

    it("gives up after three failed destroys and leaves the up open for the next workflow", async () => {
      const { error, destroys } = await failedUp(3);
      assert.strictEqual(destroys, 3);
      assert.ok(error instanceof DeployFailedError && !error.cleanedUp, String(error));
      assert.match(
        error.message,
        /Cleaning up failed too: the next workflow \(or `phoenix destroy --colour blue`\) removes the blue stack\.$/,
      );
      const status = await h.deployment.status();
      assert.deepStrictEqual([status.interrupted?.workflow, status.interrupted?.lastStep], ["up", "undo"]);
      await h.deployment.bootstrap();
      assert.ok(!h.engine.stackNames().includes(BLUE), "the next workflow destroyed it");
    });
  });

  describe("without a sleep option: real timers (here Node's mock timers)", () => {
    beforeEach(async () => {
      // The clock reads Date.now when called, so it reads the mock timers' time.
      h = harness({ deployment: { sleep: undefined, now: () => Date.now() } });
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
    });

    /** The journaled duration of the swap's pause step. */
    async function pauseMs(): Promise<number | undefined> {
      const lines = await h.journal();
      const end = lines.find((l) => l.type === "step" && l.step === "pause:50" && l.status !== "started");
      return end && "durationMs" in end ? end.durationMs : undefined;
    }

    it("pauses between swap steps for pauseMs", async () => {
      const outcome = await onFakeTime(() => h.deployment.swap({ steps: [50, 100], pauseMs: 5000 }), {
        stepMs: 100,
      });
      assert.ok(outcome.settled && "value" in outcome.settled, JSON.stringify(outcome.settled));
      // Journal writes between the ticks of fake time may add a little; the sleep itself is the 5 s.
      const paused = (await pauseMs())!;
      assert.ok(paused >= 5000 && paused < 15_000, `${paused} ms`);
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });

    /** A swap in two steps with a minute's pause, aborted by `abortAt` when its pause step starts. */
    async function abortedInPause(abortAt: (abort: () => void) => void) {
      const controller = new AbortController();
      const outcome = await onFakeTime(
        () =>
          h.deployment.swap({
            steps: [50, 100],
            pauseMs: MINUTE,
            signal: controller.signal,
            onProgress: (e) => {
              if (e.kind === "step-start" && e.step === "pause:50")
                abortAt(() => controller.abort(new Error("Ctrl-C")));
            },
          }),
        { stepMs: 100 },
      );
      assert.ok(outcome.settled && "error" in outcome.settled, JSON.stringify(outcome.settled));
      assert.ok(outcome.settled.error instanceof AbortedError, String(outcome.settled.error));
      assert.strictEqual(
        outcome.settled.error.message,
        "Aborted during swap step 1 (50 %), traffic back on blue; what this workflow had started was undone. " +
          "Run it again when ready.",
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      return pauseMs();
    }

    it("an abort 1 s into the pause ends it then, not a minute later, and puts the traffic back", async () => {
      const paused = (await abortedInPause((abort) => setTimeout(abort, 1000)))!;
      assert.ok(paused >= 1000 && paused < MINUTE / 2, `${paused} ms`);
    });

    it("a pause whose signal is already aborted does not start", async () => {
      const paused = (await abortedInPause((abort) => abort()))!;
      assert.ok(paused < MINUTE / 2, `${paused} ms`);
    });
  });
});
