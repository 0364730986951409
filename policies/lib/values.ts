// Reading engine-shaped inputs. The AWS provider types some numbers and booleans as strings, lists may be
// absent or null, and tags come as a map (most resources) or a list of `{ key, value }` (auto scaling
// groups). These readers accept every such shape and never guess: what they can't read is `undefined`.

/** A string, or undefined for anything else. */
export function asString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

/** A finite number from a number or a numeric string. */
export function asNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
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

/** Tags as a map, from `{ k: v }` or `[{ key, value }]`; `tagsAll` is merged under explicit tags. */
export function tagsOf(props: Record<string, unknown>): Map<string, string> {
  const tags = new Map<string, string>();
  for (const source of [props.tagsAll, props.tags]) {
    if (Array.isArray(source)) {
      for (const tag of source) {
        const { key, value } = asRecord(tag);
        if (typeof key === "string") tags.set(key, String(value ?? ""));
      }
    } else {
      for (const [key, value] of Object.entries(asRecord(source))) tags.set(key, String(value ?? ""));
    }
  }
  return tags;
}

/** True when the value is a non-empty string (after trimming). */
export function isPresent(value: unknown): boolean {
  return typeof value === "string" ? value.trim() !== "" : value !== undefined && value !== null;
}
