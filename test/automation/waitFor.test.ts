// The bounded waits of the background-workflow tests: a run that never reaches the awaited point must fail
// its test at once with the run's own outcome, and no wait may outlive its deadline.
import assert from "assert";
import { waitFor, whileRunning } from "./waitFor";

describe("bounded test waits", () => {
  it("whileRunning fails at once with the workflow's error when it ends before the awaited point", async () => {
    const started = Date.now();
    const run = Promise.reject(new Error("shop-prod is locked by `up`"));
    await assert.rejects(
      whileRunning(run, () => false, "the crash point", 60_000),
      (error: Error) => {
        assert.match(
          error.message,
          /^The workflow failed before the crash point: Error: shop-prod is locked by `up`/,
        );
        return true;
      },
    );
    assert.ok(Date.now() - started < 1000, "it did not wait for the deadline");
  });

  it("whileRunning names the result of a workflow that finished instead of stopping", async () => {
    await assert.rejects(
      whileRunning(Promise.resolve({ colour: "blue" }), () => false, "the crash point"),
      /^Error: The workflow finished before the crash point \(result \{"colour":"blue"\}\)$/,
    );
  });

  it("whileRunning resolves while the workflow is parked at the awaited point", async () => {
    let reached = false;
    const parked = new Promise<void>(() => setTimeout(() => (reached = true), 20));
    await whileRunning(parked, () => reached, "the crash point");
  });

  it("waitFor gives up at its deadline, naming what it waited for", async () => {
    await assert.rejects(
      waitFor(() => false, "the swap to end", 50),
      /^Error: Timed out after 50 ms waiting for the swap to end$/,
    );
  });
});
