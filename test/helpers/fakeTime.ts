// Fake time for code whose waits we do not own (the AWS SDK's retry backoff, a probe's call deadline): Node's
// own mock timers (node:test, usable under mocha) replace setTimeout, setInterval and Date while `start` runs,
// and time moves only as this helper ticks it, between turns of the event loop. No wall-clock wait, and the
// elapsed fake time is exact.
import { mock } from "node:test";

export interface FakeTimeOutcome<T> {
  settled: { value: T } | { error: unknown } | undefined;
  /** Fake milliseconds that passed before it settled (or before the limit). */
  elapsedMs: number;
}

/** The real setTimeout, taken before any test mocks it. */
const realSetTimeout = globalThis.setTimeout;

/**
 * Let promise chains and stream callbacks run (setImmediate is left real), and let file system requests in
 * flight finish before fake time moves on: on a loaded machine a journal write can take tens of real
 * milliseconds, and ticking meanwhile would run fake time out from under code that is only waiting for a disk.
 */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
  while (process.getActiveResourcesInfo().some((resource) => resource.startsWith("FSReq"))) {
    await new Promise((resolve) => realSetTimeout(resolve, 1));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Start `start()` on fake time, ticking `stepMs` at a time until it settles or `limitMs` of fake time passed;
 * then `after(tick)` may move time further (to show that nothing else happens). Real timers come back after.
 */
export async function onFakeTime<T>(
  start: () => Promise<T>,
  options: {
    stepMs?: number;
    limitMs?: number;
    after?: (tick: (ms: number) => Promise<void>) => Promise<void>;
  } = {},
): Promise<FakeTimeOutcome<T>> {
  const { stepMs = 10, limitMs = 120_000 } = options;
  mock.timers.enable({ apis: ["setTimeout", "setInterval", "Date"] });
  try {
    let settled: FakeTimeOutcome<T>["settled"];
    start().then(
      (value) => (settled = { value }),
      (error: unknown) => (settled = { error }),
    );
    let elapsedMs = 0;
    await turns();
    while (!settled && elapsedMs < limitMs) {
      mock.timers.tick(stepMs);
      elapsedMs += stepMs;
      await turns();
    }
    const tick = async (ms: number) => {
      for (let t = 0; t < ms; t += stepMs) {
        mock.timers.tick(stepMs);
        await turns();
      }
    };
    await options.after?.(tick);
    return { settled, elapsedMs };
  } finally {
    mock.timers.reset();
  }
}
