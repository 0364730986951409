// The emulator's default VPC and its subnets, handed to `phoenix bootstrap` (PHOENIX_VPC_ID, …) because the
// awsx VPC component's plugin cannot be had here. An ALB needs subnets in two availability zones, so the
// public and the private pair each span two zones.
import { DescribeSubnetsCommand, DescribeVpcsCommand, EC2Client } from "@aws-sdk/client-ec2";

export interface DefaultNetwork {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

export async function discoverDefaultNetwork(endpoint: string, region: string): Promise<DefaultNetwork> {
  const ec2 = new EC2Client({
    endpoint,
    region,
    credentials: { accessKeyId: "testing", secretAccessKey: "testing" },
  });
  try {
    const vpcs = await ec2.send(
      new DescribeVpcsCommand({ Filters: [{ Name: "is-default", Values: ["true"] }] }),
    );
    const vpcId = vpcs.Vpcs?.[0]?.VpcId;
    if (!vpcId) throw new Error(`the emulator at ${endpoint} has no default VPC in ${region}`);
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ Filters: [{ Name: "vpc-id", Values: [vpcId] }] }),
    );
    const byZone = [...(subnets.Subnets ?? [])].sort((a, b) =>
      String(a.AvailabilityZone).localeCompare(String(b.AvailabilityZone)),
    );
    if (byZone.length < 4)
      throw new Error(`the default VPC ${vpcId} has ${byZone.length} subnets; the rig needs 4`);
    const ids = byZone.map((subnet) => String(subnet.SubnetId));
    return { vpcId, publicSubnetIds: ids.slice(0, 2), privateSubnetIds: ids.slice(2, 4) };
  } finally {
    ec2.destroy();
  }
}
