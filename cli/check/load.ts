// Reading `pulumi stack export` documents for `phoenix check`: parse, check the shape, and turn each
// resource into what the offline evaluator takes. Unusable input is a CliError (exit 2) that says which
// file, what is wrong and where.
import type { OfflineResource } from "../../policies/offline";
import { CliError, EXIT } from "../exitCodes";
import { deploymentOf, kind, utf8Text, type Deployment } from "./deployment";

/** The resources of one stack, in export order. */
export interface StackResources {
  /** The project in the resources' URNs (two projects may have stacks of one name). */
  project: string;
  stack: string;
  /** The file they came from (`-` for standard input). */
  source: string;
  resources: OfflineResource[];
  /** `sourcePosition` of each resource, by URN, when the export has them (Pulumi ≥ 3.1xx). */
  positions: Map<string, string>;
  /** Resources of pending operations (checked: a pending create is about to exist), by URN: the operation. */
  pending: Map<string, string>;
}

/**
 * Parse one export's (or checkpoint's) text; `source` names it in errors. Resources are grouped by the project
 * and stack in their URN. Resources of pending operations other than deletes are checked too, marked pending.
 */
export function parseStackExport(text: string, source: string): StackResources[] {
  const utf8 = utf8Text(text, source);
  let document: unknown;
  try {
    document = JSON.parse(utf8);
  } catch (error) {
    throw new CliError(
      `${source} is not JSON: ${(error as Error).message.replace(/\n/g, "\\n")}${lineHint(utf8, error as Error)}`,
      EXIT.badInput,
    );
  }
  const deployment = deploymentOf(document, source);
  const stacks = new Map<string, StackResources>();
  const pendingByUrn = new Map<string, { resource: unknown; type: string }>();
  for (const op of deployment.pending) {
    const type = String(op.type);
    if (!changesTheStack(type)) continue;
    const urn = (op.resource as Record<string, unknown>).urn;
    // Stryker disable next-line ConditionalExpression: a non-string key is never looked up
    if (typeof urn === "string") pendingByUrn.set(urn, { resource: op.resource, type });
  }
  let last: { prefix: string; group: StackResources } | undefined;
  /** `pending`: the index in `pending_operations` and the operation; otherwise `i` indexes `resources`. */
  const add = (raw: unknown, i: number, pending?: string) => {
    // Where the resource is (whereIs) is spelled out only for a message: not 20,000 times for none.
    if (typeof raw !== "object" || raw === null || Array.isArray(raw)) {
      throw notAnExport(`${whereIs(deployment, source, i, pending)} must be an object, got ${kind(raw)}`);
    }
    const r = raw as Record<string, unknown>;
    if (typeof r.urn !== "string" || !r.urn.startsWith("urn:pulumi:")) {
      throw notAnExport(
        `${whereIs(deployment, source, i, pending)}.urn must be a Pulumi URN (urn:pulumi:<stack>::<project>::<type>::<name>), got ${kind(r.urn)}`,
      );
    }
    if (typeof r.type !== "string")
      throw notAnExport(
        `${whereIs(deployment, source, i, pending)}.type must be a string, got ${kind(r.type)}`,
      );
    if (r.delete === true) return; // pending deletion: already replaced, not part of the stack's desired state
    // Resources of one stack come together: the group of the last one is tried first, without slicing.
    // Stryker disable next-line ConditionalExpression,MethodExpression: a shortcut to the same group
    let group = last && r.urn.startsWith(last.prefix) ? last.group : undefined;
    // Stryker disable next-line ConditionalExpression: looking up the shortcut's group finds the same group
    if (!group) {
      const { project, stack } = projectAndStackOfUrn(r.urn);
      const prefix = `urn:pulumi:${stack}::${project}::`;
      group = stacks.get(prefix);
      if (!group) {
        group = { project, stack, source, resources: [], positions: new Map(), pending: new Map() };
        stacks.set(prefix, group);
      }
      // Stryker disable next-line ObjectLiteral: without the shortcut the lookup finds the same group
      last = { prefix, group };
    }
    // Stryker disable next-line EqualityOperator: one more turn reads r[undefined]: nothing to check
    for (let f = 0; f < OBJECT_FIELDS.length; f++) {
      const field = OBJECT_FIELDS[f];
      if (r[field] !== undefined && r[field] !== null && objectOrUndefined(r[field]) === undefined) {
        throw notAnExport(
          `${whereIs(deployment, source, i, pending)}.${field} must be an object, got ${kind(r[field])}`,
        );
      }
    }
    if (r.dependencies !== undefined && !Array.isArray(r.dependencies)) {
      throw notAnExport(
        `${whereIs(deployment, source, i, pending)}.dependencies must be an array of URNs, got ${kind(r.dependencies)}`,
      );
    }
    // An export resource already has the evaluator's field names (urn, type, inputs, outputs, parent,
    // dependencies, propertyDependencies): it is used as it is, with its options gathered only when it has
    // any. Copying 20,000 resources would cost a good share of the parse itself.
    const options = optionsOf(r);
    group.resources.push((options ? { ...r, options } : r) as unknown as OfflineResource);
    if (typeof r.sourcePosition === "string") group.positions.set(r.urn, r.sourcePosition);
    if (pending) group.pending.set(r.urn, pending);
  };
  const resources = deployment.resources;
  // A function of its own: V8 compiles this loop while it runs (on-stack replacement), and code after it in
  // the same function, not yet run, deoptimised that code on the way out (compiled twice, 20,000 times cold).
  const addResources = () => {
    for (let i = 0; i < resources.length; i++) {
      const urn = (resources[i] as { urn?: unknown } | null)?.urn;
      // An update in flight: the pending operation holds the state being applied, checked in its place.
      // Stryker disable next-line ConditionalExpression: pendingByUrn has only string keys
      if (typeof urn === "string" && pendingByUrn.has(urn)) continue;
      add(resources[i], i);
    }
  };
  addResources();
  deployment.pending.forEach((op, i) => {
    const type = String(op.type);
    if (!changesTheStack(type)) return;
    const urn = (op.resource as Record<string, unknown>).urn;
    // Stryker disable next-line ConditionalExpression: the map has only string keys
    const entry = typeof urn === "string" ? pendingByUrn.get(urn) : undefined;
    // No Pulumi URN: refused by `add`, as a resource of `resources` without one is.
    if (!entry) add(op.resource, i, type);
    // Two operations on one URN: the last one is the state being applied, checked once.
    else if (entry.resource === op.resource) add(op.resource, i, entry.type);
  });
  return [...stacks.values()];
}

