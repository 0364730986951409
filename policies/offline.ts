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
import { readableInputs } from "./lib/guard";
import { resolvePackConfig, type ResolvedPolicyConfig } from "./lib/packConfig";
import { pulumiTypeOf, typesOf } from "./lib/types";

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

function throwNotApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/**
 * The `ResourceValidationArgs` of one resource, shared by every policy that looks at it (only
 * `getConfig` differs, through `policy`). One object per resource, methods on the prototype, inputs
 * prepared on first read: `phoenix check` meets tens of thousands of resources.
 */
class OfflineValidationArgs implements ResourceValidationArgs {
  readonly type: string;
  readonly urn: string;
  /** The policy being run, for getConfig. */
  // Stryker disable next-line StringLiteral: set before every validation that can read it
  policy = "";
  private prepared?: Record<string, unknown>;

  constructor(
    private readonly resource: OfflineResource,
    readonly stackTags: ReadonlyMap<string, string>,
    private readonly config: Map<string, ResolvedPolicyConfig>,
  ) {
    this.type = resource.type;
    this.urn = resource.urn;
  }
  /** Taken from the URN when first asked: most resources are judged without being named. */
  get name(): string {
    return this.resource.name ?? nameOfUrn(this.resource.urn);
  }
  get props(): Record<string, unknown> {
    return (this.prepared ??= readableInputs(this.resource.inputs ?? {}));
  }
  get opts(): PolicyResourceOptions {
    return this.resource.options ? { ...NO_OPTIONS, ...this.resource.options } : NO_OPTIONS;
  }
  isType(cls: unknown): boolean {
    return pulumiTypeOf(cls) === this.type;
  }
  asType(cls: unknown) {
    return (pulumiTypeOf(cls) === this.type ? this.props : undefined) as never;
  }
  getConfig<T extends object>(): T {
    return this.config.get(this.policy)!.properties as T;
  }
  notApplicable(reason?: string): never {
    return throwNotApplicable(reason);
  }
}

/**
 * Check pack config before any resource is read; throws PolicyConfigError listing every problem, and returns
 * warnings about what the CLI accepts but that changes nothing (unknown policies and properties).
 */
export function validatePolicyConfig(config: unknown, policies: Policies = ALL_POLICIES): string[] {
  const warnings: string[] = [];
  // Stryker disable next-line StringLiteral: only the warnings and problems are kept, never the levels
  resolvePackConfig(config, policies, "mandatory", warnings);
  return warnings;
}

/** Run every resource and stack policy over `resources`; verdicts in resource order, then stack order. */
export function evaluateResources(resources: OfflineResource[], options: EvaluateOptions = {}): Verdict[] {
  const policies = options.policies ?? ALL_POLICIES;
  // Stryker disable next-line StringLiteral: any level but advisory and disabled reports as mandatory (effectiveLevel)
  const config = resolvePackConfig(options.config, policies, "mandatory");
  const stackTags = options.stackTags ?? new Map<string, string>();
  const verdicts: Verdict[] = [];
  runResourcePolicies(resources, indexValidations(policies, config), stackTags, config, verdicts);
  let stack: StackView | undefined;
  for (const policy of policies) {
    if (!isStackPolicy(policy)) continue;
    const level = effectiveLevel(config.get(policy.name)!);
    if (level === undefined) continue;
    const view = (stack ??= new StackView(resources));
    const report = (message: string, urn?: string) => {
      const subject = urn === undefined ? undefined : view.byUrn.get(urn);
      verdicts.push(
        verdict(policy, "violation", level, urn ?? "", subject?.type ?? "", subject?.name ?? "", message),
      );
    };
    const args = {
      resources: view.list,
      stackTags,
      getConfig: <T extends object>() => config.get(policy.name)!.properties as T,
      notApplicable: throwNotApplicable,
    };
    try {
      const result = policy.validateStack(args, report);
      if (result instanceof Promise)
        throw new Error(`policy ${policy.name} returned a promise: offline runs synchronous policies only`);
    } catch (error) {
      if (!recordUndecidable(error, policy, "", "", "", verdicts)) throw error;
    }
  }
  return verdicts;
}

