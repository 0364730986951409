// An in-memory Engine for tests and benches. It keeps stacks, config, resources and outputs; `up` runs a
// fake of each role's program (automation/memory/fakePrograms.ts), diffs it against the stack's state and
// reports the engine events and op counts the Automation API would (prelude, resource pre-events with
// `metadata.op` and diffs, outputs events — in previews too, `planning: true` — and the summary). A refresh
// reports what the real engine does (see `refresh` below): the drift only in the outputs events. Any call can
// be made to fail on demand, before or after it takes effect; calls are counted; drift (what the cloud holds
// behind the state's back) and per-call latency can be simulated.
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
import { canonicalJson, isSerializedSecret } from "../components/immutability/identity";
import { CONFIG_NAMESPACE, type Role } from "../programs/contract";
import { FAKE_PROGRAMS, shortHash, type FakeProgram, type FakeResource } from "./memory/fakePrograms";
import { replaceOnKeys } from "./memory/forceNew";
import { MemoryImages } from "./memory/images";
import type { Engine, EngineStack } from "./seams";
import { sleep } from "./sleep";
import { blocksWithout, SECURITY_GROUP_TYPE, type SecurityGroupRule } from "./securityGroupRules";

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
  /** The clock of the simulated account (the creation time of the AMIs bakes register). @default Date.now */
  now?: () => number;
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
  /** For a refresh step: the op its outputs event reports (ResultOp: same, update, delete). */
  resultOp?: OpType;
  urn: string;
  type: string;
  old?: StoredResource;
  next?: StoredResource;
  diffs?: string[];
  detailedDiff?: Record<string, PropertyDiff>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const IMAGE_TYPE = "aws:imagebuilder/image:Image";
