// Parsing the workflow commands' option values: durations, step lists, capacities, counts. Each throws a
// CliError (exit 2) naming the option, the value and what is allowed.
import { CliError, EXIT } from "../exitCodes";

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function bad(option: string, value: string, allowed: string): never {
  throw new CliError(`\`${option}\` (${JSON.stringify(value)}) ${allowed}`, EXIT.badInput);
}

/** `500ms`, `30s`, `10m`, `1h`, or plain milliseconds. */
export function parseDuration(option: string, value: string): number {
  const match = /^(\d+)(ms|s|m|h)?$/.exec(value.trim());
  if (!match) bad(option, value, "must be a duration such as 500ms, 30s, 10m or 1h");
  return Number(match[1]) * UNITS[match[2] ?? "ms"];
}

/** `10,50,100` → [10, 50, 100] (the library checks the list itself). */
export function parseSteps(option: string, value: string): number[] {
  const parts = value.split(",").map((p) => p.trim());
  if (parts.some((p) => !/^\d+$/.test(p)))
    bad(option, value, "must be comma-separated whole percentages such as 10,50,100");
  return parts.map(Number);
}

/** `3` (fixed size) or `min:max:desired` such as `2:6:3`. */
export function parseCapacity(
  option: string,
  value: string,
): number | { min: number; max: number; desired: number } {
  if (/^\d+$/.test(value)) return Number(value);
  const match = /^(\d+):(\d+):(\d+)$/.exec(value);
  if (!match) bad(option, value, "must be a number of instances (3) or min:max:desired (2:6:3)");
  return { min: Number(match[1]), max: Number(match[2]), desired: Number(match[3]) };
}

export function parseCount(option: string, value: string): number {
  if (!/^\d+$/.test(value)) bad(option, value, "must be a whole number");
  return Number(value);
}

/** Commander collector for repeatable options (`--alarm a --alarm b`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
