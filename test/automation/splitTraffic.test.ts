// The way out of split traffic (docs/workflows.md, "Split traffic is never built on"): `up`, `swap`, `heal` and
// `release` refuse to build on it and name the way out; `rollback` puts 100 % back on the fleet the records last
// saw take all the traffic, while that very fleet still runs, and refuses otherwise, saying how to set the
// weights by hand. The traffic is split by hand through the engine, as a console edit would leave it.
import assert from "assert";
import { NothingToRollBackError, WorkflowError } from "../../automation/errors";
import type { JournalEntry } from "../../automation/journal";
import { lastWhole, rollbackTarget, splitTrafficAdvice } from "../../automation/rollbackTarget";
import type { DeploymentState } from "../../automation/deploymentState";
import type { FleetOutputs } from "../../programs/contract";
import {
  AMI_1,
  AMI_2,
  deployedOnce,
  harness,
  releaseOf,
  splitByHand,
  weights,
  type Harness,
} from "./harness";

const changingCalls = (h: Harness) =>
  h.engine.calls.filter((c) => c.method === "up" || c.method === "destroy").length;

/** A WorkflowError (or subclass) whose message is exactly `message`. */
const refusedWith = (type: typeof WorkflowError, message: string | RegExp) => (error: unknown) => {
  assert.ok(error instanceof type, String(error));
  if (typeof message === "string") assert.strictEqual(error.message, message);
  else assert.match(error.message, message);
  return true;
};

