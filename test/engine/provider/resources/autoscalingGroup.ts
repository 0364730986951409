// aws:autoscaling/group:Group. Like the real provider, create waits for capacity: with `waitForElbCapacity`
// until that many targets of the group are healthy in its target groups, else until `desiredCapacity`
// instances are InService, within `waitForCapacityTimeout` ("0" skips). moto reports every registered
// target healthy (moto/elbv2/models.py), so this returns at once there.
import type { AutoScalingGroup } from "@aws-sdk/client-auto-scaling";
import { aws, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, str, strings, type Props } from "../values";

interface TagInput {
  key: string;
  value: string;
  propagateAtLaunch: boolean;
}

async function describe(name: string): Promise<AutoScalingGroup | undefined> {
  const { AutoScalingGroups = [] } = await aws
    .autoscaling()
    .send(new (sdk.autoscaling().DescribeAutoScalingGroupsCommand)({ AutoScalingGroupNames: [name] }));
  return AutoScalingGroups.find((g) => g.AutoScalingGroupName === name && g.Status !== "Delete in progress");
}

function launchTemplateSpec(inputs: Props) {
  const lt = (inputs.launchTemplate ?? {}) as Props;
  return { LaunchTemplateId: str(lt.id), LaunchTemplateName: str(lt.name), Version: str(lt.version) };
}

function tagsOf(name: string, inputs: Props) {
  return ((inputs.tags ?? []) as TagInput[]).map((t) => ({
    Key: t.key,
    Value: String(t.value),
    PropagateAtLaunch: String(t.propagateAtLaunch) === "true",
    ResourceId: name,
    ResourceType: "auto-scaling-group",
  }));
}

/** "10m", "90s", "1h5m" → milliseconds. */
function durationMs(text: unknown): number {
  const s = String(text ?? "10m");
  let total = 0;
  for (const [, n, unit] of s.matchAll(/(\d+(?:\.\d+)?)(h|m|s|ms)?/g)) {
    total += Number(n) * ({ h: 3600e3, m: 60e3, s: 1e3, ms: 1 }[unit ?? "s"] ?? 1e3);
  }
  return total;
}

