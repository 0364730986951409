// The pack without the engine: run every resource and stack policy over resources read from a stack
// export or planned offline, and return verdicts. `phoenix check` and `phoenix plan --offline` use it.
//
// It calls the policies exactly as `@pulumi/policy`'s Analyze/AnalyzeStack do — same argument shape,
// same enforcement-level resolution (policy config over `all` over the policy's default; `remediate`
// reports as `mandatory`), same type pre-filter — with inputs guarded so that an unknown or encrypted
// value yields an "undecided" verdict, never a false pass or a false violation.
import type {
  EnforcementLevel,
  Policies,
  PolicyResource,
  PolicyResourceOptions,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { UndecidableInputError } from "../components/immutability/identity";
import { ALL_POLICIES } from "./all";
import { guardInputs } from "./lib/guard";
import { resolvePackConfig, type ResolvedPolicyConfig } from "./lib/packConfig";
import { pulumiTypeOf } from "./lib/types";

export { PolicyConfigError } from "./lib/packConfig";

/** A resource as a stack export or an offline plan holds it. */
export interface OfflineResource {
  urn: string;
  type: string;
  /** Logical name; taken from the URN when absent. */
  name?: string;
  /** What resource policies see (the engine's Analyze gets inputs). */
  inputs?: Record<string, unknown>;
  /** What stack policies see (the engine's AnalyzeStack gets outputs); inputs when absent. */
  outputs?: Record<string, unknown>;
  options?: Partial<PolicyResourceOptions>;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export type VerdictLevel = "advisory" | "mandatory";

export interface Verdict {
  policy: string;
  /** `violation`: the policy found a problem; `undecided`: an input it needs is unknown or encrypted. */
  kind: "violation" | "undecided";
  enforcementLevel: VerdictLevel;
  urn: string;
  type: string;
  name: string;
  message: string;
  description: string;
  severity?: string;
}

export interface EvaluateOptions {
  /** Pack config in the `pulumi up --policy-pack-config` format. Invalid config throws PolicyConfigError. */
  config?: unknown;
  /** The policies to run. @default every policy of the pack */
  policies?: Policies;
  /** Stack tags, as `ConfigureStack` would give them. */
  stackTags?: ReadonlyMap<string, string>;
}

class NotApplicable extends Error {}

const NO_OPTIONS: PolicyResourceOptions = {
  protect: false,
  ignoreChanges: [],
  aliases: [],
  customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
  additionalSecretOutputs: [],
};

/** Run every resource and stack policy over `resources`; verdicts in resource order, then stack order. */
export function evaluateResources(resources: OfflineResource[], options: EvaluateOptions = {}): Verdict[] {
  const policies = options.policies ?? ALL_POLICIES;
  const config = resolvePackConfig(options.config, policies, "mandatory");
  const stackTags = options.stackTags ?? new Map<string, string>();
  const verdicts: Verdict[] = [];
  const byType = indexValidations(policies, config);
  for (const resource of resources) {
    const entries = [...(byType.get(resource.type) ?? []), ...(byType.get(ANY_TYPE) ?? [])];
    if (entries.length === 0) continue;
    const name = resource.name ?? nameOfUrn(resource.urn);
    const props = guardInputs(resource.inputs ?? {});
    for (const { policy, validation, level } of entries) {
      const args: ResourceValidationArgs = {
        type: resource.type,
        props,
        urn: resource.urn,
        name,
        opts: { ...NO_OPTIONS, ...resource.options },
        stackTags,
        isType: (cls) => pulumiTypeOf(cls) === resource.type,
        asType: (cls) => (pulumiTypeOf(cls) === resource.type ? (props as never) : undefined),
        getConfig: <T extends object>() => config.get(policy.name)!.properties as T,
        notApplicable: (reason?: string) => {
          throw new NotApplicable(reason);
        },
      };
      const report = reporter(policy, level, resource.urn, resource.type, name, verdicts);
      runGuarded(() => validation(args, report), policy, resource.urn, resource.type, name, verdicts);
    }
  }
  let stackResources: PolicyResource[] | undefined;
  let byUrn = new Map<string, PolicyResource>();
  for (const policy of policies) {
    if (!isStackPolicy(policy)) continue;
    const level = effectiveLevel(config.get(policy.name)!);
    if (level === undefined) continue;
    if (!stackResources) {
      stackResources = toPolicyResources(resources);
      byUrn = new Map(stackResources.map((r) => [r.urn, r]));
    }
    const report = (message: string, urn?: string) => {
      const subject = urn === undefined ? undefined : byUrn.get(urn);
      reporter(policy, level, urn ?? "", subject?.type ?? "", subject?.name ?? "", verdicts)(message);
    };
    const args = {
      resources: stackResources,
      stackTags,
      getConfig: <T extends object>() => config.get(policy.name)!.properties as T,
      notApplicable: (reason?: string): never => {
        throw new NotApplicable(reason);
      },
    };
    runGuarded(() => policy.validateStack(args, report), policy, "", "", "", verdicts);
  }
  return verdicts;
}

const ANY_TYPE = "*";

interface IndexedValidation {
  policy: ResourceValidationPolicy;
  validation: ResourceValidation;
  level: VerdictLevel;
}

/** Validations by the type they are for (the engine's fast filter), untyped ones under `*`. */
function indexValidations(policies: Policies, config: Map<string, ResolvedPolicyConfig>) {
  const byType = new Map<string, IndexedValidation[]>();
  for (const policy of policies) {
    if (isStackPolicy(policy)) continue;
    const level = effectiveLevel(config.get(policy.name)!);
    if (level === undefined || !policy.validateResource) continue;
    const validations = Array.isArray(policy.validateResource)
      ? policy.validateResource
      : [policy.validateResource];
    for (const validation of validations) {
      const type = pulumiTypeOf(validation) ?? ANY_TYPE;
      const list = byType.get(type) ?? [];
      list.push({ policy, validation, level });
      byType.set(type, list);
    }
  }
  return byType;
}

/** The level a verdict reports at, or undefined for a disabled policy (`remediate` reports as mandatory). */
function effectiveLevel(config: ResolvedPolicyConfig): VerdictLevel | undefined {
  const level: EnforcementLevel = config.enforcementLevel;
  if (level === "disabled") return undefined;
  return level === "advisory" ? "advisory" : "mandatory";
}

function reporter(
  policy: { name: string; description: string; severity?: string },
  level: VerdictLevel,
  urn: string,
  type: string,
  name: string,
  verdicts: Verdict[],
) {
  return (message: string, violatingUrn?: string) => {
    verdicts.push({
      policy: policy.name,
      kind: "violation",
      enforcementLevel: level,
      urn: violatingUrn ?? urn,
      type,
      name,
      message,
      description: policy.description,
      severity: policy.severity,
    });
  };
}

/** Run a validation; an undecidable input becomes an advisory "undecided" verdict, as in the engine. */
function runGuarded(
  run: () => unknown,
  policy: { name: string; description: string; severity?: string },
  urn: string,
  type: string,
  name: string,
  verdicts: Verdict[],
): void {
  try {
    const result = run();
    if (result instanceof Promise) {
      throw new Error(
        `policy ${policy.name} returned a promise: offline evaluation runs synchronous policies only`,
      );
    }
  } catch (error) {
    if (error instanceof NotApplicable) return;
    if (error instanceof UndecidableInputError) {
      verdicts.push({
        policy: policy.name,
        kind: "undecided",
        enforcementLevel: "advisory",
        urn,
        type,
        name,
        message: `no verdict: ${error.message}`,
        description: policy.description,
        severity: policy.severity,
      });
      return;
    }
    throw error;
  }
}

function toPolicyResources(resources: OfflineResource[]): PolicyResource[] {
  const byUrn = new Map<string, PolicyResource>();
  const list = resources.map((r) => {
    const props = guardInputs(r.outputs ?? r.inputs ?? {});
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: r.urn,
      name: r.name ?? nameOfUrn(r.urn),
      opts: { ...NO_OPTIONS, ...r.options },
      dependencies: [],
      propertyDependencies: {},
      isType: (cls) => pulumiTypeOf(cls) === r.type,
      asType: (cls) => (pulumiTypeOf(cls) === r.type ? (props as never) : undefined),
    };
    byUrn.set(r.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resource = list[i];
    const parent = r.parent ?? r.options?.parent;
    if (parent) resource.parent = byUrn.get(parent);
    resource.dependencies = (r.dependencies ?? []).map((u) => byUrn.get(u)).filter((d) => d !== undefined);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {})) {
      resource.propertyDependencies[key] = urns.map((u) => byUrn.get(u)).filter((d) => d !== undefined);
    }
  });
  return list;
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** The logical name at the end of a URN (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  const at = urn.lastIndexOf("::");
  return at < 0 ? urn : urn.slice(at + 2);
}
