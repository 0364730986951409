// The typed errors of the workflows. Every message says what went wrong and what to do next; callers
// (the CLI, a deploy bot) branch on the class and read the structured fields, never parse the text.
import type { Colour } from "../programs/contract";

/** Base class of every error a workflow throws on purpose. */
export class WorkflowError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Bad options: every problem at once, before any engine call. */
export class InvalidInputError extends WorkflowError {
  constructor(readonly problems: string[]) {
    super(`Invalid input:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
  }
}

/** Who holds an app/env lock, as written next to the lock when it was taken. */
export interface LockHolder {
  pid: number;
  host: string;
  /** The OS user, when known. */
  user?: string;
  workflow: string;
  /** ISO time the lock was taken. */
  since: string;
}

/** Another workflow holds the app/env lock. */
export class LockedError extends WorkflowError {
  constructor(
    readonly lockPath: string,
    readonly holder: LockHolder | undefined,
  ) {
    const who = holder
      ? `\`${holder.workflow}\` (pid ${holder.pid}${holder.user ? ` of ${holder.user}` : ""} on ${holder.host}, since ${holder.since})`
      : "another workflow (holder unknown)";
    super(
      `${who} holds the lock ${lockPath}: wait for it to finish and retry. ` +
        `A lock whose holder died is recognised as stale and taken over automatically.`,
    );
  }
}

/** The lock was lost while the workflow ran (its file removed or not refreshed in time). */
export class LockCompromisedError extends WorkflowError {}

/** The network or router stack does not exist yet. */
export class NotBootstrappedError extends WorkflowError {
  constructor(
    readonly app: string,
    readonly env: string,
    readonly missing: string[],
  ) {
    super(
      `${app}/${env} is not bootstrapped (missing stacks: ${missing.join(", ")}): run \`phoenix bootstrap --app ${app} --env ${env}\` first`,
    );
  }
}

/** The VPC and subnets of a network stack (an existing VPC given to bootstrap, or what a stack uses). */
export interface NetworkVpc {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

/**
 * Bootstrap was given an existing VPC that differs from the one the network stack was deployed with.
 * Bootstrap never changes an existing network: moving it to another VPC would replace the load balancer,
 * its security groups, both target groups and every fleet.
 */
export class NetworkMismatchError extends WorkflowError {
  constructor(
    readonly stack: string,
    readonly deployed: NetworkVpc,
    readonly requested: NetworkVpc,
  ) {
    const subnets = (v: NetworkVpc) =>
      `public subnets ${v.publicSubnetIds.join(", ")}; private subnets ${v.privateSubnetIds.join(", ")}`;
    super(
      deployed.vpcId !== requested.vpcId
        ? `${stack} uses VPC ${deployed.vpcId}, not ${requested.vpcId}: nothing was changed. Bootstrap never ` +
            `moves an existing network, since another VPC would replace its load balancer, security groups, ` +
            `target groups and every fleet. Leave out the VPC options (or give ${deployed.vpcId}) to keep it; ` +
            `to move, bootstrap a new env in ${requested.vpcId}, release there and destroy the old stacks.`
        : `${stack} uses VPC ${deployed.vpcId} with ${subnets(deployed)}; bootstrap was given ` +
            `${subnets(requested)}: nothing was changed. Bootstrap never changes an existing network: set ` +
            `phoenix:publicSubnetIds and phoenix:privateSubnetIds on ${stack} and run \`pulumi up\` on it ` +
            `(fleets move at their next \`phoenix up\`), or leave out the subnet options.`,
    );
  }
}

/** A preview showed an in-place update of a resource type that may only be replaced. */
export class ImmutableUpdateError extends WorkflowError {
  constructor(readonly updates: { urn: string; type: string; keys: string[] }[]) {
    super(
      `Refusing an in-place update of immutable resources:\n` +
        updates.map((u) => `  - ${u.urn} (${u.type}): ${u.keys.join(", ") || "unknown keys"}`).join("\n") +
        `\nNothing was changed. Give the release a new identity (its name must change with its AMI, instance ` +
        `type or user data) so the engine replaces the fleet instead of mutating it.`,
    );
  }
}

/** The colour to replace or destroy is the rollback target and still inside its keep-warm window. */
export class KeepWarmError extends WorkflowError {
  constructor(
    readonly colour: Colour,
    readonly release: string,
    readonly remainingMs: number,
  ) {
    super(
      `The ${colour} colour (release ${release}) is the rollback target for another ${Math.ceil(remainingMs / 60000)} min ` +
        `(keep-warm window): wait, or pass \`force\` (\`--force\`) to give up the rollback.`,
    );
  }
}

/** A colour with traffic (or the live colour) cannot be destroyed or replaced. */
export class ColourInUseError extends WorkflowError {
  constructor(
    readonly colour: Colour,
    readonly weight: number,
  ) {
    super(
      `The ${colour} colour has ${weight} % of the traffic: swap the traffic away first (\`phoenix swap\` or \`phoenix rollback\`), then destroy it.`,
    );
  }
}

/** The colour a workflow needs holds no fleet. */
export class ColourMissingError extends WorkflowError {
  constructor(
    readonly colour: Colour,
    what: string,
  ) {
    super(
      `The ${colour} colour has no fleet, so ${what}: deploy one with \`phoenix up --release <name> --image <ami>\`.`,
    );
  }
}

/** Target health did not reach the desired count before the deadline. */
export class UnhealthyError extends WorkflowError {
  constructor(
    readonly colour: Colour,
    readonly healthy: number,
    readonly desired: number,
    readonly byState: Record<string, number>,
    reason: string,
  ) {
    const states = Object.entries(byState)
      .map(([state, n]) => `${n} ${state}`)
      .join(", ");
    super(
      `The ${colour} colour is not healthy (${healthy}/${desired} healthy targets${states ? `: ${states}` : ""}; ${reason}). ` +
        `Check the instances' health check endpoint and boot logs (console output) before retrying.`,
    );
  }
}

/**
 * The health probe failed with an error that polling again cannot fix (its `retryable` is false: AWS not
 * configured, a target group or auto scaling group that does not exist, access denied). The wait stops at
 * once; the probe error's own message says what to fix.
 */
export class ProbeFailedError extends WorkflowError {
  constructor(
    readonly colour: Colour,
    readonly attempt: number,
    override readonly cause: unknown,
  ) {
    super(
      `Cannot check the health of the ${colour} colour: ${errorMessage(cause)} ` +
        `(the probe says retrying cannot help, so the health wait stopped at check ${attempt} instead of ` +
        `polling until its timeout)`,
    );
  }
}

/** A swap (or heal's swap) failed at one step; traffic was put back. */
export class SwapFailedError extends WorkflowError {
  constructor(
    readonly step: number,
    readonly weight: number,
    readonly reason: string,
    /**
     * Where the traffic was put back: the old colour at 100 %, `"none"` for the router back at 0/0 (the
     * first swap, when no release was live), or undefined when the router was never changed.
     */
    readonly restoredTo: Colour | "none" | undefined,
    override readonly cause?: unknown,
  ) {
    super(
      `Swap failed at step ${step} (${weight} %): ${reason}. ` +
        (restoredTo === "none"
          ? "The router is back at 0/0: no colour serves, as before the swap. "
          : restoredTo
            ? `Traffic is back at 100 % on ${restoredTo}. `
            : "") +
        `Fix the new colour and run \`phoenix swap\` again, or destroy it.`,
    );
  }
}

/** A verify step after a swap step found a problem. */
export class VerifyFailedError extends WorkflowError {}

/** `up` failed; what it had created was destroyed (or, if not, `leftBehind` says what remains). */
export class DeployFailedError extends WorkflowError {
  constructor(
    readonly colour: Colour,
    readonly release: string,
    readonly reason: string,
    readonly cleanedUp: boolean,
    override readonly cause?: unknown,
  ) {
    super(
      `Deploying ${release} to ${colour} failed: ${reason}. Traffic was not touched. ` +
        (cleanedUp
          ? `What this call created was destroyed; fix the cause and run \`phoenix up\` again.`
          : `Cleaning up failed too: the next workflow (or \`phoenix destroy --colour ${colour}\`) removes the ${colour} stack.`),
    );
  }
}

/** Putting traffic back failed even after retries: the journal holds what to undo; the next workflow does it. */
export class TrafficRestoreError extends WorkflowError {
  constructor(
    /** The colour that should have 100 % again; undefined when the router should be back at 0/0 (nothing live). */
    readonly intended: Colour | undefined,
    override readonly cause?: unknown,
  ) {
    super(
      (intended
        ? `Could not put 100 % of the traffic back on ${intended}: `
        : `Could not put the router back at 0/0 (no release live, as before): `) +
        `${errorMessage(cause)}. ` +
        `Run \`phoenix status\` then any workflow (\`phoenix rollback\`): it finishes the restore from the journal.`,
    );
  }
}

/** No previous colour to roll back to. */
export class NothingToRollBackError extends WorkflowError {}

/**
 * The other colour holds a fleet, but not the one that served before the current release (a release never
 * live, a redeploy, a fleet the records cannot identify): `rollback` refuses before any change, since it
 * moves all the traffic at once; `swap` (health-gated, stepwise) is the way to put that release live.
 */
export class RollbackRefusedError extends NothingToRollBackError {
  constructor(
    /** Why the fleet on `to` is not a rollback target (see automation/rollbackTarget.ts). */
    readonly reason: "never-served" | "redeployed" | "not-previous" | "unidentified",
    /** The live colour and its release. */
    readonly from: Colour,
    readonly liveRelease: string | undefined,
    /** The other colour and the release it holds. */
    readonly to: Colour,
    readonly release: string,
    explanation: string,
  ) {
    super(
      `Refusing to roll back to ${release} on ${to}: ${explanation}. A rollback moves all the traffic at once, ` +
        `so it only goes back to the very fleet that served before the live release (${liveRelease ?? "none"} on ` +
        `${from}). To put ${release} live, use \`phoenix swap\` (for example \`--steps 10,50,100\`): it checks ` +
        `health before every step and puts the traffic back on ${from} at the first failure. Nothing was changed.`,
    );
  }
}

/** The router is at 0/0: no release has gone live yet, so there is no live colour to act on. */
export class NothingLiveError extends WorkflowError {
  constructor(what: string) {
    super(
      `No release is live yet (the router is at 0/0 and answers 503), so ${what}: ` +
        `deploy with \`phoenix up\` and put it live with \`phoenix swap\` first.`,
    );
  }
}

/** The workflow was aborted through its AbortSignal; what it had started was undone. */
export class AbortedError extends WorkflowError {
  constructor(readonly during: string) {
    super(`Aborted during ${during}; what this workflow had started was undone. Run it again when ready.`);
  }
}

/** A message for any thrown value. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The shared record store could not be read or written (the table unreachable, throttled past the SDK's
 * retries, access denied). Raised before the workflow's next engine call: no stack was changed after it.
 */
export class RecordStoreError extends WorkflowError {
  constructor(
    readonly location: string,
    readonly operation: string,
    readonly cause: unknown,
  ) {
    const reason = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    const denied = /AccessDenied|UnrecognizedClient|InvalidSignature|ExpiredToken/.test(reason);
    super(
      `The record store ${location} could not ${operation} (${reason}). ` +
        (denied
          ? "Check the credentials and the IAM permissions listed in docs/records.md."
          : "Run `phoenix status` once it is reachable: the next workflow completes or undoes this one."),
    );
  }
}
