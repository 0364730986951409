// Every `phoenix` subcommand registers itself here: one line per command module.
import type { Command } from "commander";
import type { CliIo } from "../io";
import { registerCheck } from "./check";
import { registerDemo } from "./demo";
import { registerPlan } from "./plan";
import { registerWorkflows } from "./workflows";

/** Adds one subcommand to the program; actions write through `io` and throw CliError to set the exit code. */
export type RegisterCommand = (program: Command, io: CliIo) => void;

export const COMMANDS: RegisterCommand[] = [registerCheck, registerPlan, registerWorkflows, registerDemo];
