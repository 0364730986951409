// The stable `phoenix plan --json` document. Field names and order are a public contract: add, never rename.
import type { Plan } from "../../programs/offline/planner";

export interface PlanDocument {
  stacks: Array<{
    name: string;
    role: string;
    resources: Array<{ urn: string; type: string; name: string; inputs: unknown }>;
  }>;
}

export function planDocument(plan: Plan): PlanDocument {
  return {
    stacks: plan.stacks.map((stack) => ({
      name: stack.name,
      role: stack.role,
      resources: stack.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        inputs: plainJson(r.inputs),
      })),
    })),
  };
}

/** Inputs as plain JSON: drops undefined, turns anything exotic into its JSON form (never `[object Object]`). */
function plainJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {}));
}
