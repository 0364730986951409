// Changing a fleet's capacity in place: the one change a running release may take (the update guard,
// components/immutability/updateGuard.ts, allows minSize, maxSize and desiredCapacity of an auto scaling group
// and nothing else). A capacity step sets only those three config keys of the colour's stack and runs its
// `up`; the release identity, and so every resource name, stays the same.
import { CONFIG_NAMESPACE, type Colour, type FleetOutputs } from "../../programs/contract";
import { FLEET_DEFAULTS } from "../../components/fleetSettings";
import { plainOutputs } from "../deploymentState";
import { waitHealthy, type HealthReading } from "../health";
import type { CapacityConfig } from "../journal";
import type { WorkflowRun } from "../workflowRun";
import type { WorkflowSteps } from "../workflowSteps";

/** A fleet's capacity in numbers. */
export interface FleetCapacity {
  min: number;
  max: number;
  desired: number;
}

const KEYS = { min: "minSize", max: "maxSize", desired: "desiredCapacity" } as const;

/** The capacity config of a colour's stack, raw ("" or absent: the program's default). */
export async function readCapacityConfig(steps: WorkflowSteps, colour: Colour): Promise<CapacityConfig> {
  const config = await (await steps.ctx.stacks.select(colour)).getAllConfig();
  const raw: CapacityConfig = {};
  for (const key of Object.values(KEYS)) {
    const value = config[`${CONFIG_NAMESPACE}:${key}`]?.value;
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: "" and absent read alike (resolveCapacity, capacityValues, recovery); kept out only so that the journal's scaledFrom stays short
    if (value !== undefined && value !== "") raw[key] = value;
  }
  return raw;
}

/** The numbers a capacity config stands for, the fleet program's defaults filled in. */
export function resolveCapacity(raw: CapacityConfig): FleetCapacity {
  const number = (value: string | undefined, fallback: number) =>
    // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: readCapacityConfig leaves "" out; "" is still the program's default (never Number("") = 0) for a config built elsewhere
    value === undefined || value === "" ? fallback : Number(value);
  return {
    min: number(raw.minSize, FLEET_DEFAULTS.minSize),
    max: number(raw.maxSize, FLEET_DEFAULTS.maxSize),
    desired: number(raw.desiredCapacity, FLEET_DEFAULTS.desiredCapacity),
  };
}

/** `capacity` with `desired` instances: the minimum lowered (never the maximum) so the group accepts it. */
export function withDesired(capacity: FleetCapacity, desired: number): FleetCapacity {
  return { min: Math.min(capacity.min, desired), max: Math.max(capacity.max, desired), desired };
}

export function describeCapacity(capacity: FleetCapacity): string {
  return `desired ${capacity.desired} (min ${capacity.min}, max ${capacity.max})`;
}

/** The config keys of a capacity: numbers, or a raw config put back as it was ("" for a key it lacked). */
function capacityValues(capacity: FleetCapacity | CapacityConfig): Record<string, string | number> {
  if ("desired" in capacity) {
    return { [KEYS.min]: capacity.min, [KEYS.max]: capacity.max, [KEYS.desired]: capacity.desired };
  }
  return Object.fromEntries(Object.values(KEYS).map((key) => [key, capacity[key] ?? ""]));
}

/**
 * Set a colour's capacity (one `up` of its stack that updates its auto scaling group in place) and return the
 * fleet's outputs. Not journaled: callers wrap it in a step, with `scaledFrom` when recovery must undo it.
 */
export async function setCapacity(
  steps: WorkflowSteps,
  run: WorkflowRun,
  colour: Colour,
  capacity: FleetCapacity | CapacityConfig,
  abortable: boolean,
): Promise<FleetOutputs> {
  const stack = await steps.ctx.stacks.select(colour);
  await stack.setAllConfig(steps.ctx.stacks.config(colour, capacityValues(capacity)));
  const result = await stack.up(run.engineOptions(stack.name, "up", abortable));
  return plainOutputs(result.outputs) as unknown as FleetOutputs;
}

/**
 * A journaled capacity step. `scaledFrom`: the colour's capacity config before it, for a colour that stays
 * (recovery puts it back); left out for the new fleet, which recovery destroys.
 */
export function scaleStep(
  steps: WorkflowSteps,
  run: WorkflowRun,
  name: string,
  colour: Colour,
  capacity: FleetCapacity,
  scaledFrom?: CapacityConfig,
): Promise<FleetOutputs> {
  return run.step(name, () => setCapacity(steps, run, colour, capacity, true), {
    colour,
    detail: `${colour} to ${describeCapacity(capacity)}`,
    ...(scaledFrom ? { scaledFrom } : {}),
  });
}

/** Put a colour's capacity config back as it was (a compensation: retried, not abortable). */
export function restoreCapacityStep(
  steps: WorkflowSteps,
  run: WorkflowRun,
  name: string,
  colour: Colour,
  raw: CapacityConfig,
): Promise<FleetOutputs> {
  return run.step(
    name,
    () => steps.retry(() => setCapacity(steps, run, colour, raw, false)),
    { colour, detail: `${colour} back to ${describeCapacity(resolveCapacity(raw))}` },
    false,
  );
}

/** Wait until every desired target of the colour is healthy, as `up` does (journaled, health events). */
export function waitHealthyStep(
  steps: WorkflowSteps,
  run: WorkflowRun,
  name: string,
  colour: Colour,
  fleet: FleetOutputs,
  abortable = true,
): Promise<HealthReading> {
  const { probe, clock, healthTimeoutMs, healthPollMs } = steps.ctx;
  return run.step(
    name,
    () =>
      waitHealthy(probe, colour, fleet, {
        timeoutMs: healthTimeoutMs,
        initialDelayMs: healthPollMs,
        clock,
        signal: abortable ? run.signal : undefined,
        onReading: (reading, attempt) =>
          run.emitEvent({ kind: "health", colour, ...reading, attempt, at: clock.now() }),
      }),
    { colour },
    abortable,
  );
}
