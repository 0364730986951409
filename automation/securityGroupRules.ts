// Security group rules as single permissions (one direction, protocol, port range and source each), read
// from the three shapes a stack can hold them in: a SecurityGroup's `ingress`/`egress` blocks (Terraform
// `aws_security_group`: several sources per block), `aws.vpc.SecurityGroupIngressRule`/`EgressRule` (one
// source each) and `aws.ec2.SecurityGroupRule`. Drift compares them by key: a rule live on a group that no
// Phoenix resource declares is a stray (what heal revokes).

/** One permission of one security group. Exactly one source field is set, or none (a bare port rule). */
export interface SecurityGroupRule {
  groupId: string;
  direction: "ingress" | "egress";
  /** `tcp`, `udp`, `icmp`, `icmpv6` or `-1` (every protocol, every port). */
  protocol: string;
  fromPort?: number;
  toPort?: number;
  cidrIpv4?: string;
  cidrIpv6?: string;
  prefixListId?: string;
  referencedSecurityGroupId?: string;
}

export const SECURITY_GROUP_TYPE = "aws:ec2/securityGroup:SecurityGroup";
const VPC_INGRESS_TYPE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const VPC_EGRESS_TYPE = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const EC2_RULE_TYPE = "aws:ec2/securityGroupRule:SecurityGroupRule";

export const RULE_RESOURCE_TYPES: readonly string[] = [VPC_INGRESS_TYPE, VPC_EGRESS_TYPE, EC2_RULE_TYPE];

const PROTOCOL_NAMES: Record<string, string> = {
  "6": "tcp",
  "17": "udp",
  "1": "icmp",
  "58": "icmpv6",
  all: "-1",
};

function protocolOf(value: unknown): string {
  const text = value === undefined || value === null ? "" : String(value).toLowerCase();
  return PROTOCOL_NAMES[text] ?? text;
}

function portOf(value: unknown): number | undefined {
  return value === undefined || value === null || value === "" ? undefined : Number(value);
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string" && v !== "") : [];
}

function rule(
  groupId: string,
  direction: SecurityGroupRule["direction"],
  protocolValue: unknown,
  fromPort: unknown,
  toPort: unknown,
  source: Partial<SecurityGroupRule>,
): SecurityGroupRule {
  const protocol = protocolOf(protocolValue);
  // `-1` admits every port whatever the port fields say (AWS reports none, Terraform 0–0): ports are no part of it.
  const ports = protocol === "-1" ? {} : { fromPort: portOf(fromPort), toPort: portOf(toPort) };
  return { groupId, direction, protocol, ...ports, ...source };
}

/** The permissions of a SecurityGroup's inline `ingress` or `egress` blocks (one per source). */
export function inlineRules(
  groupId: string,
  direction: SecurityGroupRule["direction"],
  blocks: unknown,
): SecurityGroupRule[] {
  if (!Array.isArray(blocks)) return [];
  return blocks.flatMap((block: Record<string, unknown>) => {
    const sources: Partial<SecurityGroupRule>[] = [
      ...strings(block.cidrBlocks).map((cidrIpv4) => ({ cidrIpv4 })),
      ...strings(block.ipv6CidrBlocks).map((cidrIpv6) => ({ cidrIpv6 })),
      ...strings(block.prefixListIds).map((prefixListId) => ({ prefixListId })),
      ...strings(block.securityGroups).map((referencedSecurityGroupId) => ({ referencedSecurityGroupId })),
      ...(block.self === true ? [{ referencedSecurityGroupId: groupId }] : []),
    ];
    return (sources.length > 0 ? sources : [{}]).map((source) =>
      rule(groupId, direction, block.protocol, block.fromPort, block.toPort, source),
    );
  });
}

