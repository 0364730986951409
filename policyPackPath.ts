// phoenix-fleet/policies: where the installed CrossGuard pack is, for `pulumi up --policy-pack` and the
// Automation API's `policyPacks`. Only the path, never the pack itself: loading a second PolicyPack in a process
// that runs one ends that process.
import * as path from "path";

/** The policy pack directory of this installation (`node_modules/phoenix-fleet/policies`). */
export const policyPackDir: string = path.resolve(__dirname, "..", "policies");
