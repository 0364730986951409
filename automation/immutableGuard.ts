// Layer 2 of immutability: before every `up`, the preview's ResourcePreEvents are inspected and an in-place
// `update` of an immutable resource type aborts the workflow, naming the resource and the changed keys.
// Keys that may change in place (capacity, tags) are listed per type; any other changed key is refused.
import type { EngineEvent } from "@pulumi/pulumi/automation";

/**
 * The immutable resource types and the keys an in-place update of each may touch. Kept in this one place;
 * TODO(components): when components/immutability/updateGuard.ts lands with the same table, import it here.
 */
export const MUTABLE_KEYS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  "aws:ec2/launchTemplate:LaunchTemplate": ["tags", "tagsAll", "description"],
  "aws:autoscaling/group:Group": [
    "desiredCapacity",
    "minSize",
    "maxSize",
    "tags",
    "tagsAll",
    "waitForCapacityTimeout",
  ],
  "aws:ec2/instance:Instance": ["tags", "tagsAll", "volumeTags"],
};

export interface ImmutableUpdate {
  urn: string;
  type: string;
  /** The changed keys that are not allowed to change in place. */
  keys: string[];
}

/** Top-level property of a diff path: `metadataOptions.httpTokens` and `tags["a"]` count as their root key. */
function rootKey(path: string): string {
  return path.split(/[.[]/)[0];
}

/** The in-place updates of immutable types among a preview's engine events. */
export function immutableUpdates(events: EngineEvent[]): ImmutableUpdate[] {
  const found: ImmutableUpdate[] = [];
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata || metadata.op !== "update") continue;
    const mutable = MUTABLE_KEYS_BY_TYPE[metadata.type];
    if (!mutable) continue;
    const changed = [
      ...new Set([...(metadata.diffs ?? []), ...Object.keys(metadata.detailedDiff ?? {})].map(rootKey)),
    ];
    // No diff detail at all is still an update of an immutable resource: refuse it rather than guess.
    const keys = changed.length === 0 ? ["(unknown)"] : changed.filter((key) => !mutable.includes(key));
    if (keys.length > 0) found.push({ urn: metadata.urn, type: metadata.type, keys: keys.sort() });
  }
  return found;
}