async function waitForCapacity(name: string, inputs: Props): Promise<void> {
  const timeout = durationMs(inputs.waitForCapacityTimeout);
  if (timeout === 0) return;
  const wantHealthy = num(inputs.waitForElbCapacity);
  const deadline = Date.now() + timeout;
  for (;;) {
    const group = await describe(name);
    const inService = (group?.Instances ?? []).filter((i) => i.LifecycleState === "InService");
    const enough =
      wantHealthy !== undefined
        ? (await healthyTargets(
            group,
            inService.map((i) => i.InstanceId!),
          )) >= wantHealthy
        : inService.length >= (group?.DesiredCapacity ?? 0);
    if (enough) return;
    if (Date.now() > deadline) {
      throw new Error(
        `waiting for capacity of auto scaling group ${name}: timed out after ${inputs.waitForCapacityTimeout}`,
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function healthyTargets(group: AutoScalingGroup | undefined, instanceIds: string[]): Promise<number> {
  let fewest = Infinity;
  for (const TargetGroupArn of group?.TargetGroupARNs ?? []) {
    const { TargetHealthDescriptions = [] } = await aws
      .elbv2()
      .send(new (sdk.elbv2().DescribeTargetHealthCommand)({ TargetGroupArn }));
    const healthy = TargetHealthDescriptions.filter(
      (t) => t.TargetHealth?.State === "healthy" && instanceIds.includes(t.Target?.Id ?? ""),
    );
    fewest = Math.min(fewest, healthy.length);
  }
  return fewest === Infinity ? instanceIds.length : fewest;
}

export const autoscalingGroup: ResourceType = {
  token: "aws:autoscaling/group:Group",
  autoName: { maxLength: 255 },
  defaults: { waitForCapacityTimeout: "10m", forceDelete: false, healthCheckGracePeriod: 300 },

  async create(inputs) {
    const name = String(inputs.name);
    await aws.autoscaling().send(
      new (sdk.autoscaling().CreateAutoScalingGroupCommand)({
        AutoScalingGroupName: name,
        LaunchTemplate: launchTemplateSpec(inputs),
        MinSize: num(inputs.minSize),
        MaxSize: num(inputs.maxSize),
        DesiredCapacity: num(inputs.desiredCapacity),
        VPCZoneIdentifier: inputs.vpcZoneIdentifiers
          ? strings(inputs.vpcZoneIdentifiers).join(",")
          : undefined,
        AvailabilityZones: inputs.availabilityZones ? strings(inputs.availabilityZones) : undefined,
        TargetGroupARNs: inputs.targetGroupArns ? strings(inputs.targetGroupArns) : undefined,
        HealthCheckType: str(inputs.healthCheckType),
        HealthCheckGracePeriod: num(inputs.healthCheckGracePeriod),
        Tags: tagsOf(name, inputs),
      }),
    );
    await waitForCapacity(name, inputs);
    return { id: name, outs: (await autoscalingGroup.read(name, inputs))! };
  },

  async read(id, previous) {
    const group = await describe(id);
    if (!group) return undefined;
    const lt = group.LaunchTemplate;
    return compact({
      arn: group.AutoScalingGroupARN,
      availabilityZones: group.AvailabilityZones ?? [],
      defaultCooldown: group.DefaultCooldown,
      desiredCapacity: group.DesiredCapacity,
      forceDelete: previous.forceDelete ?? false,
      healthCheckGracePeriod: group.HealthCheckGracePeriod,
      healthCheckType: group.HealthCheckType,
      launchTemplate: lt
        ? compact({ id: lt.LaunchTemplateId, name: lt.LaunchTemplateName, version: lt.Version })
        : undefined,
      maxSize: group.MaxSize,
      minSize: group.MinSize,
      name: group.AutoScalingGroupName,
      namePrefix: previous.namePrefix ?? "",
      region: region(),
      tags: (group.Tags ?? []).map((t) => ({
        key: t.Key,
        value: t.Value,
        propagateAtLaunch: t.PropagateAtLaunch,
      })),
      targetGroupArns: group.TargetGroupARNs ?? [],
      vpcZoneIdentifiers: (group.VPCZoneIdentifier ?? "").split(",").filter((s) => s !== ""),
      waitForCapacityTimeout: previous.waitForCapacityTimeout ?? "10m",
      waitForElbCapacity: previous.waitForElbCapacity,
    });
  },

  async update(id, olds, news) {
    const as = sdk.autoscaling();
    await aws.autoscaling().send(
      new as.UpdateAutoScalingGroupCommand({
        AutoScalingGroupName: id,
        LaunchTemplate: launchTemplateSpec(news),
        MinSize: num(news.minSize),
        MaxSize: num(news.maxSize),
        DesiredCapacity: num(news.desiredCapacity),
        VPCZoneIdentifier: news.vpcZoneIdentifiers ? strings(news.vpcZoneIdentifiers).join(",") : undefined,
        HealthCheckType: str(news.healthCheckType),
        HealthCheckGracePeriod: num(news.healthCheckGracePeriod),
      }),
    );
    const before = strings(olds.targetGroupArns);
    const after = strings(news.targetGroupArns);
    const attach = after.filter((a) => !before.includes(a));
    const detach = before.filter((a) => !after.includes(a));
    if (attach.length > 0) {
      await aws
        .autoscaling()
        .send(
          new as.AttachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: id, TargetGroupARNs: attach }),
        );
    }
    if (detach.length > 0) {
      await aws
        .autoscaling()
        .send(
          new as.DetachLoadBalancerTargetGroupsCommand({ AutoScalingGroupName: id, TargetGroupARNs: detach }),
        );
    }
    const newTags = tagsOf(id, news);
    const stale = ((olds.tags ?? []) as TagInput[]).filter((t) => !newTags.some((n) => n.Key === t.key));
    if (stale.length > 0) {
      await aws.autoscaling().send(new as.DeleteTagsCommand({ Tags: tagsOf(id, { tags: stale }) }));
    }
    if (newTags.length > 0) await aws.autoscaling().send(new as.CreateOrUpdateTagsCommand({ Tags: newTags }));
    return (await autoscalingGroup.read(id, news))!;
  },

  async delete(id) {
    if (!(await describe(id))) return;
    await aws.autoscaling().send(
      new (sdk.autoscaling().DeleteAutoScalingGroupCommand)({
        AutoScalingGroupName: id,
        ForceDelete: true,
      }),
    );
  },
};
