// Release identity: a short, stable hash of the inputs of a fleet that can only change by replacement.
//
// The same functions run in three places: the ImmutableFleet component (to put the identity in every
// physical name), the `immutable-release-identity` policy (to recompute it from the inputs the engine
// shows and reject a name that does not carry it) and `phoenix check` (offline, on a stack export).
// They must therefore be pure, cheap, free of any Pulumi import, and robust to how the engine presents
// inputs: provider defaults filled in, booleans and numbers as strings, secrets, and unknown values.
import { hash } from "crypto";
import { types } from "util";

/** Length of an identity: 10 base32 characters = 50 bits, plenty to tell the releases of one fleet apart. */
export const IDENTITY_LENGTH = 10;

const IDENTITY_SUFFIX = new RegExp(`-([a-z2-7]{${IDENTITY_LENGTH}})$`);

/** Tag keys Phoenix puts on every immutable resource it creates. */
export const PHOENIX_TAGS = {
  app: "phoenix:app",
  release: "phoenix:release",
  identity: "phoenix:identity",
  /**
   * On launch templates: the SHA-256 of the user data (`userDataDigest`). The user data is secret (an export
   * holds only its ciphertext); this tag is not, so the identity stays computable offline.
   */
  userDataDigest: "phoenix:user-data-sha256",
} as const;

/** The wire sentinel Pulumi uses for values not known until apply (preview, or outputs of new resources). */
export const UNKNOWN_SENTINEL = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** The signature key Pulumi puts on secrets when it serialises them (stack exports, gRPC structs). */
const SECRET_SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";

/** Thrown by a projection when an input it needs cannot be read: unknown during preview, or encrypted. */
export class UndecidableInputError extends Error {
  constructor(
    readonly path: string,
    readonly reason: "unknown" | "secret",
  ) {
    super(`input \`${path}\` is ${reason === "unknown" ? "not known until apply" : "an encrypted secret"}`);
    this.name = "UndecidableInputError";
  }
}

/** Inputs of a launch template, as given to `aws.ec2.LaunchTemplate` or as the engine shows them. */
export interface LaunchTemplateLike {
  imageId?: unknown;
  instanceType?: unknown;
  userData?: unknown;
  keyName?: unknown;
  iamInstanceProfile?: unknown;
  vpcSecurityGroupIds?: unknown;
  securityGroupNames?: unknown;
  networkInterfaces?: unknown;
  metadataOptions?: unknown;
  blockDeviceMappings?: unknown;
  ebsOptimized?: unknown;
  [key: string]: unknown;
}

/**
 * Launch template inputs that shape the instance and can only change by a new release. Everything else
 * (name, description, tags, default-version bookkeeping) is left out, so tags never change the identity.
 */
const LAUNCH_TEMPLATE_IMMUTABLE_KEYS = [
  "imageId",
  "instanceType",
  "userData",
  "keyName",
  "iamInstanceProfile",
  "metadataOptions",
  "blockDeviceMappings",
  "networkInterfaces",
  "ebsOptimized",
  "cpuOptions",
  "creditSpecification",
  "enclaveOptions",
  "hibernationOptions",
  "instanceMarketOptions",
  "instanceRequirements",
  "kernelId",
  "ramDiskId",
  "placement",
  "monitoring",
  "instanceInitiatedShutdownBehavior",
  "licenseSpecifications",
  "maintenanceOptions",
  "privateDnsNameOptions",
  "capacityReservationSpecification",
  "elasticGpuSpecifications",
  "elasticInferenceAccelerator",
] as const;

/**
 * Instance metadata options at their AWS defaults are dropped, so a template that spells a default out
 * and one whose provider filled it in have the same identity.
 */
const METADATA_DEFAULTS: Record<string, unknown> = {
  httpEndpoint: "enabled",
  httpTokens: "optional",
  httpProtocolIpv6: "disabled",
  httpPutResponseHopLimit: 1,
  instanceMetadataTags: "disabled",
};

/**
 * The SHA-256 (lower-case hex) of user data exactly as the launch template takes it: the base64 text, not
 * the script it decodes to. The release identity hashes this digest, never the user data itself.
 */
