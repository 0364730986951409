// Route53 mode: two weighted alias records (set identifiers blue and green) under one name. A change of
// weights updates both records: two resources, where Route 53 itself could take both in one change batch
// (ChangeResourceRecordSets) — Pulumi updates each resource with its own call. An alias record has no TTL of
// its own; resolvers cache the answer for the target's TTL (60 s for a load balancer), so clients keep the old
// split for about a minute: each step waits at least `dnsSettleMs` before it verifies the new colour.
import type { TrafficRouter } from "./types";

/** Resolvers cache a load balancer alias answer for 60 s. */
export const DEFAULT_DNS_SETTLE_MS = 60_000;

export const route53Router: TrafficRouter = {
  mode: "route53",
  resourcesPerChange: 2,
  resources: "the two weighted records",
  settleMs: (verify) => verify.dnsSettleMs ?? DEFAULT_DNS_SETTLE_MS,
  // Heal restores only what drifted: one record or both.
  restoreChangeOk: (changed) => changed === 1 || changed === 2,
};
