// Session Manager grants in a stack, traced to what they serve. A role grants a shell when an AWS managed
// SSM policy is attached to it (`aws.iam.RolePolicyAttachment`, `aws.iam.PolicyAttachment`,
// `aws.iam.RolePolicyAttachmentsExclusive`, `aws.iam.Role`'s `managedPolicyArns`) or a document on it allows
// the `ssmmessages` channel actions (the role's inline policies, `aws.iam.RolePolicy`, an `aws.iam.Policy`
// attached to it). Only a role EC2 can assume gives instances anything. Links are read from property
// dependencies first (known in a preview, when names and ARNs are not), then from values (exports). The
// engine sends AnalyzeStack each resource's outputs and its property dependencies
// (pkg/resource/deploy/step_generator.go:3655-3674 in v3.274.0).
import type { PolicyResource } from "@pulumi/policy";
import {
  SESSION_MANAGER_MANAGED_POLICIES,
  sessionManagerActionsAllowed,
  sessionManagerManagedPolicy,
  trustsService,
} from "./iamDocument";
import { resourcesOfTypes } from "./stackIndex";
import { AWS, describeResource } from "./types";
import { attempt, isUnreadable, itemsOf, type Unreadable } from "./unreadable";
import { asRecord, isPresent } from "./values";

/** One way a role is given Session Manager: by which resource, and how (for messages). */
export interface Grant {
  by: PolicyResource;
  how: string;
}

export interface TracedRole {
  /** The role resource, or undefined when the grant names a role this stack doesn't declare. */
  role?: PolicyResource;
  /** How messages name the role. */
  label: string;
  grants: Grant[];
  /**
   * Resources that run servers with the role (launch templates, instances, node groups, …). Image Builder
   * infrastructure configurations are not among them: their build instances need Session Manager.
   */
  servers: PolicyResource[];
  /** Why what the role serves can't be told from this stack, when it can't. */
  untraced?: string;
  /** A value the tracing needed that can't be read. */
  unreadable?: Unreadable;
}

/** Where resources name an instance profile, by type (a property holding a name, an ARN or `{ name, arn }`). */
const PROFILE_REFERENCES: Record<string, string[]> = {
  [AWS.launchTemplate]: ["iamInstanceProfile"],
  [AWS.instance]: ["iamInstanceProfile"],
  [AWS.launchConfiguration]: ["iamInstanceProfile"],
  [AWS.spotInstanceRequest]: ["iamInstanceProfile"],
  [AWS.spotFleetRequest]: ["launchSpecifications"],
  [AWS.imageBuilderInfrastructure]: ["instanceProfileName"],
};

/** Resources that run servers with a role directly (no instance profile). */
const ROLE_REFERENCES: Record<string, string[]> = {
  [AWS.eksNodeGroup]: ["nodeRoleArn"],
};

function read(resource: PolicyResource, key: string): unknown {
  return attempt(() => resource.props[key]);
}

/** The names, ARNs and ids a resource can be referred to by (those that can be read). */
function handlesOf(resource: PolicyResource): string[] {
  return ["name", "arn", "id", "uniqueId"]
    .map((key) => read(resource, key))
    .filter((v): v is string => typeof v === "string" && v !== "");
}

/** Every string a value holds, however deep (a reference may be a name, an ARN or `{ name, arn }`). */
function stringsIn(value: unknown, into: string[] = []): string[] {
  if (typeof value === "string") into.push(value);
  else
    // Stryker disable next-line ConditionalExpression: an array is an object too, and the branch below walks its values alike
    if (Array.isArray(value)) value.forEach((v) => stringsIn(v, into));
    else if (typeof value === "object" && value !== null && !isUnreadable(value))
      Object.values(value).forEach((v) => stringsIn(v, into));
  return into;
}

/**
 * Whether `from` refers to `target` through one of `keys`: a property dependency on it (engine and
 * export alike), or a value equal to one of its handles. Unreadable when the value can't be read and the
 * property has no dependencies recorded to go by.
 */
