// An engine model for the recording PulumiCommand: it plays preview/up/refresh/destroy of the role
// programs' resource tables (automation/memory/fakePrograms.ts) the way the engine reports them — per step a
// resourcePreEvent and a resOutputsEvent (previews send both, `planning`: pulumi v3.260 pkg/engine/update.go:1535)
// with the op (create, update with the changed keys, replace on a replace-only key, delete, same) and a summary
// with the op counts, the stack resource included — and keeps each stack's resources between commands.
// `simulateDrift` changes what the "cloud" holds behind the state; a refresh then reports it as the engine does
// (see `refresh`), and `--refresh` (preview, up) reads it into the state first. With it, whole workflows run
// through LocalWorkspace and the SDK's command lines and parsing, with no CLI.
import type { EngineEvent, OpType, StepEventMetadata } from "@pulumi/pulumi/automation";
import { FAKE_PROGRAMS, REPLACE_KEYS, type FakeResource } from "../../../automation/memory/fakePrograms";
import type { Role } from "../../../programs/contract";
import { summary, type EngineModel, type ModelContext } from "./recordingPulumiCommand";

interface Planned {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

export class FakeEngineModel implements EngineModel {
  /** Each stack's resources by URN, as the last `up` (or refresh) left them. */
  readonly state = new Map<string, Map<string, Planned>>();
  /** What the cloud holds instead of the state's outputs, per URN; null = deleted. */
  private readonly cloud = new Map<string, Record<string, unknown> | null>();

  /** Change (or with `null` delete) one resource behind the engine's back, by logical name. */
  simulateDrift(stack: string, name: string, patch: Record<string, unknown> | null): void {
    const resource = [...(this.state.get(stack)?.values() ?? [])].find((r) => r.urn.endsWith(`::${name}`));
    if (!resource) throw new Error(`simulateDrift: stack ${stack} has no resource ${name}`);
    const live = this.cloud.get(resource.urn) ?? resource.outputs;
    this.cloud.set(resource.urn, patch === null ? null : { ...live, ...patch });
  }

  play(context: ModelContext): { events: EngineEvent[]; outputs?: Record<string, unknown> } {
    let old = this.state.get(context.stack) ?? new Map<string, Planned>();
    if (context.operation === "refresh") return { events: this.refresh(context, old) };
    if (context.operation === "destroy") {
      const steps = [...old.values()].map((r) => step("delete", r));
      if (!context.previewOnly) {
        this.state.delete(context.stack);
        for (const urn of old.keys()) this.cloud.delete(urn);
      }
      return { events: this.report(context, steps) };
    }
    const refreshEvents: EngineEvent[] = [];
    if (context.refresh) {
      const refreshed = this.refreshSteps(old);
      refreshEvents.push(...refreshed.flatMap((s) => refreshEventsOf(s, "refresh", context.previewOnly)));
      old = new Map(refreshed.flatMap((s) => (s.next ? [[s.old.urn, s.next] as const] : [])));
    }
    const role = context.config["phoenix:role"] as Role;
    const config = Object.fromEntries(
      Object.entries(context.config)
        .filter(([key]) => key.startsWith("phoenix:"))
        .map(([key, value]) => [key.slice("phoenix:".length), value]),
    );
    const result = FAKE_PROGRAMS[role]({ stack: context.stack, config, stackOutputs: context.outputsOf });
    const planned = new Map<string, Planned>();
    const root = `urn:pulumi:${context.stack}::phoenix::${STACK_TYPE}::phoenix-${context.stack}`;
    planned.set(root, { urn: root, type: STACK_TYPE, inputs: {}, outputs: {} });
    for (const resource of result.resources) {
      const urn = urnOf(context.stack, resource);
      const custom = resource.type.startsWith("aws:");
      planned.set(urn, {
        urn,
        type: resource.type,
        inputs: resource.inputs,
        outputs: custom ? { ...resource.inputs } : {},
      });
    }
    const steps = [...planned.values()].map((next) => {
      const before = old.get(next.urn);
      if (!before) return step("create", next);
      const diffs = Object.keys({ ...before.inputs, ...next.inputs }).filter(
        (key) => JSON.stringify(before.inputs[key]) !== JSON.stringify(next.inputs[key]),
      );
      if (diffs.length === 0) return step("same", next);
      const replace = diffs.some((key) => (REPLACE_KEYS[next.type] ?? []).includes(key));
      return step(replace ? "replace" : "update", next, diffs);
    });
    for (const gone of old.values()) if (!planned.has(gone.urn)) steps.push(step("delete", gone));
    if (context.operation === "up") {
      this.state.set(context.stack, planned);
      // What an up writes is what the cloud holds; a `same` step touches nothing.
      for (const s of steps) if (s.op !== "same" || context.refresh) this.cloud.delete(s.resource.urn);
    }
    return { events: this.report(context, steps, refreshEvents), outputs: result.outputs };
  }

