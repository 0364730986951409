// aws:lb/loadBalancer:LoadBalancer (application load balancers, as Phoenix's network creates).
import type { LoadBalancer } from "@aws-sdk/client-elastic-load-balancing-v2";
import { aws, isAwsError, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, str, strings, tagList, type Props } from "../values";
import { elbTags, syncElbTags } from "./elbv2Tags";

/** Boolean attributes Phoenix sets, by their Pulumi input and their ELBv2 attribute key. */
const ATTRIBUTES: [string, string][] = [
  ["dropInvalidHeaderFields", "routing.http.drop_invalid_header_fields.enabled"],
  ["enableDeletionProtection", "deletion_protection.enabled"],
  ["enableHttp2", "routing.http2.enabled"],
];

async function describe(arn: string): Promise<LoadBalancer | undefined> {
  try {
    const { LoadBalancers = [] } = await aws
      .elbv2()
      .send(new (sdk.elbv2().DescribeLoadBalancersCommand)({ LoadBalancerArns: [arn] }));
    return LoadBalancers[0];
  } catch (error) {
    if (isAwsError(error, "LoadBalancerNotFound", "LoadBalancerNotFoundException")) return undefined;
    throw error;
  }
}

async function setAttributes(arn: string, inputs: Props): Promise<void> {
  const Attributes = ATTRIBUTES.filter(([input]) => inputs[input] !== undefined).map(([input, Key]) => ({
    Key,
    Value: String(inputs[input]),
  }));
  if (inputs.idleTimeout !== undefined)
    Attributes.push({ Key: "idle_timeout.timeout_seconds", Value: String(inputs.idleTimeout) });
  if (Attributes.length === 0) return;
  await aws
    .elbv2()
    .send(new (sdk.elbv2().ModifyLoadBalancerAttributesCommand)({ LoadBalancerArn: arn, Attributes }));
}

export const loadBalancer: ResourceType = {
  token: "aws:lb/loadBalancer:LoadBalancer",
  autoName: { maxLength: 32 },
  defaults: { loadBalancerType: "application" },

  async create(inputs) {
    const { LoadBalancers = [] } = await aws.elbv2().send(
      new (sdk.elbv2().CreateLoadBalancerCommand)({
        Name: String(inputs.name),
        Subnets: inputs.subnets ? strings(inputs.subnets) : undefined,
        SecurityGroups: inputs.securityGroups ? strings(inputs.securityGroups) : undefined,
        Scheme: String(inputs.internal) === "true" ? "internal" : "internet-facing",
        Type: (str(inputs.loadBalancerType) ?? "application") as never,
        IpAddressType: str(inputs.ipAddressType) as never,
        Tags: inputs.tags ? tagList(inputs.tags) : undefined,
      }),
    );
    const arn = LoadBalancers[0]!.LoadBalancerArn!;
    await setAttributes(arn, inputs);
    return { id: arn, outs: (await loadBalancer.read(arn, inputs))! };
  },

  async read(id) {
    const lb = await describe(id);
    if (!lb) return undefined;
    const { Attributes = [] } = await aws
      .elbv2()
      .send(new (sdk.elbv2().DescribeLoadBalancerAttributesCommand)({ LoadBalancerArn: id }));
    const attribute = (key: string) => Attributes.find((a) => a.Key === key)?.Value;
    const flags = Object.fromEntries(
      ATTRIBUTES.map(([input, key]) => [
        input,
        attribute(key) === undefined ? undefined : attribute(key) === "true",
      ]),
    );
    const tags = await elbTags(id);
    return compact({
      ...flags,
      arn: id,
      arnSuffix: id.split(":loadbalancer/")[1],
      dnsName: lb.DNSName,
      idleTimeout: attribute("idle_timeout.timeout_seconds")
        ? Number(attribute("idle_timeout.timeout_seconds"))
        : 60,
      internal: lb.Scheme === "internal",
      ipAddressType: lb.IpAddressType,
      loadBalancerType: lb.Type,
      name: lb.LoadBalancerName,
      region: region(),
      securityGroups: lb.SecurityGroups ?? [],
      subnetMappings: (lb.AvailabilityZones ?? []).map((z) => ({ subnetId: z.SubnetId })),
      subnets: (lb.AvailabilityZones ?? []).map((z) => z.SubnetId ?? ""),
      tags,
      tagsAll: tags,
      vpcId: lb.VpcId,
      zoneId: lb.CanonicalHostedZoneId,
    });
  },

  async update(id, olds, news) {
    const elb = sdk.elbv2();
    if (news.securityGroups) {
      await aws.elbv2().send(
        new elb.SetSecurityGroupsCommand({
          LoadBalancerArn: id,
          SecurityGroups: strings(news.securityGroups),
        }),
      );
    }
    if (news.subnets)
      await aws
        .elbv2()
        .send(new elb.SetSubnetsCommand({ LoadBalancerArn: id, Subnets: strings(news.subnets) }));
    await setAttributes(id, news);
    await syncElbTags(id, olds, news);
    return (await loadBalancer.read(id, news))!;
  },

  async delete(id) {
    if (!(await describe(id))) return;
    await aws.elbv2().send(new (sdk.elbv2().DeleteLoadBalancerCommand)({ LoadBalancerArn: id }));
  },
};
