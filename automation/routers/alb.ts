// ALB mode: one listener weights the two target groups. A change of weights updates that one resource, and
// the listener applies it to the next request, so verifying needs no wait of its own.
import type { TrafficRouter } from "./types";

export const albRouter: TrafficRouter = {
  mode: "alb",
  resourcesPerChange: 1,
  resources: "the listener",
  settleMs: () => 0,
  restoreChangeOk: (changed) => changed === 1,
};
