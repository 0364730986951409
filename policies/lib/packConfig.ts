// Policy pack config in the format `pulumi up --policy-pack-config <file>` takes:
//   { "all": "<level>", "<policy>": "<level>" | { "enforcementLevel": "<level>", "<prop>": <value> },
//     "environments": ["<esc env>"] }
// or the versioned form { "version": 2, "policies": { … }, "environments": [...], "exceptions": … }
// (pkg/resource/analyzer/config.go:113-179 in Pulumi 3.274), resolved the way the engine resolves it before
// `Configure`: per policy, its own entry over `all` over the policy's default level; properties over the
// schema's defaults. What the CLI refuses (a bad level, a value of the wrong type) is refused here, with
// messages that name the key, the value received and what is allowed; what it accepts without using —
// names of policies the pack doesn't have (applyConfig, config.go:397-428), properties a policy's schema
// doesn't declare — is accepted with a warning.
import type { EnforcementLevel, Policies, PolicyConfigSchema } from "@pulumi/policy";

export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = [
  "advisory",
  "mandatory",
  "remediate",
  "disabled",
];

export interface ResolvedPolicyConfig {
  enforcementLevel: EnforcementLevel;
  properties: Record<string, unknown>;
}

export class PolicyConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid policy config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "PolicyConfigError";
  }
}

/** Resolve and validate pack config for `policies`; throws PolicyConfigError listing every problem. */
export function resolvePackConfig(
  raw: unknown,
  policies: Policies,
  packLevel: EnforcementLevel = "advisory",
  // Stryker disable next-line ArrayDeclaration: a caller that passes no list reads no warnings, so what the default holds is never seen
  warnings: string[] = [],
): Map<string, ResolvedPolicyConfig> {
  const problems: string[] = [];
  const entries = policyEntries(raw, problems);
  const names = new Set(policies.map((p) => p.name));
  for (const key of Object.keys(entries)) {
    if (key !== "all" && !names.has(key)) {
      warnings.push(
        `\`${key}\` is not a policy of this pack, so it changes nothing (policies: all, ${[...names].join(", ")})`,
      );
    }
  }
  const allLevel = entries.all === undefined ? undefined : level(entries.all, "all", problems);
  const resolved = new Map<string, ResolvedPolicyConfig>();
  for (const policy of policies) {
    const entry = entries[policy.name];
    let enforcementLevel = allLevel ?? policy.enforcementLevel ?? packLevel;
    let given: Record<string, unknown> = {};
    if (typeof entry === "string") {
      enforcementLevel = level(entry, policy.name, problems) ?? enforcementLevel;
    } else if (entry !== undefined) {
      if (typeof entry !== "object" || entry === null || Array.isArray(entry)) {
        problems.push(
          `\`${policy.name}\` must be an enforcement level or an object of properties, got ${describe(entry)}`,
        );
      } else {
        const { enforcementLevel: ownLevel, ...props } = entry as Record<string, unknown>;
        if (ownLevel !== undefined) {
          enforcementLevel = level(ownLevel, `${policy.name}.enforcementLevel`, problems) ?? enforcementLevel;
        }
        given = props;
      }
    }
    resolved.set(policy.name, {
      enforcementLevel,
      properties: withSchema(policy.name, given, policy.configSchema, problems, warnings),
    });
  }
  if (problems.length > 0) throw new PolicyConfigError(problems);
  return resolved;
}

/** The per-policy entries of either config format; `environments` (ESC, for the engine) set aside. */
function policyEntries(raw: unknown, problems: string[]): Record<string, unknown> {
  const config = raw === undefined || raw === null ? {} : raw;
  if (typeof config !== "object" || Array.isArray(config)) {
    throw new PolicyConfigError([
      `the config must be a JSON object of policy names, got ${describe(config)}`,
    ]);
  }
  const { environments, ...rest } = config as Record<string, unknown>;
  if (
    environments !== undefined &&
    (!Array.isArray(environments) || environments.some((e) => typeof e !== "string"))
  ) {
    problems.push(
      `\`environments\` must be an array of ESC environment names, got ${describe(environments)}`,
    );
  }
  if (typeof rest.version !== "number") return rest; // "version" may also name a policy
  if (rest.version !== 2) {
    throw new PolicyConfigError([
      // Stryker disable next-line EqualityOperator: the version here is a number other than 2, so > 2 and >= 2 agree
      rest.version > 2
        ? `policy pack config version ${rest.version} isn't supported (versions: 2, or none)`
        : `\`version\` must be 2, got ${describe(rest.version)}`,
    ]);
  }
  const policies = rest.policies ?? {};
  // Stryker disable next-line ConditionalExpression: `?? {}` above has already made a null `policies` an empty object
  if (typeof policies !== "object" || policies === null || Array.isArray(policies)) {
    throw new PolicyConfigError([
      `\`policies\` must be an object of policy names, got ${describe(policies)}`,
    ]);
  }
  return policies as Record<string, unknown>;
}

