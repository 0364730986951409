// An in-memory Engine for tests and benches. It keeps stacks, config, resources and outputs; `up` runs a
// fake of each role's program (automation/memory/fakePrograms.ts), diffs it against the stack's state and
// reports the engine events and op counts the Automation API would (prelude, resource pre-events with
// `metadata.op` and diffs, outputs events, summary). Any call can be made to fail on demand, before or
// after it takes effect; calls are counted; drift and per-call latency can be simulated.
import type {
  ConfigMap,
  DestroyOptions,
  DestroyResult,
  DiffKind,
  EngineEvent,
  OpMap,
  OpType,
  OutputMap,
  PreviewOptions,
  PreviewResult,
  PropertyDiff,
  RefreshOptions,
  RefreshResult,
  StepEventMetadata,
  StepEventStateMetadata,
  UpdateKind,
  UpdateSummary,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";
import { canonicalJson } from "../components/immutability/identity";
import { CONFIG_NAMESPACE, type Role } from "../programs/contract";
import {
  FAKE_PROGRAMS,
  REPLACE_KEYS,
  shortHash,
  type FakeProgram,
  type FakeResource,
} from "./memory/fakePrograms";
import type { Engine, EngineStack } from "./seams";

export type EngineMethod =
  | "listStacks"
  | "createOrSelectStack"
  | "removeStack"
  | "setAllConfig"
  | "getAllConfig"
  | "preview"
  | "up"
  | "refresh"
  | "destroy"
  | "outputs";

/** One call the engine received, numbered from 1 in the order received. */
export interface EngineCall {
  index: number;
  method: EngineMethod;
  stack?: string;
}

/**
 * When an injected fault strikes: before the call takes effect (nothing changes), midway (an `up` or
 * `destroy` applied the first half of its steps, as when a provider fails part way; other calls as `after`),
 * or after it took effect (it changed everything, then reported an error).
 */
export type FaultMode = "before" | "midway" | "after";

export class InjectedFault extends Error {
  constructor(
    readonly call: EngineCall,
    readonly mode: FaultMode,
  ) {
    super(
      `injected fault ${mode} engine call #${call.index} (${call.method}${call.stack ? ` ${call.stack}` : ""})`,
    );
    this.name = "InjectedFault";
  }
}

export interface MemoryEngineOptions {
  /** Pulumi project name, in URNs. @default "phoenix" */
  project?: string;
  /** Replace the fake program of a role (tests of the immutability guard use a faulty one). */
  programs?: Partial<Record<Role, FakeProgram>>;
  /** Simulated latency of each call (ms), spent through `sleep`. @default 0 */
  latencyMs?: number | ((call: EngineCall) => number);
  /** @default a setTimeout that honours the signal */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Called as a destroy takes effect, with the engine's state still intact (tests audit what gets destroyed). */
  beforeDestroy?: (stack: string, engine: MemoryEngine) => void;
}

interface StoredResource {
  urn: string;
  type: string;
  name: string;
  parentUrn: string;
  custom: boolean;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

interface StoredStack {
  name: string;
  role: Role;
  config: ConfigMap;
  resources: Map<string, StoredResource>;
  outputs: Record<string, unknown>;
  /** What the cloud really holds per URN, when it differs from the state (drift); `null` = deleted. */
  drift: Map<string, Record<string, unknown> | null>;
  version: number;
}

interface Step {
  op: OpType;
  urn: string;
  type: string;
  old?: StoredResource;
  next?: StoredResource;
  diffs?: string[];
  detailedDiff?: Record<string, PropertyDiff>;
}

const sleepWithSignal = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });

const STACK_TYPE = "pulumi:pulumi:Stack";

export class MemoryEngine implements Engine {
  readonly project: string;
  /** Every call received, in order. */
  readonly calls: EngineCall[] = [];
  /** Real time spent inside engine calls, latency included (the engine's own time). */
  engineTimeMs = 0;
  /** Sum of the simulated latencies. */
  simulatedLatencyMs = 0;
  private readonly stacks = new Map<string, StoredStack>();
  private readonly programs: Record<Role, FakeProgram>;
  private readonly faults = new Map<number, FaultMode>();
  private faultRule?: (call: EngineCall) => FaultMode | undefined;
  private sequence = 0;
  /** True while a call runs that fails midway: `up` and `destroy` then apply half of their steps. */
  private midway = false;

  constructor(private readonly options: MemoryEngineOptions = {}) {
    this.project = options.project ?? "phoenix";
    this.programs = { ...FAKE_PROGRAMS, ...options.programs };
  }