export function userDataDigest(userDataBase64: string): string {
  // One-shot `crypto.hash` (a string is hashed as UTF-8): a Hash object per call costs twice as much, and
  // `phoenix check` hashes every launch template of a stack export.
  return hash("sha256", userDataBase64, "hex");
}

const DIGEST_PATTERN = /^[0-9a-f]{64}$/;

/**
 * The digest of a launch template's user data, or undefined when it has none. Recomputed from the value
 * wherever it can be read (plain, or a secret the engine sent decrypted); only when the value is an
 * encrypted secret (a stack export) is the `phoenix:user-data-sha256` tag taken instead. Throws
 * UndecidableInputError when the value is unknown, or encrypted with no well-formed tag.
 */
export function userDataDigestOf(inputs: LaunchTemplateLike): string | undefined {
  const value = inputs.userData;
  if (value === null || value === undefined) return undefined;
  // Stryker disable next-line ConditionalExpression,StringLiteral: the sentinel is caught as the plaintext below
  if (isUnknown(value)) throw new UndecidableInputError("userData", "unknown");
  const plaintext = isSerializedSecret(value) ? secretPlaintext(value) : value;
  if (plaintext === undefined) {
    const tag =
      tagValue(inputs.tags, PHOENIX_TAGS.userDataDigest) ??
      tagValue(inputs.tagsAll, PHOENIX_TAGS.userDataDigest);
    // Stryker disable next-line ConditionalExpression: an undefined tag fails DIGEST_PATTERN anyway
    if (tag !== undefined && DIGEST_PATTERN.test(tag)) return tag;
    throw new UndecidableInputError("userData", "secret");
  }
  if (isUnknown(plaintext)) throw new UndecidableInputError("userData", "unknown");
  if (plaintext === null || plaintext === "") return undefined;
  return userDataDigest(String(plaintext));
}

/** The canonical projection of a launch template's immutable inputs. Throws UndecidableInputError. */
export function launchTemplateProjection(inputs: LaunchTemplateLike): Record<string, unknown> {
  const projection: Record<string, unknown> = {};
  for (let k = 0; k < LAUNCH_TEMPLATE_IMMUTABLE_KEYS.length; k++) {
    const key = LAUNCH_TEMPLATE_IMMUTABLE_KEYS[k];
    if (key === "userData") {
      // A digest, not the (secret) value: see userDataDigestOf.
      const digest = userDataDigestOf(inputs);
      if (digest !== undefined) projection.userData = `sha256:${digest}`;
      continue;
    }
    let value = canonical(inputs[key], key);
    if (key === "metadataOptions") value = withoutMetadataDefaults(value);
    if (value !== undefined) projection[key] = value;
  }
  const securityGroups = [
    ...asStringList(inputs.vpcSecurityGroupIds, "vpcSecurityGroupIds"),
    ...asStringList(inputs.securityGroupNames, "securityGroupNames"),
  ];
  if (securityGroups.length > 0) projection.securityGroups = [...new Set(securityGroups)].sort();
  const devices = projection.blockDeviceMappings;
  // Not a list only in a hand-made or broken export: hashed as it is rather than a bare TypeError.
  if (Array.isArray(devices)) {
    (devices as Record<string, unknown>[]).sort((a, b) =>
      String(a.deviceName ?? "").localeCompare(String(b.deviceName ?? "")),
    );
  }
  return projection;
}

/**
 * Metadata options without those at their AWS defaults; undefined when none is left. Built anew, not by
 * `delete`: a deleted key turns an object into a slow dictionary, for every later read and for the hash.
 * Whatever is not an object passes as it is, except a truthy value with no keys (a number, `true`).
 */
function withoutMetadataDefaults(metadata: unknown): unknown {
  if (!metadata) return metadata;
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    return Object.keys(metadata).length === 0 ? undefined : metadata;
  }
  const kept: Record<string, unknown> = {};
  let empty = true;
  const keys = Object.keys(metadata);
  for (let k = 0; k < keys.length; k++) {
    const value = (metadata as Record<string, unknown>)[keys[k]];
    if (
      Object.prototype.hasOwnProperty.call(METADATA_DEFAULTS, keys[k]) &&
      value === METADATA_DEFAULTS[keys[k]]
    )
      continue;
    kept[keys[k]] = value;
    empty = false;
  }
  return empty ? undefined : kept;
}

