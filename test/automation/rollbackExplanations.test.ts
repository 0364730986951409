// The rollback target from literal records and stacks: every refusal's explanation word for word (what
// `status` and the refused `rollback` show), which records count (only completed moves; a failed one retires
// nothing), and the split-traffic target as `status` reports it.
import assert from "assert";
import type { DeploymentState } from "../../automation/deploymentState";
import type { JournalEntry } from "../../automation/journal";
import { lastRetired, lastWhole, rollbackStatus, rollbackTarget } from "../../automation/rollbackTarget";
import type { FleetOutputs } from "../../programs/contract";

const at = (minute: number) => `2026-01-01T00:${String(minute).padStart(2, "0")}:00.000Z`;

const fleet = (release: string, deploymentId?: string) =>
  ({ release, ...(deploymentId ? { deploymentId } : {}), desiredCapacity: 2 }) as unknown as FleetOutputs;

const state = (
  fleets: DeploymentState["fleets"],
  weights: DeploymentState["weights"] = { blue: 0, green: 100 },
): DeploymentState => ({ existing: new Set(), router: undefined, weights, fleets });

/** The end of a traffic move that took the traffic off `colour`'s fleet. */
const retired = (
  minute: number,
  colour: "blue" | "green",
  release: string,
  deploymentId?: string,
  status: "ok" | "failed" = "ok",
  id = "w",
): JournalEntry => ({
  type: "end",
  id,
  workflow: "swap",
  at: at(minute),
  status,
  durationMs: 1,
  retired: { colour, release, ...(deploymentId ? { deploymentId } : {}) },
});

/** The end of a workflow that moved no traffic (an `up`). */
const endOfUp = (minute: number): JournalEntry => ({
  type: "end",
  id: "u",
  workflow: "up",
  at: at(minute),
  status: "ok",
  durationMs: 1,
});

const explanation = (target: ReturnType<typeof rollbackTarget>) => {
  assert.ok(!target.available, JSON.stringify(target));
  return target.explanation;
};

