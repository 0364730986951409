// aws:lb/targetGroup:TargetGroup.
import type { TargetGroup } from "@aws-sdk/client-elastic-load-balancing-v2";
import { aws, isAwsError, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, tagList, type Props } from "../values";
import { elbTags, syncElbTags } from "./elbv2Tags";

async function describe(arn: string): Promise<TargetGroup | undefined> {
  try {
    const { TargetGroups = [] } = await aws
      .elbv2()
      .send(new (sdk.elbv2().DescribeTargetGroupsCommand)({ TargetGroupArns: [arn] }));
    return TargetGroups[0];
  } catch (error) {
    if (isAwsError(error, "TargetGroupNotFound", "TargetGroupNotFoundException")) return undefined;
    throw error;
  }
}

function healthCheckRequest(inputs: Props) {
  const h = (inputs.healthCheck ?? {}) as Props;
  return {
    HealthCheckEnabled: h.enabled === undefined ? undefined : String(h.enabled) === "true",
    HealthCheckProtocol: str(h.protocol) as never,
    HealthCheckPort: str(h.port),
    HealthCheckPath: str(h.path),
    HealthCheckIntervalSeconds: num(h.interval),
    HealthCheckTimeoutSeconds: num(h.timeout),
    HealthyThresholdCount: num(h.healthyThreshold),
    UnhealthyThresholdCount: num(h.unhealthyThreshold),
    Matcher: h.matcher ? { HttpCode: String(h.matcher) } : undefined,
  };
}

async function setDeregistrationDelay(arn: string, inputs: Props): Promise<void> {
  if (inputs.deregistrationDelay === undefined) return;
  await aws.elbv2().send(
    new (sdk.elbv2().ModifyTargetGroupAttributesCommand)({
      TargetGroupArn: arn,
      Attributes: [
        { Key: "deregistration_delay.timeout_seconds", Value: String(inputs.deregistrationDelay) },
      ],
    }),
  );
}

export const targetGroup: ResourceType = {
  token: "aws:lb/targetGroup:TargetGroup",
  autoName: { maxLength: 32 },
  defaults: { targetType: "instance", deregistrationDelay: 300 },

  async create(inputs) {
    const { TargetGroups = [] } = await aws.elbv2().send(
      new (sdk.elbv2().CreateTargetGroupCommand)({
        Name: String(inputs.name),
        Port: num(inputs.port),
        Protocol: str(inputs.protocol) as never,
        ProtocolVersion: str(inputs.protocolVersion),
        VpcId: str(inputs.vpcId),
        TargetType: str(inputs.targetType) as never,
        ...healthCheckRequest(inputs),
        Tags: inputs.tags ? tagList(inputs.tags) : undefined,
      }),
    );
    const arn = TargetGroups[0]!.TargetGroupArn!;
    await setDeregistrationDelay(arn, inputs);
    return { id: arn, outs: (await targetGroup.read(arn, inputs))! };
  },

  async read(id) {
    const tg = await describe(id);
    if (!tg) return undefined;
    const { Attributes = [] } = await aws
      .elbv2()
      .send(new (sdk.elbv2().DescribeTargetGroupAttributesCommand)({ TargetGroupArn: id }));
    const delay = Attributes.find((a) => a.Key === "deregistration_delay.timeout_seconds")?.Value;
    const tags = await elbTags(id);
    return compact({
      arn: id,
      arnSuffix: id.split(":").pop(),
      deregistrationDelay: delay === undefined ? 300 : Number(delay),
      healthCheck: compact({
        enabled: tg.HealthCheckEnabled ?? true,
        healthyThreshold: tg.HealthyThresholdCount,
        interval: tg.HealthCheckIntervalSeconds,
        matcher: tg.Matcher?.HttpCode,
        path: tg.HealthCheckPath,
        port: tg.HealthCheckPort,
        protocol: tg.HealthCheckProtocol,
        timeout: tg.HealthCheckTimeoutSeconds,
        unhealthyThreshold: tg.UnhealthyThresholdCount,
      }),
      ipAddressType: tg.IpAddressType ?? "ipv4",
      loadBalancerArns: tg.LoadBalancerArns ?? [],
      name: tg.TargetGroupName,
      port: tg.Port,
      protocol: tg.Protocol,
      protocolVersion: tg.ProtocolVersion ?? "HTTP1",
      region: region(),
      tags,
      tagsAll: tags,
      targetType: tg.TargetType,
      vpcId: tg.VpcId,
    });
  },

  async update(id, olds, news) {
    await aws
      .elbv2()
      .send(new (sdk.elbv2().ModifyTargetGroupCommand)({ TargetGroupArn: id, ...healthCheckRequest(news) }));
    await setDeregistrationDelay(id, news);
    await syncElbTags(id, olds, news);
    return (await targetGroup.read(id, news))!;
  },

  async delete(id) {
    if (!(await describe(id))) return;
    await aws.elbv2().send(new (sdk.elbv2().DeleteTargetGroupCommand)({ TargetGroupArn: id }));
  },
};
