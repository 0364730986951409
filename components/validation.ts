// Shared argument validation for the components: a collector that gathers every problem before failing,
// and the few checks several components need. Pure: no Pulumi import, so tests call it directly.

/** A name safe in a stack name, an AWS resource name and a DNS label: lower case, digits, inner dashes. */
export const NAME_PATTERN = /^[a-z][a-z0-9-]{0,30}[a-z0-9]$/;

/** A release name: safe in resource names and tags (`v1.2.3`, `2026.11.22-1`, `build-481`). */
export const RELEASE_PATTERN = /^[a-z0-9]([a-z0-9.-]{0,38}[a-z0-9])?$/;

/** An AMI id: `ami-` and 8 (older) or 17 hex digits. */
export const AMI_ID_PATTERN = /^ami-([0-9a-f]{8}|[0-9a-f]{17})$/;

/** Thrown by a component's validation, before any child resource exists, with every problem found. */
export class ComponentArgsError extends Error {
  constructor(
    readonly component: string,
    readonly resourceName: string,
    readonly problems: readonly string[],
  ) {
    super(
      `Invalid arguments for ${component} "${resourceName}" (${problems.length} problem${problems.length === 1 ? "" : "s"}):\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
    this.name = "ComponentArgsError";
  }
}

/** Collects problems so a component reports all of them at once. */
export class Problems {
  private readonly found: string[] = [];

  /** Record a problem. */
  add(problem: string): void {
    this.found.push(problem);
  }

  /** Record `problem` when `condition` is false; returns `condition`. */
  check(condition: boolean, problem: string): boolean {
    if (!condition) this.add(problem);
    return condition;
  }

  /** Throw a ComponentArgsError when any problem was recorded. */
  throwIfAny(component: string, resourceName: string): void {
    if (this.found.length > 0) throw new ComponentArgsError(component, resourceName, this.found);
  }
}

/**
 * How a received value is shown in a message: JSON for strings, arrays and objects, plain for the rest. An
 * Output or a promise, which JSON shows as `{}`, is named for what it is: where only a plain value will do,
 * that is the problem.
 */
export function show(value: unknown): string {
  // Numbers plain: JSON writes NaN and the infinities as null. (Booleans read the same either way.)
  if (typeof value === "number" || value === undefined) return String(value);
  if (isOutputLike(value)) return "an Output, known only when the program runs";
  if (typeof (value as { then?: unknown } | null)?.then === "function") return "a promise";
  try {
    return JSON.stringify(value);
  } catch {
    return String(value);
  }
}

/** `arg` must be a name-safe string (NAME_PATTERN). */
export function checkName(problems: Problems, arg: string, value: unknown): void {
  problems.check(
    typeof value === "string" && NAME_PATTERN.test(value),
    `\`${arg}\` (${show(value)}) must be 2–32 characters of lower-case letters, digits and inner dashes, starting with a letter`,
  );
}

/** `arg` must be a release name (RELEASE_PATTERN). */
export function checkRelease(problems: Problems, arg: string, value: unknown): void {
  problems.check(
    typeof value === "string" && RELEASE_PATTERN.test(value),
    `\`${arg}\` (${show(value)}) must be 1–40 characters of lower-case letters, digits, dots or inner dashes`,
  );
}

/** `arg`, when given, must be an integer within [min, max]. Returns true when valid or absent. */
export function checkInteger(
  problems: Problems,
  arg: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): boolean {
  if (value === undefined) return true;
  const ok = typeof value === "number" && Number.isInteger(value) && value >= min && value <= max;
  const range = max === Number.MAX_SAFE_INTEGER ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  return problems.check(ok, `\`${arg}\` (${show(value)}) must be ${range}`);
}

/**
 * A Pulumi Output, recognised as the SDK does (`Output.isInstance`: a `__pulumiOutput` member that is true,
 * @pulumi/pulumi output.js and utils.js `isInstance`) without importing it: this file stays pure.
 */
function isOutputLike(value: unknown): boolean {
  return (value as { __pulumiOutput?: unknown } | null)?.__pulumiOutput === true;
}

/** A plain (already known) string, as opposed to a Pulumi output or promise. */
export function isPlainString(value: unknown): value is string {
  return typeof value === "string";
}

/** `arg`, when a plain string, must be an AMI id. Outputs are checked by AWS, not here. */
export function checkAmiId(problems: Problems, arg: string, value: unknown): void {
  if (value === undefined || value === null || value === "") {
    problems.add(`\`${arg}\` is required: an AMI id like "ami-0123456789abcdef0"`);
    return;
  }
  if (!isPlainString(value)) return;
  problems.check(
    AMI_ID_PATTERN.test(value),
    `\`${arg}\` (${show(value)}) must be an AMI id: "ami-" and 8 or 17 lower-case hex digits`,
  );
}

/** An IPv4 CIDR block, strictly: four octets 0–255 and a prefix 0–32. */
export function isIpv4Cidr(value: unknown): value is string {
  if (typeof value !== "string") return false;
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(value);
  if (!match) return false;
  const octets = match.slice(1, 5).map(Number);
  return octets.every((o) => o <= 255) && Number(match[5]) <= 32;
}

/** EBS volume types a root volume may use (st1/sc1 cannot boot). */
export const ROOT_VOLUME_TYPES = ["gp3", "gp2", "io1", "io2", "standard"] as const;

/** A root volume as a component's args give it (every field optional). */
export interface RootVolumeArgs {
  sizeGiB?: number;
  type?: string;
  deviceName?: string;
}

/** A root volume with every field resolved. */
export type RootVolume = Required<RootVolumeArgs>;

/** Resolve `rootVolume` over `defaults`, recording every problem with the arg's path in its message. */
export function resolveRootVolume(
  problems: Problems,
  given: RootVolumeArgs | undefined,
  defaults: RootVolume,
): RootVolume {
  const volume: RootVolume = {
    sizeGiB: given?.sizeGiB ?? defaults.sizeGiB,
    type: given?.type ?? defaults.type,
    deviceName: given?.deviceName ?? defaults.deviceName,
  };
  checkInteger(problems, "rootVolume.sizeGiB", given?.sizeGiB, 1, 16384);
  problems.check(
    (ROOT_VOLUME_TYPES as readonly string[]).includes(volume.type),
    `\`rootVolume.type\` (${show(volume.type)}) must be one of ${ROOT_VOLUME_TYPES.join(", ")}`,
  );
  problems.check(
    /^\/dev\/[a-z0-9]+$/.test(volume.deviceName),
    `\`rootVolume.deviceName\` (${show(volume.deviceName)}) must be a device path like "/dev/xvda"`,
  );
  return volume;
}
