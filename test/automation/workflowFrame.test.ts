// The frame every workflow runs in (issue 12): the parameters its begin line records, an abort before it
// starts (nothing journaled, nothing locked), an error thrown by a step while aborted (reported as the abort,
// at the step it reached), and the listeners that see its progress.
import assert from "assert";
import { AbortedError } from "../../automation/errors";
import type { ProgressEvent } from "../../automation/events";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, type Harness } from "./harness";

describe("the workflow frame", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  /** The params of the last begin line. */
  async function lastParams(): Promise<unknown> {
    const begin = (await h.journal()).filter((l) => l.type === "begin").at(-1);
    return begin?.type === "begin" ? begin.params : undefined;
  }

  it("records each workflow's parameters on its begin line, defaults filled in, signal and listener left out", async () => {
    await h.deployment.bootstrap({ network: { appPort: 8080 }, onProgress: () => undefined });
    assert.deepStrictEqual(await lastParams(), { network: { appPort: 8080 } });
    await h.deployment.up({
      release: "v1",
      imageId: AMI_1,
      instanceType: "t3.small",
      capacity: { min: 1, max: 3, desired: 2 },
      signal: new AbortController().signal,
    });
    assert.deepStrictEqual(await lastParams(), {
      release: "v1",
      imageId: AMI_1,
      instanceType: "t3.small",
      capacity: { min: 1, max: 3, desired: 2 },
      force: false,
    });
    await h.deployment.swap({ steps: [50, 100], pauseMs: 1000, verify: { alarmNames: ["high-5xx"] } });
    assert.deepStrictEqual(await lastParams(), {
      steps: [50, 100],
      pauseMs: 1000,
      verify: { alarmNames: ["high-5xx"] },
    });
    await h.deployment.up({ release: "v2", imageId: AMI_2, force: true });
    assert.deepStrictEqual(await lastParams(), {
      release: "v2",
      imageId: AMI_2,
      force: true,
    });
    await h.deployment.swap();
    assert.deepStrictEqual(await lastParams(), { steps: [100], pauseMs: 0 });
    await h.deployment.rollback();
    assert.deepStrictEqual(await lastParams(), {});
    await h.deployment.drift();
    assert.deepStrictEqual(await lastParams(), {});
    await h.deployment.heal();
    assert.deepStrictEqual(await lastParams(), { steps: [100], force: false });
    await h.deployment.heal({ steps: [50, 100], force: true });
    assert.deepStrictEqual(await lastParams(), { steps: [50, 100], force: true });
    await h.deployment.destroy({ colour: "green", force: true });
    assert.deepStrictEqual(await lastParams(), { colour: "green", force: true });
  });

  it("an abort before the start: the workflow named, nothing journaled, the lock free for the next one", async () => {
    await deployedOnce(h);
    const lines = (await h.journal()).length;
    const calls = h.engine.callCount;
    await assert.rejects(
      h.deployment.swap({ signal: AbortSignal.abort() }),
      (error: unknown) =>
        error instanceof AbortedError &&
        error.message ===
          "Aborted during swap, before it started; what this workflow had started was undone. Run it again when ready.",
    );
    assert.strictEqual((await h.journal()).length, lines);
    assert.strictEqual(h.engine.callCount, calls);
    await h.deployment.drift();
  });

  it("a step that fails with a plain error once aborted: AbortedError at the step reached, the end line 'aborted'", async () => {
    await deployedOnce(h);
    const controller = new AbortController();
    // The drift's refresh of the router fails with an error of its own just as the abort comes in.
    h.engine.failWhen((call) => {
      if (call.method !== "refresh" || call.stack !== `${APP}-${ENV}-router`) return undefined;
      controller.abort(new Error("Ctrl-C"));
      return "before";
    });
    await assert.rejects(
      h.deployment.drift({ signal: controller.signal }),
      (error: unknown) => error instanceof AbortedError && error.during === "refresh-preview:router",
    );
    h.engine.failWhen(undefined);
    const end = (await h.journal()).at(-1)!;
    assert.deepStrictEqual(end.type === "end" && [end.workflow, end.status], ["drift", "aborted"]);
    assert.match(
      end.type === "end" ? end.error! : "",
      /^injected fault before engine call #\d+ \(refresh shop-prod-router\)$/,
    );
  });

  it("a plain failure ends 'failed' with its message, and the error is rethrown as it was", async () => {
    await deployedOnce(h);
    h.engine.failWhen((call) =>
      call.method === "refresh" && call.stack === `${APP}-${ENV}-router` ? "before" : undefined,
    );
    const error = await h.deployment.drift().catch((e: unknown) => e);
    h.engine.failWhen(undefined);
    assert.ok(!(error instanceof AbortedError));
    const end = (await h.journal()).at(-1)!;
    assert.deepStrictEqual(end.type === "end" && [end.workflow, end.status, end.error], [
      "drift",
      "failed",
      (error as Error).message,
    ]);
  });

  it("both listeners see every event: the deployment's and the call's", async () => {
    const call: ProgressEvent[] = [];
    await h.deployment.bootstrap({ onProgress: (e) => call.push(e) });
    assert.ok(call.length > 0);
    assert.deepStrictEqual(call, h.events);
    assert.deepStrictEqual(
      call.filter((e) => e.kind !== "engine").map((e) => e.kind),
      [
        "workflow-start",
        "step-start",
        "step-end",
        "step-start",
        "step-end",
        "step-start",
        "step-end",
        "workflow-end",
      ],
    );
  });

  it("history: the last `limit` workflows oldest first; an aborted signal refused before any read", async () => {
    await deployedOnce(h);
    await h.deployment.drift();
    assert.deepStrictEqual(
      (await h.deployment.history()).map((r) => r.workflow),
      ["bootstrap", "up", "swap", "drift"],
    );
    assert.deepStrictEqual(
      (await h.deployment.history({ limit: 2 })).map((r) => r.workflow),
      ["swap", "drift"],
    );
    assert.deepStrictEqual(
      (await h.deployment.history({ limit: 9 })).map((r) => r.workflow),
      ["bootstrap", "up", "swap", "drift"],
    );
    await assert.rejects(
      h.deployment.history({ signal: AbortSignal.abort() }),
      (error: unknown) => error instanceof AbortedError && error.during === "history",
    );
    await assert.rejects(h.deployment.history({ limit: 0 }), /`limit` \(0\)/);
  });
});
