// The in-place update guard: which changes a running release may take (capacity and tags) and which it
// may not (everything else: that would be mutating servers instead of replacing them).
//
// One pure decision, used twice: by ImmutableFleet's `beforeUpdate` resource hook (the engine calls it just
// before updating a launch template or an auto scaling group) and by the automation layer's preview guard.
// No Pulumi import.

export const LAUNCH_TEMPLATE_TYPE = "aws:ec2/launchTemplate:LaunchTemplate";
export const AUTO_SCALING_GROUP_TYPE = "aws:autoscaling/group:Group";

/** Resource types whose in-place updates are guarded. */
export const GUARDED_TYPES = [LAUNCH_TEMPLATE_TYPE, AUTO_SCALING_GROUP_TYPE] as const;
export type GuardedType = (typeof GUARDED_TYPES)[number];

/**
 * Input keys a running release may change in place, per guarded type. Everything else is refused.
 *
 * - Launch template: its tags and description (bookkeeping; they do not shape an instance), and
 *   `tagSpecifications`, the tags new instances and volumes get.
 * - Auto scaling group: capacity, the provider's wait settings that follow capacity (they only decide how
 *   long `pulumi up` waits, nothing in AWS), and tags. Its launch template reference may move to a newer
 *   version of the *same* template: see `launchTemplateMovedVersionOnly`.
 */
export const MUTABLE_KEYS: Readonly<Record<GuardedType, readonly string[]>> = {
  [LAUNCH_TEMPLATE_TYPE]: ["tags", "tagsAll", "tagSpecifications", "description"],
  [AUTO_SCALING_GROUP_TYPE]: [
    "minSize",
    "maxSize",
    "desiredCapacity",
    "waitForElbCapacity",
    "minElbCapacity",
    "waitForCapacityTimeout",
    "tags",
  ],
};

/** The outcome of `decideUpdate`. */
export interface UpdateDecision {
  /** True when every changed key is mutable in place (or the type is not guarded). */
  readonly allowed: boolean;
  /** Every input key whose value changed, sorted. */
  readonly changedKeys: readonly string[];
  /** The changed keys that are not allowed to change in place, sorted (empty when allowed). */
  readonly refusedKeys: readonly string[];
  /** Why the update is refused and what to do instead (only when refused). */
  readonly message?: string;
}

/** True for a type whose in-place updates are guarded. */
export function isGuardedType(type: string): type is GuardedType {
  return (GUARDED_TYPES as readonly string[]).includes(type);
}

/**
 * Decide whether an in-place update from `oldInputs` to `newInputs` of a resource of `type` is allowed.
 * Inputs may be as the program gave them or as the engine shows them (booleans and numbers as strings,
 * `__defaults` bookkeeping): both spellings compare equal. An unknown value (preview) compares unequal to
 * any known one, so a key that may change counts as changed.
 */
export function decideUpdate(
  type: string,
  oldInputs: Record<string, unknown> | undefined,
  newInputs: Record<string, unknown> | undefined,
  resourceName = "resource",
): UpdateDecision {
  const before = oldInputs ?? {};
  const after = newInputs ?? {};
  const keys = new Set([...Object.keys(before), ...Object.keys(after)].filter((k) => !k.startsWith("__")));
  const changedKeys = [...keys].filter((k) => !sameValue(before[k], after[k])).sort();
  if (!isGuardedType(type)) return { allowed: true, changedKeys, refusedKeys: [] };
  const mutable = MUTABLE_KEYS[type];
  const refusedKeys = changedKeys.filter((key) => {
    if (mutable.includes(key)) return false;
    if (type === AUTO_SCALING_GROUP_TYPE && key === "launchTemplate") {
      return !launchTemplateMovedVersionOnly(before[key], after[key]);
    }
    return true;
  });
  if (refusedKeys.length === 0) return { allowed: true, changedKeys, refusedKeys };
  return {
    allowed: false,
    changedKeys,
    refusedKeys,
    message: refusalMessage(type, resourceName, refusedKeys),
  };
}

/**
 * True when an auto scaling group's launch template reference changed its version only. The template's
 * name carries the release identity, so the same name means the same immutable inputs: a new version of
 * it differs in tags alone (a tag change on the template makes AWS cut a new version).
 */
export function launchTemplateMovedVersionOnly(before: unknown, after: unknown): boolean {
  if (!isRecord(before) || !isRecord(after)) return false;
  const withoutVersion = (spec: Record<string, unknown>) => ({ ...spec, version: undefined });
  return sameValue(withoutVersion(before), withoutVersion(after));
}

function refusalMessage(type: GuardedType, resourceName: string, refusedKeys: readonly string[]): string {
  const what = type === LAUNCH_TEMPLATE_TYPE ? "launch template" : "auto scaling group";
  const keys = refusedKeys.map((k) => `\`${k}\``).join(", ");
  const allowed = MUTABLE_KEYS[type].map((k) => `\`${k}\``).join(", ");
  return (
    `Phoenix refuses to update the ${what} "${resourceName}" in place: ${keys} changed. ` +
    `A release is immutable; only ${allowed} may change on a running fleet, because anything else would ` +
    `change servers that are already serving. Deploy a new release instead (for example ` +
    `\`phoenix up --release <new-release>\`): it builds a new launch template and auto scaling group beside ` +
    `this one, and the swap moves traffic once the new fleet is healthy.`
  );
}

/** Equality of two input values up to the engine's spellings (see `decideUpdate`). */
export function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(normalize(a)) === JSON.stringify(normalize(b));
}

/** Drop empties and bookkeeping, turn "true"/"false"/numeric strings into values, sort object keys. */
function normalize(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  if (typeof value === "string") {
    if (value === "true") return true;
    if (value === "false") return false;
    if (/^-?\d+(\.\d+)?$/.test(value) && value.length < 16 && !/^0\d/.test(value)) return Number(value);
    return value;
  }
  if (Array.isArray(value)) {
    const items = value.map(normalize);
    return items.length > 0 ? items : undefined;
  }
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      if (key.startsWith("__")) continue;
      const v = normalize(value[key]);
      if (v !== undefined) out[key] = v;
    }
    return Object.keys(out).length > 0 ? out : undefined;
  }
  return value;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
