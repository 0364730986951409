// The Phoenix CrossGuard policy pack: `pulumi preview --policy-pack policies`. This file only assembles
// the pack; the policies live one area per module (tests import those, never this file: constructing a
// second PolicyPack in one process exits it).
import { PolicyPack } from "@pulumi/policy";
import { ALL_POLICIES, PACK_NAME } from "./all";

new PolicyPack(PACK_NAME, {
  description:
    "Immutable infrastructure on AWS: no human access, no key pairs, IMDSv2, no in-place mutation.",
  enforcementLevel: "mandatory",
  policies: ALL_POLICIES,
});