function refersTo(from: PolicyResource, keys: string[], target: PolicyResource): boolean | Unreadable {
  let unsure: Unreadable | undefined;
  for (const key of keys) {
    // Stryker disable next-line OptionalChaining: propertyDependencies is always an object (@pulumi/policy server.js:361,379; offline.ts linked())
    const dependencies = from.propertyDependencies?.[key] ?? [];
    if (dependencies.some((d) => d.urn === target.urn)) return true;
    const value = attempt(() => structuredCloneReadable(from.props[key]));
    if (isUnreadable(value)) {
      // The engine records which resources a property's value came from: with dependencies recorded and
      // the target not among them, a value unknown in a preview can't be the target's name or ARN.
      if (dependencies.length === 0) unsure ??= value;
      continue;
    }
    const handles = handlesOf(target);
    if (stringsIn(value).some((s) => handles.includes(s) || handles.some((h) => s.endsWith(`/${h}`))))
      return true;
  }
  return unsure ?? false;
}

/** A plain copy of a value read through a guard, so that every nested read happens (and throws) here. */
function structuredCloneReadable(value: unknown): unknown {
  // Stryker disable next-line ConditionalExpression: an array copied as an object holds the same strings for stringsIn
  if (Array.isArray(value)) return value.map(structuredCloneReadable);
  if (typeof value === "object" && value !== null) {
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(value))
      copy[key] = structuredCloneReadable((value as Record<string, unknown>)[key]);
    return copy;
  }
  return value;
}

/**
 * Resources findable by URN and by every name, ARN and id they can be referred to by: a grant is matched to
 * its role or policy in one look-up, not by comparing it with every role of the stack (thousands of grants
 * and roles in a large stack).
 */
class Referents {
  private readonly byUrn = new Map<string, PolicyResource>();
  private readonly byHandle = new Map<string, PolicyResource[]>();

  constructor(resources: PolicyResource[]) {
    for (const r of resources) {
      this.byUrn.set(r.urn, r);
      for (const handle of handlesOf(r)) this.byHandle.set(handle, [...(this.byHandle.get(handle) ?? []), r]);
    }
  }

  /** What `from` refers to through `key`: its property dependencies, then names, ARNs (`…/name`) it holds. */
  referredBy(from: PolicyResource, key: string): PolicyResource[] {
    // Nothing to find (most stacks declare no `aws.iam.Policy`): its links and values need no reading.
    // Stryker disable next-line ConditionalExpression: a shortcut; with nothing indexed nothing is found below either
    if (this.byUrn.size === 0) return [];
    const found = new Set<PolicyResource>();
    // Stryker disable next-line OptionalChaining,ArrayDeclaration: propertyDependencies is always an object (@pulumi/policy server.js:361,379; offline.ts linked()), and a stray entry has no URN to find
    for (const dep of from.propertyDependencies?.[key] ?? []) {
      const r = this.byUrn.get(dep.urn);
      if (r) found.add(r);
    }
    const value = attempt(() => structuredCloneReadable(from.props[key]));
    // Stryker disable next-line ConditionalExpression: stringsIn finds no string in an Unreadable, so the loop below adds nothing
    if (isUnreadable(value)) return [...found];
    for (const s of stringsIn(value)) {
      for (const r of this.byHandle.get(s) ?? []) found.add(r);
      const tail = s.slice(s.lastIndexOf("/") + 1);
      // Stryker disable next-line ConditionalExpression: when tail is s its resources are already in the set
      if (tail !== s) for (const r of this.byHandle.get(tail) ?? []) found.add(r);
    }
    return [...found];
  }
}

/** The roles a granting resource names, through `key` (a role name, ARN, or a list of them). */
function rolesNamed(
  by: PolicyResource,
  key: string,
  roles: Referents,
): { found: PolicyResource[]; missing: string[]; unreadable?: Unreadable } {
  const found = roles.referredBy(by, key);
  if (found.length > 0) return { found, missing: [] };
  const value = attempt(() => structuredCloneReadable(by.props[key]));
  if (isUnreadable(value)) return { found, missing: [], unreadable: value };
  return { found, missing: stringsIn(value).filter(isPresent) };
}

