// The seam between the traffic workflows and the kind of router: what one change of weights updates, and how
// long it takes to reach clients. ALB behaviour lives in alb.ts, Route 53 in route53.ts.
import type { RouterMode } from "../../programs/contract";
import type { VerifyOptions } from "../types";

export interface TrafficRouter {
  readonly mode: RouterMode;
  /** Resources one change of weights updates (a swap step must change exactly this many). */
  readonly resourcesPerChange: number;
  /** What those resources are, for messages. */
  readonly resources: string;
  /** The least wait after a change of weights before verifying it (clients must see the new split). */
  settleMs(verify: VerifyOptions): number;
  /** Whether a heal that put the recorded weights back changed what it should have. */
  restoreChangeOk(changed: number): boolean;
}
