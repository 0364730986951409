// One run of a workflow: its id, its journal lines, its progress events and its abort/lock checkpoints.
// Every step goes through `step()`, so the journal holds a started and an ok/failed line per step with its
// duration, and a listener sees the same steps as events.
import { randomUUID } from "crypto";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Colour } from "../programs/contract";
import { AbortedError, errorMessage, LockCompromisedError } from "./errors";
import type { EngineOperation, ProgressEvent, WorkflowName } from "./events";
import type { Clock } from "./health";
import type { CapacityConfig, FleetRecord, JournalEntry, JournalSnapshot } from "./journal";
import type { HeldLock, JournalWriter } from "./records/types";
import type { BakeRecord } from "./images/types";

export interface StepExtra<T> {
  detail?: string;
  colour?: Colour;
  /** For the `read-state` step: the snapshot to journal (what recovery restores). */
  stateOf?: (result: T) => JournalSnapshot;
  /** For the `deploy` step: the fleet it deploys, recorded with the step's ok line (the deployment record). */
  deployed?: FleetRecord;
  /** For the `bake` step: the bake record to journal with its ok line. */
  bakedOf?: (result: T) => BakeRecord;
  /** For a step that changes a fleet's capacity: its capacity config before (what recovery restores). */
  scaledFrom?: CapacityConfig;
}

export class WorkflowRun {
  readonly id = randomUUID();
  readonly startedAt: number;
  /** What the workflow found at its first `read-state` (what the journal's recovery restores). */
  before: JournalSnapshot | undefined;
  /** Set when the workflow could not finish nor undo a step: no end line, so the next workflow completes it. */
  leftOpen = false;
  /** The last step started, for messages. */
  lastStep: string | undefined;
  /**
   * Set once a record was refused because the lock is someone else's (a shared store fences its writes):
   * nothing more can be recorded, so nothing more may be changed, compensations included. The new holder
   * completes or undoes this workflow from the records; this one ends with this error.
   */
  lockLost: LockCompromisedError | undefined;

  constructor(
    readonly workflow: WorkflowName,
    private readonly journal: JournalWriter,
    private readonly emit: (event: ProgressEvent) => void,
    readonly clock: Clock,
    readonly signal: AbortSignal | undefined,
    private readonly lock: HeldLock,
  ) {
    this.startedAt = clock.now();
  }

  /** Append to the records; a refusal because the lock was lost is remembered (see `lockLost`). */
  async record(entry: JournalEntry): Promise<void> {
    try {
      await this.journal.append(entry);
    } catch (error) {
      if (error instanceof LockCompromisedError) this.lockLost ??= error;
      throw error;
    }
  }

  iso(): string {
    return new Date(this.clock.now()).toISOString();
  }

  async begin(params: Record<string, unknown>): Promise<void> {
    await this.record({
      type: "begin",
      id: this.id,
      workflow: this.workflow,
      at: this.iso(),
      params,
      pid: process.pid,
    });
    this.emit({ kind: "workflow-start", workflow: this.workflow, id: this.id, at: this.clock.now() });
  }

  async end(
    status: "ok" | "failed" | "aborted",
    extra: { error?: unknown; retired?: { colour: Colour; release: string } } = {},
  ): Promise<void> {
    const durationMs = this.clock.now() - this.startedAt;
    const error = extra.error === undefined ? undefined : errorMessage(extra.error);
    await this.record({
      type: "end",
      id: this.id,
      workflow: this.workflow,
      at: this.iso(),
      status,
      durationMs,
      error,
      retired: extra.retired,
    });
    this.emit({
      kind: "workflow-end",
      workflow: this.workflow,
      id: this.id,
      at: this.clock.now(),
      status,
      durationMs,
      error,
    });
  }

  /** Throws AbortedError when aborted and LockCompromisedError when the lock was lost. */
  checkpoint(during: string): void {
    this.lock.check();
    if (this.signal?.aborted) throw new AbortedError(during);
  }

  /** Run one journaled step. `abortable: false` for compensations, which must run even after an abort. */
  async step<T>(
    name: string,
    body: () => Promise<T>,
    extra: StepExtra<T> = {},
    abortable = true,
  ): Promise<T> {
    if (abortable) this.checkpoint(name);
    this.lastStep = name;
    const started = this.clock.now();
    await this.record({
      type: "step",
      id: this.id,
      workflow: this.workflow,
      step: name,
      status: "started",
      at: this.iso(),
      colour: extra.colour,
      detail: extra.detail,
      // On the started line: a crash during the step must still find what to restore.
      ...(extra.scaledFrom ? { scaledFrom: extra.scaledFrom } : {}),
    });
    this.emit({ kind: "step-start", workflow: this.workflow, step: name, detail: extra.detail, at: started });
    try {
      const result = await body();
      await this.endStep(name, started, extra, {
        status: "ok",
        state: extra.stateOf?.(result),
        ...(extra.deployed ? { deployed: extra.deployed } : {}),
        ...(extra.bakedOf ? { baked: extra.bakedOf(result) } : {}),
      });
      return result;
    } catch (error) {
      await this.endStep(name, started, extra, { status: "failed", error: errorMessage(error) });
      throw error;
    }
  }

  /** Journal and report the end of a step, ok (with the state it leaves) or failed (with why). */
  private async endStep<T>(
    name: string,
    started: number,
    extra: StepExtra<T>,
    outcome:
      | { status: "ok"; state?: JournalSnapshot; deployed?: FleetRecord; baked?: BakeRecord }
      | { status: "failed"; error: string },
  ): Promise<void> {
    const durationMs = this.clock.now() - started;
    await this.record({
      type: "step",
      id: this.id,
      workflow: this.workflow,
      step: name,
      at: this.iso(),
      durationMs,
      colour: extra.colour,
      ...outcome,
    });
    this.emit({
      kind: "step-end",
      workflow: this.workflow,
      step: name,
      status: outcome.status,
      durationMs,
      detail: extra.detail,
      // Stryker disable next-line ConditionalExpression: an ok outcome has no error (the test only narrows the type)
      error: outcome.status === "failed" ? outcome.error : undefined,
      at: this.clock.now(),
    });
  }

  /** Report a progress event (health readings). */
  emitEvent(event: ProgressEvent): void {
    this.emit(event);
  }

  /** Options for an engine operation: its events forwarded as progress, the abort signal unless compensating. */
  engineOptions(
    stack: string,
    operation: EngineOperation,
    abortable = true,
    collect?: EngineEvent[],
  ): { onEvent: (event: EngineEvent) => void; signal?: AbortSignal } {
    return {
      onEvent: (event) => {
        collect?.push(event);
        this.emit({ kind: "engine", workflow: this.workflow, stack, operation, event });
      },
      signal: abortable ? this.signal : undefined,
    };
  }
}
