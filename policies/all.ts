// Every Phoenix policy, in the order reports list them. The pack (index.ts) and `phoenix check`
// (offline.ts) both run exactly this list.
import type { Policies } from "@pulumi/policy";
import { noInPlaceConfigAgents } from "./configAgents";
import { fleetReplacesUnhealthyInstances } from "./health";
import { instanceReplaceOnUserData } from "./instances";
import { noKeyPairs } from "./keyPairs";
import { imdsv2Required } from "./metadata";
import { fleetTemplateInSameStack, immutableReleaseIdentity } from "./releaseIdentity";
import { noRemoteShell, sessionManagerRolesTraced } from "./remoteShell";
import { noIgnoreChangesOnImmutable } from "./resourceOptions";
import { noSshAccess } from "./ssh";
import { launchTemplateVersionPinned } from "./versions";

export const PACK_NAME = "phoenix-immutability";

export const ALL_POLICIES: Policies = [
  noSshAccess,
  noKeyPairs,
  noRemoteShell,
  sessionManagerRolesTraced,
  imdsv2Required,
  immutableReleaseIdentity,
  launchTemplateVersionPinned,
  noIgnoreChangesOnImmutable,
  noInPlaceConfigAgents,
  instanceReplaceOnUserData,
  fleetReplacesUnhealthyInstances,
  fleetTemplateInSameStack,
];
