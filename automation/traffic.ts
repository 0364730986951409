// Pure helpers about traffic: weights, the idle colour, what a swap retires.
import type { OpMap } from "@pulumi/pulumi/automation";
import { COLOURS, otherColour, type Colour } from "../programs/contract";
import { isSplit, liveColour, type DeploymentState } from "./deploymentState";
import { isHealthWaitStep } from "./events";
import type { FleetRecord, JournalEntry, JournalSnapshot } from "./journal";

/** Resources an update changed: every op but `same` (and reads). */
export function changedCount(changes: OpMap | undefined): number {
  return Object.entries(changes ?? {})
    .filter(([op]) => op !== "same" && op !== "read")
    .reduce((sum, [, n]) => sum + (n ?? 0), 0);
}

export function weightsFor(colour: Colour, weight: number): Record<Colour, number> {
  return { [colour]: weight, [otherColour(colour)]: 100 - weight } as Record<Colour, number>;
}

export function describeWeights(weights: Record<Colour, number>): string {
  return `blue ${weights.blue} % / green ${weights.green} %`;
}

/**
 * The colour `up` deploys to: the one without traffic. With no release live (0/0) both are idle: the colour
 * already holding `release` (a redeploy updates it in place), else one without a fleet (blue first), else the
 * one deployed earlier by the deployment records (`deployedAt`; a fleet without a record counts as the
 * earliest), else blue.
 */
export function idleColour(
  state: DeploymentState,
  release?: string,
  deployedAt: Partial<Record<Colour, number>> = {},
): Colour {
  const live = liveColour(state.weights);
  if (live) return otherColour(live);
  // Stryker disable next-line ConditionalExpression: without a release, the search finds the first colour without a fleet, which is `empty`
  const same = release === undefined ? undefined : COLOURS.find((c) => state.fleets[c]?.release === release);
  const empty = COLOURS.find((c) => !state.fleets[c]);
  if (same ?? empty) return (same ?? empty)!;
  const at = (colour: Colour) => deployedAt[colour] ?? -Infinity;
  return at("green") < at("blue") ? "green" : "blue";
}

/**
 * When each colour's current fleet was deployed, from the deployment records (the `deploy` step's record of
 * its deployment id). For fleets without a deployment id (older records): when that colour's last deployment
 * finished. A colour with no record is left out.
 */
export function deploymentTimes(
  entries: JournalEntry[],
  state: DeploymentState,
): Partial<Record<Colour, number>> {
  const times: Partial<Record<Colour, number>> = {};
  for (const colour of COLOURS) {
    const fleet = state.fleets[colour];
    if (!fleet) continue;
    for (let i = entries.length - 1; i >= 0; i--) {
      const entry = entries[i];
      // Stryker disable next-line ConditionalExpression: the type test only narrows the entry; begin entries have no status, end entries no colour
      if (entry.type !== "step" || entry.status !== "ok" || entry.colour !== colour) continue;
      const matches = fleet.deploymentId
        ? entry.deployed?.deploymentId === fleet.deploymentId
        : entry.deployed !== undefined || isHealthWaitStep(entry.step);
      if (matches) {
        times[colour] = Date.parse(entry.at);
        break;
      }
    }
  }
  return times;
}

/** True while no colour serves: the router at 0/0 (bootstrapped, no release swapped live yet). */
export function nothingLive(weights: Record<Colour, number>): boolean {
  return liveColour(weights) === undefined;
}

/**
 * The colour whose deployment finished last (its `wait-healthy` step ok), from the journal: with nothing
 * live and both colours deployed, that is the new release the first swap puts live.
 */
export function lastDeployedColour(entries: JournalEntry[]): Colour | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (
      // Stryker disable next-line ConditionalExpression: the type test only narrows the entry; begin entries have no status, end entries no colour
      entry.type === "step" &&
      entry.status === "ok" &&
      entry.colour &&
      isHealthWaitStep(entry.step)
    )
      return entry.colour;
  }
  return undefined;
}

/**
 * The fleet a traffic move retired: the one `from` held when the workflow began. None when the traffic was
 * split then (only `rollback` starts from a split): that colour never served all of it.
 */
export function retirement(
  before: JournalSnapshot | undefined,
  from: Colour | undefined,
): FleetRecord | undefined {
  // Stryker disable next-line ConditionalExpression: without `from` the snapshot has no release under it, and the next line returns undefined
  if (from === undefined) return undefined;
  if (before && isSplit(before.weights)) return undefined;
  const release = before?.releases[from];
  if (!release) return undefined;
  // Stryker disable next-line OptionalChaining: `before` is defined here (the line above returned without its release)
  const deploymentId = before?.deployments?.[from];
  return { colour: from, release, ...(deploymentId ? { deploymentId } : {}) };
}
