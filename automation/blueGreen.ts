// The blue/green workflows of one app/env: bootstrap, up, swap, rollback, destroy, status, history, drift,
// heal. The stacks are the source of truth; the journal records every step; a lock keeps workflows on one
// app/env apart; a workflow interrupted at any point is completed or undone by the next one.
import { join } from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { COLOURS, otherColour, stackName, type Colour, type FleetOutputs } from "../programs/contract";
import { AppStacks, liveColour, plainOutputs, snapshotOf, type DeploymentState } from "./deploymentState";
import { checkCapacity, checkVerify, deployOptionsFromConfig, fleetConfig } from "./fleetOptions";
import { changedCount, describeWeights, idleColour, retirement, weightsFor } from "./traffic";
import { driftedResources } from "./drift";
import {
  AbortedError,
  ColourInUseError,
  ColourMissingError,
  DeployFailedError,
  errorMessage,
  ImmutableUpdateError,
  KeepWarmError,
  NotBootstrappedError,
  NothingToRollBackError,
  SwapFailedError,
  TrafficRestoreError,
  UnhealthyError,
  VerifyFailedError,
  WorkflowError,
} from "./errors";
import type { CallOptions, ProgressEvent, WorkflowName } from "./events";
import { checkHealthy, waitHealthy, type Clock, type HealthReading } from "./health";
import { toHistory } from "./history";
import { immutableUpdates } from "./immutableGuard";
import {
  findInterrupted,
  Journal,
  retiredAt,
  type InterruptedWorkflow,
  type JournalSnapshot,
} from "./journal";
import { acquireLock, lockHolder, type HeldLock } from "./lock";
import type {
  BlueGreenDeploymentOptions,
  BootstrapOptions,
  BootstrapResult,
  DeployOptions,
  DeployResult,
  DeploymentStatus,
  DestroyColourOptions,
  DestroyColourResult,
  DriftOptions,
  DriftReport,
  HealOptions,
  HealResult,
  HistoryOptions,
  HistoryRecord,
  RollbackOptions,
  RollbackResult,
  StatusOptions,
  SwapOptions,
  SwapResult,
  SwapStepResult,
  VerifyOptions,
} from "./types";
import { checkAppEnv, Problems } from "./validate";
import { WorkflowRun } from "./workflowRun";

const MINUTE = 60_000;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

export class BlueGreenDeployment {
  readonly app: string;
  readonly env: string;
  private readonly stacks: AppStacks;
  private readonly journal: Journal;
  private readonly clock: Clock;
  private readonly keepWarmMs: number;
  private readonly healthTimeoutMs: number;
  private readonly healthPollMs: number;
  private readonly undoAttempts: number;

  constructor(private readonly options: BlueGreenDeploymentOptions) {
    const problems = new Problems();
    checkAppEnv(problems, options.app, options.env);
    problems.duration("keepWarmMs", options.keepWarmMs);
    problems.duration("healthTimeoutMs", options.healthTimeoutMs);
    problems.duration("healthPollMs", options.healthPollMs);
    problems.duration("lockStaleMs", options.lockStaleMs);
    problems.integer("undoAttempts", options.undoAttempts, 1, 10);
    if (typeof options.stateDir !== "string" || options.stateDir === "")
      problems.add("stateDir", options.stateDir, "must be a directory path");
    if (!options.engine)
      problems.add(
        "engine",
        options.engine,
        "is required (an Engine: createLocalWorkspaceEngine(…) or new MemoryEngine())",
      );
    if (!options.probe) problems.add("probe", options.probe, "is required (a CloudProbe)");
    problems.done();
    this.app = options.app;
    this.env = options.env;
    this.stacks = new AppStacks(options.engine, options.app, options.env);
    this.journal = new Journal(join(options.stateDir, `${options.app}-${options.env}.journal.jsonl`));
    this.clock = { now: options.now ?? Date.now, sleep: options.sleep ?? defaultSleep };
    this.keepWarmMs = options.keepWarmMs ?? 60 * MINUTE;
    this.healthTimeoutMs = options.healthTimeoutMs ?? 10 * MINUTE;
    this.healthPollMs = options.healthPollMs ?? 2000;
    this.undoAttempts = options.undoAttempts ?? 3;
  }