/** The types that can grant a role Session Manager (the cases of grantsByRole). */
const GRANT_TYPES = [
  AWS.iamRolePolicyAttachment,
  AWS.iamPolicyAttachment,
  AWS.iamRolePolicyAttachmentsExclusive,
  AWS.iamRolePolicy,
  AWS.iamRole,
];

/** Every Session Manager grant of the stack, by role (declared or not). */
function grantsByRole(resources: PolicyResource[]) {
  // The roles are indexed when the first grant names one: most stacks grant Session Manager to none.
  let roleIndex: Referents | undefined;
  const roles = () => (roleIndex ??= new Referents(resourcesOfTypes(resources, [AWS.iamRole])));
  const policies = new Referents(resourcesOfTypes(resources, [AWS.iamPolicy]));
  const byRole = new Map<string, TracedRole>();
  let unreadable: Unreadable | undefined;
  /** `role` is the declared role, or the name a grant gives a role this stack doesn't declare. */
  const add = (role: PolicyResource | string, grant: Grant) => {
    const key = typeof role === "string" ? `name:${role}` : role.urn;
    const traced = byRole.get(key) ?? {
      role: typeof role === "string" ? undefined : role,
      label: typeof role === "string" ? `Role "${role}"` : describeResource(role.type, role.name),
      grants: [],
      servers: [],
    };
    traced.grants.push(grant);
    byRole.set(key, traced);
  };
  const grantTo = (by: PolicyResource, key: string, how: string) => {
    const named = rolesNamed(by, key, roles());
    // Stryker disable next-line ConditionalExpression: `??=` of undefined changes nothing
    if (named.unreadable) unreadable ??= named.unreadable;
    named.found.forEach((role) => add(role, { by, how }));
    named.missing.forEach((name) => add(name, { by, how }));
  };
  /** What a policy ARN grants: an SSM managed policy, or an `aws.iam.Policy` of the stack that allows it. */
  const grantedBy = (by: PolicyResource, key: string, arn: unknown): string | undefined => {
    const managed = sessionManagerManagedPolicy(arn);
    if (managed) return managed;
    for (const policy of policies.referredBy(by, key)) {
      const actions = sessionManagerActionsAllowed(() => policy.props.policy);
      if (isUnreadable(actions)) unreadable ??= actions;
      else if (actions.length > 0)
        return `${describeResource(policy.type, policy.name)} (${actions.join(", ")})`;
    }
    return undefined;
  };
  for (const r of resourcesOfTypes(resources, GRANT_TYPES)) {
    switch (r.type) {
      case AWS.iamRolePolicyAttachment:
      case AWS.iamPolicyAttachment: {
        const arn = read(r, "policyArn");
        // Stryker disable next-line OptionalChaining: propertyDependencies is always an object (@pulumi/policy server.js:361,379; offline.ts linked())
        if (isUnreadable(arn) && !(r.propertyDependencies?.policyArn ?? []).length) {
          unreadable ??= arn;
          break;
        }
        const how = grantedBy(r, "policyArn", arn);
        if (how) grantTo(r, r.type === AWS.iamPolicyAttachment ? "roles" : "role", how);
        break;
      }
      case AWS.iamRolePolicyAttachmentsExclusive: {
        const arns = itemsOf(() => r.props.policyArns);
        if (isUnreadable(arns)) unreadable ??= arns;
        else
          for (const arn of arns) {
            if (isUnreadable(arn)) unreadable ??= arn;
            const how = isUnreadable(arn) ? undefined : grantedBy(r, "policyArns", arn);
            if (how) grantTo(r, "roleName", how);
          }
        break;
      }
      case AWS.iamRolePolicy: {
        const actions = sessionManagerActionsAllowed(() => r.props.policy);
        if (isUnreadable(actions)) unreadable ??= actions;
        else if (actions.length > 0) grantTo(r, "role", `its document (${actions.join(", ")})`);
        break;
      }
      case AWS.iamRole: {
        const arns = itemsOf(() => r.props.managedPolicyArns);
        if (isUnreadable(arns)) unreadable ??= arns;
        else
          for (const arn of arns) {
            if (isUnreadable(arn)) unreadable ??= arn;
            const how = isUnreadable(arn) ? undefined : grantedBy(r, "managedPolicyArns", arn);
            if (how) add(r, { by: r, how: `\`managedPolicyArns\`: ${how}` });
          }
        const inline = itemsOf(() => r.props.inlinePolicies);
        if (isUnreadable(inline)) unreadable ??= inline;
        else
          inline.forEach((entry, i) => {
            const actions = isUnreadable(entry)
              ? entry
              : sessionManagerActionsAllowed(() => asRecord(entry).policy);
            if (isUnreadable(actions)) unreadable ??= actions;
            else if (actions.length > 0)
              add(r, { by: r, how: `\`inlinePolicies[${i}]\` (${actions.join(", ")})` });
          });
        break;
      }
    }
  }
  return { byRole, unreadable };
}

