// The pure traffic decisions, pinned with literal records and states: which colour `up` picks, when each
// colour's fleet was deployed, which colour the first swap puts live, what a traffic move retires, what an
// update changed, and the colour that takes the traffic. Expected values are literals, never recomputed.
import assert from "assert";
import { liveColour, snapshotOf, type DeploymentState } from "../../automation/deploymentState";
import type { JournalEntry, JournalSnapshot } from "../../automation/journal";
import {
  changedCount,
  deploymentTimes,
  idleColour,
  lastDeployedColour,
  nothingLive,
  retirement,
} from "../../automation/traffic";
import type { FleetOutputs } from "../../programs/contract";

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;
const time = (minute: number) => Date.parse(at(minute));

const fleet = (release: string, deploymentId?: string) =>
  ({ release, ...(deploymentId ? { deploymentId } : {}) }) as unknown as FleetOutputs;

const state = (
  fleets: DeploymentState["fleets"],
  weights: DeploymentState["weights"] = { blue: 0, green: 0 },
): DeploymentState => ({ existing: new Set(), router: undefined, weights, fleets });

/** An ok (or failed) step of a workflow acting on `colour`, at `minute`. */
const step = (
  name: string,
  colour: "blue" | "green" | undefined,
  minute: number,
  extra: Partial<Extract<JournalEntry, { type: "step" }>> = {},
): JournalEntry => ({
  type: "step",
  id: "w",
  workflow: "up",
  step: name,
  status: "ok",
  at: at(minute),
  ...(colour ? { colour } : {}),
  ...extra,
});

