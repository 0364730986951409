// Offline inputs, guarded like the engine's: reading a value that can't be known gives no verdict.
//
// In the engine, `@pulumi/policy` wraps inputs in a proxy that throws its UnknownValueError when a policy
// reads an unknown value, and decrypts secrets before policies see them. Offline (`phoenix check` on a
// stack export, or planned resources), inputs are as Pulumi serialises them: unknown sentinels and secrets
// that may be encrypted. This proxy throws UndecidableInputError on either, and opens secrets that carry
// their plaintext, so a policy never judges a sentinel string or a ciphertext as if it were the value.
import { UndecidableInputError, isSerializedSecret } from "../../components/immutability/identity";

/** Every sentinel the engine sends for a value not known until apply (one per type). */
export const UNKNOWN_SENTINELS: ReadonlySet<string> = new Set([
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9", // string (and untyped)
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7", // boolean
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421", // number
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2", // array
  "030794c1-ac77-496b-92df-f27374a8bd58", // asset
  "e48ece36-62e2-4504-bad9-02848725956a", // archive
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff", // object
]);

/** The value a policy may read at `path`, or UndecidableInputError when it can't be known. */
function open(value: unknown, path: string): unknown {
  // Stryker disable next-line ConditionalExpression: the set holds only strings, so has() decides alone
  if (typeof value === "string" && UNKNOWN_SENTINELS.has(value))
    throw new UndecidableInputError(path, "unknown");
  if (isSerializedSecret(value)) {
    const plaintext = (value as { plaintext?: unknown; value?: unknown }).plaintext;
    if (typeof plaintext === "string") return parsePlaintext(plaintext);
    const inline = (value as { value?: unknown }).value; // the wire form: `{ sig, value }`
    if (inline !== undefined) return inline;
    throw new UndecidableInputError(path, "secret");
  }
  return value;
}

function parsePlaintext(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Asked of guarded inputs, gives the serialised object under the guard (see `serializedInputs`). */
const SERIALIZED = Symbol("phoenix:serialized-inputs");

/**
 * The inputs as serialised, secrets and sentinels left as they are, for a reader that decides about them
 * itself: the release identity takes a digest tag in place of encrypted user data. Inputs not guarded (the
 * engine's) are returned as they are.
 */
export function serializedInputs<T extends object>(inputs: T): T {
  return ((inputs as Record<symbol, unknown>)[SERIALIZED] as T | undefined) ?? inputs;
}

/** Wrap serialised inputs so that every read goes through `open` (lazily, level by level). */
export function guardInputs<T extends object>(inputs: T): T {
  return guard(inputs, "") as T;
}

/**
 * Inputs as policies may read them: guarded when they hold an unknown or a secret anywhere, as they are
 * otherwise. Most resources of a stack export hold neither, and a plain object reads many times faster
 * than a proxy that allocates another proxy at every level.
 */
export function readableInputs<T extends object>(inputs: T): T {
  return holdsUndecidable(inputs) ? guardInputs(inputs) : inputs;
}

function holdsUndecidable(value: unknown): boolean {
  // Stryker disable next-line ConditionalExpression: the length test is a fast path; has() decides alone
  if (typeof value === "string") return value.length === 36 && UNKNOWN_SENTINELS.has(value);
  // Stryker disable next-line ConditionalExpression,LogicalOperator: a shortcut; a primitive or null falls through to false below (not a secret, no keys to walk)
  if (typeof value !== "object" || value === null) return false;
  // Stryker disable next-line ConditionalExpression,BlockStatement: a shortcut; the for-in below walks an array's items too
  if (Array.isArray(value)) {
    // Indexed: `phoenix check` walks every judged resource's inputs cold, where for…of allocates.
    // Stryker disable next-line EqualityOperator: one more turn reads an undefined item, which holds nothing
    for (let i = 0; i < value.length; i++) if (holdsUndecidable(value[i])) return true;
    return false;
  }
  if (isSerializedSecret(value)) return true;
  for (const key in value) {
    if (holdsUndecidable((value as Record<string, unknown>)[key])) return true;
  }
  return false;
}

function guard(value: unknown, path: string): unknown {
  if (typeof value !== "object" || value === null) return value;
  return new Proxy(value as Record<PropertyKey, unknown>, {
    get(target, key) {
      if (key === SERIALIZED) return target;
      const raw = target[key];
      if (typeof key === "symbol") return raw;
      // Proxy invariant: a non-configurable, non-writable own property must read as itself.
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (descriptor && descriptor.configurable === false && descriptor.writable === false) return raw;
      const childPath = path === "" ? key : Array.isArray(target) ? `${path}[${key}]` : `${path}.${key}`;
      return guard(open(raw, childPath), childPath);
    },
  });
}
