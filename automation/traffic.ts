// Pure helpers about traffic: weights, the idle colour, what a swap retires.
import type { OpMap } from "@pulumi/pulumi/automation";
import { COLOURS, otherColour, type Colour } from "../programs/contract";
import { liveColour, type DeploymentState } from "./deploymentState";
import type { JournalEntry, JournalSnapshot } from "./journal";

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
 * already holding `release` (a redeploy updates it in place), else one without a fleet (blue first), else blue.
 */
export function idleColour(state: DeploymentState, release?: string): Colour {
  const live = liveColour(state.weights);
  if (live) return otherColour(live);
  const same = release === undefined ? undefined : COLOURS.find((c) => state.fleets[c]?.release === release);
  return same ?? COLOURS.find((c) => !state.fleets[c]) ?? "blue";
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
      entry.type === "step" &&
      entry.status === "ok" &&
      entry.colour &&
      /(^|:)wait-healthy$/.test(entry.step)
    )
      return entry.colour;
  }
  return undefined;
}

export function retirement(
  before: JournalSnapshot | undefined,
  from: Colour | undefined,
): { colour: Colour; release: string } | undefined {
  if (from === undefined) return undefined;
  const release = before?.releases[from];
  return release ? { colour: from, release } : undefined;
}