describe("rollback target explanations (pure, word for word)", () => {
  it("nothing live", () => {
    assert.strictEqual(
      explanation(rollbackTarget(state({ blue: fleet("v1", "d1") }, { blue: 0, green: 0 }), [])),
      "no release has gone live yet (the router is at 0/0), so there is nothing to roll back from",
    );
  });

  it("no fleet on the other colour, with and without a record of what served before", () => {
    const s = state({ green: fleet("v2", "d2") });
    assert.strictEqual(
      explanation(rollbackTarget(s, [])),
      "the blue colour holds no fleet (destroyed, or never deployed); the records name no release that served " +
        "before the current one",
    );
    assert.strictEqual(
      explanation(rollbackTarget(s, [retired(1, "blue", "v1", "d1")])),
      "the blue colour holds no fleet (destroyed, or never deployed); the release that served before the " +
        "current one was v1 on blue",
    );
  });

  it("a fleet the records cannot identify; status names it", () => {
    const target = rollbackTarget(state({ blue: fleet("v1"), green: fleet("v2", "d2") }), [
      retired(1, "blue", "v1"),
    ]);
    assert.strictEqual(
      explanation(target),
      "the deployment records cannot identify the fleet on blue (release v1): it has no deployment id (deployed " +
        "by hand, or before Phoenix recorded fleet identities), so nothing shows it is a fleet that served",
    );
    assert.deepStrictEqual(rollbackStatus(target), {
      available: false,
      colour: "blue",
      release: "v1",
      deploymentId: undefined,
      reason: "unidentified",
      explanation: explanation(target),
    });
  });

  it("a fleet that served, but not just before the current release", () => {
    const target = rollbackTarget(state({ blue: fleet("v1", "d1"), green: fleet("v2", "d2") }), [
      retired(1, "blue", "v1", "d1"),
      retired(2, "green", "v0", "d0"),
    ]);
    assert.strictEqual(
      explanation(target),
      "the fleet on blue (release v1, deployment d1) served, but not just before the current release; the " +
        "release that served before the current one was v0 on green",
    );
  });

  it("a redeploy of a release whose served fleet is gone", () => {
    const target = rollbackTarget(state({ blue: fleet("v1", "d3"), green: fleet("v2", "d2") }), [
      retired(1, "blue", "v1", "d1"),
    ]);
    assert.ok(!target.available && target.reason === "redeployed");
    assert.strictEqual(
      target.explanation,
      "the fleet on blue (release v1, deployment d3) is a redeploy of release v1 that has never served: the v1 " +
        "fleet that served is gone",
    );
  });

  it("a fleet that never served: after the served one on its colour was replaced, and with no record at all", () => {
    const replaced = rollbackTarget(state({ blue: fleet("v3", "d3"), green: fleet("v2", "d2") }), [
      retired(1, "blue", "v1", "d1"),
    ]);
    assert.ok(!replaced.available && replaced.reason === "never-served");
    assert.strictEqual(
      replaced.explanation,
      "the fleet on blue (release v3, deployment d3) has never served traffic; the release that served before " +
        "the current one was v1 on blue, and that fleet is gone from blue",
    );
    const unrecorded = rollbackTarget(state({ blue: fleet("v3", "d3"), green: fleet("v2", "d2") }), [
      endOfUp(1),
    ]);
    assert.ok(!unrecorded.available && unrecorded.reason === "never-served");
    assert.strictEqual(
      unrecorded.explanation,
      "the fleet on blue (release v3, deployment d3) has never served traffic; the records name no release that " +
        "served before the current one",
    );
  });

  it("the previous fleet on the live colour's side is not gone from the candidate's colour", () => {
    const target = rollbackTarget(state({ blue: fleet("v3", "d3"), green: fleet("v2", "d2") }), [
      retired(1, "green", "v0", "d0"),
    ]);
    assert.strictEqual(
      explanation(target),
      "the fleet on blue (release v3, deployment d3) has never served traffic; the release that served before " +
        "the current one was v0 on green",
    );
  });

  it("only completed moves count: a failed one retires nothing, an up's end names no fleet", () => {
    const s = state({ blue: fleet("v1", "d1"), green: fleet("v2", "d2") });
    const served = retired(1, "blue", "v1", "d1");
    // A failed move after the one that served does not hide it, and an up's end is no move.
    const target = rollbackTarget(s, [served, retired(2, "green", "v0", "d0", "failed"), endOfUp(3)]);
    assert.ok(target.available, JSON.stringify(target));
    assert.deepStrictEqual(target.target, { colour: "blue", release: "v1", deploymentId: "d1" });
    assert.strictEqual(target.servedUntil, at(1));
    assert.deepStrictEqual(lastRetired([served, retired(2, "green", "v0", "d0", "failed"), endOfUp(3)]), {
      colour: "blue",
      release: "v1",
      deploymentId: "d1",
      at: at(1),
    });
    // A fleet only a failed move names never served, nor did its release.
    const failedOnly = rollbackTarget(s, [retired(1, "blue", "v1", "d1", "failed")]);
    assert.ok(!failedOnly.available && failedOnly.reason === "never-served", JSON.stringify(failedOnly));
  });

  it("status of an available target names it and when it served until", () => {
    const target = rollbackTarget(state({ blue: fleet("v1", "d1"), green: fleet("v2", "d2") }), [
      retired(4, "blue", "v1", "d1"),
    ]);
    assert.deepStrictEqual(rollbackStatus(target), {
      available: true,
      colour: "blue",
      release: "v1",
      deploymentId: "d1",
      servedUntil: at(4),
      explanation:
        "rollback puts 100 % back on blue (release v1, deployment d1), the fleet that served until " + at(4),
    });
  });

  describe("with the traffic split", () => {
    const readState = (
      id: string,
      minute: number,
      weights: { blue: number; green: number },
    ): JournalEntry => ({
      type: "step",
      id,
      workflow: "swap",
      step: "read-state",
      status: "ok",
      at: at(minute),
      state: { weights, releases: { blue: "v1", green: "v2" }, deployments: { blue: "d1", green: "d2" } },
    });

    it("the target, the current fleet and the weights found, and status says so", () => {
      const split = state({ blue: fleet("v1", "d1"), green: fleet("v2", "d2") }, { blue: 30, green: 70 });
      const target = rollbackTarget(split, [readState("w1", 1, { blue: 100, green: 0 })]);
      assert.deepStrictEqual(target, {
        available: true,
        from: "green",
        current: { colour: "green", release: "v2", deploymentId: "d2" },
        target: { colour: "blue", release: "v1", deploymentId: "d1" },
        servedUntil: at(1),
        split: { blue: 30, green: 70 },
      });
      assert.strictEqual(
        rollbackStatus(target).explanation,
        "the traffic is split (blue 30 % / green 70 %): rollback puts 100 % back on blue (release v1, deployment " +
          `d1), the fleet the records last saw take all of it, at ${at(1)}`,
      );
      const alone = rollbackTarget({ ...split, fleets: { blue: fleet("v1", "d1") } }, [
        readState("w1", 1, { blue: 100, green: 0 }),
      ]);
      assert.ok(alone.available && alone.current === undefined, JSON.stringify(alone));
    });

    it("lastWhole reads past other steps and ignores moves and deploys of workflows it has no snapshot of", () => {
      const started: JournalEntry = {
        type: "step",
        id: "w1",
        workflow: "swap",
        step: "swap:step",
        status: "started",
        at: at(2),
        colour: "green",
      };
      const deployElsewhere: JournalEntry = {
        type: "step",
        id: "w9",
        workflow: "up",
        step: "deploy",
        status: "ok",
        at: at(3),
        deployed: { colour: "green", release: "v9", deploymentId: "d9" },
      };
      const failedDeploy: JournalEntry = {
        ...deployElsewhere,
        id: "w1",
        status: "failed",
        deployed: { colour: "blue", release: "v8", deploymentId: "d8" },
      };
      const entries = [readState("w1", 1, { blue: 100, green: 0 }), started, deployElsewhere, failedDeploy];
      assert.deepStrictEqual(lastWhole(entries), {
        colour: "blue",
        release: "v1",
        deploymentId: "d1",
        at: at(1),
      });
      // A completed move of that workflow gives the traffic to the fleet its snapshot shows, not a failed deploy's.
      assert.deepStrictEqual(lastWhole([...entries, retired(4, "green", "v2", "d2", "ok", "w1")]), {
        colour: "blue",
        release: "v1",
        deploymentId: "d1",
        at: at(4),
      });
      // A move by a workflow whose snapshot the records lack names no fleet.
      assert.strictEqual(lastWhole([...entries, retired(4, "green", "v2", "d2", "ok", "w9")]), undefined);
      // A failed move changes nothing.
      assert.deepStrictEqual(lastWhole([...entries, retired(4, "blue", "v1", "d1", "failed", "w1")]), {
        colour: "blue",
        release: "v1",
        deploymentId: "d1",
        at: at(1),
      });
    });
  });
});
