// Which workflows move to an archive, decided on entries alone: past 120 workflows the oldest finished ones go,
// down to the newest 100, except what the workflows read (unfinished ones, per colour the newest deployment,
// health wait and traffic move). Counts and ids are spelled out.
import assert from "node:assert/strict";
import type { JournalEntry } from "../../../automation/journal";
import { joinArchives, planArchive } from "../../../automation/records/journalArchive";

const AT = "2026-12-03T00:00:00.000Z";
const begin = (id: string): JournalEntry => ({
  type: "begin",
  id,
  workflow: "up",
  at: AT,
  params: {},
  pid: 1,
});
const end = (id: string, extra = {}): JournalEntry => ({
  type: "end",
  id,
  workflow: "up",
  at: AT,
  status: "ok",
  durationMs: 1,
  ...extra,
});
const step = (id: string, name: string, extra = {}): JournalEntry => ({
  type: "step",
  id,
  workflow: "up",
  step: name,
  status: "ok",
  at: AT,
  ...extra,
});
const finished = (from: number, count: number): JournalEntry[] =>
  Array.from({ length: count }, (_, n) => [begin(`w${from + n}`), end(`w${from + n}`)]).flat();
const ids = (entries: JournalEntry[] | undefined) => [...new Set((entries ?? []).map((entry) => entry.id))];

describe("journal archive plan", () => {
  it("archives nothing up to 120 workflows", () => {
    assert.equal(planArchive([]), undefined);
    assert.equal(planArchive(finished(0, 120)), undefined);
  });

  it("past 120, moves the oldest finished ones out, keeping the newest 100 in order", () => {
    const plan = planArchive(finished(0, 121));
    assert.deepEqual(
      ids(plan?.archived),
      Array.from({ length: 21 }, (_, n) => `w${n}`),
    );
    assert.deepEqual(
      ids(plan?.kept),
      Array.from({ length: 100 }, (_, n) => `w${n + 21}`),
    );
    assert.equal(plan?.archived.length, 42);
    assert.equal(plan?.kept.length, 200);
  });

  it("keeps unfinished workflows and, per colour, the newest deployment, health wait and traffic move", () => {
    const old: JournalEntry[] = [
      begin("crashed"),
      begin("deployed-green"),
      step("deployed-green", "deploy", { colour: "green", deployed: { colour: "green", release: "v0" } }),
      end("deployed-green"),
      begin("retired-blue"),
      end("retired-blue", { retired: { colour: "blue", release: "v0" } }),
      // A step whose workflow's begin was archived long ago and that never ended: nothing reads it.
      step("orphan", "deploy", { colour: "green", status: "started" }),
      begin("deployed-blue-old"),
      step("deployed-blue-old", "deploy", { colour: "blue", deployed: { colour: "blue", release: "v0" } }),
      end("deployed-blue-old"),
      begin("deployed-blue"),
      step("deployed-blue", "deploy", { colour: "blue", deployed: { colour: "blue", release: "v1" } }),
      end("deployed-blue"),
      begin("healthy-green"),
      step("healthy-green", "canary:wait-healthy", { colour: "green" }),
      end("healthy-green"),
      begin("healthy-blue"),
      step("healthy-blue", "wait-healthy", { colour: "blue" }),
      end("healthy-blue"),
      begin("retired-green"),
      end("retired-green", { retired: { colour: "green", release: "v0" } }),
      // Not what the workflows read: a failed health wait, one on no colour, steps merely named alike, a
      // deployment record on a step that did not succeed.
      begin("failed-wait"),
      step("failed-wait", "wait-healthy", { colour: "green", status: "failed" }),
      end("failed-wait"),
      begin("no-colour"),
      step("no-colour", "wait-healthy"),
      end("no-colour"),
      begin("lookalikes"),
      step("lookalikes", "prewait-healthy", { colour: "green" }),
      step("lookalikes", "wait-healthy-2", { colour: "green" }),
      end("lookalikes"),
      begin("deploy-started"),
      step("deploy-started", "deploy", {
        colour: "green",
        status: "started",
        deployed: { colour: "green", release: "v9" },
      }),
      end("deploy-started"),
    ];
    const plan = planArchive([...old, ...finished(0, 120)]);
    assert.deepEqual(ids(plan?.archived), [
      "orphan",
      "deployed-blue-old",
      "failed-wait",
      "no-colour",
      "lookalikes",
      "deploy-started",
      ...Array.from({ length: 20 }, (_, n) => `w${n}`),
    ]);
    assert.deepEqual(ids(plan?.kept).slice(0, 7), [
      "crashed",
      "deployed-green",
      "retired-blue",
      "deployed-blue",
      "healthy-green",
      "healthy-blue",
      "retired-green",
    ]);
    assert.equal(ids(plan?.kept).length, 107);
  });

  it("archives nothing when everything past the newest 100 is pinned", () => {
    const unfinished = Array.from({ length: 21 }, (_, n) => begin(`crashed${n}`));
    assert.equal(planArchive([...unfinished, ...finished(0, 100)]), undefined);
  });

  it("joins archives oldest first, then the active file, a workflow in both taken from the active file", () => {
    const joined = joinArchives(
      [
        [begin("a"), end("a")],
        [begin("b"), end("b"), begin("c")],
      ],
      [begin("c"), step("c", "deploy"), end("c"), begin("d")],
    );
    assert.deepEqual(
      joined.map((entry) => `${entry.type}:${entry.id}`),
      ["begin:a", "end:a", "begin:b", "end:b", "begin:c", "step:c", "end:c", "begin:d"],
    );
    assert.deepEqual(joinArchives([], []), []);
  });
});
