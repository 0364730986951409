// Comparing what the program asks for with what the emulator has, the way the Terraform AWS provider does
// for the shapes Phoenix uses: a desired object constrains only the keys it gives (the rest are
// Optional+Computed or defaults), arrays of plain values are sets (the schemas declare them TypeSet),
// JSON policy documents compare by meaning.
import { randomBytes } from "crypto";

/** The engine's marker for a value not known during a preview (sdk/go/common/resource/plugin/rpc.go). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
  return false;
}

function isEmpty(value: unknown): boolean {
  return (
    value === undefined ||
    value === null ||
    value === "" ||
    (Array.isArray(value) && value.length === 0) ||
    (typeof value === "object" && value !== null && !Array.isArray(value) && Object.keys(value).length === 0)
  );
}

function parsedJson(value: string): unknown {
  const text = value.trim();
  if (!text.startsWith("{")) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Properties that are maps (TypeMap) in the schemas: compared key for key both ways, so a tag added out of
 * band is a difference, unlike a key of a nested block that only the emulator fills in.
 */
const MAP_PROPERTIES = new Set(["tags", "tagsAll", "amiTags", "resourceTags", "dimensions", "tagMap"]);

function sameMap(desired: unknown, live: unknown): boolean {
  const d = (desired ?? {}) as Props;
  const l = (live ?? {}) as Props;
  const keys = new Set([...Object.keys(d), ...Object.keys(l)]);
  return [...keys].every((k) => d[k] !== undefined && l[k] !== undefined && String(d[k]) === String(l[k]));
}

/** True when `live` satisfies `desired` (desired keys only; arrays as sets; numbers and strings loosely). */
export function satisfies(desired: unknown, live: unknown, property?: string): boolean {
  // (An auto scaling group's `tags` is a list of blocks, not a map.)
  if (
    property !== undefined &&
    MAP_PROPERTIES.has(property) &&
    !Array.isArray(desired) &&
    !Array.isArray(live)
  ) {
    return sameMap(desired, live);
  }
  if (isEmpty(desired)) return isEmpty(live);
  if (typeof desired === "string" && typeof live === "string") {
    if (desired === live) return true;
    const [d, l] = [parsedJson(desired), parsedJson(live)];
    return d !== undefined && l !== undefined && sameJson(d, l);
  }
  if (typeof desired !== "object" || desired === null) {
    // "true" vs true, "300" vs 300: the bridge passes TypeNullableBool/Int as strings.
    return String(desired) === String(live);
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live) || live.length !== desired.length) return false;
    const unmatched = [...live];
    return desired.every((d) => {
      const at = unmatched.findIndex((l) => satisfies(d, l));
      if (at < 0) return false;
      unmatched.splice(at, 1);
      return true;
    });
  }
  if (typeof live !== "object" || live === null || Array.isArray(live)) return false;
  const liveObject = live as Props;
  return Object.entries(desired as Props).every(([k, v]) => satisfies(v, liveObject[k], k));
}

function sameJson(a: unknown, b: unknown): boolean {
  // Policies: a single-element array and the element itself are the same statement part (AWS normalizes).
  const unwrap = (v: unknown) => (Array.isArray(v) && v.length === 1 ? v[0] : v);
  a = unwrap(a);
  b = unwrap(b);
  if (typeof a !== "object" || a === null || typeof b !== "object" || b === null) return a === b;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => sameJson(x, b[i]));
  const ka = Object.keys(a).sort();
  const kb = Object.keys(b).sort();
  return (
    ka.length === kb.length && ka.every((k, i) => k === kb[i] && sameJson((a as Props)[k], (b as Props)[k]))
  );
}

/** Drop undefined values (gRPC structs cannot carry them) and, recursively, empty ones the API omits. */
export function compact<T extends Props>(props: T): T {
  return Object.fromEntries(Object.entries(props).filter(([, v]) => v !== undefined)) as T;
}

/** Pulumi's auto-naming: the logical name, a dash and 7 random hex characters (pulumi-aws autonaming). */
export function autoName(logicalName: string, maxLength: number): string {
  const suffix = randomBytes(4).toString("hex").slice(0, 7);
  return `${logicalName.slice(0, Math.max(1, maxLength - 8))}-${suffix}`;
}

/**
 * A name from a `namePrefix`: Terraform's create.Name appends id.UniqueId()'s 26 characters, a UTC timestamp
 * to the 1/10000 s and a counter (terraform-plugin-sdk helper/id).
 */
export function prefixedName(prefix: string): string {
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .padEnd(18, "0")
    .slice(0, 18);
  return `${prefix}${stamp}${randomBytes(4).toString("hex")}`;
}

/** Tags as the EC2/ELB/IAM APIs take them. */
export function tagList(tags: unknown): { Key: string; Value: string }[] {
  return Object.entries((tags as Record<string, string> | undefined) ?? {}).map(([Key, Value]) => ({
    Key,
    Value: String(Value),
  }));
}

/** Tags as Pulumi shows them: a map (aws:* tags are AWS's own and hidden, as the provider does). */
export function tagMap(tags: { Key?: string; Value?: string }[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const t of tags ?? []) if (t.Key && !t.Key.startsWith("aws:")) out[t.Key] = t.Value ?? "";
  return out;
}

export function str(value: unknown): string | undefined {
  return value === undefined || value === null || value === "" ? undefined : String(value);
}

export function num(value: unknown): number | undefined {
  return value === undefined || value === null || value === "" ? undefined : Number(value);
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}
