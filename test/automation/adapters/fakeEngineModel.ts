// An engine model for the recording PulumiCommand: it plays preview/up/refresh/destroy of the role
// programs' resource tables (automation/memory/fakePrograms.ts) the way the engine reports them — a
// resourcePreEvent per step (create, update with the changed keys, replace on a replace-only key,
// delete, same) and a summary with the op counts, the stack resource included — and keeps each stack's
// resources between commands. With it, whole workflows run through LocalWorkspace and the SDK's command
// lines and parsing, with no CLI.
import type { EngineEvent, OpType } from "@pulumi/pulumi/automation";
import { FAKE_PROGRAMS, REPLACE_KEYS, type FakeResource } from "../../../automation/memory/fakePrograms";
import type { Role } from "../../../programs/contract";
import { summary, type EngineModel, type ModelContext } from "./recordingPulumiCommand";

interface Planned {
  urn: string;
  type: string;
  inputs: Record<string, unknown>;
}

const STACK_TYPE = "pulumi:pulumi:Stack";

export class FakeEngineModel implements EngineModel {
  /** Each stack's resources by URN, as the last `up` left them. */
  readonly state = new Map<string, Map<string, Planned>>();

  play(context: ModelContext): { events: EngineEvent[]; outputs?: Record<string, unknown> } {
    const old = this.state.get(context.stack) ?? new Map<string, Planned>();
    if (context.operation === "refresh")
      return {
        events: this.report(
          context,
          [...old.values()].map((r) => step("same", r)),
        ),
      };
    if (context.operation === "destroy") {
      const steps = [...old.values()].map((r) => step("delete", r));
      if (!context.previewOnly) this.state.delete(context.stack);
      return { events: this.report(context, steps) };
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
    planned.set(root, { urn: root, type: STACK_TYPE, inputs: {} });
    for (const resource of result.resources) {
      const urn = urnOf(context.stack, resource);
      planned.set(urn, { urn, type: resource.type, inputs: resource.inputs });
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
    if (context.operation === "up") this.state.set(context.stack, planned);
    return { events: this.report(context, steps), outputs: result.outputs };
  }

  private report(context: ModelContext, steps: Step[]): EngineEvent[] {
    const counts: Record<string, number> = {};
    for (const s of steps) counts[s.op] = (counts[s.op] ?? 0) + 1;
    return [
      { sequence: 0, timestamp: 0, preludeEvent: { config: context.config } },
      ...steps.map((s) => ({
        sequence: 0,
        timestamp: 0,
        resourcePreEvent: {
          metadata: { op: s.op, urn: s.resource.urn, type: s.resource.type, provider: "", diffs: s.diffs },
          planning: context.previewOnly,
        },
      })),
      { sequence: 0, timestamp: 0, summaryEvent: summary(counts) },
    ];
  }
}

interface Step {
  op: OpType;
  resource: Planned;
  diffs?: string[];
}

function step(op: string, resource: Planned, diffs?: string[]): Step {
  return { op: op as OpType, resource, diffs };
}

function urnOf(stack: string, resource: FakeResource): string {
  const type = resource.parentType ? `${resource.parentType}$${resource.type}` : resource.type;
  return `urn:pulumi:${stack}::phoenix::${type}::${resource.name}`;
}
