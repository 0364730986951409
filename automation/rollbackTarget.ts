// The rollback target, from the deployment records: the fleet that served before the current one, and only
// while that very fleet still exists on the other colour. Pure: `rollback` refuses with it before any
// mutating call, `status` and the CLI's confirmation name it.
//
// What the records say: every traffic move (swap, rollback) ends with the fleet it took the traffic off
// (`retired`: colour, release, deployment id). The last such record names the fleet that served before the
// current one. The stacks say which fleet each colour holds now (its `deploymentId` output, new for every
// `up`). The two must name the same deployment: a release never live, a redeploy of a release that served
// (its own deployment id), or a fleet the records cannot identify is not a rollback target.
//
// With the traffic split (a console edit, or a canary step that recovery could not undo), rollback goes back to
// the fleet the records last saw take all of it, while that very fleet still runs: the way out of a split that
// `up` and `swap` refuse to build on.
import { otherColour, type Colour } from "../programs/contract";
import { isSplit, liveColour, type DeploymentState } from "./deploymentState";
import type { FleetRecord, JournalEntry, JournalSnapshot } from "./journal";
import { describeWeights } from "./traffic";
import type { RollbackStatus } from "./types";

/**
 * Why there is no rollback target: no release live; no fleet on the other colour; its fleet never served;
 * it is a redeploy of a release whose served fleet is gone; it served, but not just before the current
 * release; the records cannot identify it (deployed without a deployment id); or the traffic is split and no
 * fleet the records saw take all of it still runs.
 */
export type NoRollbackReason =
  "nothing-live" | "no-fleet" | "never-served" | "redeployed" | "not-previous" | "unidentified" | "split";

/** A fleet as the rollback target names it. */
export interface RollbackFleet {
  colour: Colour;
  release: string;
  deploymentId?: string;
}

export type RollbackTarget =
  | {
      available: true;
      /** The live colour and its fleet (the traffic leaves it). */
      from: Colour;
      current?: RollbackFleet;
      /** The fleet that served before the current one, which gets 100 % of the traffic. */
      target: RollbackFleet & { deploymentId: string };
      /** When the traffic left it (ISO), from the records; with the traffic split, when they last saw it take all. */
      servedUntil: string;
      /** The weights found, when the traffic is split (the target still serves part of it). */
      split?: Record<Colour, number>;
    }
  | {
      available: false;
      reason: NoRollbackReason;
      /** The live colour and its fleet, when a release is live. */
      from?: Colour;
      current?: RollbackFleet;
      /** The fleet on the other colour, when there is one (it is not a rollback target). */
      candidate?: RollbackFleet;
      /** The fleet that served before the current one, when the records name one. */
      previous?: FleetRecord;
      /** Why, as a sentence. */
      explanation: string;
    };

/** The last traffic move's record: the fleet that served before the current one. */
export function lastRetired(entries: JournalEntry[]): (FleetRecord & { at: string }) | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    // Stryker disable next-line ConditionalExpression: the type test only narrows the entry for TypeScript; no other entry type has `retired`
    if (entry.type === "end" && entry.status === "ok" && entry.retired)
      return { ...entry.retired, at: entry.at };
  }
  return undefined;
}

const describe = (fleet: { release: string; deploymentId?: string }) =>
  `release ${fleet.release}${fleet.deploymentId ? `, deployment ${fleet.deploymentId}` : ""}`;

/** The way out of split traffic when no fleet can take it all back, as the refusals say it. */
export const SET_WEIGHTS_BY_HAND =
  "set the router's weights by hand (its stack's `phoenix:blueWeight` and `phoenix:greenWeight` config, 100 " +
  "and 0, then `pulumi up` of that stack)";

/** The colour a snapshot shows with all the traffic. */
const wholeColour = (weights: Record<Colour, number>): Colour | undefined =>
  weights.blue === 100 ? "blue" : weights.green === 100 ? "green" : undefined;

