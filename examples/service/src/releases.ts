// Releases, one at a time: BlueGreenDeployment.release (one workflow under one lock: the new release on the idle
// colour, health-gated, then the traffic by the chosen strategy; a failure puts back what it changed), each with
// the log of its progress that the event streams replay and follow.
import { randomUUID } from "crypto";
import type { BlueGreenDeployment, ProgressEvent, ReleaseResult } from "phoenix-fleet";
import { BusyError, errorBody, httpStatusOf } from "./httpStatus";
import { checkWithLibrary, type ReleaseRequest } from "./releaseRequest";

export type ReleaseState = "running" | "succeeded" | "failed";

/** One server-sent event: its id (for `Last-Event-ID`), its name and its JSON data. */
export interface StreamEvent {
  id: number;
  name: string;
  data: unknown;
}

/**
 * A progress event as the stream shows it. Engine events are cut down to what happened to which resource:
 * the engine's full events carry resource inputs and outputs, which have no business in a public stream.
 */
function streamed(event: ProgressEvent): unknown {
  if (event.kind !== "engine") return event;
  const { workflow, stack, operation, event: engine } = event;
  const pre = engine.resourcePreEvent?.metadata;
  const done = engine.resOutputsEvent?.metadata;
  const step = pre ?? done;
  return {
    kind: "engine",
    workflow,
    stack,
    operation,
    ...(step && { op: step.op, urn: step.urn, done: done !== undefined }),
    ...(engine.summaryEvent && { summary: engine.summaryEvent.resourceChanges }),
  };
}

export class Release {
  state: ReleaseState = "running";
  result?: ReleaseResult;
  failure?: { status: number; error: string; message: string };
  readonly startedAt = new Date().toISOString();
  endedAt?: string;
  /** Every event so far, oldest first: a stream opened late replays them. */
  readonly events: StreamEvent[] = [];
  private readonly listeners = new Set<(event: StreamEvent) => void>();

  constructor(
    readonly id: string,
    readonly release: string,
  ) {}

  push(name: string, data: unknown): void {
    const event = { id: this.events.length + 1, name, data };
    this.events.push(event);
    for (const listener of this.listeners) listener(event);
  }

  /** The events after `lastEventId`, then every new one until the `end` event. Returns the unsubscribe. */
  follow(lastEventId: number, listener: (event: StreamEvent) => void): () => void {
    for (const event of this.events.slice(Math.max(0, lastEventId))) listener(event);
    if (this.state !== "running") return () => {};
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  succeed(result: ReleaseResult): void {
    this.result = result;
    this.end("succeeded", result);
  }

  fail(error: unknown): void {
    this.failure = { status: httpStatusOf(error), ...errorBody(error) };
    this.end("failed", this.failure);
  }

  private end(state: ReleaseState, data: unknown): void {
    this.state = state;
    this.endedAt = new Date().toISOString();
    this.push("end", { state, ...(data as object) });
    this.listeners.clear();
  }

  summary() {
    return {
      id: this.id,
      release: this.release,
      state: this.state,
      startedAt: this.startedAt,
      endedAt: this.endedAt,
      events: `/releases/${this.id}/events`,
      ...(this.result && { strategy: this.result.strategy, colour: this.result.to }),
      ...(this.failure && { failure: this.failure }),
    };
  }
}

export class ReleaseRunner {
  private readonly releases = new Map<string, Release>();
  private current?: { release: Release; controller: AbortController; done?: Promise<void> };

  constructor(private readonly deployment: BlueGreenDeployment) {}

  get(id: string): Release | undefined {
    return this.releases.get(id);
  }

  list(): Release[] {
    return [...this.releases.values()];
  }

  get running(): Release | undefined {
    return this.current?.release;
  }

  /**
   * Start a release; resolves once it holds the app/env lock (it is then under way and its failures go to its
   * stream). Rejects without starting anything when the request is invalid, when this service runs a release
   * already (BusyError) or when the release is refused before it begins (LockedError: another process, the
   * `phoenix` CLI for one, holds the lock).
   */
  async start(request: ReleaseRequest): Promise<Release> {
    if (this.current) throw new BusyError(this.current.release);
    // Claimed before the first await, so that two requests arriving together cannot both start.
    const claim: NonNullable<ReleaseRunner["current"]> = {
      release: new Release(randomUUID(), String(request.release)),
      controller: new AbortController(),
    };
    this.current = claim;
    const { release, controller } = claim;
    try {
      await checkWithLibrary(this.deployment, request);
      let lockTaken!: () => void;
      const began = new Promise<void>((resolve) => (lockTaken = resolve));
      const onProgress = (event: ProgressEvent) => {
        if (event.kind === "workflow-start" && event.workflow === "release") lockTaken();
        release.push(event.kind, streamed(event));
      };
      const workflow = this.deployment.release({ ...request, signal: controller.signal, onProgress });
      await Promise.race([began, workflow]);
      this.releases.set(release.id, release);
      claim.done = workflow.then(
        (result) => release.succeed(result),
        (error: unknown) => release.fail(error),
      );
      void claim.done.finally(() => {
        if (this.current === claim) this.current = undefined;
      });
      return release;
    } catch (error) {
      this.current = undefined;
      throw error;
    }
  }

  /** Abort the running release (the library undoes what it started) and wait until it has ended. */
  async close(): Promise<void> {
    const current = this.current;
    if (!current) return;
    current.controller.abort(new Error("the service is shutting down"));
    await current.done;
  }
}
