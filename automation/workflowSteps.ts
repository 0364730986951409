// The steps the workflows are made of (deploy, route, shift, destroy…) with their undo actions.
// Each takes the run it belongs to, so every step is journaled and reported; BlueGreenDeployment composes
// them into workflows, and recovery reuses them to complete or undo an interrupted one.
import type { ConfigMap, EngineEvent } from "@pulumi/pulumi/automation";
import { COLOURS, otherColour, type Colour, type FleetOutputs } from "../programs/contract";
import { AppStacks, liveColour, plainOutputs, snapshotOf, type DeploymentState } from "./deploymentState";
import {
  AbortedError,
  ColourInUseError,
  ColourMissingError,
  DeployFailedError,
  errorMessage,
  ImmutableUpdateError,
  KeepWarmError,
  NotBootstrappedError,
  SwapFailedError,
  TrafficRestoreError,
  VerifyFailedError,
  WorkflowError,
} from "./errors";
import { configBefore, fleetConfig } from "./fleetOptions";
import { checkHealthy, waitHealthy, type Clock } from "./health";
import { immutableUpdates } from "./immutableGuard";
import { secretValuesOf, withSecretsRedacted } from "./secrets";
import { newDeploymentId, retiredAt, type JournalEntry } from "./journal";
import type { JournalReader } from "./records/types";
import { splitTrafficAdvice } from "./rollbackTarget";
import { trafficRouterOf, type TrafficRouter } from "./routers";
import type { CloudProbe, Engine, EngineStack } from "./seams";
import {
  changedCount,
  deploymentTimes,
  describeWeights,
  idleColour,
  lastDeployedColour,
  weightsFor,
} from "./traffic";
import type {
  DeployOptions,
  DeployResult,
  DestroyColourResult,
  SwapResult,
  SwapStepResult,
  VerifyOptions,
} from "./types";
import type { WorkflowRun } from "./workflowRun";

/** What the steps work with, resolved once by BlueGreenDeployment. */
export interface StepsContext {
  stacks: AppStacks;
  engine: Engine;
  probe: CloudProbe;
  journal: JournalReader;
  clock: Clock;
  keepWarmMs: number;
  healthTimeoutMs: number;
  healthPollMs: number;
  /** Attempts of each undo action. */
  undoAttempts: number;
}

export class WorkflowSteps {
  /** The app/env's kind of router, as the last state read found it (fixed for the life of the app/env). */
  router: TrafficRouter = trafficRouterOf(undefined);

  constructor(readonly ctx: StepsContext) {}

  /** Read the stacks as the journaled `read-state` step; the first read is what recovery would restore. */
  async readState(run: WorkflowRun, name = "read-state"): Promise<DeploymentState> {
    const state = await run.step(name, () => this.ctx.stacks.read(), { stateOf: snapshotOf });
    // Stryker disable next-line ConditionalExpression: without a router stack the default (ALB) is what it already holds
    if (state.router) this.router = trafficRouterOf(state.router);
    if (run.before === undefined) run.before = snapshotOf(state);
    return state;
  }

  /** The refusal of a workflow that finds the traffic split: what it found, and the way out. */
  splitTraffic(state: DeploymentState, records: JournalEntry[], consequence = ""): WorkflowError {
    return new WorkflowError(
      `The traffic is split (${describeWeights(state.weights)})${consequence}: ` +
        `${splitTrafficAdvice(state, records)}. Nothing was changed.`,
    );
  }

  /** Refuse, before any change, to build on traffic that no colour holds wholly (swap, heal, rolling, recreate). */
  async refuseSplitTraffic(state: DeploymentState): Promise<void> {
    const live = liveColour(state.weights);
    if (live && state.weights[live] !== 100) throw this.splitTraffic(state, await this.ctx.journal.read());
  }

