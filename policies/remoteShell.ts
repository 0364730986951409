// No remote shell: no interactive way into a server other than ports (which `no-ssh-access` covers). An
// EC2 Instance Connect endpoint, serial console access, and Session Manager on the instances that run a
// release are each a shell; immutable servers are replaced, never logged into. Image Builder's build
// instances are the exception: Image Builder drives them through SSM, and they live for one bake.
//
// A stack policy: whether a role's Session Manager grant reaches a server depends on the links between
// role, instance profile and what launches instances, which only the whole stack shows. What the stack
// can't show (a role declared elsewhere, a profile nothing here uses) is reported by a separate advisory
// policy, since enforcement is per policy, not per verdict.
import type { ReportViolation, StackValidationArgs, StackValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { SESSION_MANAGER_MANAGED_POLICIES } from "./lib/iamDocument";
import { traceSessionManager, type TracedRole } from "./lib/sessionManager";
import { resourcesOfTypes } from "./lib/stackIndex";
import { AWS, describeResource } from "./lib/types";
import { Judgement, attempt, isUnreadable } from "./lib/unreadable";
import { asBoolean } from "./lib/values";

export interface NoRemoteShellConfig {
  /** Allow EC2 Instance Connect endpoints. */
  allowInstanceConnectEndpoints: boolean;
  /** Allow enabling serial console access. */
  allowSerialConsole: boolean;
  /** Allow Session Manager on instances that run a release. */
  allowSessionManager: boolean;
}

export const NO_REMOTE_SHELL_DEFAULTS: NoRemoteShellConfig = {
  allowInstanceConnectEndpoints: false,
  allowSerialConsole: false,
  allowSessionManager: false,
};

/** The Session Manager analysis of one stack, shared by the two policies (the engine calls each). */
const traced = new WeakMap<object, ReturnType<typeof traceSessionManager>>();
function sessionManagerOf(args: StackValidationArgs) {
  let result = traced.get(args.resources);
  // Stryker disable next-line ConditionalExpression: a cache; tracing again gives the same roles
  if (!result) traced.set(args.resources, (result = traceSessionManager(args.resources)));
  return result;
}

function grantsText(role: TracedRole): string {
  return role.grants
    .map((g) => (g.by === role.role ? g.how : `${g.how} by ${describeResource(g.by.type, g.by.name)}`))
    .join("; ");
}

function validateStack(args: StackValidationArgs, report: ReportViolation) {
  const config = configOf(args, NO_REMOTE_SHELL_DEFAULTS);
  const judgement = new Judgement(report);
  // Most resources of a stack are neither: only these are met (from the shared index), in stack order.
  for (const r of resourcesOfTypes(args.resources, [AWS.instanceConnectEndpoint, AWS.serialConsoleAccess])) {
    const subject = describeResource(r.type, r.name);
    if (r.type === AWS.instanceConnectEndpoint && !config.allowInstanceConnectEndpoints) {
      judgement.report(
        `${subject} must not exist: an EC2 Instance Connect endpoint opens a shell on servers in its subnet.`,
        r.urn,
      );
    }
    if (r.type === AWS.serialConsoleAccess && !config.allowSerialConsole) {
      // AWS enables it when the resource is created without `enabled` (its default is true).
      const enabled = attempt(() => r.props.enabled);
      if (isUnreadable(enabled)) judgement.cannotTell(enabled);
      else if (asBoolean(enabled) !== false) {
        judgement.report(
          `${subject} must not enable the serial console: it is an interactive way into every instance.`,
          r.urn,
        );
      }
    }
  }
  if (!config.allowSessionManager) {
    const { roles, unreadable } = sessionManagerOf(args);
    // Stryker disable next-line ConditionalExpression: cannotTell(undefined) notes nothing
    if (unreadable) judgement.cannotTell(unreadable);
    for (const role of roles) {
      if (role.servers.length === 0) {
        // A reference that can't be read may be a server's.
        if (role.unreadable) judgement.cannotTell(role.unreadable);
        continue;
      }
      const servers = role.servers.map((s) => describeResource(s.type, s.name)).join(", ");
      judgement.report(
        `${role.label} must not give Session Manager shells to the instances that run a release: ` +
          `${grantsText(role)}; it serves ${servers}.`,
        // Stryker disable next-line OptionalChaining: a role with servers is one the stack declares
        role.role?.urn ?? role.grants[0].by.urn,
      );
    }
  }
  judgement.finish();
}

/** Every type no-remote-shell judges (the enumeration test checks this list). */
export const REMOTE_SHELL_TYPES = [
  AWS.instanceConnectEndpoint,
  AWS.serialConsoleAccess,
  AWS.iamRole,
  AWS.iamPolicy,
  AWS.iamRolePolicy,
  AWS.iamRolePolicyAttachment,
  AWS.iamPolicyAttachment,
  AWS.iamRolePolicyAttachmentsExclusive,
];

export const noRemoteShell: StackValidationPolicy = {
  name: "no-remote-shell",
  description:
    "Checks that nothing opens an interactive way into servers other than ports: no EC2 Instance Connect " +
    "endpoint, no serial console access, no Session Manager on the instances that run a release " +
    `(${SESSION_MANAGER_MANAGED_POLICIES.join(", ")} or \`ssmmessages\` actions on an EC2 role; ` +
    "Image Builder build instances exempt).",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: schemaWithDefaults(NO_REMOTE_SHELL_DEFAULTS, {
    allowInstanceConnectEndpoints: {
      type: "boolean",
      description: "Allow `aws.ec2transitgateway.InstanceConnectEndpoint` resources.",
    },
    allowSerialConsole: {
      type: "boolean",
      description: "Allow `aws.ec2.SerialConsoleAccess` with serial console access enabled.",
    },
    allowSessionManager: {
      type: "boolean",
      description: "Allow Session Manager grants on roles whose instances run a release.",
    },
  }),
  // A stack policy reads every resource; the types it judges are listed for the coverage test.
  validateStack: Object.assign(validateStack, { __phoenixTypes: REMOTE_SHELL_TYPES }),
};

export interface SessionManagerTracedConfig {
  /** Roles (by name) known to serve only build instances, elsewhere. */
  allowedRoles: string[];
}

export const SESSION_MANAGER_TRACED_DEFAULTS: SessionManagerTracedConfig = { allowedRoles: [] };

export const sessionManagerRolesTraced: StackValidationPolicy = {
  name: "session-manager-roles-traced",
  description:
    "Checks that every role given Session Manager can be traced, within its stack, to what it serves: " +
    "no-remote-shell can only exempt Image Builder build roles it sees serving Image Builder alone.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: schemaWithDefaults(SESSION_MANAGER_TRACED_DEFAULTS, {
    allowedRoles: {
      type: "array",
      items: { type: "string" },
      description: "Role names whose Session Manager grant is known to serve only build instances.",
    },
  }),
  validateStack: (args, report) => {
    const { allowedRoles } = configOf(args, SESSION_MANAGER_TRACED_DEFAULTS);
    const judgement = new Judgement(report);
    const { roles, unreadable } = sessionManagerOf(args);
    // Stryker disable next-line ConditionalExpression: cannotTell(undefined) notes nothing
    if (unreadable) judgement.cannotTell(unreadable); // a grant that can't be read may be untraced
    for (const role of roles) {
      if (role.servers.length > 0) continue; // no-remote-shell's violation
      const name = role.role ? attempt(() => role.role!.props.name) : undefined;
      if (typeof name === "string" && allowedRoles.includes(name)) continue;
      if (!role.untraced) {
        if (role.unreadable) judgement.cannotTell(role.unreadable);
        continue;
      }
      judgement.report(
        `${role.label} must serve only Image Builder build instances to have Session Manager ` +
          `(${grantsText(role)}), and ${role.untraced}.`,
        role.role?.urn ?? role.grants[0].by.urn,
      );
    }
    judgement.finish();
  },
};
