// The `phoenix` command: parse, call the library, render. Nothing here calls process.exit mid-flight.
import { Command, CommanderError } from "commander";
import { COMMANDS } from "./commands";
import { CliError, EXIT } from "./exitCodes";
import { processIo, type CliIo } from "./io";

import { packageVersion } from "./packageInfo";

/** The command tree, writing through `io` (tests pass an in-memory one). */
export function buildProgram(io: CliIo = processIo): Command {
  const program = new Command("phoenix")
    .description(
      "Immutable infrastructure on AWS with Pulumi: golden AMIs, immutable fleets, blue/green releases.",
    )
    .version(packageVersion())
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: io.stdout, writeErr: io.stderr });
  for (const register of COMMANDS) register(program, io);
  return program;
}

/** Run the CLI on `argv` (without node and script) and return the exit code. */
export async function runCli(argv: string[], io: CliIo = processIo): Promise<number> {
  try {
    await buildProgram(io).parseAsync(argv, { from: "user" });
    return EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end here with code 0; usage errors have already been printed.
      return error.exitCode === 0 ? EXIT.ok : EXIT.badInput;
    }
    if (error instanceof CliError) {
      io.stderr(`phoenix: ${error.message}\n`);
      return error.exitCode;
    }
    io.stderr(`phoenix: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return EXIT.failed;
  }
}

/** Entry point of bin/phoenix.js. */
export function main(): void {
  // `phoenix … | head` closes the pipe early: the reader has all it wanted, which is not an error.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  runCli(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`phoenix: ${String(error)}\n`);
      process.exitCode = EXIT.failed;
    },
  );
}
