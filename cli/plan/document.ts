// The stable `phoenix plan --json` document. Field names and order are a public contract: add, never rename.
// It is also what `phoenix check -` reads from `phoenix plan --offline --json` (cli/check/deployment.ts): each
// resource's URN, type, inputs and outputs, as in a stack export.
import type { Plan } from "../../programs/offline/planner";
import type { Verdict } from "../../policies/offline";
import { trafficOfPlan, type TrafficView } from "./traffic";

export interface PlanVerdict {
  policy: string;
  kind: Verdict["kind"];
  enforcementLevel: Verdict["enforcementLevel"];
  message: string;
}

export interface PlanDocument {
  stacks: Array<{
    name: string;
    role: string;
    resources: Array<{
      urn: string;
      type: string;
      name: string;
      inputs: unknown;
      /** The fake cloud's outputs (inputs and computed names, ARNs): what stack policies read. */
      outputs: unknown;
      /** What the Phoenix policy pack says of this resource (empty: it passes). */
      verdicts: PlanVerdict[];
    }>;
  }>;
  /** The traffic path: listener weights and the fleet of each colour. */
  traffic: TrafficView;
  /** Verdict counts over every stack; a mandatory violation makes `phoenix plan` exit 1. */
  policies: { mandatory: number; advisory: number; undecided: number };
}

export function planDocument(plan: Plan, verdicts: Map<string, Verdict[]> = new Map()): PlanDocument {
  const all = [...verdicts.values()].flat();
  const violations = all.filter((v) => v.kind === "violation");
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  return {
    stacks: plan.stacks.map((stack) => ({
      name: stack.name,
      role: stack.role,
      resources: stack.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        inputs: plainJson(r.inputs),
        outputs: plainJson(r.outputs ?? r.inputs),
        verdicts: (verdicts.get(r.urn) ?? []).map((v) => ({
          policy: v.policy,
          kind: v.kind,
          enforcementLevel: v.enforcementLevel,
          message: v.message,
        })),
      })),
    })),
    traffic: trafficOfPlan(plan),
    policies: {
      mandatory,
      advisory: violations.length - mandatory,
      undecided: all.length - violations.length,
    },
  };
}

/** Inputs as plain JSON: drops undefined, turns anything exotic into its JSON form (never `[object Object]`). */
function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {}));
}
