// `status`: colours, releases, AMIs, identities, weights, target health, the last and the interrupted
// workflow. It reads the stacks, the records and the probe; it takes no lock and changes nothing.
import { COLOURS, stackName } from "../programs/contract";
import { liveColour } from "./deploymentState";
import { errorMessage, UnhealthyError } from "./errors";
import { checkHealthy, type HealthReading } from "./health";
import { toHistory } from "./history";
import { findInterrupted, retiredAt } from "./journal";
import type { AppEnv, RecordStore } from "./records/types";
import { rollbackStatus, rollbackTarget } from "./rollbackTarget";
import { deploymentTimes, idleColour, nothingLive } from "./traffic";
import type { DeploymentStatus, StatusOptions } from "./types";
import type { StepsContext } from "./workflowSteps";

export async function readStatus(
  ctx: StepsContext,
  records: RecordStore,
  appEnv: AppEnv,
  options: StatusOptions,
): Promise<DeploymentStatus> {
  const { app, env } = appEnv;
  const state = await ctx.stacks.read();
  const entries = await ctx.journal.read();
  const missing = (["network", "router"] as const).filter(
    (part) => !state.existing.has(part) || (part === "router" && !state.router),
  );
  const colours = {} as DeploymentStatus["colours"];
  const deployedAt = deploymentTimes(entries, state);
  for (const colour of COLOURS) {
    const fleet = state.fleets[colour];
    let health: HealthReading | { error: string } | undefined;
    if (fleet) {
      health = await checkHealthy(ctx.probe, colour, fleet, options.signal).catch((error: unknown) =>
        error instanceof UnhealthyError
          ? { healthy: error.healthy, desired: error.desired, byState: error.byState }
          : { error: errorMessage(error) },
      );
    }
    const retired = fleet ? retiredAt(entries, colour, fleet) : undefined;
    // Stryker disable next-line ConditionalExpression: without a retirement `until` is NaN, which no clock passes
    const until = retired !== undefined && state.weights[colour] === 0 ? retired + ctx.keepWarmMs : undefined;
    colours[colour] = {
      colour,
      stack: stackName(app, env, colour),
      exists: fleet !== undefined,
      weight: state.weights[colour],
      release: fleet?.release,
      imageId: fleet?.imageId,
      identity: fleet?.identity,
      deploymentId: fleet?.deploymentId,
      deployedAt: deployedAt[colour] !== undefined ? new Date(deployedAt[colour]).toISOString() : undefined,
      desiredCapacity: fleet?.desiredCapacity,
      health,
      rollbackTargetUntil:
        // Stryker disable next-line ConditionalExpression: `undefined > now` is false too (the test narrows the type)
        until !== undefined && until > ctx.clock.now() ? new Date(until).toISOString() : undefined,
    };
  }
  const history = toHistory(entries);
  const interrupted = findInterrupted(entries);
  const holder = interrupted ? await records.lockHolder(appEnv) : undefined;
  return {
    app,
    env,
    bootstrapped: missing.length === 0,
    missingStacks: missing.map((part) => stackName(app, env, part)),
    weights: state.weights,
    live: state.router ? liveColour(state.weights) : undefined,
    nothingLive: missing.length === 0 && nothingLive(state.weights),
    url: state.router?.url,
    // Only in route53 mode, so an ALB app/env's status stays as it was.
    ...(state.router?.routerMode === "route53" ? { route53: { recordName: state.router.recordName } } : {}),
    colours,
    rollback: missing.length === 0 ? rollbackStatus(rollbackTarget(state, entries)) : undefined,
    upColour: missing.length === 0 ? idleColour(state, undefined, deployedAt) : undefined,
    lastWorkflow: [...history].reverse().find((r) => r.status !== "interrupted"),
    interrupted: interrupted && {
      id: interrupted.begin.id,
      workflow: interrupted.begin.workflow,
      startedAt: interrupted.begin.at,
      lastStep: interrupted.lastStep,
      running: holder !== undefined,
    },
  };
}
