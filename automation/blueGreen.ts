// The blue/green workflows of one app/env: bootstrap, up, swap, rollback, destroy, status, history, drift,
// heal. The stacks are the source of truth; the journal records every step; a lock keeps workflows on one
// app/env apart; a workflow interrupted at any point is completed or undone by the next one.
import type { Colour } from "../programs/contract";
import { bootstrap, checkBootstrapOptions } from "./bootstrap";
import { AppStacks } from "./deploymentState";
import { AbortedError, DeployFailedError, TrafficRestoreError, WorkflowError } from "./errors";
import type { CallOptions, ProgressEvent, WorkflowName } from "./events";
import { detectDrift } from "./driftCheck";
import { checkDeployOptions, checkVerify } from "./fleetOptions";
import { heal } from "./heal";
import type { Clock } from "./health";
import { toHistory } from "./history";
import type { JournalSnapshot } from "./journal";
import { FileRecordStore } from "./records/fileStore";
import type { JournalReader, RecordStore } from "./records/types";
import { recoverInterrupted } from "./recovery";
import { rollBack } from "./rollback";
import { readStatus } from "./status";
import { retirement } from "./traffic";
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
} from "./types";
import { checkAppEnv, Problems } from "./validate";
import { WorkflowRun } from "./workflowRun";
import { WorkflowSteps } from "./workflowSteps";
import { runStrategy, releaseParams } from "./strategies/release";
import type { ReleaseOptions, ReleaseResult } from "./strategies/types";
import { checkStrategyOptions } from "./strategies/validate";
import { bake } from "./images/bake";
import { listAmis } from "./images/catalog";
import { chooseImage } from "./images/choose";
import { markInUse, prune } from "./images/prune";
import type {
  AmiListOptions,
  BakedAmi,
  BakeOptions,
  BakeResult,
  ImageChoice,
  PruneOptions,
  PruneResult,
} from "./images/types";
import { checkBakeOptions, checkPruneOptions } from "./images/validate";
import { sleep } from "./sleep";

const MINUTE = 60_000;

export class BlueGreenDeployment {
  readonly app: string;
  readonly env: string;
  private readonly stacks: AppStacks;
  private readonly records: RecordStore;
  private readonly journal: JournalReader;
  private readonly clock: Clock;
  private readonly keepWarmMs: number;
  private readonly steps: WorkflowSteps;

  constructor(private readonly options: BlueGreenDeploymentOptions) {
    const problems = new Problems();
    checkAppEnv(problems, options.app, options.env);
    problems.duration("keepWarmMs", options.keepWarmMs);
    problems.duration("healthTimeoutMs", options.healthTimeoutMs);
    problems.duration("healthPollMs", options.healthPollMs);
    problems.duration("lockStaleMs", options.lockStaleMs);
    problems.integer("undoAttempts", options.undoAttempts, 1, 10);
    if (!options.records && (typeof options.stateDir !== "string" || options.stateDir === ""))
      problems.add("stateDir", options.stateDir, "must be a directory path (or pass `records`)");
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
    this.records =
      options.records ?? new FileRecordStore(options.stateDir!, { staleMs: options.lockStaleMs });
    this.journal = this.records.journal(this);
    this.clock = { now: options.now ?? Date.now, sleep: options.sleep ?? sleep };
    this.keepWarmMs = options.keepWarmMs ?? 60 * MINUTE;
    this.steps = new WorkflowSteps({
      stacks: this.stacks,
      engine: options.engine,
      probe: options.probe,
      journal: this.journal,
      clock: this.clock,
      keepWarmMs: this.keepWarmMs,
      healthTimeoutMs: options.healthTimeoutMs ?? 10 * MINUTE,
      healthPollMs: options.healthPollMs ?? 2000,
      undoAttempts: options.undoAttempts ?? 3,
    });
  }

  /** Where the records (the journal) live: a file path, or the DynamoDB table and key. */
  get journalPath(): string {
    return this.journal.location;
  }

  // ---------------------------------------------------------------- public workflows

  /**
   * Create the network and router stacks when they do not exist (idempotent). The router starts at 0/0: no
   * release is live, its listener answers 503 until the first swap.
   */
  async bootstrap(options: BootstrapOptions = {}): Promise<BootstrapResult> {
    checkBootstrapOptions(options);
    return this.exclusive(
      "bootstrap",
      { ...options, signal: undefined, onProgress: undefined },
      options,
      (run) => bootstrap(this.steps.ctx, run, options),
    );
  }

