// aws:ec2/securityGroupRule:SecurityGroupRule, the older one-resource-per-permission rule. Not in Phoenix's
// programs (they use aws:vpc/* rules); served so that the engine suite can register an SSH rule and show the
// policy pack refusing it. Found, like Terraform's findRuleMatch, by matching the permission in the group.
import type { IpPermission } from "@aws-sdk/client-ec2";
import { createHash } from "crypto";
import { aws, isAwsError, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, strings, type Props } from "../values";

function permission(inputs: Props): IpPermission {
  const Description = str(inputs.description);
  const groups = [
    ...(inputs.sourceSecurityGroupId ? [String(inputs.sourceSecurityGroupId)] : []),
    ...(inputs.self === true ? [String(inputs.securityGroupId)] : []),
  ];
  return {
    IpProtocol: String(inputs.protocol) === "all" ? "-1" : String(inputs.protocol),
    FromPort: num(inputs.fromPort),
    ToPort: num(inputs.toPort),
    IpRanges: strings(inputs.cidrBlocks).map((CidrIp) => ({ CidrIp, Description })),
    Ipv6Ranges: strings(inputs.ipv6CidrBlocks).map((CidrIpv6) => ({ CidrIpv6, Description })),
    PrefixListIds: strings(inputs.prefixListIds).map((PrefixListId) => ({ PrefixListId, Description })),
    UserIdGroupPairs: groups.map((GroupId) => ({ GroupId, Description })),
  };
}

async function groupPermissions(groupId: string, type: string): Promise<IpPermission[] | undefined> {
  try {
    const { SecurityGroups = [] } = await aws
      .ec2()
      .send(new (sdk.ec2().DescribeSecurityGroupsCommand)({ GroupIds: [groupId] }));
    const group = SecurityGroups[0];
    return type === "egress" ? group?.IpPermissionsEgress : group?.IpPermissions;
  } catch (error) {
    if (isAwsError(error, "InvalidGroup.NotFound")) return undefined;
    throw error;
  }
}

/** Every source of `wanted` is on a live permission of the same protocol and ports. */
function matches(wanted: IpPermission, live: IpPermission): boolean {
  const allPorts = wanted.IpProtocol === "-1";
  if (live.IpProtocol !== wanted.IpProtocol) return false;
  if (!allPorts && (live.FromPort !== wanted.FromPort || live.ToPort !== wanted.ToPort)) return false;
  const has = <T>(want: T[] | undefined, got: T[] | undefined, key: (x: T) => unknown) =>
    (want ?? []).every((w) => (got ?? []).some((g) => key(g) === key(w)));
  return (
    has(wanted.IpRanges, live.IpRanges, (r) => r.CidrIp) &&
    has(wanted.Ipv6Ranges, live.Ipv6Ranges, (r) => r.CidrIpv6) &&
    has(wanted.PrefixListIds, live.PrefixListIds, (r) => r.PrefixListId) &&
    has(wanted.UserIdGroupPairs, live.UserIdGroupPairs, (r) => r.GroupId)
  );
}

export const securityGroupRule: ResourceType = {
  token: "aws:ec2/securityGroupRule:SecurityGroupRule",
  defaults: { self: false },

  async create(inputs) {
    const ec2 = sdk.ec2();
    const request = { GroupId: String(inputs.securityGroupId), IpPermissions: [permission(inputs)] };
    if (inputs.type === "egress") await aws.ec2().send(new ec2.AuthorizeSecurityGroupEgressCommand(request));
    else await aws.ec2().send(new ec2.AuthorizeSecurityGroupIngressCommand(request));
    // Terraform's id: "sgrule-" and a hash of the group, type and permission (SecurityGroupRuleCreateID).
    const id = `sgrule-${parseInt(createHash("sha256").update(JSON.stringify(request)).digest("hex").slice(0, 8), 16)}`;
    return { id, outs: (await securityGroupRule.read(id, inputs))! };
  },

  async read(_id, previous) {
    const live = await groupPermissions(String(previous.securityGroupId), String(previous.type));
    const wanted = permission(previous);
    const found = live?.find((p) => matches(wanted, p));
    if (!found) return undefined;
    const description =
      found.IpRanges?.[0]?.Description ??
      found.Ipv6Ranges?.[0]?.Description ??
      found.UserIdGroupPairs?.[0]?.Description;
    return compact({ ...previous, description: description ?? previous.description, __defaults: undefined });
  },

  async update(_id, _olds, news) {
    const ec2 = sdk.ec2();
    const request = { GroupId: String(news.securityGroupId), IpPermissions: [permission(news)] };
    if (news.type === "egress")
      await aws.ec2().send(new ec2.UpdateSecurityGroupRuleDescriptionsEgressCommand(request));
    else await aws.ec2().send(new ec2.UpdateSecurityGroupRuleDescriptionsIngressCommand(request));
    return (await securityGroupRule.read(_id, news))!;
  },

  async delete(_id, olds) {
    const ec2 = sdk.ec2();
    const request = { GroupId: String(olds.securityGroupId), IpPermissions: [permission(olds)] };
    try {
      if (olds.type === "egress") await aws.ec2().send(new ec2.RevokeSecurityGroupEgressCommand(request));
      else await aws.ec2().send(new ec2.RevokeSecurityGroupIngressCommand(request));
    } catch (error) {
      if (!isAwsError(error, "InvalidPermission.NotFound", "InvalidGroup.NotFound")) throw error;
    }
  },
};
