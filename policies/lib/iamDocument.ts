// IAM policy documents, as far as `no-remote-shell` needs to read them: does a document allow a Session
// Manager shell (the `ssmmessages` channel actions), and does a trust policy let EC2 assume the role?
// Documents come as JSON text or as objects; actions are matched as IAM matches them (case-insensitive,
// `*` and `?` wildcards), and a `NotAction` allows every action it does not name.
import { attempt, isUnreadable, itemsOf, type Unreadable, readKey } from "./unreadable";
import { asRecord } from "./values";

/** The actions a Session Manager session opens its channels with (a shell needs them all). */
export const SESSION_MANAGER_ACTIONS = [
  "ssmmessages:CreateControlChannel",
  "ssmmessages:CreateDataChannel",
  "ssmmessages:OpenControlChannel",
  "ssmmessages:OpenDataChannel",
];

/** AWS managed policies that grant Session Manager to an instance role (by policy name, any partition). */
export const SESSION_MANAGER_MANAGED_POLICIES = ["AmazonSSMManagedInstanceCore", "AmazonEC2RoleforSSM"];

/** The managed policy an ARN names, if it is one of SESSION_MANAGER_MANAGED_POLICIES. */
export function sessionManagerManagedPolicy(arn: unknown): string | undefined {
  if (typeof arn !== "string" || !/^arn:[^:]+:iam::aws:policy\//.test(arn)) return undefined;
  const name = arn.slice(arn.lastIndexOf("/") + 1);
  return SESSION_MANAGER_MANAGED_POLICIES.find((p) => p.toLowerCase() === name.toLowerCase());
}

function patternMatches(pattern: string, action: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, "\\$&")
    .replace(/\*/g, ".*")
    .replace(/\?/g, ".");
  return new RegExp(`^${regex}$`, "i").test(action);
}

/** The document as an object: parsed from JSON text; a text that isn't JSON is no document. */
function documentOf(value: unknown): Record<string, unknown> {
  if (typeof value !== "string") return asRecord(value);
  try {
    return asRecord(JSON.parse(value));
  } catch {
    return {};
  }
}

/** The statements of a document (a lone statement object counts as one); Unreadable if they can't be read. */
function statementsOf(read: () => unknown): Array<Record<string, unknown> | Unreadable> | Unreadable {
  const doc = attempt(read);
  if (isUnreadable(doc)) return doc;
  const parsed = documentOf(doc);
  const statements = itemsOf(() => parsed.Statement);
  if (isUnreadable(statements)) return statements;
  return statements.map((s) => (isUnreadable(s) ? s : asRecord(s)));
}

function strings(read: () => unknown): string[] | Unreadable {
  const items = itemsOf(read);
  if (isUnreadable(items)) return items;
  const unreadable = items.find(isUnreadable);
  return unreadable ?? items.map(String);
}

/**
 * The document's Allow statements, and the first statement part that could not be read (a statement, or its
 * Effect): a verdict that finds nothing among the readable ones is undecided because of it.
 */
function allowStatements(
  read: () => unknown,
): { allows: Record<string, unknown>[]; unsure: Unreadable | undefined } | Unreadable {
  const statements = statementsOf(read);
  if (isUnreadable(statements)) return statements;
  // Stryker disable next-line ArrayDeclaration: a string among the Allow statements names no action and no principal, so it grants nothing
  const allows: Record<string, unknown>[] = [];
  let unsure: Unreadable | undefined;
  for (const statement of statements) {
    const effect = isUnreadable(statement) ? statement : readKey(statement, "Effect");
    if (isUnreadable(effect)) unsure ??= effect;
    else if (String(effect).toLowerCase() === "allow") allows.push(statement as Record<string, unknown>);
  }
  return { allows, unsure };
}

/**
 * The Session Manager actions a document allows (empty when none); Unreadable when that can't be told.
 * Deny statements are not subtracted: a shell granted and denied in one document is still reported,
 * since a policy elsewhere can't be seen to agree.
 */
export function sessionManagerActionsAllowed(read: () => unknown): string[] | Unreadable {
  const found = allowStatements(read);
  if (isUnreadable(found)) return found;
  const allowed = new Set<string>();
  let unsure = found.unsure;
  for (const statement of found.allows) {
    const notAction = readKey(statement, "NotAction") !== undefined;
    const patterns = strings(() => (notAction ? statement.NotAction : statement.Action));
    if (isUnreadable(patterns)) {
      unsure ??= patterns;
      continue;
    }
    for (const action of SESSION_MANAGER_ACTIONS) {
      const named = patterns.some((p) => patternMatches(p, action));
      if (named !== notAction) allowed.add(action);
    }
  }
  if (allowed.size === 0 && unsure) return unsure;
  return [...allowed];
}

/** Whether a trust policy lets `service` assume the role (an Allow of sts:AssumeRole* to it). */
export function trustsService(read: () => unknown, service: string): boolean | Unreadable {
  const found = allowStatements(read);
  if (isUnreadable(found)) return found;
  let unsure = found.unsure;
  for (const statement of found.allows) {
    const services = strings(() => asRecord(statement.Principal).Service);
    if (isUnreadable(services)) {
      unsure ??= services;
      continue;
    }
    if (services.some((s) => s.toLowerCase() === service)) return true;
  }
  return unsure ?? false;
}
