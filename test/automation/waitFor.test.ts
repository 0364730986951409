// The bounded waits of the background-workflow tests: a run that never reaches the awaited point must fail
// its test at once with the run's own outcome, and no wait may outlive its deadline. On a fake clock: each
// pause moves it 2 ms and gives the event loop one turn, so nothing here waits on the wall clock.
import assert from "assert";
import { waitFor, whileRunning, type PollClock } from "./waitFor";

function fakeClock(): PollClock & { time: number; pauses: number } {
  const clock = {
    time: 0,
    pauses: 0,
    now: () => clock.time,
    pause: async () => {
      clock.pauses++;
      clock.time += 2;
      await new Promise((resolve) => setImmediate(resolve));
    },
  };
  return clock;
}

describe("bounded test waits", () => {
  it("whileRunning fails at once with the workflow's error when it ends before the awaited point", async () => {
    const clock = fakeClock();
    const run = Promise.reject(new Error("shop-prod is locked by `up`"));
    await assert.rejects(
      whileRunning(run, () => false, "the crash point", 60_000, clock),
      (error: Error) => {
        assert.match(
          error.message,
          /^The workflow failed before the crash point: Error: shop-prod is locked by `up`/,
        );
        return true;
      },
    );
    assert.ok(clock.pauses <= 1, `it did not wait for the deadline (${clock.pauses} pauses)`);
  });

  it("whileRunning names the result of a workflow that finished instead of stopping", async () => {
    const clock = fakeClock();
    await assert.rejects(
      whileRunning(Promise.resolve({ colour: "blue" }), () => false, "the crash point", 60_000, clock),
      /^Error: The workflow finished before the crash point \(result \{"colour":"blue"\}\)$/,
    );
    assert.ok(clock.pauses <= 1, `it did not wait for the deadline (${clock.pauses} pauses)`);
  });

  it("whileRunning resolves while the workflow is parked at the awaited point", async () => {
    const clock = fakeClock();
    let reached = false;
    // Parks after a few turns of the event loop, and never ends.
    const parked = new Promise<void>(() => {
      let turns = 0;
      const turn = () => (++turns === 3 ? (reached = true) : setImmediate(turn));
      setImmediate(turn);
    });
    await whileRunning(parked, () => reached, "the crash point", 60_000, clock);
    assert.strictEqual(reached, true);
    assert.ok(clock.time < 60_000);
  });

  it("waitFor gives up at its deadline, naming what it waited for, having looked until then", async () => {
    const clock = fakeClock();
    let looks = 0;
    await assert.rejects(
      waitFor(() => (looks++, false), "the swap to end", 50, clock),
      /^Error: Timed out after 50 ms waiting for the swap to end$/,
    );
    assert.strictEqual(clock.time, 52, "it gave up at the first look past the deadline");
    assert.strictEqual(looks, 27);
  });

  it("waitFor resolves at the first look where the condition holds", async () => {
    const clock = fakeClock();
    await waitFor(() => clock.time >= 10, "ten fake milliseconds", 50, clock);
    assert.strictEqual(clock.time, 10);
  });
});
