// What Pulumi writes, read as Pulumi reads it: a `pulumi stack export` document (an untyped deployment,
// versions 1 to 4), a file backend checkpoint (`.pulumi/stacks/<project>/<stack>.json`, versions 0 to 4),
// or a bare deployment. Sources, from the Pulumi CLI v3.274.0:
// - versions and features: pkg/resource/stack/deployment.go:449-497 (UnmarshalUntypedDeployment: refuses a
//   version above 4 or below 1, and from version 4 any feature not in supportedFeatures, lines 132-141);
// - checkpoints: pkg/resource/stack/checkpoint.go:38-101 (versions 0 to 4, features checked at 4);
// - versions 1 and 2 migrate to 3 (pkg/resource/stack/migrate/resource.go:25-79): same resource fields, v1's
//   `defaults` dropped, and every input then depends on all of the resource's dependencies.
import { CliError, EXIT } from "../exitCodes";

/** The deployment features Pulumi 3.274 supports (pkg/resource/stack/deployment.go:132-141). */
export const SUPPORTED_FEATURES = [
  "refreshBeforeUpdate",
  "views",
  "hooks",
  "taint",
  "replaceWith",
  "snippets-prototype",
  "extensionParameterization",
  "byteString",
];

const LATEST_VERSION = 4;

export type PendingOperation = "creating" | "updating" | "deleting" | "reading" | "importing";

/** A deployment's resources and its pending operations, at schema version 3. */
export interface Deployment {
  resources: unknown[];
  /** `pending_operations`: a resource an interrupted update was creating, updating, … */
  pending: Array<{ resource: unknown; type: unknown }>;
  /** Where in the document the deployment is (`deployment`, `checkpoint.latest`), for messages. */
  path: string;
  /**
   * Where `resources[i]` is in the document, for messages, when it is not `<path>.resources[i]`: a plan's
   * resources come from several `stacks[s].resources` lists.
   */
  locate?: (i: number) => string;
}

/** Text as Pulumi writes it: UTF-8, a byte order mark allowed; UTF-16 refused, naming it. */
export function utf8Text(text: string, source: string): string {
  if (text.charCodeAt(0) === 0xfeff) return text.slice(1);
  const head = text.slice(0, 8);
  if (head.includes("\u0000")) {
    // Read as UTF-8, UTF-16's BOM is two replacement characters, and every ASCII character has a NUL beside it.
    // Stryker disable next-line Regex: a later U+FFFD run removed: still the same first character
    const firstReal = head.replace(/^\ufffd+/, "");
    const endian = firstReal.startsWith("\u0000") ? "big-endian" : "little-endian";
    throw new CliError(
      `${source} is UTF-16 (${endian}) text; phoenix check reads UTF-8, as Pulumi writes it. ` +
        "Export with `pulumi stack export --file <file>` (in Windows PowerShell, `>` re-encodes to UTF-16), " +
        "or re-encode it: `Get-Content <file> | Set-Content -Encoding utf8 <new file>`.",
      EXIT.badInput,
    );
  }
  return text;
}

/** The deployment of a parsed document. Throws a CliError (exit 2) for what Pulumi would refuse. */
export function deploymentOf(document: unknown, source: string): Deployment {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw bad(
      `${source} is not a stack export: expected a JSON object with \`deployment.resources\`, got ${kind(document)}`,
    );
  }
  const top = document as Record<string, unknown>;
  if (top.checkpoint !== undefined || (top.latest !== undefined && top.deployment === undefined)) {
    return checkpointDeployment(top, source);
  }
  if (top.deployment !== undefined) {
    const version = versionOf(top, source, 1);
    return fromDeployment(top.deployment, version, "deployment", source);
  }
  if (Array.isArray(top.resources)) return fromDeployment(top, LATEST_VERSION, "", source); // a bare deployment
  if (Array.isArray(top.stacks)) return planDeployment(top.stacks, source);
  throw bad(
    `${source} is not a stack export: no \`deployment\` object (top-level keys: ${Object.keys(top).join(", ") || "none"}); ` +
      "make one with `pulumi stack export --file <file>`",
  );
}

function checkpointDeployment(top: Record<string, unknown>, source: string): Deployment {
  // Version 0: a checkpoint from before versions, the checkpoint itself at the top (checkpoint.go:49-61).
  const versioned = top.checkpoint !== undefined;
  const version = versioned ? versionOf(top, source, 1) : 1;
  const checkpoint = versioned ? top.checkpoint : top;
  if (typeof checkpoint !== "object" || checkpoint === null || Array.isArray(checkpoint)) {
    throw bad(`${source}: checkpoint must be an object, got ${kind(checkpoint)}`);
  }
  const latest = (checkpoint as Record<string, unknown>).latest;
  const path = versioned ? "checkpoint.latest" : "latest";
  if (latest === undefined || latest === null) return { resources: [], pending: [], path }; // a stack never updated
  return fromDeployment(latest, version, path, source);
}

