// The emulator's own view of what exists, read with the AWS SDK (the rig's environment points it at moto):
// what the tests check each workflow against, never Phoenix's own account of it.
import { DescribeAutoScalingGroupsCommand, AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import {
  DescribeImagesCommand,
  DescribeLaunchTemplatesCommand,
  EC2Client,
  RegisterImageCommand,
} from "@aws-sdk/client-ec2";
import {
  DescribeListenersCommand,
  ElasticLoadBalancingV2Client,
} from "@aws-sdk/client-elastic-load-balancing-v2";

export const ec2 = () => new EC2Client({});
export const elbv2 = () => new ElasticLoadBalancingV2Client({});
export const autoscaling = () => new AutoScalingClient({});

/** The weight the listener forwards to each target group, by target group ARN (empty for a fixed response). */
export async function listenerWeights(listenerArn: string): Promise<Record<string, number>> {
  const client = elbv2();
  try {
    const { Listeners } = await client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
    const forward = Listeners?.[0]?.DefaultActions?.find((action) => action.Type === "forward");
    const groups = forward?.ForwardConfig?.TargetGroups ?? [];
    return Object.fromEntries(groups.map((group) => [String(group.TargetGroupArn), group.Weight ?? 1]));
  } finally {
    client.destroy();
  }
}

/** The auto scaling groups that exist, by name, with the launch template (and version) each launches. */
export async function autoScalingGroups(): Promise<
  Map<string, { launchTemplateId?: string; version?: string; targetGroupArns: string[] }>
> {
  const client = autoscaling();
  try {
    const { AutoScalingGroups } = await client.send(new DescribeAutoScalingGroupsCommand({}));
    return new Map(
      (AutoScalingGroups ?? []).map((group) => [
        String(group.AutoScalingGroupName),
        {
          launchTemplateId: group.LaunchTemplate?.LaunchTemplateId,
          version: group.LaunchTemplate?.Version,
          targetGroupArns: group.TargetGroupARNs ?? [],
        },
      ]),
    );
  } finally {
    client.destroy();
  }
}

export async function launchTemplateNames(): Promise<string[]> {
  const client = ec2();
  try {
    const { LaunchTemplates } = await client.send(new DescribeLaunchTemplatesCommand({}));
    return (LaunchTemplates ?? []).map((template) => String(template.LaunchTemplateName)).sort();
  } finally {
    client.destroy();
  }
}

/** Register an AMI in the emulator (as a bake would), so that fleets can launch it; returns its id. */
export async function registerImage(name: string): Promise<string> {
  const client = ec2();
  try {
    const existing = await client.send(
      new DescribeImagesCommand({ Filters: [{ Name: "name", Values: [name] }] }),
    );
    if (existing.Images?.[0]?.ImageId) return existing.Images[0].ImageId;
    const { ImageId } = await client.send(
      new RegisterImageCommand({
        Name: name,
        Architecture: "x86_64",
        RootDeviceName: "/dev/xvda",
        VirtualizationType: "hvm",
        BlockDeviceMappings: [{ DeviceName: "/dev/xvda", Ebs: { VolumeSize: 8, VolumeType: "gp3" } }],
      }),
    );
    return String(ImageId);
  } finally {
    client.destroy();
  }
}
