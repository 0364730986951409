// The real clock's sleep, shared by the workflows' default clock and the in-memory engine's simulated latency.

/**
 * Wait `ms`; an abort of `signal` ends the wait at once, rejecting with the signal's reason. A workflow passes
 * one signal to every wait and engine call it makes: each sleep takes its listener off again when it ends, or
 * the signal collects one per sleep (Node warns of a leak past ten).
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => (clearTimeout(timer), reject(signal!.reason));
    const timer = setTimeout(() => (signal?.removeEventListener("abort", onAbort), resolve()), ms);
    // Stryker disable next-line BooleanLiteral,ObjectLiteral: a signal sends "abort" once: without `once` the same
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