/** `version` (and, from 4, `features`) as Pulumi checks them. */
function versionOf(top: Record<string, unknown>, source: string, oldest: number): number {
  const version = top.version;
  if (version === undefined) return LATEST_VERSION;
  // Stryker disable next-line ConditionalExpression: Number.isInteger is false for non-numbers
  if (typeof version !== "number" || !Number.isInteger(version)) {
    throw bad(`${source}: \`version\` must be an integer, got ${kind(version)}`);
  }
  if (version > LATEST_VERSION) {
    throw bad(
      `${source}: this stack's deployment version (${version}) is too new: Pulumi 3.274 and phoenix check read ` +
        `versions ${oldest} to ${LATEST_VERSION}`,
    );
  }
  if (version < oldest) {
    throw bad(
      `${source}: this stack's deployment is too old (version ${version}; Pulumi reads ${oldest} to ${LATEST_VERSION})`,
    );
  }
  if (version >= 4) {
    const features = top.features ?? [];
    if (!Array.isArray(features))
      throw bad(`${source}: \`features\` must be an array of names, got ${kind(features)}`);
    const unsupported = features.filter((f) => !SUPPORTED_FEATURES.includes(String(f))).map(String);
    if (unsupported.length > 0) {
      throw bad(
        `${source}: this stack's deployment needs support for the following features: ${unsupported.join(", ")} ` +
          `(Pulumi 3.274 and phoenix check know ${SUPPORTED_FEATURES.join(", ")})`,
      );
    }
  }
  return version;
}

function fromDeployment(raw: unknown, version: number, path: string, source: string): Deployment {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
    // Stryker disable next-line StringLiteral: path is empty only for a bare deployment, an object by then
    throw bad(`${source}: ${path || "the document"} must be an object, got ${kind(raw)}`);
  }
  const deployment = raw as Record<string, unknown>;
  const prefix = path ? `${path}.` : "";
  let resources: unknown[] = [];
  if (deployment.resources !== undefined && deployment.resources !== null) {
    if (!Array.isArray(deployment.resources)) {
      throw bad(`${source}: ${prefix}resources must be an array, got ${kind(deployment.resources)}`);
    }
    resources = deployment.resources;
  }
  const pendingRaw = deployment.pending_operations ?? [];
  if (!Array.isArray(pendingRaw)) {
    throw bad(`${source}: ${prefix}pending_operations must be an array, got ${kind(pendingRaw)}`);
  }
  const pending = pendingRaw.map((op, i) => {
    const o = (typeof op === "object" && op !== null ? op : {}) as Record<string, unknown>;
    if (typeof o.resource !== "object" || o.resource === null) {
      throw bad(
        `${source}: ${prefix}pending_operations[${i}].resource must be an object, got ${kind(o.resource)}`,
      );
    }
    return { resource: o.resource, type: o.type };
  });
  if (version <= 2) resources = resources.map(migratedToV3);
  return { resources, pending, path };
}

/**
 * A v1 or v2 resource as Pulumi migrates it to v3 (migrate/resource.go:56-79): the fields Phoenix reads are
 * the same; v1's `defaults` are dropped, and each input depends on every dependency of the resource. Those
 * property dependencies are made whatever the file says: ResourceV1 and ResourceV2 have no such field, so
 * Pulumi's decoder drops one found in the file.
 */
function migratedToV3(resource: unknown): unknown {
  if (typeof resource !== "object" || resource === null || Array.isArray(resource)) return resource;
  const { defaults: _defaults, ...r } = resource as Record<string, unknown>;
  const inputs = typeof r.inputs === "object" && r.inputs !== null ? Object.keys(r.inputs) : [];
  const dependencies = Array.isArray(r.dependencies) ? r.dependencies : [];
  r.propertyDependencies = Object.fromEntries(inputs.map((key) => [key, dependencies]));
  return r;
}

/**
 * `phoenix plan --offline --json`: every planned stack's resources, each with the URN, type, inputs and
 * outputs an export has (cli/plan/document.ts), so a plan is checked as its stacks would be once deployed.
 */
function planDeployment(stacks: unknown[], source: string): Deployment {
  const lists = stacks.map((stack, i) => {
    const list = (stack as { resources?: unknown } | null)?.resources;
    if (!Array.isArray(list))
      throw bad(`${source}: stacks[${i}].resources must be an array, got ${kind(list)}`);
    return list as unknown[];
  });
  /** resources[i] of the joined list is in the stack whose list it falls into (i < their total length). */
  const locate = (i: number) => {
    let s = 0;
    let j = i;
    while (j >= lists[s].length) j -= lists[s++].length;
    return `stacks[${s}].resources[${j}]`;
  };
  // Stryker disable next-line StringLiteral: never shown: a plan has no pending operations, and locate names its resources
  return { resources: lists.flat(), pending: [], path: "", locate };
}

function bad(message: string): CliError {
  return new CliError(message, EXIT.badInput);
}

export function kind(value: unknown): string {
  if (value === undefined) return "nothing (the field is missing)";
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}