  /** Throw NotBootstrappedError unless the network and router stacks exist. */
  requireBootstrapped(state: DeploymentState): void {
    const missing: string[] = [];
    if (!state.existing.has("network")) missing.push(this.ctx.stacks.name("network"));
    if (!state.router) missing.push(this.ctx.stacks.name("router"));
    if (missing.length > 0) throw new NotBootstrappedError(this.ctx.stacks.app, this.ctx.stacks.env, missing);
  }

  /** Run an undo action up to `undoAttempts` times: undo must not give up on one transient failure. */
  async retry<T>(action: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 1; attempt <= this.ctx.undoAttempts; attempt++) {
      try {
        return await action();
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  /**
   * Deploy a release to the idle colour (destroying an older release there first) and wait for health;
   * on any failure, destroy what this call created. Never touches traffic.
   */
  async deploy(
    run: WorkflowRun,
    state: DeploymentState,
    options: DeployOptions,
    prefix: string,
  ): Promise<DeployResult> {
    const records = await this.ctx.journal.read();
    const colour = idleColour(state, options.release, deploymentTimes(records, state));
    // Every deployment is a fleet of its own, a redeploy of the same release too: rollback goes only to a
    // fleet whose very deployment served (automation/rollbackTarget.ts).
    const deploymentId = newDeploymentId(this.ctx.clock.now(), records.length);
    if (state.weights[colour] > 0) {
      // Only reachable if an interrupted swap could not be undone: never deploy over a colour with traffic.
      throw this.splitTraffic(state, records, ", so no colour is idle");
    }
    const previous = state.fleets[colour];
    const step = (name: string) => `${prefix}${name}`;
    let created = !state.existing.has(colour) || previous === undefined;
    let deployAttempted = false;
    let replacedRelease: string | undefined;
    let restore: { stack: EngineStack; config: ConfigMap } | undefined;
    try {
      if (previous && previous.release !== options.release) {
        this.checkKeepWarm(colour, previous, await this.ctx.journal.read(), options.force ?? false);
        // From the first destroy call on, whatever the colour holds is this call's to clean up.
        created = true;
        await run.step(step("destroy-old"), () => this.destroyStack(run, colour, true), {
          colour,
          detail: `release ${previous.release}`,
        });
        replacedRelease = previous.release;
      }
      const stackExisted = state.existing.has(colour) && replacedRelease === undefined;
      const stack = await run.step(
        step("configure"),
        async () => {
          const selected = await this.ctx.stacks.select(colour);
          const config = this.ctx.stacks.config(
            colour,
            fleetConfig(colour, options, deploymentId, stackExisted),
          );
          // A fleet of this release stays if this call fails before its up: so does the config it runs on
          // (heal redeploys a fleet from it, and a plain `pulumi up` of the stack would apply it).
          if (!created) {
            restore = { stack: selected, config: configBefore(await selected.getAllConfig(), config) };
          }
          // The SDK's error for a failed `config set-all` quotes its command line, secrets included.
          await withSecretsRedacted(secretValuesOf(config), () => selected.setAllConfig(config));
          return selected;
        },
        { colour, detail: `release ${options.release}` },
      );
      // Stryker disable next-line ArrayDeclaration: immutableUpdates reads engine events only; a stray string is skipped
      const events: EngineEvent[] = [];
      await run.step(
        step("preview"),
        async () => {
          await stack.preview(run.engineOptions(stack.name, "preview", true, events));
          const updates = immutableUpdates(events);
          if (updates.length > 0) throw new ImmutableUpdateError(updates);
        },
        { colour },
      );
      deployAttempted = true;
      const upResult = await run.step(step("deploy"), () => stack.up(run.engineOptions(stack.name, "up")), {
        colour,
        deployed: { colour, release: options.release, deploymentId },
      });
      const fleet = await run.step(
        step("read-outputs"),
        async () => plainOutputs(await stack.outputs()) as unknown as FleetOutputs,
        { colour },
      );
      const health = await run.step(
        step("wait-healthy"),
        () =>
          // A fleet at zero capacity (a rolling release's kept old colour, redeployed by heal from its config)
          // has no target to wait for; `up` itself never deploys one (its capacity must be at least 1).
          Number(fleet.desiredCapacity) === 0
            ? // Stryker disable next-line ObjectLiteral: only heal deploys at zero capacity, and it discards the result
              Promise.resolve({ healthy: 0, desired: 0, byState: {} })
            : waitHealthy(this.ctx.probe, colour, fleet, {
                timeoutMs: this.ctx.healthTimeoutMs,
                initialDelayMs: this.ctx.healthPollMs,
                clock: this.ctx.clock,
                signal: run.signal,
                onReading: (reading, attempt) =>
                  run.emitEvent({ kind: "health", colour, ...reading, attempt, at: this.ctx.clock.now() }),
              }),
        { colour },
      );
      return {
        colour,
        release: fleet.release,
        imageId: fleet.imageId,
        identity: fleet.identity,
        replacedRelease,
        health,
        changes: upResult.summary.resourceChanges ?? {},
      };
    } catch (error) {
      if (error instanceof KeepWarmError) throw error;
      // Undo: whatever this call created (or changed) in the idle colour goes; traffic is never touched here.
      let cleanedUp = true;
      if (restore && !deployAttempted) {
        const { stack, config } = restore;
        try {
          await run.step(
            step("restore-config"),
            () => withSecretsRedacted(secretValuesOf(config), () => stack.setAllConfig(config)),
            { colour },
            false,
          );
        } catch {
          cleanedUp = false;
        }
      }
      if (created || deployAttempted) {
        try {
          await run.step(
            step("undo"),
            () => this.retry(() => this.destroyStack(run, colour, false)),
            { colour, detail: "destroy what this up created" },
            false,
          );
        } catch {
          cleanedUp = false;
        }
      }
      if (error instanceof ImmutableUpdateError && cleanedUp) throw error;
      // Stryker disable next-line LogicalOperator,StringLiteral: a step has always started here (lastStep is set)
      if (run.signal?.aborted && cleanedUp) throw new AbortedError(run.lastStep ?? "up");
      throw new DeployFailedError(colour, options.release, errorMessage(error), cleanedUp, error);
    }
  }

  /** Destroy a colour's stack and remove it (no-op when it does not exist). Never called on a colour with traffic. */
  async destroyStack(run: WorkflowRun, colour: Colour, abortable: boolean): Promise<void> {
    const names = await this.ctx.engine.listStacks();
    if (!names.includes(this.ctx.stacks.name(colour))) return;
    const stack = await this.ctx.stacks.select(colour);
    await stack.destroy(run.engineOptions(stack.name, "destroy", abortable));
    await this.ctx.engine.removeStack(stack.name);
  }

  /** Throw KeepWarmError while `fleet` on `colour` is the rollback target inside its window (unless forced). */
  checkKeepWarm(colour: Colour, fleet: FleetOutputs, entries: JournalEntry[], force: boolean): void {
    const retired = retiredAt(entries, colour, fleet);
    // Stryker disable next-line ConditionalExpression: without a retirement the remaining time is NaN, never > 0
    if (retired === undefined || force) return;
    const remaining = retired + this.ctx.keepWarmMs - this.ctx.clock.now();
    if (remaining > 0) throw new KeepWarmError(colour, fleet.release, remaining);
  }

  /**
   * Set the router's weights: one update of the router stack. Returns how many resources it changed. With
   * `refresh` the update first reads the live listener (`up --refresh`), so weights changed behind Pulumi's
   * back are put back even when the config does not change (heal).
   */
  async setWeights(
    run: WorkflowRun,
    weights: Record<Colour, number>,
    abortable: boolean,
    refresh = false,
  ): Promise<number> {
    const router = await this.ctx.stacks.select("router");
    await router.setAllConfig(
      this.ctx.stacks.config("router", { blueWeight: weights.blue, greenWeight: weights.green }),
    );
    const result = await router.up({
      ...run.engineOptions(router.name, "up", abortable),
      ...(refresh ? { refresh: true } : {}),
    });
    // Trust the deployed outputs, not the config we set: a router that ignored it must not pass for a swap.
    const deployed = result.outputs.weights?.value as Record<Colour, number> | undefined;
    // Stryker disable next-line OptionalChaining: without outputs the blue comparison is already true
    if (deployed?.blue !== weights.blue || deployed?.green !== weights.green) {
      throw new VerifyFailedError(
        `the router stack reports weights ${JSON.stringify(deployed)} after an update to ${describeWeights(weights)}`,
      );
    }
    return changedCount(result.summary.resourceChanges);
  }

  /** Route to `weights`; on failure put the traffic back where `state` had it (or throw TrafficRestoreError). */
  async route(
    run: WorkflowRun,
    state: DeploymentState,
    weights: Record<Colour, number>,
    name: string,
    colour: Colour,
  ): Promise<number> {
    try {
      return await run.step(name, () => this.setWeights(run, weights, true), {
        colour,
        detail: describeWeights(weights),
      });
    } catch (error) {
      await this.restoreTraffic(run, state.weights, name);
      throw error;
    }
  }

  /**
   * Put the router back to `weights` (0/0 when no release was live), retrying; TrafficRestoreError (left
   * open for recovery) if that fails.
   */
  async restoreTraffic(run: WorkflowRun, weights: Record<Colour, number>, after: string): Promise<void> {
    const back = liveColour(weights);
    try {
      await run.step(
        `restore-traffic`,
        () => this.retry(() => this.setWeights(run, weights, false)),
        { colour: back, detail: `after ${after}: ${describeWeights(weights)}` },
        false,
      );
    } catch (error) {
      throw new TrafficRestoreError(back, error);
    }
  }

  /**
   * Move the traffic from the live colour to the other, step by step; any failure restores the old weights.
   * With no release live (0/0) there is nothing to share the traffic with: after the health check the new
   * colour goes straight to 100 % (the canary steps before 100 are skipped and reported), and a failure
   * puts the router back at 0/0.
   */
  async shift(
    run: WorkflowRun,
    state: DeploymentState,
    steps: number[],
    pauseMs: number,
    verify: VerifyOptions,
    prefix: string,
  ): Promise<SwapResult> {
    const from = liveColour(state.weights);
    const to = from ? otherColour(from) : await this.firstLiveColour(state);
    const target = state.fleets[to];
    if (!target) throw new ColourMissingError(to, "there is nothing to swap the traffic to");
    await this.refuseSplitTraffic(state);
    const skippedSteps = from ? [] : steps.filter((weight) => weight !== 100);
    const taken = from ? steps : [100];
    const firstNote = from
      ? ""
      : `; no release was live: straight to 100 %${skippedSteps.length > 0 ? `, steps ${skippedSteps.join(", ")} % skipped` : ""}`;
    const results: SwapStepResult[] = [];
    let routed = false;
    for (const [index, weight] of taken.entries()) {
      const stepNo = index + 1;
      const started = this.ctx.clock.now();
      try {
        // Traffic guard: the new colour must be healthy before it gets more weight.
        await run.step(
          `${prefix}check-health:${weight}`,
          () => checkHealthy(this.ctx.probe, to, target, run.signal),
          { colour: to },
        );
        routed = true;
        const changed = await run.step(
          `${prefix}route:${weight}`,
          () => this.setWeights(run, weightsFor(to, weight), true),
          { colour: to, detail: describeWeights(weightsFor(to, weight)) + firstNote },
        );
        const router = this.router;
        if (changed !== router.resourcesPerChange)
          throw new VerifyFailedError(
            `the router update changed ${changed} resources; a swap step must change exactly ` +
              `${router.resourcesPerChange} (${router.resources})`,
          );
        await run.step(`${prefix}verify:${weight}`, () => this.verifyStep(run, to, target, verify), {
          colour: to,
        });
        results.push({ weight, changedResources: changed, durationMs: this.ctx.clock.now() - started });
        if (pauseMs > 0 && index < taken.length - 1)
          await run.step(`${prefix}pause:${weight}`, () => this.ctx.clock.sleep(pauseMs, run.signal));
      } catch (error) {
        if (routed) await this.restoreTraffic(run, state.weights, `step ${stepNo}`);
        if (run.signal?.aborted)
          throw new AbortedError(
            `swap step ${stepNo} (${weight} %), ${from ? `traffic back on ${from}` : "router back at 0/0"}`,
          );
        throw new SwapFailedError(
          stepNo,
          weight,
          errorMessage(error),
          routed ? (from ?? "none") : undefined,
          error,
        );
      }
    }
    return {
      from,
      to,
      release: target.release,
      steps: results,
      ...(skippedSteps.length > 0 ? { skippedSteps } : {}),
    };
  }

  /**
   * The colour the first swap puts live (nothing is live yet): the one holding a fleet; with both holding
   * one, the one deployed last (the journal says); with none, the colour `up` would deploy to.
   */
  private async firstLiveColour(state: DeploymentState): Promise<Colour> {
    const deployed = COLOURS.filter((colour) => state.fleets[colour]);
    if (deployed.length === 0) return idleColour(state);
    if (deployed.length === 1) return deployed[0];
    const last = lastDeployedColour(await this.ctx.journal.read());
    if (last) return last;
    throw new WorkflowError(
      `No release is live yet and both colours hold one (blue ${state.fleets.blue!.release}, green ` +
        `${state.fleets.green!.release}), and the journal does not say which was deployed last: destroy the ` +
        `one that must not go live (\`phoenix destroy --colour <colour>\`), then swap.`,
    );
  }

  /** After a swap step: the new colour still healthy and none of the named alarms in ALARM. */
  async verifyStep(
    run: WorkflowRun,
    colour: Colour,
    fleet: FleetOutputs,
    verify: VerifyOptions,
  ): Promise<void> {
    // Route53: resolvers keep the old answer for a while, so at least the DNS settle time (ALB: none).
    const settleMs = Math.max(verify.settleMs ?? 0, this.router.settleMs(verify));
    // Stryker disable next-line ConditionalExpression: a sleep of 0 ms waits for nothing
    if (settleMs) await this.ctx.clock.sleep(settleMs, run.signal);
    await checkHealthy(this.ctx.probe, colour, fleet, run.signal);
    if (verify.alarmNames && verify.alarmNames.length > 0) {
      const firing = await this.ctx.probe.alarmsInAlarm(verify.alarmNames, run.signal);
      if (firing.length > 0) throw new VerifyFailedError(`CloudWatch alarms in ALARM: ${firing.join(", ")}`);
    }
  }

  /** Destroy and remove an idle colour's stack; refuses traffic > 0 and the rollback target inside its window. */
  async destroyColour(
    run: WorkflowRun,
    state: DeploymentState,
    colour: Colour,
    force: boolean,
    prefix: string,
  ): Promise<DestroyColourResult> {
    const weight = state.weights[colour];
    const fleet = state.fleets[colour];
    if (weight > 0 && (fleet || state.existing.has(colour))) throw new ColourInUseError(colour, weight);
    if (!state.existing.has(colour)) return { colour, destroyed: false };
    if (fleet) this.checkKeepWarm(colour, fleet, await this.ctx.journal.read(), force);
    try {
      await run.step(`${prefix}destroy`, () => this.destroyStack(run, colour, true), {
        colour,
        detail: fleet ? `release ${fleet.release}` : "empty stack",
      });
    } catch (error) {
      // Half destroyed: left open in the journal so the next workflow completes it.
      run.leftOpen = true;
      throw error;
    }
    return { colour, destroyed: true, release: fleet?.release };
  }
}
