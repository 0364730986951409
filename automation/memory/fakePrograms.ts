// What each role's program creates, as MemoryEngine (and the doubles built on it) sees it: no second table,
// the real role programs (programs/*.ts) run under the mock runtime and fake cloud of `phoenix plan
// --offline`, so the same resources (type, name, parent, inputs) and the same stack outputs
// (programRunner.ts: on a worker thread, memoized). The `Fake*` names stay for the engine and the tests that
// replace a role's program with a bent copy of the real one.
import { createHash } from "crypto";
import type { Role } from "../../programs/contract";
import { FORCE_NEW } from "./forceNew";
import { runRoleProgram, type ProgramContext, type ProgramResource, type ProgramRun } from "./programRunner";

/** A registered resource: type, logical name, parent type chain (for the URN) and resolved inputs. */
export type FakeResource = ProgramResource;
/** What a program run leaves: its resources in registration order and the stack's outputs. */
export type FakeProgramResult = ProgramRun;
export type FakeProgramContext = ProgramContext;
export type FakeProgram = (context: FakeProgramContext) => FakeProgramResult;

/**
 * Keys whose change makes the engine replace instead of update: the provider's ForceNew inputs, from the
 * one ForceNew table (forceNew.ts) that the rig's test provider uses too.
 */
export const REPLACE_KEYS: Record<string, string[]> = Object.fromEntries(
  Object.entries(FORCE_NEW).map(([type, row]) => [type, [...row.replaceOn]]),
);

export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

const roleProgram =
  (role: Role): FakeProgram =>
  (context) =>
    runRoleProgram(role, context);

export const networkProgram = roleProgram("network");
export const fleetProgram = roleProgram("fleet");
export const routerProgram = roleProgram("router");
export const goldenAmiProgram = roleProgram("golden-ami");

export const FAKE_PROGRAMS: Record<Role, FakeProgram> = {
  network: networkProgram,
  fleet: fleetProgram,
  router: routerProgram,
  "golden-ami": goldenAmiProgram,
};
