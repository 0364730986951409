// `phoenix history`'s records: one per workflow, in the order they began, each step with its outcome, the
// end's facts kept (a recovered workflow keeps the failure it had and what recovery did).
import assert from "node:assert/strict";
import { toHistory } from "../../automation/history";
import type { JournalEntry } from "../../automation/journal";

const begin = (id: string, at: string, workflow: "up" | "swap" | "recover" = "up"): JournalEntry => ({
  type: "begin",
  id,
  workflow,
  at,
  params: { release: id },
  pid: 7,
});
const step = (
  id: string,
  name: string,
  status: "started" | "ok" | "failed",
  extra: { durationMs?: number; error?: string } = {},
): JournalEntry => ({
  type: "step",
  id,
  workflow: "up",
  step: name,
  status,
  at: "2026-12-03T00:00:01.000Z",
  ...extra,
});

describe("history records", () => {
  it("a workflow without an end is interrupted, with its begin's facts and its steps in order", () => {
    const history = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      step("w1", "read-state", "started"),
      step("w1", "read-state", "ok", { durationMs: 12 }),
      step("w1", "deploy", "started"),
    ]);
    assert.deepEqual(history, [
      {
        id: "w1",
        workflow: "up",
        startedAt: "2026-12-03T00:00:00.000Z",
        status: "interrupted",
        params: { release: "w1" },
        steps: [
          { step: "read-state", status: "ok", durationMs: 12, error: undefined },
          { step: "deploy", status: "started" },
        ],
      },
    ]);
  });

  it("a step's outcome closes its latest open start, not an earlier finished one of the same name", () => {
    const [record] = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      step("w1", "wait-healthy", "started"),
      step("w1", "wait-healthy", "failed", { durationMs: 5, error: "timed out" }),
      step("w1", "wait-healthy", "started"),
      step("w1", "wait-healthy", "ok", { durationMs: 9 }),
    ]);
    assert.deepEqual(record.steps, [
      { step: "wait-healthy", status: "failed", durationMs: 5, error: "timed out" },
      { step: "wait-healthy", status: "ok", durationMs: 9, error: undefined },
    ]);
  });

  it("of two open starts of one step, an outcome closes the later", () => {
    const [record] = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      step("w1", "deploy", "started"),
      step("w1", "deploy", "started"),
      step("w1", "deploy", "ok", { durationMs: 4 }),
    ]);
    assert.deepEqual(record.steps, [
      { step: "deploy", status: "started" },
      { step: "deploy", status: "ok", durationMs: 4, error: undefined },
    ]);
  });

  it("a second outcome of a step that already finished is a step of its own, not a rewrite of the first", () => {
    const [record] = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      step("w1", "deploy", "started"),
      step("w1", "deploy", "ok", { durationMs: 4 }),
      step("w1", "deploy", "failed", { durationMs: 1, error: "late" }),
    ]);
    assert.deepEqual(record.steps, [
      { step: "deploy", status: "ok", durationMs: 4, error: undefined },
      { step: "deploy", status: "failed", durationMs: 1, error: "late" },
    ]);
  });

  it("an outcome without a start is listed as a step of its own", () => {
    const [record] = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      step("w1", "deploy", "started"),
      step("w1", "swap", "failed", { durationMs: 3, error: "router" }),
    ]);
    assert.deepEqual(record.steps, [
      { step: "deploy", status: "started" },
      { step: "swap", status: "failed", durationMs: 3, error: "router" },
    ]);
  });

  it("the end gives status, end time, duration, error and recovery; a later end keeps the first duration", () => {
    const [record] = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      {
        type: "end",
        id: "w1",
        workflow: "up",
        at: "2026-12-03T00:01:00.000Z",
        status: "failed",
        durationMs: 60_000,
        error: "deploy failed",
      },
      {
        type: "end",
        id: "w1",
        workflow: "up",
        at: "2026-12-03T00:05:00.000Z",
        status: "recovered",
        durationMs: 1,
        recovery: "destroyed green",
      },
    ]);
    assert.equal(record.status, "recovered");
    assert.equal(record.endedAt, "2026-12-03T00:05:00.000Z");
    assert.equal(record.durationMs, 60_000);
    assert.equal(record.error, "deploy failed");
    assert.equal(record.recovery, "destroyed green");
  });

  it("an end without error or recovery sets neither", () => {
    const [record] = toHistory([
      begin("w1", "2026-12-03T00:00:00.000Z"),
      {
        type: "end",
        id: "w1",
        workflow: "up",
        at: "2026-12-03T00:00:30.000Z",
        status: "ok",
        durationMs: 30_000,
        error: "",
      },
    ]);
    assert.deepEqual(record, {
      id: "w1",
      workflow: "up",
      startedAt: "2026-12-03T00:00:00.000Z",
      status: "ok",
      params: { release: "w1" },
      steps: [],
      endedAt: "2026-12-03T00:00:30.000Z",
      durationMs: 30_000,
    });
  });

  it("entries of a workflow whose begin is not in the records are left out; workflows keep their order", () => {
    const history = toHistory([
      step("gone", "deploy", "started"),
      {
        type: "end",
        id: "gone",
        workflow: "up",
        at: "2026-12-03T00:00:00.000Z",
        status: "ok",
        durationMs: 1,
      },
      begin("w2", "2026-12-03T00:02:00.000Z", "swap"),
      begin("w3", "2026-12-03T00:03:00.000Z", "recover"),
      step("w2", "swap", "started"),
    ]);
    assert.deepEqual(
      history.map((r) => [r.id, r.workflow, r.status, r.steps.length]),
      [
        ["w2", "swap", "interrupted", 1],
        ["w3", "recover", "interrupted", 0],
      ],
    );
  });
});
