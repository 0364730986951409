// Human renderings of a plan: a tree per stack with resource counts, then the traffic path.
import type { RecordedResource } from "../../programs/offline/mockRuntime";
import type { Plan, PlannedStack } from "../../programs/offline/planner";
import type { Verdict } from "../../policies/offline";
import { shortType } from "./shortType";
import { drawTraffic, escape, mermaidTraffic, trafficOfPlan } from "./traffic";

/** Children of each resource URN; top-level resources hang off `undefined`. */
function childrenByParent(stack: PlannedStack): Map<string | undefined, RecordedResource[]> {
  const urns = new Set(stack.resources.map((r) => r.urn));
  const children = new Map<string | undefined, RecordedResource[]>();
  for (const resource of stack.resources) {
    const parent = resource.parentUrn && urns.has(resource.parentUrn) ? resource.parentUrn : undefined;
    children.set(parent, [...(children.get(parent) ?? []), resource]);
  }
  return children;
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

export function countsByType(stack: PlannedStack): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const r of stack.resources) counts.set(shortType(r.type), (counts.get(shortType(r.type)) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Which VPC the network stack uses: the existing one it was given, or the one it creates. */
export function describeVpc(plan: Plan): string {
  const vpc = plan.existingVpc;
  if (!vpc) return "in a new VPC that this stack creates";
  return (
    `in existing VPC ${vpc.vpcId} · public subnets ${vpc.publicSubnetIds.join(", ")} · ` +
    `private subnets ${vpc.privateSubnetIds.join(", ")}`
  );
}

/** Annotation printed after a resource's name (policy verdicts, for example). */
export type Annotate = (stack: PlannedStack, resource: RecordedResource) => string | undefined;

export function renderPlanText(plan: Plan, annotate?: Annotate): string {
  const out: string[] = [
    `Phoenix plan (offline) — app ${plan.app}, env ${plan.env}: release ${plan.release} (${plan.imageId}) on ${plan.colour}`,
    "Planned under Pulumi's mock runtime with fake ids and ARNs: no Pulumi CLI, no AWS, nothing changed.",
    "",
  ];
  for (const stack of plan.stacks) {
    const custom = stack.resources.filter((r) => r.custom).length;
    const components = stack.resources.length - custom;
    out.push(
      `${stack.name}  (role ${stack.role}) · ${plural(custom, "cloud resource")}, ${plural(components, "component")} to create`,
    );
    if (stack.reads.length > 0) out.push(`  reads ${[...new Set(stack.reads)].join(", ")}`);
    if (stack.role === "network") out.push(`  ${describeVpc(plan)}`);
    const children = childrenByParent(stack);
    const walk = (parent: string | undefined, indent: string) => {
      const list = children.get(parent) ?? [];
      list.forEach((resource, i) => {
        const last = i === list.length - 1;
        const note = annotate?.(stack, resource);
        out.push(
          `${indent}${last ? "└─" : "├─"} + ${shortType(resource.type)}  ${resource.name}${note ? `  ${note}` : ""}`,
        );
        walk(resource.urn, indent + (last ? "   " : "│  "));
      });
    };
    walk(undefined, "  ");
    out.push(
      `  counts: ${countsByType(stack)
        .map(([type, n]) => `${n} ${type}`)
        .join(", ")}`,
      "",
    );
  }
  out.push("Traffic", drawTraffic(trafficOfPlan(plan)), "");
  return out.join("\n");
}

/**
 * The plan as a Mermaid flowchart. With `verdicts`, a resource a policy finds fault with says so in its box
 * (✖ mandatory, ⚠ advisory, ? undecided) and is styled as a violation.
 */
export function renderPlanMermaid(plan: Plan, verdicts: Map<string, Verdict[]> = new Map()): string {
  const out = ["flowchart LR"];
  const flagged: string[] = [];
  plan.stacks.forEach((stack, s) => {
    out.push(`  subgraph stack${s}["${escape(`${stack.name} (${stack.role})`)}"]`);
    const ids = new Map(stack.resources.map((r, i) => [r.urn, `s${s}r${i}`]));
    for (const resource of stack.resources) {
      const found = verdicts.get(resource.urn) ?? [];
      const notes = found.map((v) => `<br/>${verdictMark(v)} ${v.policy}`).join("");
      out.push(
        `    ${ids.get(resource.urn)}["${escape(`${shortType(resource.type)}<br/>${resource.name}`)}${notes}"]`,
      );
      if (found.some((v) => v.kind === "violation" && v.enforcementLevel === "mandatory")) {
        flagged.push(ids.get(resource.urn)!);
      }
    }
    for (const resource of stack.resources) {
      const parent = resource.parentUrn && ids.get(resource.parentUrn);
      if (parent) out.push(`    ${parent} --- ${ids.get(resource.urn)}`);
    }
    out.push("  end");
  });
  out.push(...mermaidTraffic(trafficOfPlan(plan)));
  if (flagged.length > 0) {
    out.push("  classDef violation stroke:#c00,stroke-width:3px", `  class ${flagged.join(",")} violation`);
  }
  return out.join("\n") + "\n";
}

/** ✖ a mandatory violation, ⚠ an advisory one, ? no verdict. */
export function verdictMark(v: Verdict): string {
  return v.kind === "undecided" ? "?" : v.enforcementLevel === "mandatory" ? "✖" : "⚠";
}
