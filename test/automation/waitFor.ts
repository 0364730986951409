// Bounded waits for tests that watch a workflow run in the background. A poll that never ends keeps the
// event loop alive after its test failed (mocha, without --exit, then never exits): every wait here has a
// deadline, clears its timer, and fails with what it was waiting for.

/** Where a wait reads the time and how it lets the awaited work go on between two looks. */
export interface PollClock {
  now(): number;
  /** Give the event loop a turn (timers included) before the next look. */
  pause(): Promise<void>;
}

/** The wall clock: a deadline only, never a sleep of a fixed length (a look every 2 ms). */
export const WALL_CLOCK: PollClock = {
  now: () => Date.now(),
  pause: () => new Promise((resolve) => setTimeout(resolve, 2)),
};

/** Resolve once `condition()` is true; reject after `timeoutMs`, naming `what`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 10_000,
  clock: PollClock = WALL_CLOCK,
): Promise<void> {
  const deadline = clock.now() + timeoutMs;
  while (!condition()) {
    if (clock.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await clock.pause();
  }
}

/**
 * Resolve once `reached()` is true while `run` is still going (the run is then parked at the point the test
 * wanted). If `run` settles first, reject with how it ended: the test then fails at once with the
 * workflow's own error, instead of polling for a point that will never come.
 */
export async function whileRunning(
  run: Promise<unknown>,
  reached: () => boolean,
  what: string,
  timeoutMs = 10_000,
  clock: PollClock = WALL_CLOCK,
): Promise<void> {
  let outcome: { error: unknown } | { value: unknown } | undefined;
  run.then(
    (value) => (outcome = { value }),
    (error: unknown) => (outcome = { error }),
  );
  await waitFor(() => reached() || outcome !== undefined, what, timeoutMs, clock);
  if (reached()) return;
  if (outcome && "error" in outcome) {
    const error = outcome.error;
    throw new Error(
      `The workflow failed before ${what}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      { cause: error },
    );
  }
  throw new Error(`The workflow finished before ${what} (result ${JSON.stringify(outcome?.value)})`);
}