  // ---- fault injection and inspection (not engine calls: never counted) ----

  /** Fail call number `index` (1-based, counting every call this engine receives). */
  failCall(index: number, mode: FaultMode): void {
    this.faults.set(index, mode);
  }

  /** Fail every call for which `rule` returns a mode (replaces any previous rule). */
  failWhen(rule: ((call: EngineCall) => FaultMode | undefined) | undefined): void {
    this.faultRule = rule;
  }

  clearFaults(): void {
    this.faults.clear();
    this.faultRule = undefined;
  }

  get callCount(): number {
    return this.calls.length;
  }

  /** Change what the cloud holds for one resource (by logical name) behind the engine's back; `null` deletes it. */
  simulateDrift(stack: string, resourceName: string, patch: Record<string, unknown> | null): void {
    const stored = this.mustGet(stack);
    const resource = [...stored.resources.values()].find((r) => r.name === resourceName);
    if (!resource)
      throw new Error(
        `simulateDrift: stack ${stack} has no resource named ${resourceName} (has ${[...stored.resources.values()].map((r) => r.name).join(", ")})`,
      );
    stored.drift.set(resource.urn, patch === null ? null : { ...resource.outputs, ...patch });
  }

  /** A read-only view of a stack, for assertions and scripted probes. */
  inspect(name: string):
    | {
        role: Role;
        config: Record<string, string>;
        outputs: Record<string, unknown>;
        resources: { urn: string; type: string; name: string; inputs: Record<string, unknown> }[];
      }
    | undefined {
    const stored = this.stacks.get(name);
    if (!stored) return undefined;
    return {
      role: stored.role,
      config: Object.fromEntries(Object.entries(stored.config).map(([k, v]) => [k, v.value])),
      outputs: structuredClone(stored.outputs),
      resources: [...stored.resources.values()].map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        inputs: structuredClone(r.inputs),
      })),
    };
  }

  stackNames(): string[] {
    return [...this.stacks.keys()].sort();
  }

  // ---- the Engine seam ----

  listStacks(): Promise<string[]> {
    return this.call("listStacks", undefined, undefined, () => this.stackNames());
  }

  createOrSelectStack(name: string, role: Role): Promise<EngineStack> {
    return this.call("createOrSelectStack", name, undefined, () => {
      const existing = this.stacks.get(name);
      if (existing && existing.role !== role)
        throw new Error(`stack ${name} runs the ${existing.role} program, not ${role}`);
      if (!existing)
        this.stacks.set(name, {
          name,
          role,
          config: {},
          resources: new Map(),
          outputs: {},
          drift: new Map(),
          version: 0,
        });
      return this.handle(name);
    });
  }

  removeStack(name: string): Promise<void> {
    return this.call("removeStack", name, undefined, () => {
      const stored = this.mustGet(name);
      if (stored.resources.size > 0) {
        throw new Error(
          `error: stack '${name}' still has resources; removing it would orphan them: destroy it first (or use --force)`,
        );
      }
      this.stacks.delete(name);
    });
  }

  private handle(name: string): EngineStack {
    return {
      name,
      setAllConfig: (config) =>
        this.call(
          "setAllConfig",
          name,
          undefined,
          () =>
            void (this.mustGet(name).config = { ...this.mustGet(name).config, ...structuredClone(config) }),
        ),
      getAllConfig: () =>
        this.call("getAllConfig", name, undefined, () => structuredClone(this.mustGet(name).config)),
      preview: (opts) => this.call("preview", name, opts?.signal, () => this.preview(name, opts)),
      up: (opts) => this.call("up", name, opts?.signal, () => this.up(name, opts)),
      refresh: (opts) => this.call("refresh", name, opts?.signal, () => this.refresh(name, opts)),
      destroy: (opts) => this.call("destroy", name, opts?.signal, () => this.destroy(name, opts)),
      outputs: () => this.call("outputs", name, undefined, () => this.outputs(name)),
    };
  }

  private async call<T>(
    method: EngineMethod,
    stack: string | undefined,
    signal: AbortSignal | undefined,
    effect: () => T,
  ): Promise<T> {
    const call: EngineCall = { index: this.calls.length + 1, method, stack };
    this.calls.push(call);
    const started = performance.now();
    try {
      signal?.throwIfAborted();
      const latency =
        typeof this.options.latencyMs === "function"
          ? this.options.latencyMs(call)
          : (this.options.latencyMs ?? 0);
      if (latency > 0) {
        this.simulatedLatencyMs += latency;
        await (this.options.sleep ?? sleepWithSignal)(latency, signal);
      }
      const mode = this.faults.get(call.index) ?? this.faultRule?.(call);
      if (mode === "before") throw new InjectedFault(call, mode);
      this.midway = mode === "midway";
      const result = effect();
      if (mode) throw new InjectedFault(call, mode);
      return result;
    } finally {
      this.midway = false;
      this.engineTimeMs += performance.now() - started;
    }
  }

  private mustGet(name: string): StoredStack {
    const stored = this.stacks.get(name);
    if (!stored) throw new Error(`no stack named '${name}' found`);
    return stored;
  }

  // ---- the operations ----

  private flatConfig(stored: StoredStack): Record<string, string> {
    const prefix = `${CONFIG_NAMESPACE}:`;
    return Object.fromEntries(
      Object.entries(stored.config)
        .filter(([key]) => key.startsWith(prefix))
        .map(([key, value]) => [key.slice(prefix.length), value.value]),
    );
  }

  private urn(stack: string, type: string, name: string, parentType?: string): string {
    return `urn:pulumi:${stack}::${this.project}::${parentType ? `${parentType}$` : ""}${type}::${name}`;
  }

  /** The resources the stack's program declares, with their URNs; throws what the program throws. */
  private desired(stored: StoredStack): StoredResource[] {
    const result = this.programs[stored.role]({
      stack: stored.name,
      config: this.flatConfig(stored),
      stackOutputs: (name) => {
        const other = this.stacks.get(name);
        return other && Object.keys(other.outputs).length > 0 ? other.outputs : undefined;
      },
    });
    const root: StoredResource = this.toStored(
      stored.name,
      { type: STACK_TYPE, name: `${this.project}-${stored.name}`, inputs: {} },
      "",
    );
    const byType = new Map(result.resources.map((r) => [r.type, r]));
    const resources = result.resources.map((r) => {
      const parent = r.parentType ? byType.get(r.parentType) : undefined;
      const parentUrn = parent ? this.urn(stored.name, parent.type, parent.name) : root.urn;
      return this.toStored(stored.name, r, parentUrn);
    });
    (root as { outputs: Record<string, unknown> }).outputs = result.outputs;
    return [root, ...resources];
  }

  private toStored(stack: string, resource: FakeResource, parentUrn: string): StoredResource {
    const custom = resource.type.startsWith("aws:");
    const urn = this.urn(stack, resource.type, resource.name, resource.parentType);
    const id = custom
      ? `${resource.type.split(":").pop()!.toLowerCase()}-${shortHash(urn + canonicalJson(resource.inputs), 12)}`
      : "";
    return {
      urn,
      type: resource.type,
      name: resource.name,
      parentUrn,
      custom,
      id,
      inputs: resource.inputs,
      outputs: custom ? { ...resource.inputs, id } : {},
    };
  }

  private plan(stored: StoredStack, desired: StoredResource[]): Step[] {
    const steps: Step[] = [];
    const wanted = new Set(desired.map((r) => r.urn));
    for (const next of desired) {
      const old = stored.resources.get(next.urn);
      if (!old) {
        steps.push({ op: "create", urn: next.urn, type: next.type, next });
        continue;
      }
      const keys = [...new Set([...Object.keys(old.inputs), ...Object.keys(next.inputs)])]
        .filter((k) => canonicalJson(old.inputs[k]) !== canonicalJson(next.inputs[k]))
        .sort();
      if (keys.length === 0) {
        steps.push({ op: "same", urn: next.urn, type: next.type, old, next: old });
        continue;
      }
      const forceNew = REPLACE_KEYS[next.type] ?? [];
      const replace = keys.some((k) => forceNew.includes(k));
      const detailedDiff: Record<string, PropertyDiff> = {};
      for (const key of keys) {
        const kind =
          old.inputs[key] === undefined ? "add" : next.inputs[key] === undefined ? "delete" : "update";
        detailedDiff[key] = {
          diffKind: (forceNew.includes(key) ? `${kind}-replace` : kind) as DiffKind,
          inputDiff: true,
        };
      }
      steps.push({
        op: replace ? "replace" : "update",
        urn: next.urn,
        type: next.type,
        old,
        next: replace ? next : { ...next, id: old.id, outputs: { ...next.outputs, id: old.id } },
        diffs: keys,
        detailedDiff,
      });
    }
    const gone = [...stored.resources.values()].filter((r) => !wanted.has(r.urn)).reverse();
    for (const old of gone) steps.push({ op: "delete", urn: old.urn, type: old.type, old });
    return steps;
  }

  private emit(
    onEvent: ((event: EngineEvent) => void) | undefined,
    event: Omit<EngineEvent, "sequence" | "timestamp">,
  ): void {
    onEvent?.({ sequence: this.sequence++, timestamp: Math.floor(Date.now() / 1000), ...event });
  }

  private state(r: StoredResource, extra: Partial<StepEventStateMetadata> = {}): StepEventStateMetadata {
    return {
      type: r.type,
      urn: r.urn,
      custom: r.custom,
      id: r.id,
      parent: r.parentUrn,
      inputs: structuredClone(r.inputs),
      outputs: structuredClone(r.outputs),
      provider: "",
      ...extra,
    };
  }

  private metadata(step: Step): StepEventMetadata {
    return {
      op: step.op,
      urn: step.urn,
      type: step.type,
      provider: step.type.startsWith("aws:") ? `urn:pulumi:${this.project}::default_7_48_0` : "",
      old: step.old ? this.state(step.old) : undefined,
      new: step.next ? this.state(step.next) : undefined,
      diffs: step.diffs,
      detailedDiff: step.detailedDiff,
      keys:
        step.op === "replace"
          ? step.diffs?.filter((k) => (REPLACE_KEYS[step.type] ?? []).includes(k))
          : undefined,
    };
  }

  private report(
    stored: StoredStack,
    steps: Step[],
    planning: boolean,
    onEvent: ((event: EngineEvent) => void) | undefined,
    started: number,
  ): OpMap {
    this.emit(onEvent, { preludeEvent: { config: this.flatConfigWithNamespace(stored) } });
    const changes: OpMap = {};
    for (const step of steps) {
      changes[step.op] = (changes[step.op] ?? 0) + 1;
      const metadata = this.metadata(step);
      this.emit(onEvent, { resourcePreEvent: { metadata, planning } });
      if (!planning) this.emit(onEvent, { resOutputsEvent: { metadata, planning } });
    }
    this.emit(onEvent, {
      summaryEvent: {
        maybeCorrupt: false,
        durationSeconds: Math.round((Date.now() - started) / 1000),
        resourceChanges: changes,
        policyPacks: {},
      },
    });
    return changes;
  }

  private flatConfigWithNamespace(stored: StoredStack): Record<string, string> {
    return Object.fromEntries(
      Object.entries(stored.config).map(([k, v]) => [k, v.secret ? "[secret]" : v.value]),
    );
  }

  private summary(
    stored: StoredStack,
    kind: UpdateKind,
    started: Date,
    changes: OpMap,
    message?: string,
  ): UpdateSummary {
    return {
      kind,
      startTime: started,
      endTime: new Date(),
      message: message ?? "",
      environment: { exec_kind: "auto.inline" },
      config: structuredClone(stored.config),
      result: "succeeded",
      version: stored.version,
      resourceChanges: changes,
    };
  }

  private runProgram(
    stored: StoredStack,
    onEvent: ((event: EngineEvent) => void) | undefined,
  ): StoredResource[] {
    try {
      return this.desired(stored);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.emit(onEvent, {
        diagnosticEvent: {
          message: `${message}\n`,
          color: "never",
          severity: "error",
          urn: this.urn(stored.name, STACK_TYPE, `${this.project}-${stored.name}`),
        },
      });
      throw new Error(`code: 255\n stderr: error: an unhandled error occurred: program failed: ${message}`, {
        cause: error,
      });
    }
  }

  private preview(name: string, opts?: PreviewOptions): PreviewResult {
    const stored = this.mustGet(name);
    const started = Date.now();
    const steps = this.plan(stored, this.runProgram(stored, opts?.onEvent));
    const changeSummary = this.report(stored, steps, true, opts?.onEvent, started);
    if (opts?.expectNoChanges && steps.some((s) => s.op !== "same"))
      throw new Error(`code: 255\n stderr: error: no changes were expected but changes were proposed`);
    return { stdout: `Previewing update (${name})\n`, stderr: "", changeSummary };
  }

  private up(name: string, opts?: UpOptions): UpResult {
    const stored = this.mustGet(name);
    const started = new Date();
    const desired = this.runProgram(stored, opts?.onEvent);
    const steps = this.plan(stored, desired);
    const changes = this.report(stored, steps, false, opts?.onEvent, started.getTime());
    const applied = this.midway ? steps.slice(0, Math.ceil(steps.length / 2)) : steps;
    for (const step of applied) {
      if (step.op === "delete") stored.resources.delete(step.urn);
      else if (step.next) stored.resources.set(step.urn, step.next);
      stored.drift.delete(step.urn);
    }
    stored.version++;
    // A failed update keeps the outputs of the last successful one (they are registered at the end).
    if (!this.midway) stored.outputs = structuredClone(desired[0].outputs);
    return {
      stdout: `Updating (${name})\n`,
      stderr: "",
      outputs: this.outputs(name),
      summary: this.summary(stored, "update", started, changes, opts?.message),
    };
  }

  private refresh(name: string, opts?: RefreshOptions): RefreshResult {
    const stored = this.mustGet(name);
    const started = new Date();
    const steps: Step[] = [];
    for (const resource of stored.resources.values()) {
      const actual = stored.drift.get(resource.urn);
      if (actual === undefined || !resource.custom) {
        steps.push({ op: "refresh", urn: resource.urn, type: resource.type, old: resource, next: resource });
      } else if (actual === null) {
        steps.push({ op: "delete", urn: resource.urn, type: resource.type, old: resource });
      } else {
        const keys = [...new Set([...Object.keys(resource.outputs), ...Object.keys(actual)])]
          .filter((k) => canonicalJson(resource.outputs[k]) !== canonicalJson(actual[k]))
          .sort();
        const detailedDiff = Object.fromEntries(
          keys.map((k) => [k, { diffKind: "update" as DiffKind, inputDiff: false }]),
        );
        steps.push({
          op: "refresh",
          urn: resource.urn,
          type: resource.type,
          old: resource,
          next: { ...resource, outputs: actual },
          diffs: keys,
          detailedDiff,
        });
      }
    }
    this.emit(opts?.onEvent, { preludeEvent: { config: this.flatConfigWithNamespace(stored) } });
    const changes: OpMap = {};
    for (const step of steps) {
      // Refresh counts a drifted resource as an update and a vanished one as a delete, like the CLI's summary.
      const counted: OpType =
        step.op === "delete" ? "delete" : step.diffs && step.diffs.length > 0 ? "update" : "same";
      changes[counted] = (changes[counted] ?? 0) + 1;
      this.emit(opts?.onEvent, {
        resourcePreEvent: { metadata: this.metadata(step), planning: opts?.previewOnly ?? false },
      });
    }
    this.emit(opts?.onEvent, {
      summaryEvent: { maybeCorrupt: false, durationSeconds: 0, resourceChanges: changes, policyPacks: {} },
    });
    if (!opts?.previewOnly) {
      for (const step of steps) {
        if (step.op === "delete") stored.resources.delete(step.urn);
        else if (step.next) stored.resources.set(step.urn, step.next);
      }
      stored.drift.clear();
      stored.version++;
    }
    return {
      stdout: `Refreshing (${name})\n`,
      stderr: "",
      summary: this.summary(stored, "refresh", started, changes, opts?.message),
    };
  }

  private destroy(name: string, opts?: DestroyOptions): DestroyResult {
    const stored = this.mustGet(name);
    const started = new Date();
    const steps: Step[] = [...stored.resources.values()]
      .reverse()
      .map((old) => ({ op: "delete", urn: old.urn, type: old.type, old }));
    const changes = this.report(stored, steps, opts?.previewOnly ?? false, opts?.onEvent, started.getTime());
    if (!opts?.previewOnly && this.midway) {
      this.options.beforeDestroy?.(name, this);
      for (const step of steps.slice(0, Math.ceil(steps.length / 2))) stored.resources.delete(step.urn);
      stored.version++;
    } else if (!opts?.previewOnly) {
      this.options.beforeDestroy?.(name, this);
      stored.resources.clear();
      stored.drift.clear();
      stored.outputs = {};
      stored.version++;
      if (opts?.remove) this.stacks.delete(name);
    }
    return {
      stdout: `Destroying (${name})\n`,
      stderr: "",
      summary: this.summary(stored, "destroy", started, changes, opts?.message),
    };
  }

  private outputs(name: string): OutputMap {
    const stored = this.mustGet(name);
    return Object.fromEntries(
      Object.entries(stored.outputs).map(([key, value]) => [
        key,
        { value: structuredClone(value), secret: false },
      ]),
    );
  }
}
