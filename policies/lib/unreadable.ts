// Values a policy cannot read, and verdicts that do not depend on them.
//
// In the engine, secrets reach the pack decrypted, and only values unknown during preview can't be read:
// reading one through the SDK's property proxy throws its UnknownValueError (@pulumi/policy proxy.js,
// proxyHelper), which the SDK turns into an advisory "can't run … during preview" (server.js:287).
// Offline (`phoenix check`), Phoenix's guard (lib/guard.ts) throws UndecidableInputError on an unknown or
// an encrypted secret, which becomes an "undecided" verdict. Both are right only when the verdict depends on
// that value: a rule that admits port 22 from an encrypted source is a violation whatever the source is.
// So a policy reads a value with `attempt`, which hands back the error instead of throwing it; it decides
// when it can, and when it can't it calls `undecided`, which throws that very error, so each context
// reports it as it always has.
import { UndecidableInputError } from "../../components/immutability/identity";

/** A value that could not be read, with the error reading it threw. */
export class Unreadable {
  constructor(readonly error: Error) {}

  /** An encrypted secret (offline); otherwise a value not known until apply. */
  get isSecret(): boolean {
    return this.error instanceof UndecidableInputError && this.error.reason === "secret";
  }

  /** How messages show it. */
  toString(): string {
    return this.isSecret ? "an encrypted value" : "a value not known until apply";
  }
}

/** The error the SDK's proxy throws on an unknown (matched by shape: the class is internal to the SDK). */
function isSdkUnknownValueError(error: unknown): boolean {
  return (
    error instanceof Error && error.constructor.name === "UnknownValueError" && "unknownTypeSentinel" in error
  );
}

/** True for the errors that mean "this value can't be read", in the engine and offline. */
export function isUnreadableError(error: unknown): error is Error {
  return error instanceof UndecidableInputError || isSdkUnknownValueError(error);
}

/** `read()`, or an Unreadable when it touched a value that can't be read. Other errors propagate. */
export function attempt<T>(read: () => T): T | Unreadable {
  try {
    return read();
  } catch (error) {
    if (isUnreadableError(error)) return new Unreadable(error);
    throw error;
  }
}

/**
 * `object[key]`, or an Unreadable when that value can't be read: `attempt(() => object[key])` without a
 * closure, for the readers `phoenix check` runs on every resource of an export.
 */
export function readKey(object: unknown, key: string | number): unknown {
  try {
    return (object as Record<string | number, unknown>)[key];
  } catch (error) {
    if (isUnreadableError(error)) return new Unreadable(error);
    throw error;
  }
}

export function isUnreadable(value: unknown): value is Unreadable {
  return value instanceof Unreadable;
}

/**
 * Whether a scalar field is set. An encrypted value is set (Pulumi encrypts a value, not an absence); one
 * not known until apply may still turn out unset, so whether it is set can't be told (Unreadable).
 */
export function isSetField(value: unknown): boolean | Unreadable {
  if (!isUnreadable(value))
    return typeof value === "string" ? value.trim() !== "" : value !== undefined && value !== null;
  return value.isSecret ? true : value;
}

/** No verdict: the verdict depends on this value. Throws the error reading it threw. */
export function undecided(value: Unreadable): never {
  throw value.error;
}

/** A readable value as it is; an unreadable one ends the policy without a verdict. */
export function readOrUndecided<T>(value: T | Unreadable): T {
  if (isUnreadable(value)) undecided(value);
  return value;
}

/**
 * The items of a list, each read on its own: an unreadable item stays in its place as an Unreadable.
 * The list itself unreadable (an unknown array) is an Unreadable; absent or null is empty.
 */
export function itemsOf(read: () => unknown): unknown[] | Unreadable {
  return itemsOfList(attempt(read));
}

/** itemsOf(() => object[key]), without a closure. */
export function itemsAt(object: unknown, key: string): unknown[] | Unreadable {
  return itemsOfList(readKey(object, key));
}

function itemsOfList(list: unknown): unknown[] | Unreadable {
  if (isUnreadable(list)) return list;
  if (list === undefined || list === null) return [];
  if (!Array.isArray(list)) return [list];
  const items: unknown[] = [];
  for (let i = 0; i < list.length; i++) items.push(readKey(list, i));
  return items;
}

/**
 * One policy's verdict on one resource (or stack) built from several checks: a violation any check finds
 * decides it; when none is found and some check could not be made, there is no verdict (`finish` throws
 * the first value that could not be read).
 */
export class Judgement {
  private unsure?: Unreadable;
  private violated = false;

  constructor(private readonly reportViolation: (message: string, urn?: string) => void) {}

  report(message: string, urn?: string): void {
    this.violated = true;
    this.reportViolation(message, urn);
  }

  /** A check that depends on `value` could not be made. */
  cannotTell(value: Unreadable): void {
    this.unsure ??= value;
  }

  /** `value` when it can be read; otherwise notes it and gives undefined. */
  readable<T>(value: T | Unreadable): T | undefined {
    if (!isUnreadable(value)) return value;
    this.cannotTell(value);
    return undefined;
  }

  finish(): void {
    if (!this.violated && this.unsure) undecided(this.unsure);
  }
}