function level(value: unknown, key: string, problems: string[]): EnforcementLevel | undefined {
  // Stryker disable next-line ConditionalExpression: includes() finds only strings in ENFORCEMENT_LEVELS, so the typeof test decides nothing more
  if (typeof value === "string" && (ENFORCEMENT_LEVELS as string[]).includes(value))
    return value as EnforcementLevel;
  problems.push(`\`${key}\` must be one of ${ENFORCEMENT_LEVELS.join(", ")}, got ${describe(value)}`);
  return undefined;
}

/** Properties over the schema's defaults, each checked against its schema (the subset the pack uses). */
function withSchema(
  policy: string,
  given: Record<string, unknown>,
  schema: PolicyConfigSchema | undefined,
  problems: string[],
  warnings: string[],
): Record<string, unknown> {
  const properties = schema?.properties ?? {};
  const result: Record<string, unknown> = {};
  for (const [key, prop] of Object.entries(properties)) {
    if (prop.default !== undefined) result[key] = prop.default;
  }
  for (const [key, value] of Object.entries(given)) {
    const prop = properties[key];
    if (!prop) {
      const known = Object.keys(properties);
      warnings.push(
        `\`${policy}.${key}\` is not a property of ${policy}, so it changes nothing (${known.length ? `properties: ${known.join(", ")}` : "it takes none"})`,
      );
      continue;
    }
    const problem = checkValue(value, prop);
    if (problem) problems.push(`\`${policy}.${key}\` ${problem}, got ${describe(value)}`);
    else result[key] = value;
  }
  return result;
}

type JsonSchema = PolicyConfigSchema["properties"][string];

function checkValue(value: unknown, schema: JsonSchema): string | undefined {
  if (schema.enum && !schema.enum.some((allowed) => allowed === value)) {
    return `must be one of ${schema.enum.map((v) => JSON.stringify(v)).join(", ")}`;
  }
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (types.length > 0 && !types.some((t) => isOfType(value, t))) return `must be ${types.join(" or ")}`;
  if (typeof value === "number") {
    // Stryker disable next-line ConditionalExpression: a number compared with an undefined minimum is never less
    if (schema.minimum !== undefined && value < schema.minimum) return `must be at least ${schema.minimum}`;
    // Stryker disable next-line ConditionalExpression: a number compared with an undefined maximum is never greater
    if (schema.maximum !== undefined && value > schema.maximum) return `must be at most ${schema.maximum}`;
  }
  if (
    Array.isArray(value) &&
    schema.items &&
    // Stryker disable next-line ConditionalExpression: the only truthy non-object `items` is the boolean schema `true`, which accepts every item
    typeof schema.items === "object" &&
    !Array.isArray(schema.items)
  ) {
    for (const [i, item] of value.entries()) {
      const problem = checkValue(item, schema.items);
      if (problem) return `item [${i}] ${problem}`;
    }
  }
  return undefined;
}

function isOfType(value: unknown, type: string): boolean {
  switch (type) {
    case "integer":
      return Number.isInteger(value);
    case "number":
      // Stryker disable next-line ConditionalExpression: Number.isFinite is true of numbers only, so `true && Number.isFinite(value)` is the same test
      return typeof value === "number" && Number.isFinite(value);
    case "array":
      return Array.isArray(value);
    case "object":
      return typeof value === "object" && value !== null && !Array.isArray(value);
    case "null":
      return value === null;
    default:
      return typeof value === type;
  }
}

function describe(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
