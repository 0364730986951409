// Release strategies on the in-memory engine and the scripted probe: rolling (and a rollback after it),
// recreate, blue-green and canary through `release`, their refusals of bad input before any change, and a
// rolling release killed mid-batch, recovered from the journal.
import assert from "assert";
import { AbortedError, InvalidInputError } from "../../automation/errors";
import type { ProgressEvent } from "../../automation/events";
import { ReleaseFailedError } from "../../automation/strategies/errors";
import { planRolling } from "../../automation/strategies/rolling";
import type { ReleaseOptions } from "../../automation/strategies/types";
import { crashable, crashDuring } from "./crash";
import { AMI_1, AMI_2, APP, ENV, harness, releaseOf, weights, type Harness } from "./harness";
import { assertConsistent } from "./invariants";

const desired = (h: Harness, colour: "blue" | "green") =>
  h.engine.inspect(`${APP}-${ENV}-${colour}`)?.outputs.desiredCapacity as number | undefined;

/** blue serves v1 at 100 % with 4 instances. */
async function blueServesFour(h: Harness): Promise<void> {
  await h.deployment.bootstrap();
  await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
  await h.deployment.swap();
}

const rollingV2: ReleaseOptions = { strategy: "rolling", release: "v2", imageId: AMI_2, batch: "25%" };

/** On every route step's end: the weights and both colours' desired capacity (what the traffic guard sees). */
function routeSnapshots(h: Harness): { step: string; weights: unknown; blue?: number; green?: number }[] {
  const seen: { step: string; weights: unknown; blue?: number; green?: number }[] = [];
  h.deployment = h.another({
    onProgress: (event: ProgressEvent) => {
      if (event.kind === "step-end" && /route/.test(event.step) && event.status === "ok")
        seen.push({
          step: event.step,
          weights: weights(h.engine),
          blue: desired(h, "blue"),
          green: desired(h, "green"),
        });
    },
  });
  return seen;
}