/**
 * The fleet the records last saw take all the traffic: the colour at 100 % in the latest `read-state` snapshot,
 * or, when a traffic move (swap, rollback, release) completed after it, the colour that move gave the traffic
 * to, with the fleet that colour held in that workflow (its snapshot, or a fleet the workflow deployed).
 */
export function lastWhole(entries: JournalEntry[]): (FleetRecord & { at: string }) | undefined {
  let whole: (FleetRecord & { at: string }) | undefined;
  const fleets = new Map<string, Required<Pick<JournalSnapshot, "releases" | "deployments">>>();
  const fleetIn = (id: string, colour: Colour, at: string) => {
    const known = fleets.get(id);
    const release = known?.releases[colour];
    const deploymentId = known?.deployments[colour];
    return release === undefined
      ? undefined
      : { colour, release, ...(deploymentId ? { deploymentId } : {}), at };
  };
  for (const entry of entries) {
    // Stryker disable next-line ConditionalExpression: the type test only narrows the entry for TypeScript; no other entry type has `state`
    if (entry.type === "step" && entry.state) {
      const { releases, deployments = {}, weights } = entry.state;
      fleets.set(entry.id, { releases: { ...releases }, deployments: { ...deployments } });
      const colour = wholeColour(weights);
      if (colour) whole = fleetIn(entry.id, colour, entry.at);
    } else if (
      // Stryker disable next-line ConditionalExpression: the type test only narrows the entry for TypeScript; no other entry type has `deployed`
      entry.type === "step" &&
      entry.status === "ok" &&
      entry.deployed
    ) {
      const known = fleets.get(entry.id);
      const { colour, release, deploymentId } = entry.deployed;
      if (known) {
        known.releases[colour] = release;
        // Stryker disable next-line ConditionalExpression: storing an undefined id reads back as no id, like deleting it
        if (deploymentId) known.deployments[colour] = deploymentId;
        else delete known.deployments[colour];
      }
    } else if (
      // Stryker disable next-line ConditionalExpression: the type test only narrows the entry for TypeScript; no other entry type has `retired`
      entry.type === "end" &&
      entry.status === "ok" &&
      entry.retired
    ) {
      whole = fleetIn(entry.id, otherColour(entry.retired.colour), entry.at);
    }
  }
  return whole;
}

/** With the traffic split: the fleet the records last saw take all of it, if that very fleet still runs. */
function splitTarget(state: DeploymentState, entries: JournalEntry[]): RollbackTarget {
  const whole = lastWhole(entries);
  const fleet = whole && state.fleets[whole.colour];
  const split = describeWeights(state.weights);
  if (whole?.deploymentId && fleet?.deploymentId === whole.deploymentId) {
    const from = otherColour(whole.colour);
    const current = state.fleets[from];
    return {
      available: true,
      from,
      current: current && { colour: from, release: current.release, deploymentId: current.deploymentId },
      target: { colour: whole.colour, release: fleet.release, deploymentId: whole.deploymentId },
      servedUntil: whole.at,
      split: { ...state.weights },
    };
  }
  const last = whole
    ? fleet
      ? `${whole.colour} took it last (${describe(whole)}) and now holds another fleet (${describe(fleet)})`
      : `${whole.colour} took it last (${describe(whole)}) and holds no fleet now`
    : "the records name no colour that took all of it";
  return {
    available: false,
    reason: "split",
    explanation: `the traffic is split (${split}) and no fleet the records saw take all of it still runs: ${last}`,
  };
}

/**
 * What to do about split traffic that a workflow refuses to build on: `rollback` when it can go back to the
 * fleet that last took all the traffic, else set the router's weights by hand.
 */
export function splitTrafficAdvice(state: DeploymentState, entries: JournalEntry[]): string {
  const target = splitTarget(state, entries);
  if (target.available) {
    return (
      `run \`phoenix rollback\` to put 100 % back on ${target.target.colour} (${describe(target.target)}, the fleet ` +
      `that last took all the traffic), then retry`
    );
  }
  return `${target.explanation}, so \`phoenix rollback\` cannot choose a colour: ${SET_WEIGHTS_BY_HAND}, then retry`;
}