describe("split traffic", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  describe("rollback out of it", () => {
    it("puts 100 % back on the fleet that last took all of it, and records no rollback target of its own", async () => {
      await deployedOnce(h); // v1 live on blue
      const blue = (await h.deployment.status()).colours.blue.deploymentId!;
      await h.deployment.up({ release: "v2", imageId: AMI_2 }); // v2 on green, never live
      await splitByHand(h, 90, 10);
      const result = await h.deployment.rollback();
      assert.deepStrictEqual(result, {
        from: "green",
        fromRelease: "v2",
        to: "blue",
        release: "v1",
        deploymentId: blue,
      });
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
      assert.strictEqual(releaseOf(h.engine, "green"), "v2", "the colour that had 10 % keeps its fleet");
      // v2 took a tenth of the traffic, never all of it: it is no rollback target.
      const status = await h.deployment.status();
      assert.strictEqual(status.rollback?.available, false);
      assert.strictEqual(status.rollback?.reason, "never-served");
      // And the way is clear again: swap puts v2 live, health-gated.
      await h.deployment.swap();
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });

    it("after a swap, goes back to the colour the swap gave the traffic to, not the one it took it from", async () => {
      await deployedOnce(h);
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await h.deployment.swap(); // v2 live on green, v1 retired on blue
      await splitByHand(h, 30, 70);
      const result = await h.deployment.rollback();
      assert.strictEqual(result.to, "green");
      assert.strictEqual(result.release, "v2");
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });

    it("after a release that deployed in the same workflow, goes back to the fleet that release deployed", async () => {
      await deployedOnce(h);
      await h.deployment.release({ strategy: "blue-green", release: "v2", imageId: AMI_2 });
      const green = (await h.deployment.status()).colours.green.deploymentId!;
      await splitByHand(h, 50, 50);
      const result = await h.deployment.rollback();
      assert.deepStrictEqual([result.to, result.release, result.deploymentId], ["green", "v2", green]);
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    });

    it("refuses, changing nothing, when no fleet the records saw take all the traffic still runs", async () => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 }); // blue
      await h.deployment.up({ release: "v2", imageId: AMI_2 }); // green; neither ever live
      await splitByHand(h, 50, 50);
      const before = changingCalls(h);
      await assert.rejects(
        h.deployment.rollback(),
        refusedWith(
          NothingToRollBackError,
          "Refusing to roll back: the traffic is split (blue 50 % / green 50 %) and no fleet the records saw take " +
            "all of it still runs: the records name no colour that took all of it. Set the router's weights by " +
            "hand (its stack's `phoenix:blueWeight` and `phoenix:greenWeight` config, 100 and 0, then `pulumi up` of that stack). " +
            "Nothing was changed.",
        ),
      );
      assert.strictEqual(changingCalls(h), before);
      assert.deepStrictEqual(weights(h.engine), { blue: 50, green: 50 });
      const status = await h.deployment.status();
      assert.strictEqual(status.rollback?.reason, "split");
    });
  });

  describe("the workflows that refuse to build on it name the way out", () => {
    const toBlue =
      "run `phoenix rollback` to put 100 % back on blue (release v1, deployment DEPLOYMENT, the fleet that last " +
      "took all the traffic), then retry. Nothing was changed.";

    async function splitAfterV2(): Promise<string> {
      await deployedOnce(h);
      const blue = (await h.deployment.status()).colours.blue.deploymentId!;
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await splitByHand(h, 90, 10);
      return toBlue.replace("DEPLOYMENT", blue);
    }

    it("up", async () => {
      const way = await splitAfterV2();
      await assert.rejects(
        h.deployment.up({ release: "v3", imageId: AMI_1 }),
        refusedWith(
          WorkflowError,
          `The traffic is split (blue 90 % / green 10 %), so no colour is idle: ${way}`,
        ),
      );
    });

    it("swap, and the rolling and recreate releases", async () => {
      const way = await splitAfterV2();
      const message = `The traffic is split (blue 90 % / green 10 %): ${way}`;
      const before = changingCalls(h);
      await assert.rejects(h.deployment.swap(), refusedWith(WorkflowError, message));
      await assert.rejects(
        h.deployment.release({ strategy: "rolling", release: "v3", imageId: AMI_1 }),
        refusedWith(WorkflowError, message),
      );
      await assert.rejects(
        h.deployment.release({
          strategy: "recreate",
          release: "v3",
          imageId: AMI_1,
          acceptDowntime: true,
        }),
        refusedWith(WorkflowError, message),
      );
      assert.strictEqual(changingCalls(h), before);
      assert.deepStrictEqual(weights(h.engine), { blue: 90, green: 10 });
    });

    it("with no fleet to go back to, says to set the weights by hand", async () => {
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      await splitByHand(h, 50, 50);
      await assert.rejects(
        h.deployment.swap(),
        refusedWith(
          WorkflowError,
          "The traffic is split (blue 50 % / green 50 %): the traffic is split (blue 50 % / green 50 %) and no " +
            "fleet the records saw take all of it still runs: the records name no colour that took all of it, so " +
            "`phoenix rollback` cannot choose a colour: set the router's weights by hand (its stack's " +
            "`phoenix:blueWeight` and `phoenix:greenWeight` config, 100 and 0, then `pulumi up` of that stack), then retry. " +
            "Nothing was changed.",
        ),
      );
    });
  });

  describe("lastWhole and the advice, from the records alone", () => {
    const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;
    const readState = (
      id: string,
      minute: number,
      weights: { blue: number; green: number },
      deployments: Record<string, string>,
    ): JournalEntry => ({
      type: "step",
      id,
      workflow: "swap",
      step: "read-state",
      status: "ok",
      at: at(minute),
      state: {
        weights,
        releases: Object.fromEntries(Object.keys(deployments).map((c) => [c, `r-${deployments[c]}`])),
        deployments,
      },
    });
    const endRetiring = (id: string, minute: number, colour: "blue" | "green"): JournalEntry => ({
      type: "end",
      id,
      workflow: "swap",
      at: at(minute),
      status: "ok",
      durationMs: 1,
      retired: { colour, release: "r-x", deploymentId: "x" },
    });

    it("is the colour at 100 % in the latest snapshot, with that workflow's fleet", () => {
      assert.deepStrictEqual(
        lastWhole([
          readState("w1", 1, { blue: 100, green: 0 }, { blue: "d1" }),
          readState("w2", 2, { blue: 0, green: 100 }, { blue: "d1", green: "d2" }),
          readState("w3", 3, { blue: 40, green: 60 }, { blue: "d1", green: "d2" }),
        ]),
        { colour: "green", release: "r-d2", deploymentId: "d2", at: at(2) },
      );
    });

    it("is the colour a later completed move gave the traffic to; a failed move changes nothing", () => {
      const entries = [readState("w1", 1, { blue: 100, green: 0 }, { blue: "d1", green: "d2" })];
      assert.deepStrictEqual(lastWhole([...entries, endRetiring("w1", 2, "blue")]), {
        colour: "green",
        release: "r-d2",
        deploymentId: "d2",
        at: at(2),
      });
      const failed: JournalEntry = { ...endRetiring("w1", 2, "blue"), status: "failed" } as JournalEntry;
      assert.strictEqual(lastWhole([...entries, failed])?.colour, "blue");
    });

    it("takes a fleet the workflow deployed before its move, and none when the records show no 100 %", () => {
      const deployed: JournalEntry = {
        type: "step",
        id: "w1",
        workflow: "release",
        step: "up:deploy",
        status: "ok",
        at: at(2),
        deployed: { colour: "green", release: "r-d3", deploymentId: "d3" },
      };
      assert.deepStrictEqual(
        lastWhole([
          readState("w1", 1, { blue: 100, green: 0 }, { blue: "d1", green: "d2" }),
          deployed,
          endRetiring("w1", 3, "blue"),
        ]),
        { colour: "green", release: "r-d3", deploymentId: "d3", at: at(3) },
      );
      assert.strictEqual(lastWhole([readState("w1", 1, { blue: 0, green: 0 }, { blue: "d1" })]), undefined);
      assert.strictEqual(lastWhole([]), undefined);
    });

    const fleet = (release: string, deploymentId: string) =>
      ({ release, deploymentId, desiredCapacity: 2 }) as unknown as FleetOutputs;
    const splitState = (fleets: DeploymentState["fleets"]): DeploymentState =>
      ({
        existing: new Set(),
        router: undefined,
        weights: { blue: 70, green: 30 },
        fleets,
      }) as DeploymentState;

    it("names the fleet now on the colour that last took all of it when it is another one", () => {
      const entries = [readState("w1", 1, { blue: 100, green: 0 }, { blue: "d1" })];
      const state = splitState({ blue: fleet("r-d9", "d9"), green: fleet("r-d2", "d2") });
      assert.strictEqual(
        splitTrafficAdvice(state, entries),
        "the traffic is split (blue 70 % / green 30 %) and no fleet the records saw take all of it still runs: " +
          "blue took it last (release r-d1, deployment d1) and now holds another fleet (release r-d9, deployment " +
          "d9), so `phoenix rollback` cannot choose a colour: set the router's weights by hand (its stack's " +
          "`phoenix:blueWeight` and `phoenix:greenWeight` config, 100 and 0, then `pulumi up` of that stack), then retry",
      );
      const empty = rollbackTarget(splitState({ green: fleet("r-d2", "d2") }), entries);
      assert.ok(!empty.available);
      assert.match(
        empty.explanation,
        /: blue took it last \(release r-d1, deployment d1\) and holds no fleet now$/,
      );
    });

    it("refuses a fleet the records name without a deployment id", () => {
      const entries: JournalEntry[] = [
        {
          ...readState("w1", 1, { blue: 100, green: 0 }, {}),
          state: { weights: { blue: 100, green: 0 }, releases: { blue: "r-old" } },
        } as JournalEntry,
      ];
      assert.deepStrictEqual(lastWhole(entries), { colour: "blue", release: "r-old", at: at(1) });
      const unidentified = { ...fleet("r-old", "d1"), deploymentId: undefined } as unknown as FleetOutputs;
      assert.strictEqual(rollbackTarget(splitState({ blue: unidentified }), entries).available, false);
    });
  });
});
