// aws:vpc/securityGroupIngressRule and aws:vpc/securityGroupEgressRule: one EC2 security group rule each,
// identified by its rule id (sgr-…), read back with DescribeSecurityGroupRules.
import type { IpPermission, SecurityGroupRule } from "@aws-sdk/client-ec2";
import { accountId, aws, isAwsError, PARTITION, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, tagList, tagMap, type Props } from "../values";
import { syncTags } from "./securityGroup";

function permission(inputs: Props): IpPermission {
  const Description = str(inputs.description);
  const allPorts = String(inputs.ipProtocol) === "-1";
  return {
    IpProtocol: String(inputs.ipProtocol),
    FromPort: allPorts ? -1 : num(inputs.fromPort),
    ToPort: allPorts ? -1 : num(inputs.toPort),
    IpRanges: inputs.cidrIpv4 ? [{ CidrIp: String(inputs.cidrIpv4), Description }] : undefined,
    Ipv6Ranges: inputs.cidrIpv6 ? [{ CidrIpv6: String(inputs.cidrIpv6), Description }] : undefined,
    PrefixListIds: inputs.prefixListId
      ? [{ PrefixListId: String(inputs.prefixListId), Description }]
      : undefined,
    UserIdGroupPairs: inputs.referencedSecurityGroupId
      ? [{ GroupId: String(inputs.referencedSecurityGroupId), Description }]
      : undefined,
  };
}

async function describeRule(id: string): Promise<SecurityGroupRule | undefined> {
  try {
    const { SecurityGroupRules = [] } = await aws
      .ec2()
      .send(new (sdk.ec2().DescribeSecurityGroupRulesCommand)({ SecurityGroupRuleIds: [id] }));
    return SecurityGroupRules.find((r) => r.SecurityGroupRuleId === id);
  } catch (error) {
    if (isAwsError(error, "InvalidSecurityGroupRuleId.NotFound", "InvalidGroup.NotFound")) return undefined;
    throw error;
  }
}

/**
 * moto's DescribeSecurityGroupRules drops the description of a rule that references a group (its
 * SecurityGroupRule.description reads only the CIDR range's, moto/ec2/models/security_groups.py), while
 * DescribeSecurityGroups keeps it on the UserIdGroupPair: read it from there.
 */
async function referencedRuleDescription(rule: SecurityGroupRule): Promise<string | undefined> {
  const referenced = rule.ReferencedGroupInfo?.GroupId;
  if (!referenced || !rule.GroupId) return undefined;
  const { SecurityGroups = [] } = await aws
    .ec2()
    .send(new (sdk.ec2().DescribeSecurityGroupsCommand)({ GroupIds: [rule.GroupId] }));
  const permissions =
    (rule.IsEgress ? SecurityGroups[0]?.IpPermissionsEgress : SecurityGroups[0]?.IpPermissions) ?? [];
  const match = permissions.find(
    (p) =>
      p.IpProtocol === rule.IpProtocol &&
      (p.FromPort ?? -1) === (rule.FromPort ?? -1) &&
      (p.ToPort ?? -1) === (rule.ToPort ?? -1),
  );
  return match?.UserIdGroupPairs?.find((pair) => pair.GroupId === referenced)?.Description;
}

function ruleType(direction: "ingress" | "egress"): ResourceType {
  const isEgress = direction === "egress";
  const type: ResourceType = {
    token: isEgress
      ? "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule"
      : "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",

    async create(inputs) {
      const ec2 = sdk.ec2();
      const request = {
        GroupId: String(inputs.securityGroupId),
        IpPermissions: [permission(inputs)],
        TagSpecifications: inputs.tags
          ? [{ ResourceType: "security-group-rule" as const, Tags: tagList(inputs.tags) }]
          : undefined,
      };
      const result = isEgress
        ? await aws.ec2().send(new ec2.AuthorizeSecurityGroupEgressCommand(request))
        : await aws.ec2().send(new ec2.AuthorizeSecurityGroupIngressCommand(request));
      const id = result.SecurityGroupRules?.[0]?.SecurityGroupRuleId;
      if (!id) throw new Error(`authorizing the ${direction} rule returned no rule id`);
      return { id, outs: (await type.read(id, inputs))! };
    },

    async read(id, previous) {
      const rule = await describeRule(id);
      if (!rule || rule.IsEgress !== isEgress) return undefined;
      const description = rule.Description ?? (await referencedRuleDescription(rule));
      const tags = tagMap(rule.Tags);
      // Terraform keeps from/to null for "all ports" rules the program left without ports (Read).
      const keepPorts = rule.FromPort !== -1 || previous.fromPort !== undefined;
      return compact({
        arn: `arn:${PARTITION}:ec2:${region()}:${await accountId()}:security-group-rule/${id}`,
        cidrIpv4: rule.CidrIpv4,
        cidrIpv6: rule.CidrIpv6,
        description,
        fromPort: keepPorts ? rule.FromPort : undefined,
        ipProtocol: rule.IpProtocol,
        prefixListId: rule.PrefixListId,
        referencedSecurityGroupId: rule.ReferencedGroupInfo?.GroupId,
        region: region(),
        securityGroupId: rule.GroupId,
        securityGroupRuleId: id,
        tags,
        tagsAll: tags,
        toPort: keepPorts ? rule.ToPort : undefined,
      });
    },

    async update(id, olds, news) {
      const p = permission(news);
      await aws.ec2().send(
        new (sdk.ec2().ModifySecurityGroupRulesCommand)({
          GroupId: String(news.securityGroupId),
          SecurityGroupRules: [
            {
              SecurityGroupRuleId: id,
              SecurityGroupRule: {
                IpProtocol: p.IpProtocol,
                FromPort: p.FromPort,
                ToPort: p.ToPort,
                CidrIpv4: str(news.cidrIpv4),
                CidrIpv6: str(news.cidrIpv6),
                PrefixListId: str(news.prefixListId),
                ReferencedGroupId: str(news.referencedSecurityGroupId),
                Description: str(news.description),
              },
            },
          ],
        }),
      );
      await syncTags(id, olds, news);
      return (await type.read(id, news))!;
    },

    async delete(id, olds) {
      const ec2 = sdk.ec2();
      const request = { GroupId: String(olds.securityGroupId), SecurityGroupRuleIds: [id] };
      try {
        if (isEgress) await aws.ec2().send(new ec2.RevokeSecurityGroupEgressCommand(request));
        else await aws.ec2().send(new ec2.RevokeSecurityGroupIngressCommand(request));
      } catch (error) {
        if (!isAwsError(error, "InvalidGroup.NotFound", "InvalidSecurityGroupRuleId.NotFound")) throw error;
      }
    },
  };
  return type;
}

export const securityGroupIngressRule = ruleType("ingress");
export const securityGroupEgressRule = ruleType("egress");