describe("release strategies", () => {
  describe("planRolling (pure)", () => {
    it("grows the new colour by the batch while the old one shrinks in proportion, weights by capacity", () => {
      assert.deepStrictEqual(planRolling(4, 4, { percent: 25 }), [
        { newDesired: 1, oldDesired: 3, weight: 25 },
        { newDesired: 2, oldDesired: 2, weight: 50 },
        { newDesired: 3, oldDesired: 1, weight: 75 },
        { newDesired: 4, oldDesired: 0, weight: 100 },
      ]);
    });
    it("rounds a percentage up to whole instances and caps a count at the fleet", () => {
      assert.deepStrictEqual(
        planRolling(2, 3, { percent: 10 }).map((b) => b.newDesired),
        [1, 2, 3],
      );
      assert.deepStrictEqual(planRolling(2, 3, { count: 5 }), [
        { newDesired: 3, oldDesired: 0, weight: 100 },
      ]);
    });
    it("keeps the new colour below 100 % until the last batch, and at 0 % while nothing was live", () => {
      const plan = planRolling(1, 200, { count: 1 });
      assert.ok(plan.slice(0, -1).every((b) => b.weight >= 1 && b.weight <= 99 && b.oldDesired === 1));
      assert.deepStrictEqual(
        planRolling(0, 2, { count: 1 }).map((b) => b.weight),
        [0, 100],
      );
    });
  });

  describe("bad input is refused before any change", () => {
    let h: Harness;
    beforeEach(async () => {
      h = harness();
      await h.deployment.bootstrap();
    });
    afterEach(() => h.cleanup());

    const cases: [string, Partial<ReleaseOptions>, RegExp][] = [
      [
        "an unknown strategy",
        { strategy: "foo" as never },
        /`strategy` \("foo"\) must be one of blue-green, canary, rolling, recreate/,
      ],
      [
        "a batch of 0",
        { strategy: "rolling", batch: 0 },
        /`batch` \(0\) must be a whole number of instances/,
      ],
      [
        "a batch of 150 %",
        { strategy: "rolling", batch: "150%" },
        /`batch` \("150%"\) must be .*at most 100/,
      ],
      ["a batch of 0 %", { strategy: "rolling", batch: "0%" }, /`batch` \("0%"\)/],
      [
        "a batch for canary",
        { strategy: "canary", batch: 2 },
        /`batch` \(2\) is for rolling only, not `canary`/,
      ],
      [
        "recreate without accepting downtime",
        { strategy: "recreate" },
        /`acceptDowntime` \(undefined\) must be given for recreate/,
      ],
      [
        "alarms for recreate",
        { strategy: "recreate", acceptDowntime: true, verify: { alarmNames: ["shop-5xx"] } },
        /`verify` \(\{"alarmNames":\["shop-5xx"\]\}\) is for blue-green, canary and rolling only, not `recreate`/,
      ],
      [
        "steps for rolling",
        { strategy: "rolling", steps: [50, 100] },
        /`steps` \(\[50,100\]\) is for blue-green and canary only/,
      ],
      [
        "canary steps for blue-green",
        { strategy: "blue-green", steps: [10, 100] },
        /`steps` .* must be \[100\] for blue-green/,
      ],
      ["bad canary steps", { strategy: "canary", steps: [50, 10] }, /`steps` \(\[50,10\]\) must be a list/],
    ];
    for (const [what, options, message] of cases) {
      it(`${what}`, async () => {
        const calls = h.engine.callCount;
        const journal = (await h.journal()).length;
        await assert.rejects(
          h.deployment.release({ release: "v1", imageId: AMI_1, ...options } as ReleaseOptions),
          (error: Error) => error instanceof InvalidInputError && message.test(error.message),
        );
        assert.strictEqual(h.engine.callCount, calls, "no engine call");
        assert.strictEqual((await h.journal()).length, journal, "nothing journaled");
      });
    }
  });

  describe("rolling", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));
    afterEach(() => h.cleanup());

    it("moves capacity in health-gated batches, weights following capacity; the old colour ends at zero, kept", async () => {
      await blueServesFour(h);
      const seen = routeSnapshots(h);
      const result = await h.deployment.release(rollingV2);
      assert.strictEqual(result.to, "green");
      assert.strictEqual(result.previous, "scaled-to-zero");
      assert.deepStrictEqual(
        result.batches?.map((b) => [b.newDesired, b.oldDesired, b.weight]),
        [
          [1, 3, 25],
          [2, 2, 50],
          [3, 1, 75],
          [4, 0, 100],
        ],
      );
      // At each route: the old colour still holds the capacity of the batch before (it shrinks after).
      assert.deepStrictEqual(seen, [
        { step: "rolling:route:25", weights: { green: 25, blue: 75 }, blue: 4, green: 1 },
        { step: "rolling:route:50", weights: { green: 50, blue: 50 }, blue: 3, green: 2 },
        { step: "rolling:route:75", weights: { green: 75, blue: 25 }, blue: 2, green: 3 },
        { step: "rolling:route:100", weights: { green: 100, blue: 0 }, blue: 1, green: 4 },
      ]);
      assert.strictEqual(desired(h, "blue"), 0);
      assert.strictEqual(releaseOf(h.engine, "blue"), "v1", "the old fleet stays, at zero capacity");
      const status = await h.deployment.status();
      assert.strictEqual(status.rollback?.available, true);
      assert.strictEqual(status.rollback?.release, "v1");
      await assertConsistent(h, "after a rolling release");
    });

    it("changes capacity in place only: the old fleet's resources keep their names, no replace", async () => {
      await blueServesFour(h);
      const names = () =>
        h.engine
          .inspect(`${APP}-${ENV}-blue`)!
          .resources.map((r) => r.name)
          .sort();
      const before = names();
      await h.deployment.release(rollingV2);
      assert.deepStrictEqual(names(), before);
    });

    it("a rollback after it scales the old colour back up, waits for its health, then moves the traffic", async () => {
      await blueServesFour(h);
      await h.deployment.release(rollingV2);
      const order: string[] = [];
      h.deployment = h.another({
        onProgress: (e) => void (e.kind === "step-start" && order.push(e.step)),
      });
      const result = await h.deployment.rollback();
      assert.strictEqual(result.to, "blue");
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(desired(h, "blue"), 4, "back to the capacity that served");
      assert.strictEqual(desired(h, "green"), 4);
      const at = (step: string) => order.indexOf(step);
      assert.ok(at("rolling:scale-up") >= 0 && at("rolling:scale-up") < at("rolling:wait-healthy"));
      assert.ok(at("rolling:wait-healthy") < at("route"), order.join(", "));
      await assertConsistent(h, "after the rollback");
    });

    it("a rollback whose scaled-up colour never gets healthy scales it back to zero and keeps the traffic", async () => {
      await blueServesFour(h);
      await h.deployment.release(rollingV2);
      h.probe.setHealthy(APP, ENV, "blue", false);
      await assert.rejects(h.deployment.rollback(), /blue/);
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
      assert.strictEqual(desired(h, "blue"), 0);
      await assertConsistent(h, "after the failed rollback");
    });

    it("heal redeploys a drifted old colour at zero capacity as it was (no target to wait for)", async () => {
      await blueServesFour(h);
      await h.deployment.release(rollingV2);
      h.engine.simulateDrift(`${APP}-${ENV}-blue`, `${APP}-${ENV}-blue-asg`, { maxSize: 9 });
      const healed = await h.deployment.heal({ force: true });
      assert.strictEqual(healed.idleReplaced, "blue");
      assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
      assert.strictEqual(desired(h, "blue"), 0);
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
      await assertConsistent(h, "after heal");
    });

    it("a batch that does not get healthy puts capacity, then traffic, back on the old colour", async () => {
      await blueServesFour(h);
      h.deployment = h.another({
        onProgress: (e) => {
          if (e.kind === "step-start" && e.step === "rolling:wait-healthy:3")
            h.probe.setHealthy(APP, ENV, "green", false);
        },
      });
      await assert.rejects(
        h.deployment.release(rollingV2),
        (error: Error) =>
          error instanceof ReleaseFailedError &&
          /batch 3 of 4/.test(error.message) &&
          /Capacity and traffic are back on blue/.test(error.message),
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(desired(h, "blue"), 4);
      assert.strictEqual(releaseOf(h.engine, "green"), undefined, "the new fleet is destroyed");
      await assertConsistent(h, "after the failed rolling release");
    });

    it("Ctrl-C mid-release (an abort) undoes it the same way, the abort in the error's causes", async () => {
      await blueServesFour(h);
      const controller = new AbortController();
      h.deployment = h.another({
        onProgress: (e) => {
          if (e.kind === "step-end" && e.step === "rolling:shrink:2") controller.abort(new Error("Ctrl-C"));
        },
      });
      const error = await h.deployment
        .release({ ...rollingV2, signal: controller.signal })
        .catch((e: Error) => e);
      assert.ok(error instanceof ReleaseFailedError, String(error));
      assert.ok(error.cause instanceof AbortedError, String(error.cause));
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(desired(h, "blue"), 4);
      assert.strictEqual(releaseOf(h.engine, "green"), undefined);
      const record = (await h.deployment.history()).find((r) => r.workflow === "release")!;
      assert.strictEqual(record.status, "aborted");
      await assertConsistent(h, "after the aborted release");
    });

    it("with nothing live, grows in batches and puts the release live at the end", async () => {
      await h.deployment.bootstrap();
      const result = await h.deployment.release({ ...rollingV2, batch: 1, capacity: 3 });
      assert.deepStrictEqual(
        result.batches?.map((b) => b.weight),
        [0, 0, 100],
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(desired(h, "blue"), 3);
    });

    it("a rolling release killed mid-batch: the next workflow puts capacity back, then traffic, and removes the new fleet", async () => {
      const c = crashable();
      try {
        const { h: ch } = c;
        await blueServesFour(ch);
        let shrinks = 0;
        let hung = false;
        // Killed during the second shrink of blue: blue at 2 (or 3), traffic 50/50.
        c.arm(
          (call) => (hung = call.method === "up" && call.stack === `${APP}-${ENV}-blue` && ++shrinks === 2),
        );
        await crashDuring(ch.deployment.release(rollingV2), () => hung);
        c.kill();
        assert.deepStrictEqual(weights(ch.engine), { blue: 50, green: 50 });
        await ch.deployment.bootstrap();
        assert.deepStrictEqual(weights(ch.engine), { blue: 100, green: 0 });
        assert.strictEqual(desired(ch, "blue"), 4);
        assert.strictEqual(releaseOf(ch.engine, "green"), undefined);
        const recovered = (await ch.deployment.history()).find((r) => r.workflow === "release")!;
        assert.strictEqual(recovered.status, "recovered");
        assert.match(recovered.recovery!, /blue's capacity put back to desired 4/);
        await assertConsistent(ch, "after recovery");
      } finally {
        c.h.cleanup();
      }
    });
  });

  describe("recreate", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));
    afterEach(() => h.cleanup());

    it("drains (router 503), destroys the old colour, then creates the new one and puts it live", async () => {
      await blueServesFour(h);
      const seen: { step: string; weights: unknown; blue?: string; green?: string; action?: string }[] = [];
      h.deployment = h.another({
        onProgress: (e) => {
          if (e.kind !== "step-end" || e.status !== "ok") return;
          const listener = h.engine
            .inspect(`${APP}-${ENV}-router`)!
            .resources.find((r) => r.type === "aws:lb/listener:Listener")!;
          const action = (listener.inputs.defaultActions as { type: string }[])[0].type;
          seen.push({
            step: e.step,
            weights: weights(h.engine),
            blue: releaseOf(h.engine, "blue"),
            green: releaseOf(h.engine, "green"),
            action,
          });
        },
      });
      const result = await h.deployment.release({
        strategy: "recreate",
        release: "v2",
        imageId: AMI_2,
        acceptDowntime: true,
      });
      assert.strictEqual(result.previous, "destroyed");
      assert.ok(typeof result.downtimeMs === "number");
      const drained = seen.find((s) => s.step === "recreate:drain")!;
      assert.deepStrictEqual(drained, {
        step: "recreate:drain",
        weights: { blue: 0, green: 0 },
        blue: "v1",
        green: undefined,
        action: "fixed-response",
      });
      const destroyed = seen.find((s) => s.step === "recreate:destroy")!;
      assert.deepStrictEqual([destroyed.blue, destroyed.action], [undefined, "fixed-response"]);
      assert.deepStrictEqual(weights(h.engine)![result.to], 100);
      assert.strictEqual(releaseOf(h.engine, result.to), "v2");
      assert.strictEqual(releaseOf(h.engine, result.to === "blue" ? "green" : "blue"), undefined);
      const status = await h.deployment.status();
      assert.strictEqual(status.rollback?.available, false, "the old release is gone: no rollback");
      await assertConsistent(h, "after recreate");
    });

    it("killed while destroying the old colour: the next workflow completes the destroy, never routes to it", async () => {
      const c = crashable();
      try {
        const { h: ch } = c;
        await blueServesFour(ch);
        let hung = false;
        c.arm((call) => (hung = call.method === "destroy" && call.stack === `${APP}-${ENV}-blue`));
        await crashDuring(
          ch.deployment.release({
            strategy: "recreate",
            release: "v2",
            imageId: AMI_2,
            acceptDowntime: true,
          }),
          () => hung,
        );
        c.kill();
        assert.deepStrictEqual(weights(ch.engine), { blue: 0, green: 0 });
        await ch.deployment.bootstrap();
        assert.deepStrictEqual(
          weights(ch.engine),
          { blue: 0, green: 0 },
          "no traffic back to a destroyed colour",
        );
        assert.deepStrictEqual(
          [releaseOf(ch.engine, "blue"), releaseOf(ch.engine, "green")],
          [undefined, undefined],
        );
        const recovered = (await ch.deployment.history()).find((r) => r.workflow === "release")!;
        assert.match(recovered.recovery!, /completed the destroy of blue/);
        await assertConsistent(ch, "after recovery");
      } finally {
        c.h.cleanup();
      }
    });

    it("a new release that never gets healthy leaves no colour serving (503) and says so", async () => {
      await blueServesFour(h);
      h.deployment = h.another({
        onProgress: (e) => {
          if (e.kind === "step-start" && e.step === "up:wait-healthy")
            for (const colour of ["blue", "green"] as const)
              if (releaseOf(h.engine, colour)) h.probe.setHealthy(APP, ENV, colour, false);
        },
      });
      await assert.rejects(
        h.deployment.release({ strategy: "recreate", release: "v2", imageId: AMI_2, acceptDowntime: true }),
        (error: Error) =>
          error instanceof ReleaseFailedError &&
          /Release v1 on blue was destroyed: no colour serves \(503\)/.test(error.message),
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
      assert.deepStrictEqual(
        [releaseOf(h.engine, "blue"), releaseOf(h.engine, "green")],
        [undefined, undefined],
      );
      await assertConsistent(h, "after the failed recreate");
    });
  });

  describe("blue-green and canary through release", () => {
    let h: Harness;
    beforeEach(() => (h = harness()));
    afterEach(() => h.cleanup());

    it("canary: up then the default steps 10, 50, 100", async () => {
      await blueServesFour(h);
      const result = await h.deployment.release({ strategy: "canary", release: "v2", imageId: AMI_2 });
      assert.deepStrictEqual(
        result.steps?.map((s) => s.weight),
        [10, 50, 100],
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
      assert.strictEqual(result.previous, "kept");
      assert.strictEqual((await h.deployment.status()).rollback?.release, "v1");
    });

    it("a failed swap puts the traffic back and destroys the new fleet: a failed release leaves what it found", async () => {
      await blueServesFour(h);
      h.probe.setAlarm("shop-5xx", true);
      await assert.rejects(
        h.deployment.release({
          strategy: "blue-green",
          release: "v2",
          imageId: AMI_2,
          verify: { alarmNames: ["shop-5xx"] },
        }),
        (error: Error) => error instanceof ReleaseFailedError && /swap step 1 \(100 %\)/.test(error.message),
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(releaseOf(h.engine, "green"), undefined);
      await assertConsistent(h, "after the failed release");
    });
  });
});
