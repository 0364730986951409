// One program per stack role. Each is an async function usable as a `pulumi up` program (through main.ts)
// and as an Automation API inline program; the value it returns becomes the stack's outputs.
import type { Role } from "./contract";
import { parseRole } from "./config";
import { fleetProgram } from "./fleet";
import { goldenAmiProgram } from "./goldenAmi";
import { networkProgram } from "./network";
import { routerProgram } from "./router";
import { stackConfigLookup } from "./stackConfig";

export type Program = () => Promise<Record<string, unknown>>;

export const PROGRAMS: Record<Role, Program> = {
  network: networkProgram,
  fleet: fleetProgram,
  router: routerProgram,
  "golden-ami": goldenAmiProgram,
};

/** Run the program of the role named by the stack config `phoenix:role`. */
export function runConfiguredRole(): Promise<Record<string, unknown>> {
  return PROGRAMS[parseRole(stackConfigLookup())]();
}

export * from "./contract";
export * from "./config";
export { fleetProgram, goldenAmiProgram, networkProgram, routerProgram };