  /** Path of the append-only journal. */
  get journalPath(): string {
    return this.journal.path;
  }

  private get lockKey(): string {
    return `${this.app}-${this.env}`;
  }

  // ---------------------------------------------------------------- public workflows

  /** Create the network and router stacks when they do not exist (idempotent). The router starts at blue 100 %. */
  async bootstrap(options: BootstrapOptions = {}): Promise<BootstrapResult> {
    const problems = new Problems();
    problems.integer("network.appPort", options.network?.appPort, 1, 65535);
    problems.integer("router.listenerPort", options.router?.listenerPort, 1, 65535);
    problems.integer("router.stickinessSeconds", options.router?.stickinessSeconds, 0, 7 * 24 * 3600);
    problems.done();
    return this.exclusive(
      "bootstrap",
      { ...options, signal: undefined, onProgress: undefined },
      options,
      async (run) => {
        const names = new Set(await run.step("read-state", () => this.options.engine.listStacks()));
        const created: BootstrapResult["created"] = [];
        const existing: BootstrapResult["existing"] = [];
        for (const part of ["network", "router"] as const) {
          const stack = await this.stacks.select(part);
          const ready = names.has(this.stacks.name(part)) && Object.keys(await stack.outputs()).length > 0;
          if (ready) {
            existing.push(part);
            continue;
          }
          const values =
            part === "network"
              ? { ...options.network }
              : { blueWeight: 100, greenWeight: 0, ...options.router };
          await run.step(`create-${part}`, async () => {
            await stack.setAllConfig(this.stacks.config(part, values));
            await stack.up(run.engineOptions(stack.name, "up"));
          });
          created.push(part);
        }
        return { created, existing };
      },
    );
  }

  /** Deploy a release to the idle colour (weight 0) and wait until it is healthy. Traffic is never touched. */
  async up(options: DeployOptions): Promise<DeployResult> {
    const problems = new Problems();
    problems.release("release", options.release);
    problems.imageId("imageId", options.imageId);
    problems.instanceType("instanceType", options.instanceType);
    checkCapacity(problems, options.capacity);
    if (
      options.userData !== undefined &&
      (typeof options.userData !== "string" || options.userData.length > 16 * 1024)
    ) {
      problems.add(
        "userData",
        typeof options.userData === "string" ? `${options.userData.length} characters` : options.userData,
        "must be a string of at most 16 KiB",
      );
    }
    problems.done();
    const params = {
      release: options.release,
      imageId: options.imageId,
      instanceType: options.instanceType,
      capacity: options.capacity,
      force: options.force ?? false,
    };
    return this.exclusive("up", params, options, async (run) => {
      const state = await this.readState(run);
      this.requireBootstrapped(state);
      return this.deploy(run, state, options, "");
    });
  }

  /** Move the traffic to the other colour step by step, verifying after each; any failure puts it all back. */
  async swap(options: SwapOptions = {}): Promise<SwapResult> {
    const steps = options.steps ?? [100];
    const problems = new Problems();
    problems.steps("steps", steps);
    problems.duration("pauseMs", options.pauseMs);
    checkVerify(problems, options.verify);
    problems.done();
    return this.exclusive(
      "swap",
      { steps, pauseMs: options.pauseMs ?? 0, verify: options.verify },
      options,
      async (run) => {
        const state = await this.readState(run);
        this.requireBootstrapped(state);
        return this.shift(run, state, steps, options.pauseMs ?? 0, options.verify ?? {}, "");
      },
      (result, state) => retirement(state, result.from),
    );
  }

