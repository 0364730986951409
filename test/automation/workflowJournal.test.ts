// The journal and the progress events of whole workflows, line by line (issue 12): step names and order,
// the colour and detail of each step, durations measured on the fake clock, the deployed fleet on the deploy
// step's ok line, the snapshot on the read-state line, the end line's status, error and retired release.
// Each engine call takes simulated time (preview 2 s, up 5 s, destroy 3 s), so the durations are not all 0.
import assert from "assert";
import type { ProgressEvent } from "../../automation/events";
import type { JournalEntry } from "../../automation/journal";
import type { EngineCall } from "../../automation/memoryEngine";
import { AMI_1, AMI_2, harness, type Harness } from "./harness";

const LATENCY: Partial<Record<EngineCall["method"], number>> = { preview: 2000, up: 5000, destroy: 3000 };

/** A harness whose engine calls advance its fake clock. */
function timedHarness(): Harness {
  const box: { h?: Harness } = {};
  box.h = harness({
    engine: {
      latencyMs: (call) => LATENCY[call.method] ?? 0,
      sleep: async (ms) => void (box.h!.clock.now += ms),
    },
  });
  return box.h;
}

type Line = Record<string, unknown>;

/** The journal lines written from line `from` on, without the random run id and the process id. */
async function linesFrom(h: Harness, from: number): Promise<Line[]> {
  return (await h.journal()).slice(from).map((entry: JournalEntry) => {
    const { id: _id, pid: _pid, ...rest } = entry as JournalEntry & { pid?: number };
    return rest;
  });
}

/** 2026-01-01T00:00:00Z plus `s` seconds, as the journal writes it. */
const at = (s: number) => new Date(Date.parse("2026-01-01T00:00:00Z") + s * 1000).toISOString();

/** The started and ok lines of one step (durations in seconds, as the lines are easier to read that way). */
function step(workflow: string, name: string, start: number, seconds: number, extra: Line = {}): Line[] {
  const { colour, detail, ...onOk } = extra;
  const both = { ...(colour ? { colour } : {}) };
  return [
    {
      type: "step",
      workflow,
      step: name,
      status: "started",
      at: at(start),
      ...both,
      ...(detail ? { detail } : {}),
    },
    {
      type: "step",
      workflow,
      step: name,
      at: at(start + seconds),
      durationMs: seconds * 1000,
      status: "ok",
      ...both,
      ...onOk,
    },
  ];
}

const DEPLOYMENT_V1 = "20260101t000010000z-11";

