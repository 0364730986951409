// Reading drift out of a refresh preview's engine events: a resource whose cloud state differs from the
// stack's state shows as a `refresh` (or `update`) step with diffs, or differing old/new outputs; one that
// is gone from the cloud shows as a `delete` step. Properties that AWS changes by design at run time (an
// auto scaling group's desired capacity, moved by its scaling policies) are not drift: reporting them would
// make every scaling event look like tampering, and heal would replace healthy fleets for it.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { canonicalJson } from "../components/immutability/identity";
import type { DriftedResource } from "./types";

function changedOutputs(
  old: Record<string, unknown> | undefined,
  next: Record<string, unknown> | undefined,
): string[] {
  if (!old || !next) return [];
  return [...new Set([...Object.keys(old), ...Object.keys(next)])].filter(
    (key) => canonicalJson(old[key]) !== canonicalJson(next[key]),
  );
}

/** Properties managed at run time, per resource type: never reported as drift. */
export const RUNTIME_MANAGED: Readonly<Record<string, readonly string[]>> = {
  "aws:autoscaling/group:Group": ["desiredCapacity"],
};

export function driftedResources(events: EngineEvent[]): DriftedResource[] {
  const drifted = new Map<string, DriftedResource>();
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata) continue;
    const name = metadata.urn.split("::").pop() ?? metadata.urn;
    if (metadata.op === "delete") {
      drifted.set(metadata.urn, {
        urn: metadata.urn,
        type: metadata.type,
        name,
        properties: [],
        deleted: true,
      });
      continue;
    }
    if (metadata.op !== "refresh" && metadata.op !== "update") continue;
    const properties = [
      ...new Set([
        ...(metadata.diffs ?? []),
        ...Object.keys(metadata.detailedDiff ?? {}),
        ...changedOutputs(metadata.old?.outputs, metadata.new?.outputs),
      ]),
    ]
      .filter((property) => !(RUNTIME_MANAGED[metadata.type] ?? []).includes(property.split(/[.[]/)[0]))
      .sort();
    if (properties.length > 0)
      drifted.set(metadata.urn, { urn: metadata.urn, type: metadata.type, name, properties, deleted: false });
  }
  return [...drifted.values()];
}
