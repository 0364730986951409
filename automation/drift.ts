// Reading drift out of a refresh preview's engine events, as the real engine reports them.
//
// The engine sends a refresh step's `resourcePreEvent` before the provider's Read runs, so it says nothing:
// op `refresh`, no diffs, `old` equal to `new` (pulumi v3.260 pkg/resource/deploy/step.go:1446, NewRefreshStep
// sets new = old; :1502 Diffs() is the diff that Apply computes after Read at :1580; pkg/resource/deploy/
// step_executor.go:487 sends the pre-event, :501 runs Apply). The drift is in the `resOutputsEvent` sent
// after the step ran (pkg/engine/update.go:1559 and :1353 turn the op into RefreshStep.ResultOp(), step.go:1511:
// `update` when the resource differs, `delete` when Read found it gone, else `same`; step.go:1493 New() is nil for
// a deleted resource, so `new` is null; previews send it too, planning: update.go:1581). Its `old` holds the
// state, its `new` what Read returned. A provider written on the Node provider API cannot send `diffs` or
// `detailedDiff` (only real pulumi-aws does), so drift is found by comparing old and new outputs; diffs, when
// present, only add names.
//
// Properties that AWS changes by design at run time (an auto scaling group's desired capacity, moved by its
// scaling policies) are not drift: reporting them would make every scaling event look like tampering, and heal
// would replace healthy fleets for it.
//
// Security groups are judged by their rules: the provider reads a group's live rules into its `ingress` and
// `egress` outputs, including those that separate rule resources declare, so a plain comparison would call
// every declared rule drift (and miss a stray one when the provider's diff ignores the computed blocks, as
// Terraform's does). A group drifted when it holds a rule that no Phoenix resource of the stack declares (a
// stray: heal revokes it) or lacks one that it declares inline.
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { canonicalJson } from "../components/immutability/identity";
import {
  inlineRules,
  ruleResourceRules,
  rulesMissingFrom,
  SECURITY_GROUP_TYPE,
  type SecurityGroupRule,
} from "./securityGroupRules";
import type { DriftedResource } from "./types";

/** Properties managed at run time, per resource type: never reported as drift. */
export const RUNTIME_MANAGED: Readonly<Record<string, readonly string[]>> = {
  "aws:autoscaling/group:Group": ["desiredCapacity"],
};

const DIRECTIONS = ["ingress", "egress"] as const;

function rootKey(path: string): string {
  return path.split(/[.[]/)[0];
}

function changedKeys(
  old: Record<string, unknown> | undefined,
  next: Record<string, unknown> | undefined,
): string[] {
  if (!old || !next) return [];
  return [...new Set([...Object.keys(old), ...Object.keys(next)])].filter(
    (key) => canonicalJson(old[key]) !== canonicalJson(next[key]),
  );
}

/** The properties an `update` step changed: differing outputs, plus the provider's diffs when it sends them. */
function changedProperties(metadata: StepEventMetadata): string[] {
  if (metadata.op !== "update") return [];
  // Stryker disable next-line ArrayDeclaration: no resource has a property named like the stray string
  const runtime = RUNTIME_MANAGED[metadata.type] ?? [];
  return [
    ...new Set(
      [
        // Stryker disable next-line OptionalChaining: a refresh step's new state is nil only for a delete (step.go:1493), which never gets here
        ...changedKeys(metadata.old?.outputs, metadata.new?.outputs),
        ...(metadata.diffs ?? []),
        ...Object.keys(metadata.detailedDiff ?? {}),
      ].map(rootKey),
    ),
  ]
    .filter((key) => !runtime.includes(key))
    .sort();
}

function nameOf(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

function stackOf(urn: string): string {
  // Stryker disable next-line Regex: a URN begins with its only "urn:pulumi:"
  return urn.split("::")[0].replace(/^urn:pulumi:/, "");
}

/** The group's id: the state's resource id (providers need not repeat it among the outputs). */
function groupIdOf(metadata: StepEventMetadata): string {
  // Stryker disable next-line OptionalChaining: a refresh step has both states, but for a delete's new one (step.go:1493), never read here
  return String(metadata.new?.id || metadata.old?.id || metadata.old?.outputs?.id || "");
}

/** A security group's drift: its stray and missing rules, and its other changed properties. */
function securityGroupDrift(
  metadata: StepEventMetadata,
  declaredByResources: SecurityGroupRule[],
): Pick<DriftedResource, "properties" | "strayRules" | "missingRules"> {
  const groupId = groupIdOf(metadata);
  const properties = changedProperties(metadata).filter(
    (key) => !(DIRECTIONS as readonly string[]).includes(key),
  );
  const strayRules: SecurityGroupRule[] = [];
  const missingRules: SecurityGroupRule[] = [];
  for (const direction of DIRECTIONS) {
    const liveBlocks = metadata.new?.outputs?.[direction];
    // A provider that does not read this direction's rules tells nothing about them.
    if (!Array.isArray(liveBlocks)) continue;
    const live = inlineRules(groupId, direction, liveBlocks);
    const inline = inlineRules(groupId, direction, metadata.old?.inputs?.[direction]);
    // Stryker disable next-line MethodExpression,ConditionalExpression: rules compare by a key that holds their direction
    const declared = [...inline, ...declaredByResources.filter((r) => r.direction === direction)];
    const stray = rulesMissingFrom(live, declared);
    const missing = rulesMissingFrom(inline, live);
    strayRules.push(...stray);
    missingRules.push(...missing);
    if (stray.length > 0 || missing.length > 0) properties.push(direction);
  }
  return {
    properties: properties.sort(),
    ...(strayRules.length > 0 ? { strayRules } : {}),
    ...(missingRules.length > 0 ? { missingRules } : {}),
  };
}

/** The resources a refresh (preview) found changed or deleted outside Pulumi, from its `resOutputsEvent`s. */
export function driftedResources(events: EngineEvent[]): DriftedResource[] {
  const steps = events.flatMap((event) => (event.resOutputsEvent ? [event.resOutputsEvent.metadata] : []));
  // What the stack's rule resources declare (their state), per group: the allow-list of its rules.
  const declaredRules = steps.flatMap((m) =>
    ruleResourceRules(m.type, { ...m.old?.inputs, ...m.old?.outputs }),
  );
  const drifted = new Map<string, DriftedResource>();
  for (const metadata of steps) {
    const base = {
      stack: stackOf(metadata.urn),
      urn: metadata.urn,
      type: metadata.type,
      name: nameOf(metadata.urn),
    };
    if (metadata.op === "delete") {
      drifted.set(metadata.urn, { ...base, properties: [], deleted: true });
      continue;
    }
    const found =
      metadata.type === SECURITY_GROUP_TYPE
        ? securityGroupDrift(
            metadata,
            // Stryker disable next-line MethodExpression,ConditionalExpression: rules compare by a key that holds their group
            declaredRules.filter((r) => r.groupId === groupIdOf(metadata)),
          )
        : { properties: changedProperties(metadata) };
    if (found.properties.length > 0) drifted.set(metadata.urn, { ...base, ...found, deleted: false });
  }
  return [...drifted.values()];
}
