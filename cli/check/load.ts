// Reading `pulumi stack export` documents for `phoenix check`: parse, check the shape, and turn each
// resource into what the offline evaluator takes. Unusable input is a CliError (exit 2) that says which
// file, what is wrong and where.
import type { OfflineResource } from "../../policies/offline";
import { CliError, EXIT } from "../exitCodes";

/** The resources of one stack, in export order. */
export interface StackResources {
  stack: string;
  /** The file they came from (`-` for standard input). */
  source: string;
  resources: OfflineResource[];
  /** `sourcePosition` of each resource, by URN, when the export has them (Pulumi ≥ 3.1xx). */
  positions: Map<string, string>;
}

/** Parse one export's text; `source` names it in errors. Resources are grouped by the stack in their URN. */
export function parseStackExport(text: string, source: string): StackResources[] {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new CliError(
      `${source} is not JSON: ${(error as Error).message.replace(/\n/g, "\\n")}${lineHint(text, error as Error)}`,
      EXIT.badInput,
    );
  }
  const resources = resourcesOf(document, source);
  const stacks = new Map<string, StackResources>();
  for (let i = 0; i < resources.length; i++) {
    const raw = resources[i];
    const where = `${source}: deployment.resources[${i}]`;
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw notAnExport(`${where} must be an object, got ${kind(raw)}`);
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.urn !== "string" || !r.urn.startsWith("urn:pulumi:")) {
      throw notAnExport(
        `${where}.urn must be a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>), got ${kind(r.urn)}`,
      );
    }
    if (typeof r.type !== "string") throw notAnExport(`${where}.type must be a string, got ${kind(r.type)}`);
    if (r.delete === true) continue; // pending deletion: already replaced, not part of the stack's desired state
    const stack = stackOfUrn(r.urn);
    let group = stacks.get(stack);
    if (!group) {
      group = { stack, source, resources: [], positions: new Map() };
      stacks.set(stack, group);
    }
    for (const field of ["inputs", "outputs", "propertyDependencies"] as const) {
      if (r[field] !== undefined && r[field] !== null && objectOrUndefined(r[field]) === undefined) {
        throw notAnExport(`${where}.${field} must be an object, got ${kind(r[field])}`);
      }
    }
    if (r.dependencies !== undefined && !Array.isArray(r.dependencies)) {
      throw notAnExport(`${where}.dependencies must be an array of URNs, got ${kind(r.dependencies)}`);
    }
    // An export resource already has the evaluator's field names (urn, type, inputs, outputs, parent,
    // dependencies, propertyDependencies): it is used as it is, with its options gathered only when it has
    // any. Copying 20,000 resources would cost a good share of the parse itself.
    const options = optionsOf(r);
    group.resources.push((options ? { ...r, options } : r) as unknown as OfflineResource);
    if (typeof r.sourcePosition === "string") group.positions.set(r.urn, r.sourcePosition);
  }
  return [...stacks.values()];
}

/** The resource options a stack export records (most resources record none: no object then). */
function optionsOf(r: Record<string, unknown>): OfflineResource["options"] {
  const ignoreChanges =
    Array.isArray(r.ignoreChanges) && r.ignoreChanges.length > 0 ? (r.ignoreChanges as string[]) : undefined;
  const secretOutputs =
    Array.isArray(r.additionalSecretOutputs) && r.additionalSecretOutputs.length > 0
      ? (r.additionalSecretOutputs as string[])
      : undefined;
  if (r.protect !== true && !ignoreChanges && !secretOutputs) return undefined;
  return {
    protect: r.protect === true,
    ...(ignoreChanges ? { ignoreChanges } : {}),
    ...(secretOutputs ? { additionalSecretOutputs: secretOutputs } : {}),
  };
}

/** `deployment.resources` of an export (`{ version, deployment }`), or of a bare deployment. */
function resourcesOf(document: unknown, source: string): unknown[] {
  if (typeof document !== "object" || document === null || Array.isArray(document)) {
    throw notAnExport(
      `${source} is not a stack export: expected a JSON object with \`deployment.resources\`, got ${kind(document)}`,
    );
  }
  const top = document as Record<string, unknown>;
  const deployment = (top.deployment ?? (Array.isArray(top.resources) ? top : undefined)) as
    Record<string, unknown> | undefined;
  if (typeof deployment !== "object" || deployment === null) {
    throw notAnExport(
      `${source} is not a stack export: no \`deployment\` object (top-level keys: ${Object.keys(top).join(", ") || "none"}); ` +
        "make one with `pulumi stack export --file <file>`",
    );
  }
  if (deployment.resources === undefined || deployment.resources === null) return []; // an empty stack
  if (!Array.isArray(deployment.resources)) {
    throw notAnExport(`${source}: deployment.resources must be an array, got ${kind(deployment.resources)}`);
  }
  return deployment.resources;
}

/** The stack name in a URN: `urn:pulumi:<stack>::<project>::…`. */
export function stackOfUrn(urn: string): string {
  const rest = urn.slice("urn:pulumi:".length);
  const end = rest.indexOf("::");
  return end < 0 ? rest : rest.slice(0, end);
}

function notAnExport(message: string): CliError {
  return new CliError(message, EXIT.badInput);
}

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function kind(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 37)}...` : value)}`;
  return typeof value === "object" ? "an object" : `${typeof value} ${String(value)}`;
}

/**
 * " (line L, column C)" for a JSON.parse error, so the user can find it. V8 states a position for some
 * errors ("at position N"); for unexpected tokens it quotes the text around it instead (10 characters
 * either side, "..." where cut), which is found back in the input; at the end of input, the end.
 */
function lineHint(text: string, error: Error): string {
  const at = /at position (\d+)/.exec(error.message);
  let position: number | undefined = at ? Number(at[1]) : undefined;
  const quoted = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*?)(\.\.\.)?" is not valid JSON$/.exec(
    error.message,
  );
  if (position === undefined && quoted) {
    const [, token, cutBefore, context] = quoted;
    const start = text.indexOf(context);
    if (start >= 0 && text.indexOf(context, start + 1) < 0) {
      position = start + (cutBefore ? 10 : context.indexOf(token));
    }
  }
  if (position === undefined && /end of JSON input/.test(error.message)) position = text.length;
  if (position === undefined) return "";
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return ` (line ${line}, column ${column})`;
}