const DISTRIBUTION_TYPE = "aws:imagebuilder/distributionConfiguration:DistributionConfiguration";

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
  // Stryker disable next-line BooleanLiteral: never read before `call` sets it for the call's effect
  private midway = false;
  /** The simulated account's AMIs (automation/memory/images.ts): what bakes leave in EC2. */
  readonly images: MemoryImages;
  private imageTestsFail = false;

  constructor(private readonly options: MemoryEngineOptions = {}) {
    this.project = options.project ?? "phoenix";
    this.programs = { ...FAKE_PROGRAMS, ...options.programs };
    this.images = new MemoryImages(options.now);
  }

  /**
   * While on, the image tests of every Image Builder image an `up` creates fail: the create fails as the
   * provider's does when the build ends FAILED, the resources before it stay applied, no AMI is registered.
   */
  failImageTests(on: boolean): void {
    this.imageTestsFail = on;
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
    stored.drift.set(
      resource.urn,
      patch === null ? null : { ...this.cloudOutputs(stored, resource), ...patch },
    );
  }

  /** What the cloud holds for one resource (by logical name): its state's outputs unless it drifted; null when gone. */
  liveOutputs(stack: string, resourceName: string): Record<string, unknown> | null {
    const stored = this.mustGet(stack);
    const resource = [...stored.resources.values()].find((r) => r.name === resourceName);
    if (!resource) throw new Error(`liveOutputs: stack ${stack} has no resource named ${resourceName}`);
    return structuredClone(this.cloudOutputs(stored, resource));
  }

  /** Revoke rules from a security group in the "cloud" (what EC2's RevokeSecurityGroupIngress/Egress do). */
  revokeSecurityGroupRules(rules: SecurityGroupRule[]): void {
    for (const groupId of new Set(rules.map((r) => r.groupId))) {
      const found = [...this.stacks.values()].flatMap((stored) =>
        [...stored.resources.values()]
          .filter((r) => r.type === SECURITY_GROUP_TYPE && r.id === groupId)
          .map((resource) => ({ stored, resource })),
      )[0];
      if (!found) throw new Error(`InvalidGroup.NotFound: The security group '${groupId}' does not exist`);
      const { stored, resource } = found;
      const live = this.cloudOutputs(stored, resource);
      if (live === null)
        throw new Error(`InvalidGroup.NotFound: The security group '${groupId}' does not exist`);
      const next = { ...live };
      for (const direction of ["ingress", "egress"] as const) {
        const revoked = rules.filter((r) => r.groupId === groupId && r.direction === direction);
        if (revoked.length > 0) next[direction] = blocksWithout(groupId, direction, live[direction], revoked);
      }
      // Back to what the state holds: no drift left.
      // Stryker disable next-line ConditionalExpression: a drift equal to the state reads as none everywhere (liveOutputs, refresh, up); deleting it keeps the map honest, not the readings
      if (canonicalJson(next) === canonicalJson(resource.outputs)) stored.drift.delete(resource.urn);
      else stored.drift.set(resource.urn, next);
    }
  }

  private cloudOutputs(stored: StoredStack, resource: StoredResource): Record<string, unknown> | null {
    const actual = stored.drift.get(resource.urn);
    return actual === undefined ? resource.outputs : actual;
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
        await (this.options.sleep ?? sleep)(latency, signal);
      }
      const mode = this.faults.get(call.index) ?? this.faultRule?.(call);
      if (mode === "before") throw new InjectedFault(call, mode);
      this.midway = mode === "midway";
      const result = effect();
      if (mode) throw new InjectedFault(call, mode);
      return result;
    } finally {
      // Stryker disable next-line BooleanLiteral: the next call sets it again before its effect
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

  private plan(resources: Map<string, StoredResource>, desired: StoredResource[]): Step[] {
    const steps: Step[] = [];
    const wanted = new Set(desired.map((r) => r.urn));
    for (const next of desired) {
      const old = resources.get(next.urn);
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
      // The one ForceNew table, as the rig's test provider uses it (automation/memory/forceNew.ts).
      const forceNew = replaceOnKeys(next.type, old.inputs, next.inputs);
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
    const gone = [...resources.values()].filter((r) => !wanted.has(r.urn)).reverse();
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
      inputs: blindSecrets(r.inputs) as Record<string, unknown>,
      outputs: blindSecrets(r.outputs) as Record<string, unknown>,
      provider: "",
      ...extra,
    };
  }

  private metadata(step: Step, op: OpType = step.op): StepEventMetadata {
    return {
      op,
      urn: step.urn,
      type: step.type,
      provider: step.type.startsWith("aws:") ? `urn:pulumi:${this.project}::default_7_48_0` : "",
      old: step.old ? this.state(step.old) : undefined,
      new: step.next ? this.state(step.next) : undefined,
      diffs: step.diffs,
      detailedDiff: step.detailedDiff,
      // The keys that forced the replacement: the ones the plan marked `*-replace`.
      keys:
        step.op === "replace"
          ? step.diffs?.filter((k) => step.detailedDiff?.[k]?.diffKind.endsWith("-replace"))
          : undefined,
    };
  }

  private report(
    stored: StoredStack,
    steps: Step[],
    planning: boolean,
    onEvent: ((event: EngineEvent) => void) | undefined,
    started: number,
    refreshed: Step[] = [],
  ): OpMap {
    this.emit(onEvent, { preludeEvent: { config: this.flatConfigWithNamespace(stored) } });
    this.reportRefresh(refreshed, planning, false, onEvent);
    const changes: OpMap = {};
    for (const step of steps) {
      changes[step.op] = (changes[step.op] ?? 0) + 1;
      const metadata = this.metadata(step);
      this.emit(onEvent, { resourcePreEvent: { metadata, planning } });
      // Previews send the outputs event too, planning (pulumi pkg/engine/update.go:1535 previewActions.OnResourceStepPost).
      this.emit(onEvent, { resOutputsEvent: { metadata, planning } });
    }
    this.emit(onEvent, {
      summaryEvent: summaryAsSent(changes, planning, Math.round((Date.now() - started) / 1000)),
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
    const refreshed = opts?.refresh ? this.refreshSteps(stored) : [];
    const base = opts?.refresh ? refreshedState(refreshed) : stored.resources;
    const steps = this.plan(base, this.runProgram(stored, opts?.onEvent));
    const changeSummary = this.report(stored, steps, true, opts?.onEvent, started, refreshed);
    if (opts?.expectNoChanges && steps.some((s) => s.op !== "same"))
      throw new Error(`code: 255\n stderr: error: no changes were expected but changes were proposed`);
    return { stdout: `Previewing update (${name})\n`, stderr: "", changeSummary };
  }

  private up(name: string, opts?: UpOptions): UpResult {
    const stored = this.mustGet(name);
    const started = new Date();
    // `up --refresh` first adopts what the cloud holds, so the plan puts drifted resources back as declared.
    const refreshed = opts?.refresh ? this.refreshSteps(stored) : [];
    if (opts?.refresh) {
      stored.resources = refreshedState(refreshed);
      stored.drift.clear();
    }
    const desired = this.runProgram(stored, opts?.onEvent);
    const steps = this.plan(stored.resources, desired);
    const failing = this.imageTestsFail
      ? steps.findIndex((s) => (s.op === "create" || s.op === "replace") && s.type === IMAGE_TYPE)
      : -1;
    if (failing >= 0) return this.failImageStep(stored, steps, failing, opts?.onEvent);
    const changes = this.report(stored, steps, false, opts?.onEvent, started.getTime(), refreshed);
    const applied = this.midway ? steps.slice(0, Math.ceil(steps.length / 2)) : steps;
    for (const step of applied) {
      if (step.op === "delete") stored.resources.delete(step.urn);
      else if (step.next) stored.resources.set(step.urn, step.next);
      // A step that writes makes the cloud what the state says; a `same` step touches nothing.
      if (step.op !== "same") stored.drift.delete(step.urn);
    }
    stored.version++;
    // A failed update keeps the outputs of the last successful one (they are registered at the end).
    if (!this.midway) stored.outputs = structuredClone(desired[0].outputs);
    if (!this.midway && stored.role === "golden-ami") this.registerBakedAmis(stored);
    return {
      stdout: `Updating (${name})\n`,
      stderr: "",
      outputs: this.outputs(name),
      summary: this.summary(stored, "update", started, changes, opts?.message),
    };
  }

  /**
   * An `up` whose Image create fails (image tests): the steps before it are applied and reported, the Image's
   * pre-event is followed by a `resOpFailedEvent` and an error diagnostic on its URN (pulumi v3.274.0
   * pkg/engine/events.go:613 resourceOperationFailedEvent), the summary says failed, and the call throws.
   */
  private failImageStep(
    stored: StoredStack,
    steps: Step[],
    failing: number,
    onEvent: ((event: EngineEvent) => void) | undefined,
  ): never {
    this.emit(onEvent, { preludeEvent: { config: this.flatConfigWithNamespace(stored) } });
    const changes: OpMap = {};
    for (const step of steps.slice(0, failing)) {
      changes[step.op] = (changes[step.op] ?? 0) + 1;
      this.emit(onEvent, { resourcePreEvent: { metadata: this.metadata(step), planning: false } });
      this.emit(onEvent, { resOutputsEvent: { metadata: this.metadata(step), planning: false } });
      // Stryker disable ConditionalExpression,StringLiteral: a plan lists its deletes last, so none comes before the failing create or replace
      if (step.op === "delete") stored.resources.delete(step.urn);
      else if (step.next) stored.resources.set(step.urn, step.next);
      // Stryker restore ConditionalExpression,StringLiteral
    }
    const step = steps[failing];
    // Stryker disable next-line OptionalChaining,StringLiteral: a create or replace step always has `next`; any fallback without a "/" gives "image"
    const recipe = String(step.next?.inputs.imageRecipeArn ?? "").split("/")[1] ?? "image";
    const message =
      `creating urn ${step.urn}: waiting for Image Builder Image (${recipe}) to become available: unexpected ` +
      `state 'FAILED', wanted target 'AVAILABLE'. last error: Image tests failed`;
    this.emit(onEvent, { resourcePreEvent: { metadata: this.metadata(step), planning: false } });
    this.emit(onEvent, {
      resOpFailedEvent: { metadata: this.metadata(step), status: 1, steps: failing },
    } as Omit<EngineEvent, "sequence" | "timestamp">);
    this.emit(onEvent, {
      diagnosticEvent: { message: `${message}\n`, color: "never", severity: "error", urn: step.urn },
    });
    this.emit(onEvent, {
      summaryEvent: { ...summaryAsSent(changes, false, 0), result: "failed" } as NonNullable<
        EngineEvent["summaryEvent"]
      >,
    });
    stored.version++;
    throw new Error(`code: 255\n stderr: error: update failed\n  ${message}`);
  }

  /** The AMIs a golden-ami stack's image produced, registered in the simulated account as its distribution does. */
  private registerBakedAmis(stored: StoredStack): void {
    const byRegion = (stored.outputs.imageIds ?? {}) as Record<string, string>;
    const distribution = [...stored.resources.values()].find((r) => r.type === DISTRIBUTION_TYPE);
    const regions = (distribution?.inputs.distributions ?? []) as {
      region?: string;
      amiDistributionConfiguration?: { amiTags?: Record<string, string> };
    }[];
    for (const [region, imageId] of Object.entries(byRegion)) {
      const amiTags = (regions.find((d) => d.region === region) ?? regions[0])?.amiDistributionConfiguration
        ?.amiTags;
      this.images.register({
        imageId,
        region,
        tags: { ...amiTags, Ec2ImageBuilderArn: String(stored.outputs.imageArn ?? "") },
      });
    }
  }

  /**
   * The refresh steps of a stack: what a provider's Read finds per resource. Components and the stack
   * resource are never read (pulumi pkg/resource/deploy/step.go RefreshStep.Apply); a custom resource is
   * `delete` when gone, `update` when its live outputs differ from the state (Read returns the live inputs
   * too), else `same`.
   */
  private refreshSteps(stored: StoredStack): Step[] {
    return [...stored.resources.values()].map((resource): Step => {
      const actual = resource.custom ? stored.drift.get(resource.urn) : undefined;
      const base = { op: "refresh" as OpType, urn: resource.urn, type: resource.type, old: resource };
      if (actual === undefined) return { ...base, next: resource, resultOp: "same" };
      if (actual === null) return { ...base, resultOp: "delete" };
      const inputs = { ...resource.inputs };
      // Stryker disable next-line ConditionalExpression: drift is made from the state's outputs (simulateDrift, revokes), which hold every input
      for (const key of Object.keys(inputs)) if (key in actual) inputs[key] = actual[key];
      const changed = canonicalJson(actual) !== canonicalJson(resource.outputs);
      return {
        ...base,
        next: { ...resource, inputs, outputs: structuredClone(actual) },
        resultOp: changed ? "update" : "same",
      };
    });
  }

  /**
   * Report refresh steps as the engine does: the pre-event before the provider's Read, so op `refresh`, no
   * diffs and `new` equal to `old` (pulumi v3.260 pkg/resource/deploy/step.go:1446 NewRefreshStep sets
   * new = old; step_executor.go:487 sends it before Apply at :501); then the outputs event with the result:
   * in a refresh its op is ResultOp (`same`, `update`, `delete`; pkg/engine/update.go:1353 and :1559) and
   * `new` is null for a deleted resource (step.go:1493). Within `up`/`preview --refresh` the op stays
   * `refresh` and the steps are not counted (they are not logical). No `diffs`: a provider on the Node
   * provider API cannot send them, and drift detection must not depend on them.
   */
  private reportRefresh(
    steps: Step[],
    planning: boolean,
    isRefresh: boolean,
    onEvent: ((event: EngineEvent) => void) | undefined,
  ): OpMap {
    const changes: OpMap = {};
    for (const step of steps) {
      const before = {
        ...this.metadata({ ...step, next: step.old }),
        diffs: undefined,
        detailedDiff: undefined,
      };
      this.emit(onEvent, { resourcePreEvent: { metadata: before, planning } });
      const op = isRefresh ? step.resultOp! : "refresh";
      // Stryker disable next-line ConditionalExpression: within up and preview these counts are dropped (report ignores them)
      if (isRefresh) changes[op] = (changes[op] ?? 0) + 1;
      const after = {
        ...this.metadata(step, op),
        new: step.next ? this.state(step.next) : (null as unknown as undefined),
        diffs: undefined,
        detailedDiff: undefined,
      };
      this.emit(onEvent, { resOutputsEvent: { metadata: after, planning } });
    }
    return changes;
  }

  private refresh(name: string, opts?: RefreshOptions): RefreshResult {
    const stored = this.mustGet(name);
    const started = new Date();
    const steps = this.refreshSteps(stored);
    this.emit(opts?.onEvent, { preludeEvent: { config: this.flatConfigWithNamespace(stored) } });
    const changes = this.reportRefresh(steps, opts?.previewOnly ?? false, true, opts?.onEvent);
    this.emit(opts?.onEvent, {
      summaryEvent: summaryAsSent(changes, opts?.previewOnly ?? false, 0),
    });
    // `--expect-no-changes` fails after the events when anything changed (pulumi pkg/cmd/pulumi/operations/
    // refresh.go:371; exit code 7, pkg/cmd/pulumi/cmd/exit_codes.go:107).
    if (opts?.expectNoChanges && Object.keys(changes).some((op) => op !== "same"))
      throw new Error(
        "code: 7\n stderr: error: no changes were expected for refresh but changes were proposed",
      );
    if (!opts?.previewOnly) {
      stored.resources = refreshedState(steps);
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

/**
 * A copy with every secret as the engine's events show it (pulumi pkg/backend: step metadata serialised
 * with the blinding crypter, secrets not shown): the signature and the ciphertext "[secret]", never the value.
 */
function blindSecrets(value: unknown): unknown {
  if (isSerializedSecret(value)) {
    return { "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", ciphertext: "[secret]" };
  }
  if (Array.isArray(value)) return value.map(blindSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, blindSecrets(item)]));
  }
  return value;
}

/** The state a refresh leaves: each resource as Read found it, the deleted ones gone. */
function refreshedState(steps: Step[]): Map<string, StoredResource> {
  return new Map(steps.flatMap((step) => (step.next ? [[step.urn, step.next] as const] : [])));
}

/**
 * A summary event as the CLI serialises it (pulumi sdk/go/common/apitype/events.go `SummaryEvent`, v3.274.0):
 * the packs under `PolicyPacks` (no JSON tag, so PascalCase), although the Node SDK's type says `policyPacks`;
 * `isPreview` and `result` close it.
 */
function summaryAsSent(
  changes: OpMap,
  isPreview: boolean,
  durationSeconds: number,
): NonNullable<EngineEvent["summaryEvent"]> {
  return {
    maybeCorrupt: false,
    durationSeconds,
    resourceChanges: changes,
    PolicyPacks: {},
    isPreview,
    result: "succeeded",
  } as unknown as NonNullable<EngineEvent["summaryEvent"]>;
}
