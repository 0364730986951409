// The `router` role. ALB mode: the listener that weights the blue and green target groups; a swap changes
// this stack's config and updates exactly one resource, the listener. Route53 mode: two weighted alias records
// (one per colour's load balancer) with their health checks; a swap step updates the two records.
import * as pulumi from "@pulumi/pulumi";
import { BlueGreenRouter, Route53Router } from "../components";
import { parseRouterConfig, routerWeights } from "./config";
import { routerModeOf, type NetworkOutputs, type RouterConfig, type RouterOutputs } from "./contract";
import type { Outputs } from "./outputs";
import { requireOutput, siblingStack, stackConfigLookup } from "./stackConfig";

export async function routerProgram(): Promise<Outputs<RouterOutputs>> {
  const config = parseRouterConfig(stackConfigLookup());
  const network = siblingStack(config.app, config.env, "network");
  const mode = routerModeOf(config.router);
  // The mode is fixed for the life of the app/env: a router that disagrees with its network fails before
  // any change (a preview fails the same way).
  const networkMode = network.getOutput("routerMode").apply((value) => {
    if (routerModeOf(value) !== mode) {
      throw new Error(
        `\`phoenix:router\` (${mode}) differs from the network stack's router mode (${routerModeOf(value)}): ` +
          "the router mode is chosen at bootstrap and fixed for the life of the app/env",
      );
    }
    return mode;
  });
  return mode === "route53"
    ? route53Router(config, network, networkMode)
    : albRouter(config, network, networkMode);
}

function albRouter(
  config: RouterConfig,
  network: pulumi.StackReference,
  checkedMode: pulumi.Output<string>,
): Outputs<RouterOutputs> {
  const weights = routerWeights(config);
  const router = new BlueGreenRouter(`${config.app}-${config.env}`, {
    // Through the mode check, so that no listener is planned on a network of the other mode.
    loadBalancerArn: pulumi
      .all([checkedMode, requireOutput<string>(network, "albArn", "network")])
      .apply(([, arn]) => arn),
    targetGroupArns: {
      blue: requireOutput<string>(network, "blueTargetGroupArn", "network"),
      green: requireOutput<string>(network, "greenTargetGroupArn", "network"),
    },
    weights,
    port: config.listenerPort,
    certificateArn: config.certificateArn,
    stickinessSeconds: config.stickinessSeconds,
  });
  const scheme = config.certificateArn ? "https" : "http";
  const port = config.listenerPort ?? (config.certificateArn ? 443 : 80);
  const defaultPort = scheme === "https" ? 443 : 80;
  return {
    listenerArn: router.listenerArn,
    weights,
    url: requireOutput<string>(network, "albDnsName", "network").apply(
      (dns) => `${scheme}://${dns}${port === defaultPort ? "" : `:${port}`}/`,
    ),
  };
}

function route53Router(
  config: RouterConfig,
  network: pulumi.StackReference,
  checkedMode: pulumi.Output<string>,
): Outputs<RouterOutputs> {
  const weights = routerWeights(config);
  // Each read goes through the mode check first, so a network of the other mode fails with that message.
  const read = <T>(key: keyof NetworkOutputs) =>
    checkedMode.apply(() => requireOutput<T>(network, key, "network"));
  const endpoints = read<NonNullable<NetworkOutputs["colourLoadBalancers"]>>("colourLoadBalancers");
  const protocol = read<"HTTP" | "HTTPS">("listenerProtocol");
  const port = read<number>("listenerPort");
  const path = read<string>("healthCheckPath");
  const target = (colour: "blue" | "green") => ({
    dnsName: endpoints.apply((e) => e[colour].dnsName),
    zoneId: endpoints.apply((e) => e[colour].zoneId),
  });
  const router = new Route53Router(`${config.app}-${config.env}`, {
    zoneId: config.zoneId!,
    recordName: config.recordName!,
    loadBalancers: { blue: target("blue"), green: target("green") },
    weights,
    healthCheck: { protocol, port, path },
  });
  return {
    routerMode: "route53",
    recordName: router.recordName,
    weights,
    url: pulumi.all([protocol, port]).apply(([scheme, listenerPort]) => {
      const defaultPort = scheme === "HTTPS" ? 443 : 80;
      return `${scheme.toLowerCase()}://${config.recordName}${listenerPort === defaultPort ? "" : `:${listenerPort}`}/`;
    }),
  };
}
