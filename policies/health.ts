// Replace, don't repair: a load-balanced fleet must judge its servers by the load balancer's health check,
// so a server that stops serving is terminated and replaced. With AWS's default (`EC2`), a server whose
// application is dead stays in service until someone logs in to fix it — the opposite of immutability.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { asList, isPresent } from "./lib/values";

export interface ReplacesUnhealthyConfig {
  /** Health check types that count as the load balancer's (any one of them, in a comma list). */
  allowedHealthCheckTypes: string[];
}

export const REPLACES_UNHEALTHY_DEFAULTS: ReplacesUnhealthyConfig = {
  allowedHealthCheckTypes: ["ELB", "VPC_LATTICE"],
};

function isLoadBalanced(props: Record<string, unknown>): boolean {
  return [props.targetGroupArns, props.loadBalancers, props.trafficSources].some(
    (list) => asList(list).filter(isPresent).length > 0,
  );
}

function validateGroup(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  if (!isLoadBalanced(props)) return;
  const allowed = configOf(args, REPLACES_UNHEALTHY_DEFAULTS).allowedHealthCheckTypes.map((t) =>
    t.toUpperCase(),
  );
  const types = String(props.healthCheckType ?? "EC2")
    .split(",")
    .map((t) => t.trim().toUpperCase());
  if (types.some((t) => allowed.includes(t))) return;
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
