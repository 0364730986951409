// The `network` role: VPC, ALB, security groups (no SSH) and the blue and green target groups.
import { Network } from "../components";
import { parseNetworkConfig } from "./config";
import type { NetworkOutputs } from "./contract";
import { commonTags, stackConfigLookup } from "./stackConfig";
import type { Outputs } from "./outputs";

export async function networkProgram(): Promise<Outputs<NetworkOutputs>> {
  const config = parseNetworkConfig(stackConfigLookup());
  const network = new Network(`${config.app}-${config.env}`, {
    appPort: config.appPort,
    vpcCidr: config.vpcCidr,
    vpcId: config.vpcId,
    publicSubnetIds: config.publicSubnetIds,
    privateSubnetIds: config.privateSubnetIds,
    healthCheck: config.healthCheckPath ? { path: config.healthCheckPath } : undefined,
    tags: commonTags(config.app, config.env),
  });
  return {
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    albArn: network.loadBalancer.arn,
    albDnsName: network.loadBalancer.dnsName,
    albSecurityGroupId: network.albSecurityGroup.id,
    fleetSecurityGroupId: network.fleetSecurityGroup.id,
    blueTargetGroupArn: network.targetGroups.blue.arn,
    greenTargetGroupArn: network.targetGroups.green.arn,
    appPort: network.appPort,
  };
}