  /** Put 100 % of the traffic back on the previous colour, while its stack exists and is healthy. */
  async rollback(options: RollbackOptions = {}): Promise<RollbackResult> {
    return this.exclusive(
      "rollback",
      {},
      options,
      async (run) => {
        const state = await this.readState(run);
        this.requireBootstrapped(state);
        const from = liveColour(state.weights)!;
        const to = otherColour(from);
        const target = state.fleets[to];
        if (!target) {
          throw new NothingToRollBackError(
            `There is no previous colour to roll back to: the ${to} stack holds no fleet (destroyed, or never deployed). ` +
              `Deploy the previous release with \`phoenix up\` and swap to it instead.`,
          );
        }
        await run.step("check-health", () => checkHealthy(this.options.probe, to, target, run.signal), {
          colour: to,
        });
        await this.route(run, state, weightsFor(to, 100), "route", to);
        return { from, to, release: target.release };
      },
      (result, state) => retirement(state, result.from),
    );
  }

  /** Destroy an idle colour's stack. Refuses a colour with traffic, and the rollback target inside its keep-warm window unless forced. */
  async destroy(options: DestroyColourOptions): Promise<DestroyColourResult> {
    const problems = new Problems();
    problems.colour("colour", options?.colour);
    problems.done();
    return this.exclusive(
      "destroy",
      { colour: options.colour, force: options.force ?? false },
      options,
      async (run) => {
        const state = await this.readState(run);
        return this.destroyColour(run, state, options.colour, options.force ?? false, "");
      },
    );
  }

  /** Refresh-preview the live colour: the resources and properties that differ from the state. */
  async drift(options: DriftOptions = {}): Promise<DriftReport> {
    return this.exclusive("drift", {}, options, async (run) => {
      const state = await this.readState(run);
      this.requireBootstrapped(state);
      return this.detectDrift(run, state);
    });
  }

  /** On drift: deploy the live release to the idle colour, swap to it, destroy the drifted colour. */
  async heal(options: HealOptions = {}): Promise<HealResult> {
    const steps = options.steps ?? [100];
    const problems = new Problems();
    problems.steps("steps", steps);
    checkVerify(problems, options.verify);
    problems.done();
    return this.exclusive("heal", { steps, force: options.force ?? false }, options, async (run) => {
      const state = await this.readState(run);
      this.requireBootstrapped(state);
      const drift = await this.detectDrift(run, state);
      if (drift.drifted.length === 0) return { healed: false, drift };
      const live = drift.colour;
      const config = await run.step(
        "read-live-config",
        async () => (await this.stacks.select(live)).getAllConfig(),
        { colour: live },
      );
      const redeploy = deployOptionsFromConfig(config, options.force ?? false);
      const deployed = await this.deploy(run, state, redeploy, "up:");
      let swapped: SwapResult;
      try {
        const afterUp = await this.readState(run, "up:read-state");
        swapped = await this.shift(run, afterUp, steps, 0, options.verify ?? {}, "swap:");
      } catch (error) {
        // The traffic is on the drifted colour (never moved, or put back): undo the new deployment so a
        // failed heal leaves nothing behind. A failed restore is left open for the next workflow instead.
        if (!(error instanceof TrafficRestoreError)) {
          await run
            .step(
              "undo-up",
              () => this.retry(() => this.destroyStack(run, deployed.colour, false)),
              { colour: deployed.colour },
              false,
            )
            .catch(() => (run.leftOpen = true));
        }
        throw error;
      }
      // From here on the new colour serves: a failure is completed (the drifted colour destroyed) by recovery.
      try {
        const afterSwap = await this.readState(run, "destroy:read-state");
        await this.destroyColour(run, afterSwap, live, true, "destroy:");
      } catch (error) {
        run.leftOpen = true;
        throw error;
      }
      return { healed: true, drift, from: live, to: swapped.to };
    });
  }

