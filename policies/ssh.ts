// No human access: no ingress rule may admit a remote-access port (SSH, RDP) to an immutable fleet.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { cidrReach } from "./lib/cidr";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { asList, asNumber, asRecord, asString, isPresent } from "./lib/values";

export interface NoSshAccessConfig {
  /** Remote-access ports no ingress rule may admit. */
  ports: number[];
  /** When true, only CIDRs reaching outside 10/8, 172.16/12, 192.168/16 and fc00::/7 are violations. */
  allowPrivateSources: boolean;
}

export const NO_SSH_ACCESS_DEFAULTS: NoSshAccessConfig = { ports: [22, 3389], allowPrivateSources: false };

/** One ingress rule in a common shape, whatever resource it came from. */
export interface IngressRule {
  /** How messages name the rule: `ingress[0]` of an inline group, or the rule resource itself. */
  label: string;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  cidrs: string[];
  /** Non-CIDR sources: security groups, prefix lists, `self`. */
  otherSources: string[];
}

/** The ports of `ports` that a rule admits: tcp/6 admits fromPort..toPort, -1/all admits every port. */
export function admittedPorts(rule: Pick<IngressRule, "protocol" | "fromPort" | "toPort">, ports: number[]) {
  const protocol = String(rule.protocol ?? "")
    .trim()
    .toLowerCase();
  if (protocol === "-1" || protocol === "all") return [...ports];
  if (protocol !== "tcp" && protocol !== "6") return [];
  // A tcp rule with a missing bound is read as open on that side: never assume a narrower rule.
  const from = asNumber(rule.fromPort) ?? 0;
  const to = asNumber(rule.toPort) ?? 65535;
  return ports.filter((port) => from <= port && port <= to);
}

/** The sources of a rule that make it a violation under the config, each described for the message. */
export function offendingSources(rule: IngressRule, allowPrivateSources: boolean): string[] {
  if (!allowPrivateSources) return [...rule.cidrs, ...rule.otherSources];
  const offending: string[] = [];
  for (const cidr of rule.cidrs) {
    const reach = cidrReach(cidr);
    if (reach.kind === "public") offending.push(cidr);
    if (reach.kind === "invalid") offending.push(`${cidr} (not a valid CIDR, so not provably private)`);
  }
  return offending;
}

/**
 * An EC2-classic-shaped rule (an inline security group ingress entry, or an `aws.ec2.SecurityGroupRule`): the
 * same fields but for where the source security groups are.
 */
function classicRule(label: string, rule: Record<string, unknown>, securityGroups: unknown): IngressRule {
  return {
    label,
    protocol: rule.protocol,
    fromPort: rule.fromPort,
    toPort: rule.toPort,
    cidrs: strings([...asList(rule.cidrBlocks), ...asList(rule.ipv6CidrBlocks)]),
    otherSources: [
      ...strings(asList(securityGroups)).map((g) => `security group ${g}`),
      ...strings(asList(rule.prefixListIds)).map((p) => `prefix list ${p}`),
      ...(rule.self === true || rule.self === "true" ? ["self"] : []),
    ],
  };
}

/** The ingress rules a resource declares (egress rules and egress-typed rule resources are none). */
export function ingressRulesOf(type: string, props: Record<string, unknown>): IngressRule[] {
  if (type === AWS.securityGroup) {
    return asList(props.ingress).map((entry, i) => {
      const rule = asRecord(entry);
      return classicRule(`ingress[${i}]`, rule, rule.securityGroups);
    });
  }
  if (type === AWS.securityGroupRule) {
    if (String(props.type ?? "").toLowerCase() !== "ingress") return [];
    return [classicRule("the rule", props, props.sourceSecurityGroupId)];
  }
  if (type === AWS.securityGroupIngressRule) {
    return [
      {
        label: "the rule",
        protocol: props.ipProtocol,
        fromPort: props.fromPort,
        toPort: props.toPort,
        cidrs: strings([props.cidrIpv4, props.cidrIpv6]),
        otherSources: [
          ...strings([props.referencedSecurityGroupId]).map((g) => `security group ${g}`),
          ...strings([props.prefixListId]).map((p) => `prefix list ${p}`),
        ],
      },
    ];
  }
  return [];
}

function strings(values: unknown[]): string[] {
  return values.filter(isPresent).map((v) => String(v));
}

function validateIngress(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const config = configOf(args, NO_SSH_ACCESS_DEFAULTS);
  for (const rule of ingressRulesOf(args.type, props)) {
    const ports = admittedPorts(rule, config.ports);
    if (ports.length === 0) continue;
    const sources = offendingSources(rule, config.allowPrivateSources);
    if (sources.length === 0) continue;
    const protocol = asString(rule.protocol) ?? String(rule.protocol);
    report(
      `${describeResource(args.type, args.name)} must not admit remote access: ${rule.label} ` +
        `(protocol ${protocol}) admits port ${ports.join(", ")} from ${sources.join(", ")}.`,
    );
  }
}

export const noSshAccess: ResourceValidationPolicy = {
  name: "no-ssh-access",
  description:
    "Checks that no ingress rule admits SSH or RDP (or other configured remote-access ports): " +
    "immutable servers are replaced, never logged into.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: schemaWithDefaults(NO_SSH_ACCESS_DEFAULTS, {
    ports: {
      type: "array",
      items: { type: "integer", minimum: 0, maximum: 65535 },
      description: "Remote-access ports no ingress rule may admit.",
    },
    allowPrivateSources: {
      type: "boolean",
      description:
        "Allow these ports from CIDRs entirely inside 10/8, 172.16/12, 192.168/16 and fc00::/7 " +
        "(security groups, prefix lists and self stay allowed too). By default any source is a violation.",
    },
  }),
  validateResource: validateTypes<Record<string, unknown>>(
    [AWS.securityGroup, AWS.securityGroupRule, AWS.securityGroupIngressRule],
    validateIngress,
  ),
};