/** The release identity of a launch template's inputs (throws UndecidableInputError when it can't be known). */
export function launchTemplateIdentity(inputs: LaunchTemplateLike): string {
  // hashProjection(launchTemplateProjection(inputs)), without canonicalJson's replacer: every object of a
  // projection is built by `canonical` with its keys inserted in sorted order, so once the top level is too,
  // plain JSON.stringify writes the string the replacer would (test/components/identity.test.ts holds the
  // two together). `phoenix check` hashes every launch template of an export, and the replacer, a call
  // back into JavaScript for every value, cost more than the hash.
  const projection = launchTemplateProjection(inputs);
  const sorted: Record<string, unknown> = {};
  for (let k = 0; k < PROJECTION_KEYS_SORTED.length; k++) {
    const value = projection[PROJECTION_KEYS_SORTED[k]];
    if (value !== undefined) sorted[PROJECTION_KEYS_SORTED[k]] = value;
  }
  return identityOfJson(JSON.stringify(sorted));
}

/** Every key a launch template projection can have, in sorted order. */
const PROJECTION_KEYS_SORTED = [...LAUNCH_TEMPLATE_IMMUTABLE_KEYS, "securityGroups"].sort();

/**
 * The release identity of a launch template's inputs, or `undefined` when an input is unknown or secret:
 * "no verdict", never a false one.
 */
export function tryLaunchTemplateIdentity(inputs: LaunchTemplateLike): string | undefined {
  try {
    return launchTemplateIdentity(inputs);
  } catch (e) {
    if (e instanceof UndecidableInputError) return undefined;
    throw e;
  }
}

/** Hash a canonical projection into an identity: sha256, base32 (RFC 4648, lower case), first 10 chars. */
export function hashProjection(projection: Record<string, unknown>): string {
  return identityOfJson(canonicalJson(projection));
}

/** Bytes of the digest that IDENTITY_LENGTH base32 characters encode (5 bits each), rounded up. */
const IDENTITY_BYTES = Math.ceil((IDENTITY_LENGTH * 5) / 8);

function identityOfJson(json: string): string {
  // Base32 is written 5 bits at a time from the front: the first characters need only the first bytes.
  return base32(hash("sha256", json, "buffer").subarray(0, IDENTITY_BYTES)).slice(0, IDENTITY_LENGTH);
}

/** JSON with object keys sorted at every level: equal projections give equal strings. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, sortedKeys);
}

/**
 * The replacer of canonicalJson: an object whose keys are not in sorted order is copied with sorted keys.
 * One whose keys already are (every projection's, built in sorted order) is serialised as it is: the copy
 * would list the same keys in the same order, so the string is the same without the allocation.
 */
function sortedKeys(_key: string, v: unknown): unknown {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
  const keys = Object.keys(v);
  let sorted = true;
  for (let i = 1; i < keys.length && sorted; i++) sorted = keys[i - 1] < keys[i];
  // A boxed primitive (`new String("s")`) would be written as its value; the copy is a plain object.
  if (sorted && !types.isBoxedPrimitive(v)) return v;
  const copy: Record<string, unknown> = {};
  for (const k of keys.sort()) copy[k] = (v as Record<string, unknown>)[k];
  return copy;
}

/**
 * A physical name that carries an identity: `<base>-<identity>`, the base cut so the whole fits `maxLength`
 * (launch template names allow 128 characters, auto scaling group names 255).
 */
export function nameWithIdentity(base: string, identity: string, maxLength = 128): string {
  const room = maxLength - identity.length - 1;
  return `${base.slice(0, room).replace(/-+$/, "")}-${identity}`;
}

/** The identity a physical name carries, if it ends with one. */
export function identityOfName(name: unknown): string | undefined {
  if (typeof name !== "string") return undefined;
  return IDENTITY_SUFFIX.exec(name)?.[1];
}

/**
 * The identity an auto scaling group must carry: the identity of the launch template it runs, read from
 * the template's name (the group's own immutable input is its template; capacity and tags are not).
 * Returns undefined when the group names its template by id only, or the name is unknown.
 */
