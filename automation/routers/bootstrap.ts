// Bootstrap's part of the router mode: which stack gets which config, and the refusal to change the mode of an
// app/env that already has stacks (a new mode would replace the load balancer and cut every client off).
// Pure: no engine call.
import type { OutputMap } from "@pulumi/pulumi/automation";
import { routerModeOf, type RouterMode } from "../../programs/contract";
import { InvalidInputError } from "../errors";
import type { BootstrapOptions } from "../types";

type Values = Record<string, string | number | undefined>;

/** Changing the router mode of an app/env that has stacks: refused before any change. */
export class RouterModeError extends InvalidInputError {
  constructor(
    readonly stack: string,
    readonly deployed: RouterMode,
    readonly requested: RouterMode,
  ) {
    super([
      `\`router.mode\` (${requested}) differs from the mode ${stack} was bootstrapped with (${deployed}): the ` +
        "router mode is fixed for the life of the app/env (another mode replaces the load balancers). " +
        `Bootstrap with router mode ${deployed}, or create a new env in ${requested} mode and move to it.`,
    ]);
  }
}

/**
 * The network's and the router's config for the chosen mode. ALB: the listener keys are the router stack's
 * (as before Route 53 existed). Route53: the listener keys go to the network stack (each colour's own
 * listener), the zone and record name to the router stack.
 */
export function routerStackValues(router: BootstrapOptions["router"] = {}): {
  network: Values;
  router: Values;
} {
  const { mode, zoneId, recordName, ...listener } = router;
  if (mode !== "route53") return { network: {}, router: { ...listener } };
  return {
    network: {
      router: "route53",
      listenerPort: listener.listenerPort,
      certificateArn: listener.certificateArn,
    },
    router: { router: "route53", zoneId, recordName },
  };
}

/**
 * Refuse a requested mode that differs from the one an existing stack was deployed with. With no mode
 * requested, the deployed one stands (a rerun of bootstrap changes nothing).
 */
export function assertRouterMode(stack: string, outputs: OutputMap, requested: RouterMode | undefined): void {
  const deployed = routerModeOf(outputs.routerMode?.value);
  if (requested !== undefined && requested !== deployed)
    throw new RouterModeError(stack, deployed, requested);
}
