// Replace, don't repair: a load-balanced fleet must judge its servers by the load balancer's health check,
// so a server that stops serving is terminated and replaced. With AWS's default (`EC2`), a server whose
// application is dead stays in service until someone logs in to fix it — the opposite of immutability.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { isUnreadable, itemsOf, readOrUndecided, type Unreadable, readKey } from "./lib/unreadable";
import { isPresent } from "./lib/values";

export interface ReplacesUnhealthyConfig {
  /** Health check types that count as the load balancer's (any one of them, in a comma list). */
  allowedHealthCheckTypes: string[];
}

export const REPLACES_UNHEALTHY_DEFAULTS: ReplacesUnhealthyConfig = {
  allowedHealthCheckTypes: ["ELB", "VPC_LATTICE"],
};

/**
 * Whether the group is behind a load balancer: an attachment that can't be read (a target group ARN not
 * known until apply) is an attachment; a whole list that can't be read may be empty (Unreadable).
 */
function isLoadBalanced(props: Record<string, unknown>): boolean | Unreadable {
  let unsure: Unreadable | undefined;
  for (const read of [() => props.targetGroupArns, () => props.loadBalancers, () => props.trafficSources]) {
    const items = itemsOf(read);
    if (isUnreadable(items)) unsure ??= items;
    else if (items.some((item) => isUnreadable(item) || isPresent(item))) return true;
  }
  return unsure ?? false;
}

function validateGroup(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const allowed = configOf(args, REPLACES_UNHEALTHY_DEFAULTS).allowedHealthCheckTypes.map((t) =>
    t.toUpperCase(),
  );
  const healthCheckType = readKey(props, "healthCheckType");
  const typesOf = (value: unknown) =>
    String(value ?? "EC2")
      .split(",")
      .map((t) => t.trim().toUpperCase());
  // The load balancer's check passes whatever the group is attached to.
  if (!isUnreadable(healthCheckType) && typesOf(healthCheckType).some((t) => allowed.includes(t))) return;
  if (!readOrUndecided(isLoadBalanced(props))) return;
  // Stryker disable StringLiteral,ArrowFunction,MethodExpression,ConditionalExpression: a readable type was read and
  // refused as above, so these lines decide nothing (bar an allowed type spelled ""); they only make an unreadable
  // type undecided, which readOrUndecided does alone.
  const types = String(readOrUndecided(healthCheckType) ?? "EC2")
    .split(",")
    .map((t) => t.trim().toUpperCase());
  if (types.some((t) => allowed.includes(t))) return;
  // Stryker restore all
  report(
    `${describeResource(args.type, args.name)} must use its load balancer's health check ` +
      `(\`healthCheckType\`: ${allowed.map((t) => `"${t}"`).join(" or ")}; it is ` +
      `${isPresent(props.healthCheckType) ? `"${String(props.healthCheckType)}"` : 'unset, so "EC2"'}), ` +
      "so a server that stops serving is replaced rather than repaired in place.",
  );
}

export const fleetReplacesUnhealthyInstances: ResourceValidationPolicy = {
  name: "fleet-replaces-unhealthy-instances",
  description:
    'Checks that auto scaling groups behind a load balancer use its health check (`healthCheckType: "ELB"`), ' +
    "so unhealthy servers are replaced, never repaired in place.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: schemaWithDefaults(REPLACES_UNHEALTHY_DEFAULTS, {
    allowedHealthCheckTypes: {
      type: "array",
      items: { type: "string" },
      description: "Health check types that satisfy the policy.",
    },
  }),
  validateResource: validateTypes([AWS.autoScalingGroup], validateGroup),
};
