// Pure helpers about traffic: weights, the idle colour, what a swap retires.
import type { OpMap } from "@pulumi/pulumi/automation";
import { COLOURS, otherColour, type Colour } from "../programs/contract";
import { liveColour, type DeploymentState } from "./deploymentState";
import type { JournalSnapshot } from "./journal";

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

/** The colour `up` deploys to: the one without traffic; both without (never after bootstrap): a missing one, else blue. */
export function idleColour(state: DeploymentState): Colour {
  const live = liveColour(state.weights);
  if (live) return otherColour(live);
  return COLOURS.find((c) => !state.fleets[c]) ?? "blue";
}

export function retirement(
  before: JournalSnapshot | undefined,
  from: Colour,
): { colour: Colour; release: string } | undefined {
  const release = before?.releases[from];
  return release ? { colour: from, release } : undefined;
}
