// Owned by the CLI engineer. Library engineers: report needs instead of editing.
// The `phoenix` workflow commands on the blue/green library (automation/): one module per command under
// workflows/, the shared frame (options, confirmation, Ctrl-C, progress, exit codes) in cli/workflows/.
import type { Command } from "commander";
import type { CliIo } from "../io";
import { registerAmi } from "./workflows/ami";
import { registerBake } from "./workflows/bake";
import { registerBootstrap } from "./workflows/bootstrap";
import { registerDestroy } from "./workflows/destroy";
import { registerDrift } from "./workflows/drift";
import { registerHeal } from "./workflows/heal";
import { registerHistory } from "./workflows/history";
import { registerRelease } from "./workflows/release";
import { registerRollback } from "./workflows/rollback";
import { registerStatus } from "./workflows/status";
import { registerSwap } from "./workflows/swap";
import { registerUp } from "./workflows/up";

/** In the order of a release: bootstrap, bake, up, swap, rollback, destroy; then inspection and repair. */
const WORKFLOW_COMMANDS = [
  registerBootstrap,
  registerBake,
  registerUp,
  registerSwap,
  registerRelease,
  registerRollback,
  registerDestroy,
  registerStatus,
  registerHistory,
  registerDrift,
  registerHeal,
  registerAmi,
];

export function registerWorkflows(program: Command, io: CliIo): void {
  for (const register of WORKFLOW_COMMANDS) register(program, io);
}
