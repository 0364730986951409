// Security group rules as the EC2 API takes them: one `IpPermission` per rule, grouped per group and
// direction, for RevokeSecurityGroupIngress/RevokeSecurityGroupEgress.
import type { IpPermission } from "@aws-sdk/client-ec2";
import type { SecurityGroupRule } from "../securityGroupRules";

export function ipPermission(rule: SecurityGroupRule): IpPermission {
  return {
    IpProtocol: rule.protocol,
    // Protocol -1 admits every port: EC2 takes no port range with it.
    ...(rule.protocol === "-1" ? {} : { FromPort: rule.fromPort, ToPort: rule.toPort }),
    ...(rule.cidrIpv4 ? { IpRanges: [{ CidrIp: rule.cidrIpv4 }] } : {}),
    ...(rule.cidrIpv6 ? { Ipv6Ranges: [{ CidrIpv6: rule.cidrIpv6 }] } : {}),
    ...(rule.prefixListId ? { PrefixListIds: [{ PrefixListId: rule.prefixListId }] } : {}),
    ...(rule.referencedSecurityGroupId
      ? { UserIdGroupPairs: [{ GroupId: rule.referencedSecurityGroupId }] }
      : {}),
  };
}

/** The rules per group and direction, in the order first seen: one revoke call each. */
export function revokeBatches(
  rules: SecurityGroupRule[],
): { groupId: string; direction: SecurityGroupRule["direction"]; permissions: IpPermission[] }[] {
  const batches = new Map<
    string,
    { groupId: string; direction: SecurityGroupRule["direction"]; permissions: IpPermission[] }
  >();
  for (const rule of rules) {
    const key = `${rule.groupId} ${rule.direction}`;
    const batch = batches.get(key) ?? { groupId: rule.groupId, direction: rule.direction, permissions: [] };
    batch.permissions.push(ipPermission(rule));
    batches.set(key, batch);
  }
  return [...batches.values()];
}
