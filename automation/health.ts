// Waiting for and checking the health of a colour through the CloudProbe: `desired` healthy targets in
// the colour's target group, where `desired` is the auto scaling group's desired capacity.
import type { Colour, FleetOutputs } from "../programs/contract";
import { errorMessage, ProbeFailedError, UnhealthyError } from "./errors";
import type { CloudProbe, TargetGroupHealth } from "./seams";

export interface Clock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface HealthReading {
  healthy: number;
  desired: number;
  byState: Record<string, number>;
}

/** One reading: throws UnhealthyError unless every desired target is healthy (and at least one is desired). */
export async function checkHealthy(
  probe: CloudProbe,
  colour: Colour,
  fleet: FleetOutputs,
  signal?: AbortSignal,
): Promise<HealthReading> {
  const reading = await read(probe, fleet, signal);
  const problem = unhealthyReason(reading);
  if (problem) throw new UnhealthyError(colour, reading.healthy, reading.desired, reading.byState, problem);
  return reading;
}

async function read(probe: CloudProbe, fleet: FleetOutputs, signal?: AbortSignal): Promise<HealthReading> {
  const desired = await probe.desiredCapacity(fleet.autoScalingGroupName, signal);
  const health: TargetGroupHealth = await probe.targetGroupHealth(fleet.targetGroupArn, signal);
  return { healthy: health.healthy, desired, byState: health.byState };
}

function unhealthyReason(reading: HealthReading): string | undefined {
  if (reading.desired < 1) return "its auto scaling group wants no instances";
  if (reading.healthy < reading.desired) return "fewer healthy targets than desired";
  return undefined;
}

export interface WaitOptions {
  timeoutMs: number;
  /** First pause between polls; doubles each poll up to `maxDelayMs`. @default 2000 */
  initialDelayMs?: number;
  /** @default 15000 */
  maxDelayMs?: number;
  clock: Clock;
  signal?: AbortSignal;
  onReading?: (reading: HealthReading, attempt: number) => void;
}

/**
 * True for a probe error that says polling again cannot help (`retryable: false`: no region or
 * credentials, a target group that does not exist, access denied). Errors without the flag count as
 * transient: an unknown probe must not turn one network blip into a failed release.
 */
export function isPermanentProbeError(error: unknown): boolean {
  return (
    typeof error === "object" && error !== null && (error as { retryable?: unknown }).retryable === false
  );
}

/**
 * Poll until every desired target is healthy, with exponential backoff, until the deadline. Transient
 * probe errors (throttling, timeouts, errors without a `retryable` flag) count as a failed poll and are
 * retried; the last one is in the final error. A permanent one (`retryable: false`) ends the wait at once
 * with ProbeFailedError, instead of holding the release for the whole timeout.
 */
export async function waitHealthy(
  probe: CloudProbe,
  colour: Colour,
  fleet: FleetOutputs,
  options: WaitOptions,
): Promise<HealthReading> {
  const { clock, signal } = options;
  const deadline = clock.now() + options.timeoutMs;
  let delay = options.initialDelayMs ?? 2000;
  let last: HealthReading = { healthy: 0, desired: fleet.desiredCapacity, byState: {} };
  let lastProblem: string;
  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      last = await read(probe, fleet, signal);
      options.onReading?.(last, attempt);
      const problem = unhealthyReason(last);
      if (!problem) return last;
      lastProblem = problem;
    } catch (error) {
      if (signal?.aborted) throw error;
      if (isPermanentProbeError(error)) throw new ProbeFailedError(colour, attempt, error);
      lastProblem = `probe error: ${errorMessage(error)}`;
    }
    const remaining = deadline - clock.now();
    if (remaining <= 0) {
      throw new UnhealthyError(
        colour,
        last.healthy,
        last.desired,
        last.byState,
        `${lastProblem} after ${attempt} checks in ${options.timeoutMs} ms`,
      );
    }
    await clock.sleep(Math.min(delay, remaining), signal);
    delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000);
  }
}
