// The `router` role: the ALB listener that weights the blue and green target groups. A swap changes
// this stack's config and updates exactly one resource, the listener.
import { BlueGreenRouter } from "../components";
import { parseRouterConfig, routerWeights } from "./config";
import type { RouterOutputs } from "./contract";
import type { Outputs } from "./outputs";
import { requireOutput, siblingStack, stackConfigLookup } from "./stackConfig";

export async function routerProgram(): Promise<Outputs<RouterOutputs>> {
  const config = parseRouterConfig(stackConfigLookup());
  const network = siblingStack(config.app, config.env, "network");
  const weights = routerWeights(config);
  const router = new BlueGreenRouter(`${config.app}-${config.env}`, {
    loadBalancerArn: requireOutput<string>(network, "albArn", "network"),
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