export function autoScalingGroupIdentity(inputs: { launchTemplate?: unknown }): string | undefined {
  const template = inputs.launchTemplate as { name?: unknown } | undefined;
  if (!template || isUnknown(template.name)) return undefined;
  return identityOfName(template.name);
}

/** True for Pulumi's unknown sentinel (what the engine sends for values not known during preview). */
export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN_SENTINEL;
}

/** True for a secret as Pulumi serialises it: `{ "4dabf18193072939515e22adb298388d": "1b47…", … }`. */
export function isSerializedSecret(value: unknown): boolean {
  return typeof value === "object" && value !== null && SECRET_SIGNATURE_KEY in value;
}

/**
 * Normalise one value for hashing: drop null, undefined and empty collections; "true"/"false" strings to
 * booleans and numeric strings to numbers (the AWS provider types some booleans and numbers as strings);
 * sort object keys. Unknown and encrypted values throw UndecidableInputError.
 */
function canonical(value: unknown, path: string): unknown {
  if (value === null || value === undefined) return undefined;
  if (isUnknown(value)) throw new UndecidableInputError(path, "unknown");
  if (isSerializedSecret(value)) {
    const plaintext = secretPlaintext(value);
    if (plaintext === undefined) throw new UndecidableInputError(path, "secret");
    return canonical(typeof plaintext === "string" ? safeJsonParse(plaintext) : plaintext, path);
  }
  if (typeof value === "string") {
    if (value === "true") return true;
    if (value === "false") return false;
    // Only a string that starts with "-" or a digit can be numeric: most (ids, names) are not tested.
    const first = value.charCodeAt(0);
    const numeric = first === 45 || (first >= 48 && first <= 57);
    if (numeric && /^-?\d+$/.test(value) && value.length < 16 && !/^0\d/.test(value)) return Number(value);
    return value;
  }
  // Indexed loops, no closures: `phoenix check` runs this cold on every launch template of an export.
  if (Array.isArray(value)) {
    const items: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      const v = canonical(value[i], `${path}[${i}]`);
      if (v !== undefined) items.push(v);
    }
    return items.length > 0 ? items : undefined;
  }
  if (typeof value === "object") {
    const out: Record<string, unknown> = {};
    let empty = true;
    // Keys inserted in sorted order: launchTemplateIdentity relies on it to skip canonicalJson's replacer.
    const keys = Object.keys(value).sort();
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k];
      if (key === "__defaults") continue; // bridge bookkeeping, not an input
      const v = canonical((value as Record<string, unknown>)[key], `${path}.${key}`);
      if (v !== undefined) {
        out[key] = v;
        empty = false;
      }
    }
    return empty ? undefined : out;
  }
  return value;
}

/** The plaintext of a serialised secret (`plaintext` in exports, `value` over gRPC), undefined if encrypted. */
function secretPlaintext(value: unknown): unknown {
  const secret = value as { plaintext?: unknown; value?: unknown };
  const plaintext = secret.plaintext ?? secret.value;
  return typeof plaintext === "string" ? safeJsonParse(plaintext) : plaintext;
}

/** One tag of a `tags` input (a map, or a list of `{ key, value }`); undefined when absent or unreadable. */
function tagValue(tags: unknown, key: string): string | undefined {
  if (tags === null || typeof tags !== "object" || isSerializedSecret(tags)) return undefined;
  const value = Array.isArray(tags)
    ? (tags as { key?: unknown; value?: unknown }[]).find((tag) => tag?.key === key)?.value
    : (tags as Record<string, unknown>)[key];
  return typeof value === "string" ? value : undefined;
}

function asStringList(value: unknown, path: string): string[] {
  const list = canonical(value, path);
  if (list === undefined) return [];
  return (Array.isArray(list) ? list : [list]).map(String);
}

function safeJsonParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const BASE32_ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";

function base32(bytes: Buffer): string {
  let bits = 0;
  let buffer = 0;
  let out = "";
  // Indexed, not `for…of`: a one-shot `phoenix check` runs this cold, where an iterator allocates per byte.
  for (let i = 0; i < bytes.length; i++) {
    buffer = (buffer << 8) | bytes[i];
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
    buffer &= (1 << bits) - 1;
  }
  return out;
}
