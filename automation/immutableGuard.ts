// Layer 2 of immutability: before every `up`, the preview's ResourcePreEvents are inspected and an in-place
// `update` of an immutable resource type aborts the workflow, naming the resource and the changed keys.
// The decision is the components' own (components/immutability/updateGuard.ts: mutable keys per type,
// launch template version moves); instances, which that guard does not cover, may change their tags only.
import type { EngineEvent, StepEventMetadata } from "@pulumi/pulumi/automation";
import { decideUpdate, isGuardedType, MUTABLE_KEYS } from "../components/immutability/updateGuard";

const INSTANCE_TYPE = "aws:ec2/instance:Instance";

/** Every immutable type the workflow guard refuses to update in place, with the keys that may change. */
export const MUTABLE_KEYS_BY_TYPE: Readonly<Record<string, readonly string[]>> = {
  ...MUTABLE_KEYS,
  [INSTANCE_TYPE]: ["tags", "tagsAll", "volumeTags"],
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

function refusedKeys(metadata: StepEventMetadata): string[] {
  // With both input sets (the engine sends them on update steps), the components' decision applies as is
  // (only its refused keys: ImmutableUpdateError words the refusal).
  if (isGuardedType(metadata.type) && metadata.old?.inputs && metadata.new?.inputs) {
    return [...decideUpdate(metadata.type, metadata.old.inputs, metadata.new.inputs).refusedKeys];
  }
  const mutable = MUTABLE_KEYS_BY_TYPE[metadata.type];
  const changed = [
    ...new Set([...(metadata.diffs ?? []), ...Object.keys(metadata.detailedDiff ?? {})].map(rootKey)),
  ];
  // No diff detail at all is still an update of an immutable resource: refuse it rather than guess.
  if (changed.length === 0) return ["(unknown)"];
  return changed.filter((key) => !mutable.includes(key)).sort();
}

/** The in-place updates of immutable types among a preview's engine events. */
export function immutableUpdates(events: EngineEvent[]): ImmutableUpdate[] {
  const found: ImmutableUpdate[] = [];
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata || metadata.op !== "update" || !MUTABLE_KEYS_BY_TYPE[metadata.type]) continue;
    const keys = refusedKeys(metadata);
    if (keys.length > 0) found.push({ urn: metadata.urn, type: metadata.type, keys });
  }
  return found;
}