/** Every role of the stack given Session Manager, with what it serves (as far as the stack shows). */
export function traceSessionManager(resources: PolicyResource[]): {
  roles: TracedRole[];
  unreadable?: Unreadable;
} {
  const { byRole, unreadable } = grantsByRole(resources);
  // Stryker disable next-line ConditionalExpression: a shortcut; with no grant the loop below traces no role
  if (byRole.size === 0) return { roles: [], unreadable };
  const profiles = resourcesOfTypes(resources, [AWS.iamInstanceProfile]);
  const traced: TracedRole[] = [];
  for (const role of byRole.values()) {
    if (!role.role) {
      role.untraced = "this stack does not declare that role, so what it serves can't be seen";
      traced.push(role);
      continue;
    }
    const declared = role.role;
    // No instance can take a role EC2 can't assume. A trust policy that can't be read may be EC2's: the
    // links then decide (a profile that serves a launch template is an EC2 role's).
    const trusted = trustsService(() => declared.props.assumeRolePolicy, "ec2.amazonaws.com");
    if (trusted === false) continue;
    const own = profiles.filter((p) => refersTo(p, ["role"], declared) === true);
    for (const r of resources) {
      const direct = ROLE_REFERENCES[r.type];
      if (direct && refersTo(r, direct, declared) === true) role.servers.push(r);
    }
    let unusedProfile: PolicyResource | undefined;
    for (const profile of own) {
      let used = false;
      let maybeUsed = false;
      for (const r of resources) {
        const keys = PROFILE_REFERENCES[r.type] ?? Object.keys(r.propertyDependencies ?? {});
        // Stryker disable next-line ConditionalExpression: with no keys refersTo finds no reference anyway
        if (r.urn === profile.urn || keys.length === 0) continue;
        const refers = refersTo(r, keys, profile);
        if (isUnreadable(refers)) {
          role.unreadable ??= refers;
          maybeUsed = true;
          continue;
        }
        if (!refers) continue;
        used = true;
        if (r.type !== AWS.imageBuilderInfrastructure) role.servers.push(r);
      }
      if (!used && !maybeUsed) unusedProfile ??= profile;
    }
    // Stryker disable next-line ConditionalExpression: `untraced` is read only of roles that serve nothing
    if (role.servers.length === 0) {
      if (own.length === 0) role.untraced = "no instance profile of it is declared in this stack";
      else if (unusedProfile)
        role.untraced = `${describeResource(unusedProfile.type, unusedProfile.name)} is used by nothing in this stack`;
    }
    traced.push(role);
  }
  return { roles: traced, unreadable };
}

export { SESSION_MANAGER_MANAGED_POLICIES };
