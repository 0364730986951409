// aws:ec2/securityGroup:SecurityGroup on EC2. Like the real provider, the outputs carry the group's live
// rule sets (`ingress`/`egress`, read back from DescribeSecurityGroups), so a rule added out of band shows
// in the refreshed outputs. As in Terraform, `ingress`/`egress` are Optional+Computed: only when the
// program gives them are they desired state (and then compared, and enforced on update).
import type { IpPermission } from "@aws-sdk/client-ec2";
import { accountId, aws, isAwsError, PARTITION, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, str, strings, tagList, tagMap, type Props } from "../values";

interface RuleBlock {
  fromPort: number;
  toPort: number;
  protocol: string;
  cidrBlocks?: string[];
  ipv6CidrBlocks?: string[];
  prefixListIds?: string[];
  securityGroups?: string[];
  self?: boolean;
  description?: string;
}

/** One Pulumi rule block per IP permission, as securityGroupIPPermGather does. */
function ruleBlocks(groupId: string, permissions: IpPermission[] | undefined): RuleBlock[] {
  return (permissions ?? []).map((p) => {
    const groups = (p.UserIdGroupPairs ?? []).map((g) => g.GroupId ?? "");
    const description =
      p.IpRanges?.[0]?.Description ?? p.Ipv6Ranges?.[0]?.Description ?? p.UserIdGroupPairs?.[0]?.Description;
    return {
      fromPort: p.FromPort ?? 0,
      toPort: p.ToPort ?? 0,
      protocol: p.IpProtocol ?? "-1",
      cidrBlocks: (p.IpRanges ?? []).map((r) => r.CidrIp ?? ""),
      ipv6CidrBlocks: (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6 ?? ""),
      prefixListIds: (p.PrefixListIds ?? []).map((r) => r.PrefixListId ?? ""),
      securityGroups: groups.filter((g) => g !== groupId),
      self: groups.includes(groupId),
      description: description ?? "",
    };
  });
}

function permission(groupId: string, rule: RuleBlock): IpPermission {
  const groups = [...strings(rule.securityGroups), ...(rule.self ? [groupId] : [])];
  const description = str(rule.description);
  return {
    IpProtocol: String(rule.protocol),
    FromPort: Number(rule.fromPort),
    ToPort: Number(rule.toPort),
    IpRanges: strings(rule.cidrBlocks).map((CidrIp) => ({ CidrIp, Description: description })),
    Ipv6Ranges: strings(rule.ipv6CidrBlocks).map((CidrIpv6) => ({ CidrIpv6, Description: description })),
    PrefixListIds: strings(rule.prefixListIds).map((PrefixListId) => ({
      PrefixListId,
      Description: description,
    })),
    UserIdGroupPairs: groups.map((GroupId) => ({ GroupId, Description: description })),
  };
}

async function describe(id: string) {
  try {
    const { SecurityGroups = [] } = await aws
      .ec2()
      .send(new (sdk.ec2().DescribeSecurityGroupsCommand)({ GroupIds: [id] }));
    return SecurityGroups[0];
  } catch (error) {
    if (isAwsError(error, "InvalidGroup.NotFound", "InvalidGroupId.Malformed")) return undefined;
    throw error;
  }
}

/** Make one direction's rules exactly `desired`: revoke the rest, authorize the missing. */
async function enforceRules(id: string, direction: "ingress" | "egress", desired: RuleBlock[]) {
  const ec2 = sdk.ec2();
  const group = await describe(id);
  const current = direction === "ingress" ? group?.IpPermissions : group?.IpPermissionsEgress;
  if (current && current.length > 0) {
    const revoke =
      direction === "ingress"
        ? new ec2.RevokeSecurityGroupIngressCommand({ GroupId: id, IpPermissions: current })
        : new ec2.RevokeSecurityGroupEgressCommand({ GroupId: id, IpPermissions: current });
    await aws.ec2().send(revoke as never);
  }
  if (desired.length === 0) return;
  const IpPermissions = desired.map((r) => permission(id, r));
  const authorize =
    direction === "ingress"
      ? new ec2.AuthorizeSecurityGroupIngressCommand({ GroupId: id, IpPermissions })
      : new ec2.AuthorizeSecurityGroupEgressCommand({ GroupId: id, IpPermissions });
  await aws.ec2().send(authorize as never);
}

export async function syncTags(resourceId: string, olds: Props, news: Props): Promise<void> {
  const ec2 = sdk.ec2();
  const before = (olds.tags ?? {}) as Record<string, string>;
  const after = (news.tags ?? {}) as Record<string, string>;
  const removed = Object.keys(before).filter((k) => !(k in after));
  if (removed.length > 0) {
    await aws
      .ec2()
      .send(new ec2.DeleteTagsCommand({ Resources: [resourceId], Tags: removed.map((Key) => ({ Key })) }));
  }
  if (Object.keys(after).length > 0) {
    await aws.ec2().send(new ec2.CreateTagsCommand({ Resources: [resourceId], Tags: tagList(after) }));
  }
}

export const securityGroup: ResourceType = {
  token: "aws:ec2/securityGroup:SecurityGroup",
  autoName: { maxLength: 255 },
  defaults: { description: "Managed by Pulumi", revokeRulesOnDelete: false },

  async create(inputs) {
    const ec2 = sdk.ec2();
    const { GroupId } = await aws.ec2().send(
      new ec2.CreateSecurityGroupCommand({
        GroupName: String(inputs.name),
        Description: String(inputs.description),
        VpcId: str(inputs.vpcId),
        TagSpecifications: inputs.tags
          ? [{ ResourceType: "security-group", Tags: tagList(inputs.tags) }]
          : undefined,
      }),
    );
    const id = GroupId!;
    // AWS gives every group an allow-all egress rule; Terraform revokes it (resourceSecurityGroupCreate), so
    // only declared rules exist.
    await enforceRules(id, "egress", (inputs.egress as RuleBlock[] | undefined) ?? []);
    if (inputs.ingress) await enforceRules(id, "ingress", inputs.ingress as RuleBlock[]);
    return { id, outs: (await securityGroup.read(id, inputs))! };
  },

  async read(id, previous) {
    const group = await describe(id);
    if (!group) return undefined;
    const owner = group.OwnerId ?? (await accountId());
    const tags = tagMap(group.Tags);
    return compact({
      arn: `arn:${PARTITION}:ec2:${region()}:${owner}:security-group/${id}`,
      description: group.Description,
      egress: ruleBlocks(id, group.IpPermissionsEgress),
      ingress: ruleBlocks(id, group.IpPermissions),
      name: group.GroupName,
      namePrefix: previous.namePrefix ?? "",
      ownerId: owner,
      region: region(),
      revokeRulesOnDelete: previous.revokeRulesOnDelete ?? false,
      tags,
      tagsAll: tags,
      vpcId: group.VpcId,
    });
  },

  async update(id, olds, news) {
    if (news.ingress) await enforceRules(id, "ingress", news.ingress as RuleBlock[]);
    if (news.egress) await enforceRules(id, "egress", news.egress as RuleBlock[]);
    await syncTags(id, olds, news);
    return (await securityGroup.read(id, news))!;
  },

  async delete(id) {
    try {
      await aws.ec2().send(new (sdk.ec2().DeleteSecurityGroupCommand)({ GroupId: id }));
    } catch (error) {
      if (!isAwsError(error, "InvalidGroup.NotFound")) throw error;
    }
  },
};