  /** Colours, releases, AMIs, identities, weights, target health, last and interrupted workflow. Takes no lock. */
  async status(options: StatusOptions = {}): Promise<DeploymentStatus> {
    const state = await this.stacks.read();
    const entries = await this.journal.read();
    const missing = (["network", "router"] as const).filter(
      (part) => !state.existing.has(part) || (part === "router" && !state.router),
    );
    const colours = {} as DeploymentStatus["colours"];
    for (const colour of COLOURS) {
      const fleet = state.fleets[colour];
      let health: HealthReading | { error: string } | undefined;
      if (fleet) {
        health = await checkHealthy(this.options.probe, colour, fleet, options.signal).catch(
          (error: unknown) =>
            error instanceof UnhealthyError
              ? { healthy: error.healthy, desired: error.desired, byState: error.byState }
              : { error: errorMessage(error) },
        );
      }
      const retired = fleet ? retiredAt(entries, colour, fleet.release) : undefined;
      const until =
        retired !== undefined && state.weights[colour] === 0 ? retired + this.keepWarmMs : undefined;
      colours[colour] = {
        colour,
        stack: stackName(this.app, this.env, colour),
        exists: fleet !== undefined,
        weight: state.weights[colour],
        release: fleet?.release,
        imageId: fleet?.imageId,
        identity: fleet?.identity,
        desiredCapacity: fleet?.desiredCapacity,
        health,
        rollbackTargetUntil:
          until !== undefined && until > this.clock.now() ? new Date(until).toISOString() : undefined,
      };
    }
    const history = toHistory(entries);
    const interrupted = findInterrupted(entries);
    const holder = interrupted
      ? await lockHolder(this.options.stateDir, this.lockKey, { staleMs: this.options.lockStaleMs })
      : undefined;
    return {
      app: this.app,
      env: this.env,
      bootstrapped: missing.length === 0,
      missingStacks: missing.map((part) => stackName(this.app, this.env, part)),
      weights: state.weights,
      live: state.router ? liveColour(state.weights) : undefined,
      url: state.router?.url,
      colours,
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

  /** The journal, one record per workflow, oldest first. */
  async history(options: HistoryOptions = {}): Promise<HistoryRecord[]> {
    const problems = new Problems();
    problems.integer("limit", options.limit, 1, 1_000_000);
    problems.done();
    const records = toHistory(await this.journal.read());
    return options.limit ? records.slice(-options.limit) : records;
  }

  // ---------------------------------------------------------------- the workflow frame

  private emitter(call: CallOptions): (event: ProgressEvent) => void {
    return (event) => {
      this.options.onProgress?.(event);
      call.onProgress?.(event);
    };
  }

  /**
   * Lock, finish or undo an interrupted workflow, journal begin/end around `body`, unlock. A body that could
   * not undo its own changes leaves the run open (no end line), so the next workflow undoes them from the journal.
   */
  private async exclusive<T>(
    workflow: WorkflowName,
    params: Record<string, unknown>,
    call: CallOptions,
    body: (run: WorkflowRun) => Promise<T>,
    retired?: (
      result: T,
      before: JournalSnapshot | undefined,
    ) => { colour: Colour; release: string } | undefined,
  ): Promise<T> {
    call.signal?.throwIfAborted();
    const lock = await acquireLock(this.options.stateDir, this.lockKey, workflow, {
      staleMs: this.options.lockStaleMs,
    });
    try {
      const interrupted = await this.journal.interrupted();
      if (interrupted) await this.recover(interrupted, call, lock);
      const run = new WorkflowRun(workflow, this.journal, this.emitter(call), this.clock, call.signal, lock);
      await run.begin(params);
      try {
        const result = await body(run);
        await run.end("ok", { retired: retired?.(result, run.before) });
        return result;
      } catch (error) {
        const unresolved =
          error instanceof TrafficRestoreError ||
          (error instanceof DeployFailedError && !error.cleanedUp) ||
          run.leftOpen;
        if (!unresolved)
          await run.end(error instanceof AbortedError || call.signal?.aborted ? "aborted" : "failed", {
            error,
          });
        throw call.signal?.aborted && !(error instanceof WorkflowError)
          ? new AbortedError(run.lastStep ?? workflow)
          : error;
      }
    } finally {
      await lock.release();
    }
  }

  private async readState(run: WorkflowRun, name = "read-state"): Promise<DeploymentState> {
    const state = await run.step(name, () => this.stacks.read(), { stateOf: snapshotOf });
    if (run.before === undefined) run.before = snapshotOf(state);
    return state;
  }

  private requireBootstrapped(state: DeploymentState): void {
    const missing = [];
    if (!state.existing.has("network")) missing.push(this.stacks.name("network"));
    if (!state.router) missing.push(this.stacks.name("router"));
    if (missing.length > 0) throw new NotBootstrappedError(this.app, this.env, missing);
  }

  private async retry<T>(action: () => Promise<T>): Promise<T> {
    let last: unknown;
    for (let attempt = 1; attempt <= this.undoAttempts; attempt++) {
      try {
        return await action();
      } catch (error) {
        last = error;
      }
    }
    throw last;
  }

  // ---------------------------------------------------------------- the steps

  private async deploy(
    run: WorkflowRun,
    state: DeploymentState,
    options: DeployOptions,
    prefix: string,
  ): Promise<DeployResult> {
    const colour = idleColour(state);
    if (state.weights[colour] > 0) {
      // Only reachable if an interrupted swap could not be undone: never deploy over a colour with traffic.
      throw new WorkflowError(
        `The traffic is split (${describeWeights(state.weights)}), so no colour is idle: run \`phoenix rollback\` or \`phoenix swap\` first.`,
      );
    }
    const previous = state.fleets[colour];
    const step = (name: string) => `${prefix}${name}`;
    let created = !state.existing.has(colour) || previous === undefined;
    let deployAttempted = false;
    let replacedRelease: string | undefined;
    try {
      if (previous && previous.release !== options.release) {
        this.checkKeepWarm(colour, previous.release, await this.journal.read(), options.force ?? false);
        // From the first destroy call on, whatever the colour holds is this call's to clean up.
        created = true;
        await run.step(step("destroy-old"), () => this.destroyStack(run, colour, true), {
          colour,
          detail: `release ${previous.release}`,
        });
        replacedRelease = previous.release;
        created = true;
      }
      const stack = await run.step(
        step("configure"),
        async () => {
          const selected = await this.stacks.select(colour);
          await selected.setAllConfig(this.stacks.config(colour, fleetConfig(colour, options)));
          return selected;
        },
        { colour, detail: `release ${options.release}` },
      );
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
      });
      const fleet = await run.step(
        step("read-outputs"),
        async () => plainOutputs(await stack.outputs()) as unknown as FleetOutputs,
        { colour },
      );
      const health = await run.step(
        step("wait-healthy"),
        () =>
          waitHealthy(this.options.probe, colour, fleet, {
            timeoutMs: this.healthTimeoutMs,
            initialDelayMs: this.healthPollMs,
            clock: this.clock,
            signal: run.signal,
            onReading: (reading, attempt) =>
              run.emitEvent({ kind: "health", colour, ...reading, attempt, at: this.clock.now() }),
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
      if (run.signal?.aborted && cleanedUp) throw new AbortedError(run.lastStep ?? "up");
      throw new DeployFailedError(colour, options.release, errorMessage(error), cleanedUp, error);
    }
  }

  /** Destroy a colour's stack and remove it (no-op when it does not exist). Never called on a colour with traffic. */
  private async destroyStack(run: WorkflowRun, colour: Colour, abortable: boolean): Promise<void> {
    const names = await this.options.engine.listStacks();
    if (!names.includes(this.stacks.name(colour))) return;
    const stack = await this.stacks.select(colour);
    await stack.destroy(run.engineOptions(stack.name, "destroy", abortable));
    await this.options.engine.removeStack(stack.name);
  }

  private checkKeepWarm(
    colour: Colour,
    release: string,
    entries: Awaited<ReturnType<Journal["read"]>>,
    force: boolean,
  ): void {
    const retired = retiredAt(entries, colour, release);
    if (retired === undefined || force) return;
    const remaining = retired + this.keepWarmMs - this.clock.now();
    if (remaining > 0) throw new KeepWarmError(colour, release, remaining);
  }

  /** Set the router's weights: one update of the router stack. Returns how many resources it changed. */
  private async setWeights(
    run: WorkflowRun,
    weights: Record<Colour, number>,
    abortable: boolean,
  ): Promise<number> {
    const router = await this.stacks.select("router");
    await router.setAllConfig(
      this.stacks.config("router", { blueWeight: weights.blue, greenWeight: weights.green }),
    );
    const result = await router.up(run.engineOptions(router.name, "up", abortable));
    return changedCount(result.summary.resourceChanges);
  }

  /** Route to `weights`; on failure put the traffic back where `state` had it (or throw TrafficRestoreError). */
  private async route(
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

  private async restoreTraffic(
    run: WorkflowRun,
    weights: Record<Colour, number>,
    after: string,
  ): Promise<void> {
    const back = liveColour(weights)!;
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

  private async shift(
    run: WorkflowRun,
    state: DeploymentState,
    steps: number[],
    pauseMs: number,
    verify: VerifyOptions,
    prefix: string,
  ): Promise<SwapResult> {
    const from = liveColour(state.weights)!;
    const to = otherColour(from);
    const target = state.fleets[to];
    if (!target) throw new ColourMissingError(to, "there is nothing to swap the traffic to");
    if (state.weights[from] !== 100) {
      throw new WorkflowError(
        `The traffic is split (${describeWeights(state.weights)}): run \`phoenix rollback\` or \`phoenix swap\` to finish, then retry.`,
      );
    }
    const results: SwapStepResult[] = [];
    let routed = false;
    for (const [index, weight] of steps.entries()) {
      const stepNo = index + 1;
      const started = this.clock.now();
      try {
        // Traffic guard: the new colour must be healthy before it gets more weight.
        await run.step(
          `${prefix}check-health:${weight}`,
          () => checkHealthy(this.options.probe, to, target, run.signal),
          { colour: to },
        );
        routed = true;
        const changed = await run.step(
          `${prefix}route:${weight}`,
          () => this.setWeights(run, weightsFor(to, weight), true),
          { colour: to, detail: describeWeights(weightsFor(to, weight)) },
        );
        if (changed !== 1)
          throw new VerifyFailedError(
            `the router update changed ${changed} resources; a swap step must change exactly 1 (the listener)`,
          );
        await run.step(`${prefix}verify:${weight}`, () => this.verifyStep(run, to, target, verify), {
          colour: to,
        });
        results.push({ weight, changedResources: changed, durationMs: this.clock.now() - started });
        if (pauseMs > 0 && index < steps.length - 1)
          await run.step(`${prefix}pause:${weight}`, () => this.clock.sleep(pauseMs, run.signal));
      } catch (error) {
        if (routed) await this.restoreTraffic(run, state.weights, `step ${stepNo}`);
        if (run.signal?.aborted)
          throw new AbortedError(`swap step ${stepNo} (${weight} %), traffic back on ${from}`);
        throw new SwapFailedError(stepNo, weight, errorMessage(error), routed ? from : undefined, error);
      }
    }
    return { from, to, release: target.release, steps: results };
  }

  private async verifyStep(
    run: WorkflowRun,
    colour: Colour,
    fleet: FleetOutputs,
    verify: VerifyOptions,
  ): Promise<void> {
    if (verify.settleMs) await this.clock.sleep(verify.settleMs, run.signal);
    await checkHealthy(this.options.probe, colour, fleet, run.signal);
    if (verify.alarmNames && verify.alarmNames.length > 0) {
      const firing = await this.options.probe.alarmsInAlarm(verify.alarmNames, run.signal);
      if (firing.length > 0) throw new VerifyFailedError(`CloudWatch alarms in ALARM: ${firing.join(", ")}`);
    }
  }

  private async destroyColour(
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
    if (fleet) this.checkKeepWarm(colour, fleet.release, await this.journal.read(), force);
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

  private async detectDrift(run: WorkflowRun, state: DeploymentState): Promise<DriftReport> {
    const colour = liveColour(state.weights)!;
    const fleet = state.fleets[colour];
    if (!fleet) throw new ColourMissingError(colour, "there is no live fleet to check for drift");
    const events: EngineEvent[] = [];
    await run.step(
      "refresh-preview",
      async () => {
        const stack = await this.stacks.select(colour);
        await stack.refresh({ ...run.engineOptions(stack.name, "refresh", true, events), previewOnly: true });
      },
      { colour },
    );
    return { colour, release: fleet.release, drifted: driftedResources(events) };
  }

  // ---------------------------------------------------------------- recovery

  /** Complete or undo a workflow that began and never ended (a crash, a kill, an undo that failed). */
  private async recover(interrupted: InterruptedWorkflow, call: CallOptions, lock: HeldLock): Promise<void> {
    const run = new WorkflowRun("recover", this.journal, this.emitter(call), this.clock, undefined, lock);
    const { begin, steps, before } = interrupted;
    await run.begin({ interrupted: begin.id, workflow: begin.workflow, lastStep: interrupted.lastStep });
    const actions: string[] = [];
    try {
      const state = await this.readState(run);
      const inDestroyPhase = begin.workflow === "destroy" || steps.some((s) => s.step.startsWith("destroy:"));
      // 1. Traffic: back where the interrupted workflow found it (unless it was past its swap, in heal's destroy phase).
      if (
        before &&
        state.router &&
        !inDestroyPhase &&
        (before.weights.blue !== state.weights.blue || before.weights.green !== state.weights.green)
      ) {
        await this.restoreTraffic(run, before.weights, `interrupted ${begin.workflow}`);
        state.weights = { ...before.weights };
        actions.push(`traffic restored to ${describeWeights(before.weights)}`);
      }
      // 2. A fleet an interrupted up created and never finished: destroyed (it has no traffic).
      const upColour = steps.find(
        (s) => s.colour && (begin.workflow === "up" || s.step.startsWith("up:")),
      )?.colour;
      // A finished up stays (it only lacks its end line); heal's up is undone with the rest of heal.
      const upFinished =
        begin.workflow === "up" && steps.some((s) => s.status === "ok" && s.step === "wait-healthy");
      if (upColour && !upFinished && state.weights[upColour] === 0 && state.existing.has(upColour)) {
        await run.step(
          "undo-up",
          () => this.retry(() => this.destroyStack(run, upColour, false)),
          { colour: upColour },
          false,
        );
        actions.push(`destroyed the ${upColour} stack left by the interrupted ${begin.workflow}`);
      }
      // 3. A destroy that was under way (destroy, or heal past its swap): completed, never on a colour with traffic.
      const destroyColour =
        begin.workflow === "heal"
          ? steps.find((s) => s.step === "refresh-preview")?.colour
          : steps.find((s) => s.step === "destroy")?.colour;
      if (
        destroyColour &&
        inDestroyPhase &&
        state.weights[destroyColour] === 0 &&
        state.existing.has(destroyColour)
      ) {
        await run.step(
          "complete-destroy",
          () => this.retry(() => this.destroyStack(run, destroyColour, false)),
          { colour: destroyColour },
          false,
        );
        actions.push(`completed the destroy of ${destroyColour}`);
      }
      await this.journal.append({
        type: "end",
        id: begin.id,
        workflow: begin.workflow,
        at: run.iso(),
        status: "recovered",
        durationMs: 0,
        recovery: actions.join("; ") || "nothing to undo",
      });
      await run.end("ok");
    } catch (error) {
      await run.end("failed", { error });
      throw error;
    }
  }
}
