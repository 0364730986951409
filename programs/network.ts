// The `network` role: VPC, load balancer(s), security groups (no SSH) and the blue and green target groups.
// In route53 mode each colour has its own load balancer, the target of its weighted record in the router stack.
import * as pulumi from "@pulumi/pulumi";
import { Network } from "../components";
import { NETWORK_DEFAULTS } from "../components/networkSettings";
import { parseNetworkConfig } from "./config";
import type { NetworkOutputs } from "./contract";
import { commonTags, stackConfigLookup } from "./stackConfig";
import type { Outputs } from "./outputs";

export async function networkProgram(): Promise<Outputs<NetworkOutputs>> {
  const config = parseNetworkConfig(stackConfigLookup());
  const route53 = config.router === "route53";
  const network = new Network(`${config.app}-${config.env}`, {
    appPort: config.appPort,
    vpcCidr: config.vpcCidr,
    vpcId: config.vpcId,
    publicSubnetIds: config.publicSubnetIds,
    privateSubnetIds: config.privateSubnetIds,
    healthCheck: config.healthCheckPath ? { path: config.healthCheckPath } : undefined,
    tags: commonTags(config.app, config.env),
    ...(route53
      ? {
          router: "route53" as const,
          colourListener: { port: config.listenerPort, certificateArn: config.certificateArn },
        }
      : {}),
  });
  const outputs: Outputs<NetworkOutputs> = {
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
  if (!route53) return outputs;
  const endpoints = network.colourEndpoints!;
  const endpoint = (colour: "blue" | "green") =>
    pulumi
      .all([
        endpoints[colour].loadBalancer.arn,
        endpoints[colour].loadBalancer.dnsName,
        endpoints[colour].loadBalancer.zoneId,
      ])
      .apply(([arn, dnsName, zoneId]) => ({ arn, dnsName, zoneId }));
  const https = config.certificateArn !== undefined;
  return {
    ...outputs,
    routerMode: "route53",
    colourLoadBalancers: pulumi
      .all([endpoint("blue"), endpoint("green")])
      .apply(([blue, green]) => ({ blue, green })),
    listenerPort: config.listenerPort ?? (https ? 443 : 80),
    listenerProtocol: https ? "HTTPS" : "HTTP",
    healthCheckPath: config.healthCheckPath ?? NETWORK_DEFAULTS.healthCheck.path,
  };
}