describe("the journal of a workflow, line by line", () => {
  let h: Harness;
  beforeEach(() => (h = timedHarness()));
  afterEach(() => h.cleanup());

  /** bootstrap (10 s: two ups), then up v1 on blue. */
  async function upV1(): Promise<number> {
    await h.deployment.bootstrap();
    const from = (await h.journal()).length;
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    return from;
  }

  it("up: begin with its params, the deploy steps on the idle colour, the deployed fleet, end with the duration", async () => {
    const from = await upV1();
    const up = (name: string, start: number, seconds: number, extra: Line = {}) =>
      step("up", name, start, seconds, { colour: "blue", ...extra });
    assert.deepStrictEqual(await linesFrom(h, from), [
      {
        type: "begin",
        workflow: "up",
        at: at(10),
        params: { release: "v1", imageId: AMI_1, force: false },
      },
      ...step("up", "read-state", 10, 0, { state: { weights: { blue: 0, green: 0 }, releases: {} } }),
      ...up("configure", 10, 0, { detail: "release v1" }),
      ...up("preview", 10, 2),
      ...up("deploy", 12, 5, { deployed: { colour: "blue", release: "v1", deploymentId: DEPLOYMENT_V1 } }),
      ...up("read-outputs", 17, 0),
      ...up("wait-healthy", 17, 0),
      { type: "end", workflow: "up", at: at(17), status: "ok", durationMs: 7000 },
    ]);
  });

  it("swap in steps with a pause: check-health, route, verify and pause per step; the retired release on the end line", async () => {
    await upV1();
    await h.deployment.swap();
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const from = (await h.journal()).length;
    const start = (h.clock.now - Date.parse("2026-01-01T00:00:00Z")) / 1000;
    assert.strictEqual(start, 29, "bootstrap 10 s, up 7 s, swap 5 s, up 7 s");
    await h.deployment.swap({ steps: [50, 100], pauseMs: 30_000 });
    const swap = (name: string, s: number, seconds: number, extra: Line = {}) =>
      step("swap", name, s, seconds, { colour: "green", ...extra });
    const deploymentV2 = "20260101t000022000z-35";
    assert.deepStrictEqual(await linesFrom(h, from), [
      { type: "begin", workflow: "swap", at: at(29), params: { steps: [50, 100], pauseMs: 30000 } },
      ...step("swap", "read-state", 29, 0, {
        state: {
          weights: { blue: 100, green: 0 },
          releases: { blue: "v1", green: "v2" },
          deployments: { blue: DEPLOYMENT_V1, green: deploymentV2 },
        },
      }),
      ...swap("check-health:50", 29, 0),
      ...swap("route:50", 29, 5, { detail: "blue 50 % / green 50 %" }),
      ...swap("verify:50", 34, 0),
      ...step("swap", "pause:50", 34, 30),
      ...swap("check-health:100", 64, 0),
      ...swap("route:100", 64, 5, { detail: "blue 0 % / green 100 %" }),
      ...swap("verify:100", 69, 0),
      {
        type: "end",
        workflow: "swap",
        at: at(69),
        status: "ok",
        durationMs: 40000,
        retired: { colour: "blue", release: "v1", deploymentId: DEPLOYMENT_V1 },
      },
    ]);
  });

  it("the first swap goes straight to 100 % and says which steps it skipped; no pause after the last step", async () => {
    await upV1();
    const from = (await h.journal()).length;
    await h.deployment.swap({ steps: [10, 50, 100], pauseMs: 60_000 });
    const lines = await linesFrom(h, from);
    assert.deepStrictEqual(
      lines.filter((l) => l.status === "started").map((l) => [l.step, l.detail]),
      [
        ["read-state", undefined],
        ["check-health:100", undefined],
        [
          "route:100",
          "blue 100 % / green 0 %; no release was live: straight to 100 %, steps 10, 50 % skipped",
        ],
        ["verify:100", undefined],
      ],
    );
    assert.deepStrictEqual(lines.at(-1), {
      type: "end",
      workflow: "swap",
      at: at(22),
      status: "ok",
      durationMs: 5000,
    });
  });

  it("a failed step: its failed line carries the error, the traffic restored, the end line and event say failed and why", async () => {
    await upV1();
    await h.deployment.swap();
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const from = (await h.journal()).length;
    h.events.length = 0;
    h.probe.setAlarm("high-5xx", true);
    await assert.rejects(h.deployment.swap({ steps: [50, 100], verify: { alarmNames: ["high-5xx"] } }));
    const swap = (name: string, s: number, seconds: number, extra: Line = {}) =>
      step("swap", name, s, seconds, { colour: "green", ...extra });
    const error =
      "Swap failed at step 1 (50 %): CloudWatch alarms in ALARM: high-5xx. Traffic is back at 100 % on blue. " +
      "Fix the new colour and run `phoenix swap` again, or destroy it.";
    const lines = await linesFrom(h, from);
    assert.deepStrictEqual(lines.slice(3), [
      ...swap("check-health:50", 29, 0),
      ...swap("route:50", 29, 5, { detail: "blue 50 % / green 50 %" }),
      swap("verify:50", 34, 0)[0],
      {
        type: "step",
        workflow: "swap",
        step: "verify:50",
        at: at(34),
        durationMs: 0,
        colour: "green",
        status: "failed",
        error: "CloudWatch alarms in ALARM: high-5xx",
      },
      ...step("swap", "restore-traffic", 34, 5, {
        colour: "blue",
        detail: "after step 1: blue 100 % / green 0 %",
      }),
      { type: "end", workflow: "swap", at: at(39), status: "failed", durationMs: 10000, error },
    ]);

    const id = (await h.journal()).at(-1)!.id;
    const events: ProgressEvent[] = h.events.filter((e) => e.kind !== "engine");
    const startAt = Date.parse(at(29));
    assert.deepStrictEqual(events.slice(0, 1), [
      { kind: "workflow-start", workflow: "swap", id, at: startAt },
    ]);
    assert.deepStrictEqual(events.slice(5), [
      {
        kind: "step-start",
        workflow: "swap",
        step: "route:50",
        detail: "blue 50 % / green 50 %",
        at: startAt,
      },
      {
        kind: "step-end",
        workflow: "swap",
        step: "route:50",
        status: "ok",
        durationMs: 5000,
        detail: "blue 50 % / green 50 %",
        error: undefined,
        at: startAt + 5000,
      },
      { kind: "step-start", workflow: "swap", step: "verify:50", detail: undefined, at: startAt + 5000 },
      {
        kind: "step-end",
        workflow: "swap",
        step: "verify:50",
        status: "failed",
        durationMs: 0,
        detail: undefined,
        error: "CloudWatch alarms in ALARM: high-5xx",
        at: startAt + 5000,
      },
      {
        kind: "step-start",
        workflow: "swap",
        step: "restore-traffic",
        detail: "after step 1: blue 100 % / green 0 %",
        at: startAt + 5000,
      },
      {
        kind: "step-end",
        workflow: "swap",
        step: "restore-traffic",
        status: "ok",
        durationMs: 5000,
        detail: "after step 1: blue 100 % / green 0 %",
        error: undefined,
        at: startAt + 10000,
      },
      {
        kind: "workflow-end",
        workflow: "swap",
        id,
        at: startAt + 10000,
        status: "failed",
        durationMs: 10000,
        error,
      },
    ]);
  });
});
