// The real clock's sleep (automation/sleep.ts), on Node's mock timers: the default of the workflows' clock and
// of MemoryEngine's simulated latency.
import assert from "assert";
import { getEventListeners } from "events";
import { mock } from "node:test";
import { sleep } from "../../automation/sleep";

describe("sleep", () => {
  beforeEach(() => mock.timers.enable({ apis: ["setTimeout"] }));
  afterEach(() => mock.timers.reset());

  it("waits the time asked, then takes its abort listener off the signal", async () => {
    const signal = new AbortController().signal;
    let done = false;
    const slept = sleep(1000, signal).then(() => (done = true));
    mock.timers.tick(999);
    await Promise.resolve();
    assert.strictEqual(done, false);
    mock.timers.tick(1);
    await slept;
    assert.strictEqual(getEventListeners(signal, "abort").length, 0);
  });

  it("ends at once with the signal's reason when aborted, before or during the wait", async () => {
    const reason = new Error("Ctrl-C");
    await assert.rejects(sleep(1000, AbortSignal.abort(reason)), (error) => error === reason);
    const controller = new AbortController();
    const slept = sleep(60_000, controller.signal);
    controller.abort(reason);
    await assert.rejects(slept, (error) => error === reason);
  });
});
