// The result of `phoenix check`, and its three renderings: text for people, JSON for scripts (stable
// field names), SARIF 2.1.0 for code-scanning tools.
import type { Policies } from "@pulumi/policy";
import type { Verdict } from "../../policies/offline";
import { gitRootOf, sourceLocation, type SourceRoots } from "./sourceLocation";

export interface StackReport {
  project: string;
  stack: string;
  /** Resources of pending operations, by URN: the operation (`creating`, `updating`, `importing`). */
  pending: Map<string, string>;
  source: string;
  resources: number;
  verdicts: Verdict[];
  positions: Map<string, string>;
}

export interface CheckSummary {
  stacks: number;
  resources: number;
  mandatory: number;
  advisory: number;
  undecided: number;
  /** False when any mandatory policy is violated (exit code 1). */
  passed: boolean;
}

export function summarize(reports: StackReport[]): CheckSummary {
  let mandatory = 0;
  let advisory = 0;
  let undecided = 0;
  let resources = 0;
  for (const report of reports) {
    resources += report.resources;
    for (const v of report.verdicts) {
      if (v.kind === "undecided") undecided++;
      else if (v.enforcementLevel === "mandatory") mandatory++;
      else advisory++;
    }
  }
  return { stacks: reports.length, resources, mandatory, advisory, undecided, passed: mandatory === 0 };
}

const MARK = { mandatory: "✗", advisory: "!", undecided: "?" } as const;

/** Text: per stack, per resource, one line per verdict; then a summary line. */
export function renderText(reports: StackReport[], summary: CheckSummary): string {
  const lines: string[] = [];
  for (const report of reports) {
    lines.push(`Stack ${stackLabel(report)} (${report.source}): ${report.resources} resources`);
    const byResource = new Map<string, Verdict[]>();
    for (const v of report.verdicts) {
      const key = v.urn || "(stack)";
      byResource.set(key, [...(byResource.get(key) ?? []), v]);
    }
    if (byResource.size === 0) lines.push("  no findings");
    for (const [urn, verdicts] of byResource) {
      const first = verdicts[0];
      const pending = report.pending.get(urn);
      const pendingNote = pending ? ` (pending: ${pending})` : "";
      lines.push(
        urn === "(stack)" ? "  the stack as a whole" : `  ${first.type} ${first.name}${pendingNote}`,
      );
      for (const v of verdicts) {
        const mark = v.kind === "undecided" ? MARK.undecided : MARK[v.enforcementLevel];
        const level = v.kind === "undecided" ? "undecided" : v.enforcementLevel;
        lines.push(`    ${mark} ${level.padEnd(9)} ${v.policy}: ${v.message}`);
      }
    }
    lines.push("");
  }
  lines.push(
    `${summary.passed ? "Passed" : "Failed"}: ${summary.stacks} stack${summary.stacks === 1 ? "" : "s"}, ` +
      `${summary.resources} resources checked; ${summary.mandatory} mandatory violation${summary.mandatory === 1 ? "" : "s"}, ` +
      `${summary.advisory} advisory, ${summary.undecided} undecided.`,
  );
  return lines.join("\n") + "\n";
}

/** `project/stack`, as Pulumi qualifies a stack within an organisation. */
function stackLabel(report: StackReport): string {
  return report.project ? `${report.project}/${report.stack}` : report.stack;
}

/** JSON: `{ summary, stacks: [{ project, stack, source, resources, verdicts }] }`. */
export function renderJson(reports: StackReport[], summary: CheckSummary): string {
  const document = {
    summary,
    stacks: reports.map((r) => ({
      project: r.project,
      stack: r.stack,
      source: r.source,
      resources: r.resources,
      verdicts: r.verdicts.map((v) => ({
        policy: v.policy,
        kind: v.kind,
        enforcementLevel: v.enforcementLevel,
        severity: v.severity ?? null,
        urn: v.urn,
        type: v.type,
        name: v.name,
        message: v.message,
        // Set on the resource of an interrupted operation: `creating`, `updating` or `importing`.
        ...(r.pending.has(v.urn) ? { pending: r.pending.get(v.urn) } : {}),
      })),
    })),
  };
  return JSON.stringify(document, null, 2) + "\n";
}

/** SARIF 2.1.0: one run, the pack's policies as rules, each verdict a result located at its resource. */
export function renderSarif(
  reports: StackReport[],
  policies: Policies,
  toolVersion: string,
  roots: SourceRoots = { cwd: process.cwd(), gitRoot: gitRootOf(process.cwd()) },
): string {
  const rules = policies.map((p) => ({
    id: p.name,
    name: p.name,
    shortDescription: { text: p.description },
    fullDescription: { text: p.description },
    ...(p.remediationSteps ? { help: { text: p.remediationSteps } } : {}),
    defaultConfiguration: { level: p.enforcementLevel === "advisory" ? "warning" : "error" },
    properties: {
      ...(p.severity ? { "security-severity": SECURITY_SEVERITY[p.severity] } : {}),
      tags: ["security", "pulumi", "immutability"],
    },
  }));
  const ruleIndex = new Map(rules.map((r, i) => [r.id, i]));
  const results = reports.flatMap((report) =>
    report.verdicts.map((v) => ({
      ruleId: v.policy,
      ruleIndex: ruleIndex.get(v.policy) ?? -1,
      level: v.kind === "undecided" ? "note" : v.enforcementLevel === "mandatory" ? "error" : "warning",
      kind: v.kind === "undecided" ? "review" : "fail",
      message: { text: v.message },
      locations: [location(v, report, roots)],
      partialFingerprints: { "phoenixResource/v1": `${v.policy}|${v.urn}` },
    })),
  );
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: { driver: { name: "phoenix-policies", version: toolVersion, rules } },
        results,
      },
    ],
  };
  return JSON.stringify(sarif, null, 2) + "\n";
}

const SECURITY_SEVERITY: Record<string, string> = { low: "3.0", medium: "5.5", high: "8.0", critical: "9.5" };

/**
 * Where a result is: the program line that declared the resource when the export records it
 * (`sourcePosition`: `project:///index.ts#12,5`) and it lies in the repository (see sourceLocation.ts),
 * otherwise the export file; always the resource's URN.
 */
function location(v: Verdict, report: StackReport, roots: SourceRoots) {
  const source = sourceLocation(report.positions.get(v.urn), roots);
  const physicalLocation = source
    ? {
        artifactLocation: { uri: source.uri },
        ...(source.startLine !== undefined
          ? {
              region: {
                startLine: source.startLine,
                // Stryker disable next-line ConditionalExpression: undefined is not in JSON
                ...(source.startColumn !== undefined ? { startColumn: source.startColumn } : {}),
              },
            }
          : {}),
      }
    : { artifactLocation: { uri: report.source === "-" ? "stdin" : report.source } };
  return {
    physicalLocation,
    logicalLocations: [
      {
        name: v.name || report.stack,
        fullyQualifiedName: v.urn || `stack ${report.stack}`,
        kind: "resource",
      },
    ],
  };
}
