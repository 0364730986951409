// Reading engine-shaped inputs. The AWS provider types some numbers and booleans as strings, lists may be
// absent or null, and tags come as a map (most resources) or a list of `{ key, value }` (auto scaling
// groups). These readers accept every such shape and never guess: what they can't read is `undefined`.
import { isUnreadable, itemsOf, readKey, type Unreadable } from "./unreadable";

/** A string, or undefined for anything else. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A finite number from a number or a numeric string. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    // Stryker disable next-line MethodExpression: Number() ignores surrounding whitespace itself; the trim is for the blank test above
    const n = Number(value.trim());
    return Number.isFinite(n) ? n : undefined;
  }
  return undefined;
}

/** true/false from a boolean or its string spelling (any case). */
export function asBoolean(value: unknown): boolean | undefined {
  if (typeof value === "boolean") return value;
  if (typeof value === "string") {
    const v = value.trim().toLowerCase();
    if (v === "true") return true;
    if (v === "false") return false;
  }
  return undefined;
}

/** A list (absent or null → empty; a lone value → a list of one). */
export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** An object's fields, or an empty object for anything else. */
export function asRecord(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/**
 * Tags as a map, from `{ k: v }` or `[{ key, value }]`; `tagsAll` is merged under explicit tags. A tag whose
 * value can't be read keeps its key (a tag's presence is known); a tag list or map that can't be read at all
 * is `unreadable` (it may hold any tag).
 */
export function tagsOf(props: Record<string, unknown>): Tags {
  // Several policies read one resource's tags (whether it is Phoenix's, its identity and digest tags).
  let tags = tagsCache.get(props);
  if (!tags) tagsCache.set(props, (tags = readTags(props)));
  return tags;
}

const tagsCache = new WeakMap<object, Tags>();

// Closure-free reads (readKey, itemsAt): this runs on every launch template and group of an export.
function readTags(props: Record<string, unknown>): Tags {
  const values = new Map<string, string | Unreadable>();
  let unreadable: Unreadable | undefined;
  // Stryker disable next-line EqualityOperator: one more turn reads props[undefined], which is undefined: no tags
  for (let f = 0; f < TAG_FIELDS.length; f++) {
    const source = readKey(props, TAG_FIELDS[f]);
    if (isUnreadable(source)) {
      unreadable ??= source;
    } else if (Array.isArray(source)) {
      const items = itemsOf(() => source);
      // Stryker disable next-line ConditionalExpression: `source` is an array already read, so its items as a whole are never unreadable
      if (isUnreadable(items)) continue;
      // Stryker disable next-line EqualityOperator: one more turn reads an undefined item, which holds no key: no tag
      for (let i = 0; i < items.length; i++) {
        const tag = items[i];
        if (isUnreadable(tag)) {
          unreadable ??= tag;
          continue;
        }
        const record = asRecord(tag);
        const key = readKey(record, "key");
        if (isUnreadable(key)) unreadable ??= key;
        else if (typeof key === "string") values.set(key, readString(record, "value"));
      }
    } else {
      const record = asRecord(source);
      const keys = Object.keys(record);
      for (let k = 0; k < keys.length; k++) values.set(keys[k], readString(record, keys[k]));
    }
  }
  return { values, unreadable };
}

/** Explicit tags last: they override `tagsAll`. */
const TAG_FIELDS = ["tagsAll", "tags"] as const;

export interface Tags {
  values: Map<string, string | Unreadable>;
  /** Set when a whole tag list or map (or a tag's key) can't be read. */
  unreadable?: Unreadable;
}

function readString(record: Record<string, unknown>, key: string): string | Unreadable {
  const value = readKey(record, key);
  return isUnreadable(value) ? value : String(value ?? "");
}

/** True when the value is a non-empty string (after trimming). */
export function isPresent(value: unknown): boolean {
  return typeof value === "string" ? value.trim() !== "" : value !== undefined && value !== null;
}