  /**
   * A refresh as the engine reports it (pulumi v3.260): per resource the pre-event before the provider's
   * Read — op `refresh`, no diffs, `new` equal to `old` (pkg/resource/deploy/step.go:1446) — then the outputs
   * event with the result: op same/update/delete (RefreshStep.ResultOp, step.go:1511), `new` null when the
   * resource is gone (step.go:1493). No diffs: the Node provider API cannot send them.
   */
  private refresh(context: ModelContext, old: Map<string, Planned>): EngineEvent[] {
    const steps = this.refreshSteps(old);
    const counts: Record<string, number> = {};
    for (const s of steps) counts[s.resultOp] = (counts[s.resultOp] ?? 0) + 1;
    if (!context.previewOnly) {
      this.state.set(
        context.stack,
        new Map(steps.flatMap((s) => (s.next ? [[s.old.urn, s.next] as const] : []))),
      );
      for (const s of steps) this.cloud.delete(s.old.urn);
    }
    return [
      { sequence: 0, timestamp: 0, preludeEvent: { config: context.config } },
      ...steps.flatMap((s) => refreshEventsOf(s, s.resultOp, context.previewOnly)),
      { sequence: 0, timestamp: 0, summaryEvent: summary(counts) },
    ];
  }

  private refreshSteps(old: Map<string, Planned>): RefreshStep[] {
    return [...old.values()].map((resource) => {
      const live = this.cloud.get(resource.urn);
      if (live === undefined) return { old: resource, next: resource, resultOp: "same" as OpType };
      if (live === null) return { old: resource, resultOp: "delete" as OpType };
      const inputs = Object.fromEntries(
        Object.entries(resource.inputs).map(([key, value]) => [key, key in live ? live[key] : value]),
      );
      const changed = JSON.stringify(live) !== JSON.stringify(resource.outputs);
      return {
        old: resource,
        next: { ...resource, inputs, outputs: live },
        resultOp: (changed ? "update" : "same") as OpType,
      };
    });
  }

  private report(context: ModelContext, steps: Step[], leading: EngineEvent[] = []): EngineEvent[] {
    const counts: Record<string, number> = {};
    for (const s of steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
    return [
      { sequence: 0, timestamp: 0, preludeEvent: { config: context.config } },
      ...leading,
      ...steps.flatMap((s): EngineEvent[] => {
        const metadata: StepEventMetadata = {
          op: s.op,
          urn: s.resource.urn,
          type: s.resource.type,
          provider: "",
          diffs: s.diffs,
        };
        return [
          { sequence: 0, timestamp: 0, resourcePreEvent: { metadata, planning: context.previewOnly } },
          { sequence: 0, timestamp: 0, resOutputsEvent: { metadata, planning: context.previewOnly } },
        ];
      }),
      { sequence: 0, timestamp: 0, summaryEvent: summary(counts) },
    ];
  }
}

interface Step {
  op: OpType;
  resource: Planned;
  diffs?: string[];
}

interface RefreshStep {
  old: Planned;
  /** What Read found; absent when the resource is gone. */
  next?: Planned;
  resultOp: OpType;
}

function step(op: string, resource: Planned, diffs?: string[]): Step {
  return { op: op as OpType, resource, diffs };
}

/** A resource's state as the engine puts it in step events (transcript refresh-drift): `custom` on custom
 * resources only. */
function stateOf(r: Planned) {
  return {
    type: r.type,
    urn: r.urn,
    ...(r.type.startsWith("aws:") && { custom: true }),
    id: r.urn,
    parent: "",
    provider: "",
    inputs: r.inputs,
    outputs: r.outputs,
  };
}

/** The two events of a refresh step; `op` is the result op in a refresh, `refresh` within preview/up --refresh. */
function refreshEventsOf(s: RefreshStep, op: OpType, planning: boolean): EngineEvent[] {
  const base = { urn: s.old.urn, type: s.old.type, provider: "", old: stateOf(s.old) };
  return [
    {
      sequence: 0,
      timestamp: 0,
      resourcePreEvent: {
        metadata: {
          ...base,
          op: "refresh" as OpType,
          new: stateOf(s.old),
          detailedDiff: null as unknown as undefined,
        },
        planning,
      },
    },
    {
      sequence: 0,
      timestamp: 0,
      resOutputsEvent: {
        // `detailedDiff: null`: the engine sends the key, empty without a provider's detailed diff.
        metadata: {
          ...base,
          op,
          new: s.next ? stateOf(s.next) : (null as unknown as undefined),
          detailedDiff: null as unknown as undefined,
        },
        planning,
      },
    },
  ];
}

function urnOf(stack: string, resource: FakeResource): string {
  const type = resource.parentType ? `${resource.parentType}$${resource.type}` : resource.type;
  return `urn:pulumi:${stack}::phoenix::${type}::${resource.name}`;
}