describe("traffic decisions (pure)", () => {
  describe("changedCount: the resources an update changed", () => {
    it("counts every op but same and read", () => {
      assert.strictEqual(changedCount({ same: 3, read: 2, update: 1 }), 1);
      assert.strictEqual(changedCount({ create: 1, delete: 2, replace: 1, same: 5 }), 4);
      assert.strictEqual(changedCount({ same: 4, read: 1 }), 0);
      assert.strictEqual(changedCount(undefined), 0);
    });
  });

  describe("idleColour: the colour up deploys to", () => {
    it("is the colour without traffic while one is live", () => {
      assert.strictEqual(idleColour(state({}, { blue: 100, green: 0 })), "green");
      assert.strictEqual(idleColour(state({}, { blue: 0, green: 100 })), "blue");
    });

    it("with nothing live, is the colour already holding the release, even when the other has no fleet", () => {
      const s = state({ green: fleet("v2") });
      assert.strictEqual(idleColour(s, "v2"), "green");
      assert.strictEqual(idleColour(s, "v3"), "blue");
    });

    it("with nothing live, is the colour holding the release when both hold one, whatever the times", () => {
      const s = state({ blue: fleet("v1"), green: fleet("v2") });
      assert.strictEqual(idleColour(s, "v2", { blue: time(1), green: time(5) }), "green");
      assert.strictEqual(idleColour(s, "v1", { blue: time(5), green: time(1) }), "blue");
    });

    it("with nothing live and one colour empty, is the empty one", () => {
      assert.strictEqual(idleColour(state({ blue: fleet("v1") }), "v2"), "green");
      assert.strictEqual(idleColour(state({ green: fleet("v1") }), "v2"), "blue");
      assert.strictEqual(idleColour(state({}), "v2"), "blue");
    });

    it("with both colours holding other releases, is the one deployed earlier; one without a record counts as earliest", () => {
      const s = state({ blue: fleet("v1"), green: fleet("v2") });
      assert.strictEqual(idleColour(s, "v3", { blue: time(1), green: time(2) }), "blue");
      assert.strictEqual(idleColour(s, "v3", { blue: time(2), green: time(1) }), "green");
      assert.strictEqual(idleColour(s, "v3", { blue: time(2) }), "green");
      assert.strictEqual(idleColour(s, "v3", { green: time(2) }), "blue");
    });

    it("on a tie, or with no records at all, is blue", () => {
      const s = state({ blue: fleet("v1"), green: fleet("v2") });
      assert.strictEqual(idleColour(s, "v3", { blue: time(3), green: time(3) }), "blue");
      assert.strictEqual(idleColour(s, "v3"), "blue");
      assert.strictEqual(idleColour(s), "blue");
    });
  });

  describe("deploymentTimes: when each colour's fleet was deployed", () => {
    it("is the time of the deploy step that recorded the fleet's deployment id, not of a later step on it", () => {
      const s = state({ blue: fleet("v1", "d1"), green: fleet("v2", "d2") });
      const entries: JournalEntry[] = [
        step("deploy", "green", 1, { deployed: { colour: "green", release: "v2", deploymentId: "d2" } }),
        step("deploy", "blue", 2, { deployed: { colour: "blue", release: "v1", deploymentId: "d1" } }),
        step("wait-healthy", "blue", 3),
        step("swap:step", "green", 4),
        step("deploy", "green", 5, { deployed: { colour: "green", release: "v9", deploymentId: "d9" } }),
      ];
      assert.deepStrictEqual(deploymentTimes(entries, s), { blue: time(2), green: time(1) });
    });

    it("reads the very first record too", () => {
      const s = state({ blue: fleet("v1", "d1") });
      const entries = [
        step("deploy", "blue", 1, { deployed: { colour: "blue", release: "v1", deploymentId: "d1" } }),
      ];
      assert.deepStrictEqual(deploymentTimes(entries, s), { blue: time(1) });
    });

    it("skips failed steps and steps on the other colour", () => {
      const s = state({ blue: fleet("v1") });
      const entries: JournalEntry[] = [
        step("wait-healthy", "blue", 1),
        step("wait-healthy", "blue", 2, { status: "failed" }),
        step("wait-healthy", "green", 3),
      ];
      assert.deepStrictEqual(deploymentTimes(entries, s), { blue: time(1) });
    });

    it("for a fleet without a deployment id: its colour's last deploy record or health wait, not other steps", () => {
      const s = state({ blue: fleet("v1"), green: fleet("v2") });
      const entries: JournalEntry[] = [
        step("wait-healthy", "blue", 1),
        step("swap:step", "blue", 2),
        step("rolling:wait-healthy:2", "blue", 2),
        step("up:wait-healthy", "green", 3),
        step("up:deploy", "green", 4, { deployed: { colour: "green", release: "v2" } }),
        step("verify", "green", 5),
      ];
      assert.deepStrictEqual(deploymentTimes(entries, s), { blue: time(1), green: time(4) });
    });

    it("leaves out a colour with no fleet or no record", () => {
      const s = state({ blue: fleet("v1", "d1") });
      assert.deepStrictEqual(deploymentTimes([step("wait-healthy", "green", 1)], s), {});
    });
  });

  describe("lastDeployedColour: the colour whose deployment finished last", () => {
    it("is the colour of the latest ok health wait of a deployment, the first entry included", () => {
      assert.strictEqual(lastDeployedColour([step("wait-healthy", "green", 1)]), "green");
      assert.strictEqual(
        lastDeployedColour([step("wait-healthy", "green", 1), step("rolling:wait-healthy", "blue", 2)]),
        "blue",
      );
    });

    it("ignores failed health waits, other steps, steps without a colour and a rolling batch's wait", () => {
      const entries: JournalEntry[] = [
        step("wait-healthy", "green", 1),
        step("wait-healthy", "blue", 2, { status: "failed" }),
        step("swap:step", "blue", 3),
        step("wait-healthy", undefined, 4),
        step("rolling:wait-healthy:1", "blue", 5),
        step("rolling:undo-wait-healthy", "blue", 6),
        { type: "end", id: "w", workflow: "up", at: at(7), status: "ok", durationMs: 1 },
      ];
      assert.strictEqual(lastDeployedColour(entries), "green");
      assert.strictEqual(lastDeployedColour([]), undefined);
    });
  });

  describe("retirement: the fleet a traffic move took the traffic off", () => {
    const before: JournalSnapshot = {
      weights: { blue: 100, green: 0 },
      releases: { blue: "v1", green: "v2" },
      deployments: { blue: "d1" },
    };

    it("is the fleet the from colour held when the workflow began, with its deployment id when it had one", () => {
      assert.deepStrictEqual(retirement(before, "blue"), {
        colour: "blue",
        release: "v1",
        deploymentId: "d1",
      });
      assert.deepStrictEqual(retirement(before, "green"), { colour: "green", release: "v2" });
      const older: JournalSnapshot = { weights: { blue: 100, green: 0 }, releases: { blue: "v1" } };
      assert.deepStrictEqual(retirement(older, "blue"), { colour: "blue", release: "v1" });
    });

    it("is nothing without a from colour, a snapshot, or a release on that colour", () => {
      assert.strictEqual(retirement(before, undefined), undefined);
      assert.strictEqual(retirement(undefined, "blue"), undefined);
      assert.strictEqual(retirement({ weights: { blue: 0, green: 0 }, releases: {} }, "blue"), undefined);
    });
  });

  describe("the live colour", () => {
    it("is the colour with the larger weight, blue on a tie, none at 0/0", () => {
      assert.strictEqual(liveColour({ blue: 90, green: 10 }), "blue");
      assert.strictEqual(liveColour({ blue: 10, green: 90 }), "green");
      assert.strictEqual(liveColour({ blue: 50, green: 50 }), "blue");
      assert.strictEqual(liveColour({ blue: 0, green: 0 }), undefined);
      assert.strictEqual(nothingLive({ blue: 0, green: 0 }), true);
      assert.strictEqual(nothingLive({ blue: 0, green: 100 }), false);
    });
  });

  describe("snapshotOf: what a workflow records of the state it found", () => {
    it("names releases and weights, and deployment ids only when some fleet has one", () => {
      assert.deepStrictEqual(snapshotOf(state({ blue: fleet("v1") }, { blue: 100, green: 0 })), {
        weights: { blue: 100, green: 0 },
        releases: { blue: "v1" },
      });
      assert.deepStrictEqual(snapshotOf(state({ blue: fleet("v1"), green: fleet("v2", "d2") })), {
        weights: { blue: 0, green: 0 },
        releases: { blue: "v1", green: "v2" },
        deployments: { green: "d2" },
      });
    });
  });
});