/** How messages name a resource of the export: `f.json: deployment.resources[3]`. */
function whereIs(deployment: Deployment, source: string, i: number, pending: string | undefined): string {
  const prefix = deployment.path ? `${deployment.path}.` : "";
  if (pending) return `${source}: ${prefix}pending_operations[${i}].resource`;
  return `${source}: ${deployment.locate ? deployment.locate(i) : `${prefix}resources[${i}]`}`;
}

/** A pending create, update or import changes what the stack will hold; a delete or a read does not. */
const changesTheStack = (operation: string): boolean => operation !== "deleting" && operation !== "reading";

/** The fields of a resource that must be objects when present. */
const OBJECT_FIELDS = ["inputs", "outputs", "propertyDependencies"] as const;

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

/** The stack name in a URN: `urn:pulumi:<stack>::<project>::…`. */
export function stackOfUrn(urn: string): string {
  return projectAndStackOfUrn(urn).stack;
}

/** Project and stack of a URN (`urn:pulumi:<stack>::<project>::…`). */
export function projectAndStackOfUrn(urn: string): { project: string; stack: string } {
  const [stack, project = ""] = urn.slice("urn:pulumi:".length).split("::", 2);
  return { project, stack };
}

function notAnExport(message: string): CliError {
  return new CliError(message, EXIT.badInput);
}

function objectOrUndefined(value: unknown): Record<string, unknown> | undefined {
  // Stryker disable next-line ConditionalExpression: its only caller rules out null first
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

/**
 * " (line L, column C)" for a JSON.parse error, so the user can find it. V8 states a position for some
 * errors ("at position N"); for unexpected tokens it quotes the text around it instead (10 characters
 * either side, "..." where cut), which is found back in the input; at the end of input, the end.
 */
function lineHint(text: string, error: Error): string {
  const at = /at position (\d+)/.exec(error.message);
  let position: number | undefined = at ? Number(at[1]) : undefined;
  // V8 quotes up to 10 characters on each side of the token; an ellipsis outside the quotes marks a cut side.
  // Stryker disable next-line Regex: V8's message starts and ends so; its quote cannot hold the ending
  const quoted = /^Unexpected token '(.)', (\.\.\.)?"([\s\S]*)"(\.\.\.)? is not valid JSON$/.exec(
    error.message,
  );
  // Stryker disable next-line ConditionalExpression: an "Unexpected token" message has no position
  if (position === undefined && quoted) {
    const [, token, cutBefore, context] = quoted;
    const start = text.indexOf(context);
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the quote is found; never at 0
    if (start >= 0 && text.indexOf(context, start + 1) < 0) {
      position = start + (cutBefore ? 10 : context.indexOf(token));
    }
  }
  // Stryker disable next-line ConditionalExpression: an "end of JSON input" message has no position
  if (position === undefined && /end of JSON input/.test(error.message)) position = text.length;
  if (position === undefined) return "";
  const before = text.slice(0, position);
  const line = before.split("\n").length;
  const column = position - before.lastIndexOf("\n");
  return ` (line ${line}, column ${column})`;
}
