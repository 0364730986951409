// The router of an app/env, from its router stack's outputs (absent mode: ALB, as before Route 53 existed).
import { routerModeOf, type RouterOutputs } from "../../programs/contract";
import { albRouter } from "./alb";
import { route53Router } from "./route53";
import type { TrafficRouter } from "./types";

export type { TrafficRouter } from "./types";
export { DEFAULT_DNS_SETTLE_MS } from "./route53";

export function trafficRouterOf(router: RouterOutputs | undefined): TrafficRouter {
  return routerModeOf(router?.routerMode) === "route53" ? route53Router : albRouter;
}
