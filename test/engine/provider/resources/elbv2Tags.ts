// Tags of ELBv2 resources (load balancers, target groups, listeners) by ARN.
import { aws, sdk } from "../context";
import { tagList, tagMap, type Props } from "../values";

export async function elbTags(arn: string): Promise<Record<string, string>> {
  const { TagDescriptions = [] } = await aws
    .elbv2()
    .send(new (sdk.elbv2().DescribeTagsCommand)({ ResourceArns: [arn] }));
  return tagMap(TagDescriptions[0]?.Tags);
}

export async function syncElbTags(arn: string, olds: Props, news: Props): Promise<void> {
  const elb = sdk.elbv2();
  const before = (olds.tags ?? {}) as Record<string, string>;
  const after = (news.tags ?? {}) as Record<string, string>;
  const removed = Object.keys(before).filter((k) => !(k in after));
  if (removed.length > 0)
    await aws.elbv2().send(new elb.RemoveTagsCommand({ ResourceArns: [arn], TagKeys: removed }));
  if (Object.keys(after).length > 0) {
    await aws.elbv2().send(new elb.AddTagsCommand({ ResourceArns: [arn], Tags: tagList(after) }));
  }
}