  /** Deploy a release to the idle colour (weight 0) and wait until it is healthy. Traffic is never touched. */
  async up(options: DeployOptions): Promise<DeployResult> {
    const problems = new Problems();
    checkDeployOptions(problems, options, this.env);
    problems.done();
    const params = {
      release: options.release,
      imageId: options.imageId,
      imageFromEnv: options.imageFromEnv,
      instanceType: options.instanceType,
      capacity: options.capacity,
      force: options.force ?? false,
    };
    return this.exclusive("up", params, options, async (run) => {
      const state = await this.steps.readState(run);
      this.steps.requireBootstrapped(state);
      const image = await this.chooseImage(run, options);
      const result = await this.steps.deploy(run, state, { ...options, imageId: image.imageId }, "");
      return { ...result, image, taggedInUse: await this.markInUse(run, image.imageId) };
    });
  }

  /**
   * Release by a strategy, in one workflow: `blue-green` (up, then all the traffic at once), `canary` (up,
   * then traffic steps), `rolling` (capacity moves between the colours in health-gated batches) or
   * `recreate` (downtime accepted: the old colour destroyed first). Every option is checked before any
   * change; a failure puts back what the release changed (recreate: past its destroy, nothing serves).
   * See docs/strategies.md.
   */
  async release(options: ReleaseOptions): Promise<ReleaseResult> {
    const problems = new Problems();
    checkStrategyOptions(problems, options);
    checkDeployOptions(problems, options, this.env);
    if (options.steps !== undefined) problems.steps("steps", options.steps);
    problems.duration("pauseMs", options.pauseMs);
    checkVerify(problems, options.verify);
    problems.done();
    return this.exclusive(
      "release",
      releaseParams(options),
      options,
      async (run) => {
        const state = await this.steps.readState(run);
        this.steps.requireBootstrapped(state);
        const image = await this.chooseImage(run, options);
        const result = await runStrategy(this.steps, run, state, { ...options, imageId: image.imageId });
        // As `up` does: the AMI named, and tagged in use so GoldenAmi's lifecycle policy never retires it.
        const taggedInUse = await this.markInUse(run, image.imageId);
        return { ...result, deploy: { ...result.deploy, image, taggedInUse } };
      },
      (result, state) => retirement(state, result.from),
    );
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
        const state = await this.steps.readState(run);
        this.steps.requireBootstrapped(state);
        return this.steps.shift(run, state, steps, options.pauseMs ?? 0, options.verify ?? {}, "");
      },
      (result, state) => retirement(state, result.from),
    );
  }

  /**
   * Put 100 % of the traffic back on the fleet that served before the current one, while that very fleet
   * (its deployment id) still exists and is healthy. Anything else on the other colour (a release never live,
   * a redeploy) is refused before any change: `swap` puts it live, health-gated and stepwise.
   */
  async rollback(options: RollbackOptions = {}): Promise<RollbackResult> {
    return this.exclusive(
      "rollback",
      {},
      options,
      (run) => rollBack(this.steps, run),
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
        const state = await this.steps.readState(run);
        return this.steps.destroyColour(run, state, options.colour, options.force ?? false, "");
      },
    );
  }

  /**
   * Refresh-preview every stack of the app/env (network, router, the live colour, the idle colour when it
   * holds a release): the resources and properties that differ from the state, per stack. Changes nothing.
   */
  async drift(options: DriftOptions = {}): Promise<DriftReport> {
    return this.exclusive("drift", {}, options, async (run) => {
      const state = await this.steps.readState(run);
      this.steps.requireBootstrapped(state);
      return detectDrift(this.steps, run, state);
    });
  }

  /**
   * Put every drifted stack back by kind: stray security group rules revoked and the network restored, the
   * router's recorded weights restored, a drifted live fleet replaced (same release on the idle colour, swap,
   * destroy the drifted one), a drifted idle fleet redeployed. See automation/heal.ts.
   */
  async heal(options: HealOptions = {}): Promise<HealResult> {
    const steps = options.steps ?? [100];
    const problems = new Problems();
    problems.steps("steps", steps);
    checkVerify(problems, options.verify);
    problems.done();
    return this.exclusive("heal", { steps, force: options.force ?? false }, options, async (run) => {
      const state = await this.steps.readState(run);
      this.steps.requireBootstrapped(state);
      return heal(this.steps, run, state, { ...options, steps });
    });
  }

  /** Colours, releases, AMIs, identities, weights, target health, last and interrupted workflow. Takes no lock. */
  async status(options: StatusOptions = {}): Promise<DeploymentStatus> {
    return readStatus(this.steps.ctx, this.records, this, options);
  }

  /**
   * Bake a new golden AMI: an `up` of the app/env's golden-ami stack with a new bake id, so Image Builder
   * builds, tests and distributes a new image version. Progress reports its phases (`bake-phase` events); the
   * bake record (AMI per region, parent image, recipe version) goes to the deployment records. A failing build
   * or image test fails the bake (BakeFailedError) and records no AMI. See docs/images.md.
   */
  async bake(options: BakeOptions = {}): Promise<BakeResult> {
    const problems = new Problems();
    checkBakeOptions(problems, options);
    problems.done();
    const { signal: _signal, onProgress: _onProgress, ...params } = options;
    return this.exclusive("bake", params, options, (run) =>
      bake({ stacks: this.stacks, journal: this.journal, clock: this.clock }, run, options),
    );
  }

  /**
   * The AMIs of the app/env, newest first: EC2's under the golden AMI tag (scheduled pipeline runs included)
   * joined with the bake records. Takes no lock, changes nothing.
   */
  async amis(options: AmiListOptions = {}): Promise<BakedAmi[]> {
    const problems = new Problems();
    problems.integer("limit", options.limit, 1, 100_000);
    problems.done();
    const amis = await listAmis(this.imageContext(), options.signal);
    return options.limit ? amis.slice(0, options.limit) : amis;
  }

  /**
   * Retire old baked AMIs: deprecate those neither among the newest `keep` nor used by any stack of the app
   * (live, warm, rollback target, other envs), and deregister (with their snapshots) those deprecated at least
   * `deregisterAfterMs` ago; put the in-use tags right. `dryRun` decides the same and changes nothing.
   */
  async pruneAmis(options: PruneOptions): Promise<PruneResult> {
    const problems = new Problems();
    checkPruneOptions(problems, options);
    problems.done();
    const { signal: _signal, onProgress: _onProgress, ...params } = options;
    return this.exclusive("ami-prune", params, options, async (run) => {
      const state = await this.steps.readState(run);
      return prune(
        { ...this.imageContext(), engine: this.options.engine, clock: this.clock },
        run,
        state,
        options,
      );
    });
  }

  private imageContext() {
    return { app: this.app, env: this.env, probe: this.options.probe, journal: this.journal };
  }

  /**
   * The AMI of a deploy: the one given; else (a journaled step that names it) the one another env has live,
   * or the newest bake.
   */
  private async chooseImage(run: WorkflowRun, options: DeployOptions): Promise<ImageChoice> {
    if (options.imageId) return { imageId: options.imageId, source: "given" };
    const context = { ...this.imageContext(), engine: this.options.engine, clock: this.clock };
    return run.step("choose-image", () => chooseImage(context, options, run.signal), {
      detail: options.imageFromEnv ? `the AMI live in ${options.imageFromEnv}` : "the newest baked AMI",
    });
  }

  /**
   * Tag the AMI a fleet now runs as in use (GoldenAmi's lifecycle policy skips it). Best effort and not a
   * step: the fleet is deployed and healthy, and prune reads the stacks, never the tags, so a failed tag
   * fails nothing (the result says `taggedInUse: false`; the next prune tags it).
   */
  private async markInUse(run: WorkflowRun, imageId: string): Promise<boolean> {
    return markInUse(this.options.probe.images, imageId, run.signal).catch(() => false);
  }

  /** The journal, one record per workflow, oldest first. */
  async history(options: HistoryOptions = {}): Promise<HistoryRecord[]> {
    const problems = new Problems();
    problems.integer("limit", options.limit, 1, 1_000_000);
    problems.done();
    if (options.signal?.aborted) throw new AbortedError("history");
    // The archives only when asked for everything, or for more workflows than the active records hold.
    const { limit } = options;
    const readAll = this.journal.readAll?.bind(this.journal);
    if (readAll && !limit) return toHistory(await readAll());
    let records = toHistory(await this.journal.read());
    // Stryker disable next-line ConditionalExpression,LogicalOperator,EqualityOperator: reading the archives too gives the same last `limit` records; the condition only spares the read
    if (readAll && limit && records.length < limit) records = toHistory(await readAll());
    return limit ? records.slice(-limit) : records;
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
    if (call.signal?.aborted) throw new AbortedError(`${workflow}, before it started`);
    const lock = await this.records.acquireLock(this, workflow);
    try {
      const interrupted = await this.journal.interrupted();
      if (interrupted) await recoverInterrupted(this.steps, interrupted, this.emitter(call), lock);
      const run = new WorkflowRun(workflow, lock.journal, this.emitter(call), this.clock, call.signal, lock);
      await run.begin(params);
      try {
        const result = await body(run);
        await run.end("ok", { retired: retired?.(result, run.before) });
        return result;
      } catch (error) {
        // The lock is someone else's: no end record (the next holder completes or undoes this workflow).
        if (run.lockLost) throw run.lockLost;
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
}
