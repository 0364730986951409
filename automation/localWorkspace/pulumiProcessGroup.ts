// `pulumi` in a process group of its own, so that one Ctrl-C reaches it once.
//
// A terminal sends Ctrl-C's SIGINT to its whole foreground process group: the process running Phoenix and,
// spawned as the SDK spawns it, its `pulumi` child. The workflow's AbortSignal then makes the SDK send that
// child a SIGINT of its own (automation/cmd.js `exec`: `signal.addEventListener("abort", () =>
// proc.kill("SIGINT", …))`), and the engine takes any SIGINT after its first as "terminate immediately"
// (pulumi pkg/backend/cancellation_scope.go 64-115 at v3.274.0: "^C received; terminating"), leaving pending
// operations and its lock behind. In a group of its own `pulumi` is out of the terminal's reach: the SDK's
// SIGINT is the one it gets, from Ctrl-C as from `kill -INT <pid>` (which reaches Phoenix alone).
//
// The SDK spawns with fixed options (`execa(command, args, { env, cwd, maxBuffer })`), so `run` below mirrors
// `PulumiCommand.run` and `exec` of @pulumi/pulumi 3.270 automation/cmd.js (lines 140-197) with the same
// execa, adding only `detached: true` (a new session, hence a new process group: Node's `spawn`). execa does
// not stop a detached child when its parent exits (execa 5 lib/kill.js `setExitHandler`), so that part of
// execa's cleanup is done here as execa does it, with the same signal-exit: when Phoenix exits (the second
// Ctrl-C, or a fatal signal), `pulumi` gets SIGTERM, which it takes as its second signal: terminate.
import { createRequire } from "module";
import * as os from "os";
import * as path from "path";
import * as automation from "@pulumi/pulumi/automation";
import type { PulumiCommand } from "@pulumi/pulumi/automation";

type Output = (data: string) => void;

/** What the SDK calls on its `pulumiCommand` (an @internal method, absent from the SDK's typings). */
export interface RunnablePulumiCommand {
  readonly command: string;
  readonly version: PulumiCommand["version"];
  run(
    args: string[],
    cwd: string,
    additionalEnv: Record<string, string>,
    onOutput?: Output,
    onError?: Output,
    signal?: AbortSignal,
  ): Promise<unknown>;
}

interface Spawned extends Promise<{ stdout: string; stderr: string; exitCode: number }> {
  stdout: NodeJS.ReadableStream | null;
  stderr: NodeJS.ReadableStream | null;
  kill(signal?: NodeJS.Signals, options?: { forceKillAfterTimeout?: boolean }): boolean;
}
type Execa = (file: string, args: string[], options: Record<string, unknown>) => Spawned;

// The execa the SDK spawns with, and the signal-exit that execa stops its children with.
const sdkRequire = createRequire(require.resolve("@pulumi/pulumi/automation"));
const execaPath = sdkRequire.resolve("execa");
const execa = sdkRequire(execaPath) as Execa;
const onExit = createRequire(execaPath)("signal-exit") as (handler: () => void) => () => void;

// @internal in the SDK's typings, exported at run time (automation/index.js re-exports cmd.js and errors.js).
const sdk = automation as unknown as {
  CommandResult: new (stdout: string, stderr: string, code: number, err?: Error) => unknown;
  createCommandError(result: unknown): Error;
};

/**
 * The SDK's own `PulumiCommand` (from `PulumiCommand.get()` or `install()`), running every command in a
 * process group of its own. Anything else (a test double, a subclass) is returned as it is, and so is
 * every command on Windows, which has neither process groups nor SIGINT for them.
 */
export function inOwnProcessGroup(command: PulumiCommand): PulumiCommand {
  if (process.platform === "win32" || Object.getPrototypeOf(command) !== automation.PulumiCommand.prototype) {
    return command;
  }
  const file = command.command;
  const own: RunnablePulumiCommand = {
    command: file,
    version: command.version,
    run(args, cwd, additionalEnv, onOutput, onError, signal) {
      // cmd.js 140-157, `PulumiCommand.run`.
      if (!args.includes("--non-interactive")) args.push("--non-interactive");
      const env = { ...additionalEnv };
      if (path.isAbsolute(file)) {
        const sep = os.platform() === "win32" ? ";" : ":";
        env.PATH = path.dirname(file) + sep + (additionalEnv.PATH || process.env.PATH);
      }
      env.PULUMI_AUTOMATION_API = "true";
      return exec(file, args, cwd, env, onOutput, onError, signal);
    },
  };
  return own as unknown as PulumiCommand;
}

/** cmd.js 160-197, `exec`, with `detached: true` and execa's exit handler. */
async function exec(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string>,
  onOutput?: Output,
  onError?: Output,
  signal?: AbortSignal,
): Promise<unknown> {
  const unknownErrCode = -2;
  try {
    const proc = execa(command, args, { env, cwd, maxBuffer: Infinity, detached: true });
    const stopOnExit = onExit(() => void proc.kill());
    try {
      if (onError && proc.stderr) proc.stderr.on("data", (data: Buffer) => onError(data.toString()));
      if (onOutput && proc.stdout) proc.stdout.on("data", (data: Buffer) => onOutput(data.toString()));
      signal?.addEventListener("abort", () => void proc.kill("SIGINT", { forceKillAfterTimeout: false }));
      const { stdout, stderr, exitCode } = await proc;
      const commandResult = new sdk.CommandResult(stdout, stderr, exitCode);
      if (exitCode !== 0) throw sdk.createCommandError(commandResult);
      return commandResult;
    } finally {
      stopOnExit();
    }
  } catch (err) {
    const error = err as Error;
    throw sdk.createCommandError(new sdk.CommandResult("", error.message, unknownErrCode, error));
  }
}
