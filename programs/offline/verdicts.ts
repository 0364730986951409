// Policy verdicts on an offline plan: the planned resources go through the same offline evaluator as
// `phoenix check`, so a plan shows what CrossGuard would say before anything is deployed.
import type { Verdict } from "../../policies/offline";
import type { Plan } from "./planner";

/** Verdicts of every stack's planned resources, by resource URN. */
export async function planVerdicts(plan: Plan, config?: unknown): Promise<Map<string, Verdict[]>> {
  // Loaded on demand: the policies pull in @pulumi/policy.
  const { evaluateResources } = await import("../../policies/offline");
  const byUrn = new Map<string, Verdict[]>();
  for (const stack of plan.stacks) {
    const verdicts = evaluateResources(
      stack.resources.map((r) => ({
        urn: r.urn,
        type: r.type,
        name: r.name,
        inputs: r.inputs,
        // Stack policies read outputs, as the engine's AnalyzeStack does (the role a profile names, by name).
        outputs: r.outputs,
        parent: r.parentUrn,
        options: { protect: r.options.protect, ignoreChanges: r.options.ignoreChanges },
      })),
      { config },
    );
    for (const verdict of verdicts) byUrn.set(verdict.urn, [...(byUrn.get(verdict.urn) ?? []), verdict]);
  }
  return byUrn;
}