/** The permissions a rule resource declares (its state), or [] for any other type. */
export function ruleResourceRules(
  type: string,
  props: Record<string, unknown> | undefined,
): SecurityGroupRule[] {
  if (!props || typeof props.securityGroupId !== "string") return [];
  const groupId = props.securityGroupId;
  if (type === VPC_INGRESS_TYPE || type === VPC_EGRESS_TYPE) {
    const source: Partial<SecurityGroupRule> = {};
    if (typeof props.cidrIpv4 === "string") source.cidrIpv4 = props.cidrIpv4;
    if (typeof props.cidrIpv6 === "string") source.cidrIpv6 = props.cidrIpv6;
    if (typeof props.prefixListId === "string") source.prefixListId = props.prefixListId;
    if (typeof props.referencedSecurityGroupId === "string")
      source.referencedSecurityGroupId = props.referencedSecurityGroupId;
    const direction = type === VPC_INGRESS_TYPE ? "ingress" : "egress";
    return [rule(groupId, direction, props.ipProtocol, props.fromPort, props.toPort, source)];
  }
  if (type === EC2_RULE_TYPE) {
    const direction = props.type === "egress" ? "egress" : "ingress";
    return inlineRules(groupId, direction, [
      {
        ...props,
        // Stryker disable next-line ConditionalExpression: a source that is not a string is dropped by inlineRules' own filter
        securityGroups: typeof props.sourceSecurityGroupId === "string" ? [props.sourceSecurityGroupId] : [],
      },
    ]);
  }
  return [];
}

/** A canonical key: two rules with the same key are the same permission. */
export function ruleKey(r: SecurityGroupRule): string {
  return JSON.stringify([
    r.groupId,
    r.direction,
    r.protocol,
    r.fromPort ?? null,
    r.toPort ?? null,
    r.cidrIpv4 ?? null,
    r.cidrIpv6 ?? null,
    r.prefixListId ?? null,
    r.referencedSecurityGroupId ?? null,
  ]);
}

/** `tcp 22 from 0.0.0.0/0`, `all to 0.0.0.0/0`, `tcp 8080-8090 from sg-0123`. */
export function describeRule(r: SecurityGroupRule): string {
  const ports =
    r.protocol === "-1"
      ? "all"
      : `${r.protocol || "?"} ${r.fromPort === r.toPort ? (r.fromPort ?? "?") : `${r.fromPort ?? "?"}-${r.toPort ?? "?"}`}`;
  const source = r.cidrIpv4 ?? r.cidrIpv6 ?? r.prefixListId ?? r.referencedSecurityGroupId ?? "anywhere";
  return `${r.direction} ${ports} ${r.direction === "ingress" ? "from" : "to"} ${source}`;
}

/** The rules of `live` that `declared` does not hold. */
export function rulesMissingFrom(
  live: SecurityGroupRule[],
  declared: SecurityGroupRule[],
): SecurityGroupRule[] {
  const known = new Set(declared.map(ruleKey));
  return live.filter((r) => !known.has(ruleKey(r)));
}

/**
 * Inline blocks without the given permissions: a source named by a revoked rule leaves its block, and a
 * block left without a source (or a bare block that matches) goes. What EC2's revoke does to the live group.
 */
export function blocksWithout(
  groupId: string,
  direction: SecurityGroupRule["direction"],
  blocks: unknown,
  revoked: SecurityGroupRule[],
): Record<string, unknown>[] {
  if (!Array.isArray(blocks)) return [];
  const gone = new Set(revoked.map(ruleKey));
  return blocks.flatMap((block: Record<string, unknown>) => {
    const kept = inlineRules(groupId, direction, [block]).filter((r) => !gone.has(ruleKey(r)));
    if (kept.length === 0) return [];
    const has = (field: keyof SecurityGroupRule) => (value: string) => kept.some((r) => r[field] === value);
    const filtered: Record<string, unknown> = { ...block };
    if (Array.isArray(block.cidrBlocks))
      filtered.cidrBlocks = strings(block.cidrBlocks).filter(has("cidrIpv4"));
    if (Array.isArray(block.ipv6CidrBlocks))
      filtered.ipv6CidrBlocks = strings(block.ipv6CidrBlocks).filter(has("cidrIpv6"));
    if (Array.isArray(block.prefixListIds))
      filtered.prefixListIds = strings(block.prefixListIds).filter(has("prefixListId"));
    if (Array.isArray(block.securityGroups))
      filtered.securityGroups = strings(block.securityGroups).filter(has("referencedSecurityGroupId"));
    return [filtered];
  });
}