/**
 * Every resource policy on each resource of its types. A function of its own: V8 compiles this loop while
 * it runs (on-stack replacement), and the stack policies after it in one function, not yet run, deoptimised
 * that code on the way out.
 */
function runResourcePolicies(
  resources: OfflineResource[],
  byType: Map<string, IndexedValidation[]>,
  stackTags: ReadonlyMap<string, string>,
  config: Map<string, ResolvedPolicyConfig>,
  verdicts: Verdict[],
): void {
  const untyped = byType.get(ANY_TYPE) ?? [];
  // Indexed loops: this runs once per process over tens of thousands of resources, mostly before the JIT
  // has optimised it, and `for…of` then allocates an iterator result per step.
  for (let r = 0; r < resources.length; r++) {
    const resource = resources[r];
    // A type's own list already ends with the untyped validations (indexValidations).
    const entries = byType.get(resource.type) ?? untyped;
    // Stryker disable next-line ConditionalExpression: a shortcut; the loop below runs no validation on an empty list
    if (entries.length === 0) continue;
    const args = new OfflineValidationArgs(resource, stackTags, config);
    for (let e = 0; e < entries.length; e++) {
      args.policy = entries[e].policy.name;
      runValidation(entries[e], args, verdicts);
    }
  }
}

const ANY_TYPE = "*";

interface IndexedValidation {
  policy: ResourceValidationPolicy;
  validation: ResourceValidation;
  level: VerdictLevel;
}

/** One validation on one resource; reports go straight to `verdicts` (no closure per pair). */
function runValidation(entry: IndexedValidation, args: OfflineValidationArgs, verdicts: Verdict[]): void {
  const { policy, level } = entry;
  const report = (message: string, urn?: string) =>
    verdicts.push(verdict(policy, "violation", level, urn ?? args.urn, args.type, args.name, message));
  try {
    const result = entry.validation(args, report);
    if (result instanceof Promise) {
      throw new Error(`policy ${policy.name} returned a promise: offline runs synchronous policies only`);
    }
  } catch (error) {
    if (!recordUndecidable(error, policy, args.urn, args.type, args.name, verdicts)) throw error;
  }
}

/**
 * Validations by the type they are for (the engine's fast filter), each list ending with the untyped ones,
 * which are also kept under `*`.
 */
function indexValidations(policies: Policies, config: Map<string, ResolvedPolicyConfig>) {
  const byType = new Map<string, IndexedValidation[]>();
  for (const policy of policies as Array<Partial<ResourceValidationPolicy> & PolicyInfo>) {
    // A policy with both validations is a resource policy too, as the SDK sees it (policy.js:235-255).
    if (!policy.validateResource) continue;
    const level = effectiveLevel(config.get(policy.name)!);
    if (level === undefined) continue;
    const validations = Array.isArray(policy.validateResource)
      ? policy.validateResource
      : [policy.validateResource];
    for (const validation of validations) {
      const types = typesOf(validation);
      for (const type of types.length > 0 ? types : [ANY_TYPE]) {
        const list = byType.get(type) ?? [];
        list.push({ policy, validation, level });
        byType.set(type, list);
      }
    }
  }
  // Each type's list ends with the untyped validations, so a resource takes one list, built once here.
  const untyped = byType.get(ANY_TYPE) ?? [];
  // Stryker disable next-line ConditionalExpression,EqualityOperator: a shortcut; appending no validations changes no list
  if (untyped.length > 0)
    for (const [type, list] of byType) if (type !== ANY_TYPE) byType.set(type, [...list, ...untyped]);
  return byType;
}

/** The level a verdict reports at, or undefined for a disabled policy (`remediate` reports as mandatory). */
function effectiveLevel(config: ResolvedPolicyConfig): VerdictLevel | undefined {
  const level: EnforcementLevel = config.enforcementLevel;
  if (level === "disabled") return undefined;
  return level === "advisory" ? "advisory" : "mandatory";
}

type PolicyInfo = { name: string; description: string; severity?: string };