/** The fleet `rollback` would give the traffic to, or why there is none. */
export function rollbackTarget(state: DeploymentState, entries: JournalEntry[]): RollbackTarget {
  if (isSplit(state.weights)) return splitTarget(state, entries);
  const from = liveColour(state.weights);
  if (!from) {
    return {
      available: false,
      reason: "nothing-live",
      explanation:
        "no release has gone live yet (the router is at 0/0), so there is nothing to roll back from",
    };
  }
  const fleetOf = (colour: Colour): RollbackFleet | undefined => {
    const fleet = state.fleets[colour];
    return fleet && { colour, release: fleet.release, deploymentId: fleet.deploymentId };
  };
  const current = fleetOf(from);
  const to = otherColour(from);
  const candidate = fleetOf(to);
  const previous = lastRetired(entries);
  const refuse = (reason: NoRollbackReason, explanation: string): RollbackTarget => ({
    available: false,
    reason,
    from,
    current,
    candidate,
    previous,
    explanation,
  });
  const servedBefore = previous
    ? `the release that served before the current one was ${previous.release} on ${previous.colour}`
    : "the records name no release that served before the current one";
  if (!candidate) {
    return refuse(
      "no-fleet",
      `the ${to} colour holds no fleet (destroyed, or never deployed); ${servedBefore}`,
    );
  }
  if (!candidate.deploymentId) {
    return refuse(
      "unidentified",
      `the deployment records cannot identify the fleet on ${to} (${describe(candidate)}): it has no deployment ` +
        `id (deployed by hand, or before Phoenix recorded fleet identities), so nothing shows it is a fleet that served`,
    );
  }
  if (previous?.colour === to && previous.deploymentId === candidate.deploymentId) {
    return {
      available: true,
      from,
      current,
      target: { ...candidate, deploymentId: candidate.deploymentId },
      servedUntil: previous.at,
    };
  }
  const everServed = entries.some(
    // Stryker disable next-line ConditionalExpression: the type test only narrows the entry for TypeScript; no other entry type has `retired`
    (e) => e.type === "end" && e.status === "ok" && e.retired?.deploymentId === candidate.deploymentId,
  );
  if (everServed) {
    return refuse(
      "not-previous",
      `the fleet on ${to} (${describe(candidate)}) served, but not just before the current release; ${servedBefore}`,
    );
  }
  const releaseServed = entries.some(
    // Stryker disable next-line ConditionalExpression: the type test only narrows the entry for TypeScript; no other entry type has `retired`
    (e) => e.type === "end" && e.status === "ok" && e.retired?.release === candidate.release,
  );
  if (releaseServed) {
    return refuse(
      "redeployed",
      `the fleet on ${to} (${describe(candidate)}) is a redeploy of release ${candidate.release} that has never served: the ` +
        `${candidate.release} fleet that served is gone`,
    );
  }
  return refuse(
    "never-served",
    `the fleet on ${to} (${describe(candidate)}) has never served traffic; ${servedBefore}` +
      (previous?.colour === to ? `, and that fleet is gone from ${to}` : ""),
  );
}

/** The rollback target as `status` reports it. */
export function rollbackStatus(target: RollbackTarget): RollbackStatus {
  if (target.available) {
    const { colour, release, deploymentId } = target.target;
    return {
      available: true,
      colour,
      release,
      deploymentId,
      servedUntil: target.servedUntil,
      explanation: target.split
        ? `the traffic is split (${describeWeights(target.split)}): rollback puts 100 % back on ${colour} ` +
          `(${describe(target.target)}), the fleet the records last saw take all of it, at ${target.servedUntil}`
        : `rollback puts 100 % back on ${colour} (${describe(target.target)}), the fleet that served until ` +
          `${target.servedUntil}`,
    };
  }
  return {
    available: false,
    ...(target.candidate
      ? {
          colour: target.candidate.colour,
          release: target.candidate.release,
          deploymentId: target.candidate.deploymentId,
        }
      : {}),
    reason: target.reason,
    explanation: target.explanation,
  };
}