function verdict(
  policy: PolicyInfo,
  kind: Verdict["kind"],
  enforcementLevel: VerdictLevel,
  urn: string,
  type: string,
  name: string,
  message: string,
): Verdict {
  return {
    policy: policy.name,
    kind,
    enforcementLevel,
    urn,
    type,
    name,
    message,
    description: policy.description,
    severity: policy.severity,
  };
}

/**
 * What the engine does with a policy's exception, offline: `notApplicable` is no verdict; an input that
 * can't be known (unknown, encrypted) is an advisory "undecided" verdict. False for anything else.
 */
function recordUndecidable(
  error: unknown,
  policy: PolicyInfo,
  urn: string,
  type: string,
  name: string,
  verdicts: Verdict[],
): boolean {
  if (error instanceof NotApplicable) return true;
  if (error instanceof UndecidableInputError) {
    verdicts.push(verdict(policy, "undecided", "advisory", urn, type, name, `no verdict: ${error.message}`));
    return true;
  }
  return false;
}

/** A resource as stack policies see it: outputs (inputs when absent), prepared on first read. */
class OfflinePolicyResource implements PolicyResource {
  readonly type: string;
  readonly urn: string;
  private prepared?: Record<string, unknown>;
  private links?: Pick<PolicyResource, "parent" | "dependencies" | "propertyDependencies">;

  constructor(
    private readonly resource: OfflineResource,
    private readonly stack: StackView,
  ) {
    this.type = resource.type;
    this.urn = resource.urn;
  }
  /** Taken from the URN when first asked: a stack policy names few of the stack's resources. */
  get name(): string {
    return this.resource.name ?? nameOfUrn(this.resource.urn);
  }
  get props(): Record<string, unknown> {
    return (this.prepared ??= readableInputs(this.resource.outputs ?? this.resource.inputs ?? {}));
  }
  get opts(): PolicyResourceOptions {
    return this.resource.options ? { ...NO_OPTIONS, ...this.resource.options } : NO_OPTIONS;
  }
  get parent() {
    return this.linked().parent;
  }
  get dependencies() {
    return this.linked().dependencies;
  }
  get propertyDependencies() {
    return this.linked().propertyDependencies;
  }
  isType(cls: unknown): boolean {
    return pulumiTypeOf(cls) === this.type;
  }
  asType(cls: unknown) {
    return (pulumiTypeOf(cls) === this.type ? this.props : undefined) as never;
  }
  /** Parent and dependencies as resource objects, as the SDK links them (unknown URNs dropped). */
  private linked() {
    if (this.links) return this.links;
    const r = this.resource;
    const byUrn = this.stack.byUrn;
    const find = (urns: string[]) => urns.map((u) => byUrn.get(u)).filter((d) => d !== undefined);
    const parentUrn = r.parent ?? r.options?.parent;
    const propertyDependencies: Record<string, PolicyResource[]> = {};
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}))
      propertyDependencies[key] = find(urns);
    this.links = {
      parent: parentUrn ? byUrn.get(parentUrn) : undefined,
      // Stryker disable next-line ArrayDeclaration: find drops a URN not in the stack, whatever it is
      dependencies: find(r.dependencies ?? []),
      propertyDependencies,
    };
    return this.links;
  }
}

/** The stack's resources as stack policies see them; the URN index is built only when something asks. */
class StackView {
  readonly list: PolicyResource[];
  private index?: Map<string, PolicyResource>;

  constructor(resources: OfflineResource[]) {
    this.list = resources.map((r) => new OfflinePolicyResource(r, this));
  }
  get byUrn(): Map<string, PolicyResource> {
    return (this.index ??= new Map(this.list.map((r) => [r.urn, r])));
  }
}

function isStackPolicy(policy: Policies[number]): policy is StackValidationPolicy {
  return typeof (policy as StackValidationPolicy).validateStack === "function";
}

/** The logical name at the end of a URN (`urn:pulumi:stack::project::type::name`). */
export function nameOfUrn(urn: string): string {
  const at = urn.lastIndexOf("::");
  return at < 0 ? urn : urn.slice(at + 2);
}
