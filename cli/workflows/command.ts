// The frame every workflow command shares: common options, flag checks before any engine call, the
// deployment built lazily through the WorkflowContext, confirmation of destructive runs, Ctrl-C as an
// AbortSignal, progress on stderr, the result on stdout (text, or one JSON document with --json), and
// errors mapped to exit codes in one place.
import { mkdir } from "fs/promises";
import * as path from "path";
import { Option, type Command } from "commander";
import { NotBootstrappedError } from "../../automation/errors";
import type { CallOptions } from "../../automation/events";
import { PHOENIX_DIR, PROJECT_DIR_ENV } from "../../automation/localWorkspace/project";
import { CliError, EXIT, type ExitCode } from "../exitCodes";
import type { CliIo } from "../io";
import { workflowContext, type Deployment, type DeploymentSettings } from "./context";
import { toCliError } from "./errors";
import { FlagParser, type CommonFlags } from "./flags";
import { progressReporter } from "./progress";
import { lookedIn } from "./render";

export type Flags = CommonFlags & Record<string, unknown>;

export interface WorkflowCommandSpec<A, R> {
  name: string;
  summary: string;
  description: string;
  /** Shown under "Examples:" in `--help`. */
  examples: string[];
  /** The command's own options. */
  options?(command: Command): void;
  /** Also take `--keep-warm` / `--health-timeout` (they configure the deployment itself). */
  keepWarm?: boolean;
  healthTimeout?: boolean;
  /** Turn the flags into the library's options, reporting every problem into `parser`. */
  parse(flags: Flags, parser: FlagParser, io: CliIo): A | Promise<A>;
  /**
   * For destructive commands: what this run would destroy or move, as a sentence to confirm ("This moves
   * …"), or undefined when it destroys and moves nothing. May read the deployment's status (it takes no
   * lock and changes nothing); skipped with `--yes`.
   */
  confirm?(deployment: Deployment, args: A, settings: DeploymentSettings): Promise<string | undefined>;
  run(deployment: Deployment, args: A, call: CallOptions): Promise<R>;
  render(result: R, settings: DeploymentSettings): string;
  /** A result that scripts must not take for success (drift found): the message, with exit code 1. */
  problem?(result: R, settings: DeploymentSettings): string | undefined;
  /** Bootstrap: may create the project's `.phoenix/` (in the current directory, or `--project-dir`). */
  createsProject?: boolean;
  /** Workflows report progress; `status` and `history` only read. @default true */
  progress?: boolean;
}

/** The `--json` document: the same envelope for every command, success or failure. */
export type WorkflowDocument<R = unknown> =
  | { command: string; app: string | null; env: string | null; ok: true; result: R; problem?: string }
  | {
      command: string;
      app: string | null;
      env: string | null;
      ok: false;
      exitCode: ExitCode;
      error: { type: string; message: string };
    };

export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

function addCommonOptions(command: Command, spec: WorkflowCommandSpec<unknown, unknown>): void {
  command
    .addOption(new Option("--app <name>", "application name, part of every stack name").env("PHOENIX_APP"))
    .addOption(new Option("--env <name>", "environment name, part of every stack name").env("PHOENIX_ENV"))
    .addOption(
      new Option(
        "--project-dir <dir>",
        "the directory holding .phoenix/ (default: the nearest one at or above the current directory)",
      ).env(PROJECT_DIR_ENV),
    )
    .addOption(
      new Option(
        "--backend <url>",
        "Pulumi state backend: file://, s3://, gs://, azblob://, postgres://, http(s):// " +
          "(default: file://<project-dir>/.phoenix/state)",
      ).env("PULUMI_BACKEND_URL"),
    )
    .addOption(
      new Option(
        "--records <url>",
        "where the lock and deployment records live: file (this machine, in .phoenix/) or " +
          "dynamodb://<table> (shared by every machine; created on first use) (default: file)",
      ).env("PHOENIX_RECORDS"),
    )
    .option("--region <region>", "AWS region of the health checks (default: the AWS SDK's chain)")
    .option("--json", "print one JSON document on stdout instead of text")
    .option("-y, --yes", "do not ask for confirmation (needed without a terminal)");
  if (spec.keepWarm)
    command.option(
      "--keep-warm <duration>",
      "how long a colour that lost the traffic stays the protected rollback target (default 60m)",
    );
  if (spec.healthTimeout)
    command.option(
      "--health-timeout <duration>",
      "deadline for a new fleet to report every target healthy (default 10m)",
    );
}

/** Go on only when confirmed: `--yes`, or a yes on the terminal; `action` says what would change. */
async function confirmed(io: CliIo, flags: Flags, action: string): Promise<void> {
  if (flags.yes) return;
  if (!io.isTTY || !io.confirm) {
    throw new CliError(
      `Not confirmed: ${action}. There is no terminal to ask on: pass --yes to confirm. Nothing was changed.`,
      EXIT.aborted,
    );
  }
  if (!(await io.confirm(`${action[0].toUpperCase()}${action.slice(1)}. Continue?`)))
    throw new CliError("Not confirmed: nothing was changed.", EXIT.aborted);
}

function print(io: CliIo, document: WorkflowDocument): void {
  io.stdout(`${JSON.stringify(document, null, 2)}\n`);
}

/**
 * The CliError a command ends with; after Ctrl-C, whatever the workflow ended with is an interruption. "Not
 * bootstrapped" names where it looked: a wrong directory or backend is the usual reason.
 */
function failure(caught: unknown, interrupted: boolean, settings: DeploymentSettings | undefined): CliError {
  let mapped = toCliError(caught);
  if (caught instanceof NotBootstrappedError && settings) {
    mapped = new CliError(`${mapped.message} (${lookedIn(settings)})`, mapped.exitCode);
  }
  if (!interrupted || mapped.exitCode === EXIT.aborted || caught instanceof CliError) return mapped;
  return new CliError(`Interrupted: ${mapped.message}`, EXIT.aborted);
}

export function registerWorkflowCommand<A, R>(
  program: Command,
  io: CliIo,
  spec: WorkflowCommandSpec<A, R>,
): void {
  const command = program.command(spec.name).summary(spec.summary).description(spec.description);
  addCommonOptions(command, spec as WorkflowCommandSpec<unknown, unknown>);
  spec.options?.(command);
  command.addHelpText("after", `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join("\n")}\n`);
  command.action(async (flags: Flags) => {
    const json = Boolean(flags.json);
    const envelope = { command: spec.name, app: flags.app ?? null, env: flags.env ?? null };
    const controller = new AbortController();
    let stopListening: (() => void) | undefined;
    let progress: ReturnType<typeof progressReporter> | undefined;
    let printed = false;
    let settings: DeploymentSettings | undefined;
    try {
      const parser = new FlagParser();
      settings = parser.settings(flags, { createsProject: spec.createsProject === true });
      const args = await spec.parse(flags, parser, io);
      parser.done();
      // Only bootstrap starts a project: its `.phoenix/` in the current directory (or --project-dir).
      if (spec.createsProject) await mkdir(path.join(settings.projectDir, PHOENIX_DIR), { recursive: true });
      const context = workflowContext();
      const deployment = await context.createDeployment(settings);
      const action = spec.confirm ? await spec.confirm(deployment, args, settings) : undefined;
      if (action) await confirmed(io, flags, action);
      if (spec.progress !== false) progress = progressReporter(io);
      stopListening = context.onInterrupt((presses) => {
        if (presses === 1) {
          progress?.note(
            "Interrupted: stopping at the next safe point and undoing what this workflow started " +
              "(Ctrl-C again quits at once; the next workflow then finishes the undo).",
          );
          controller.abort(new Error("interrupted (Ctrl-C)"));
        } else if (presses === 2) {
          const text =
            "Interrupted again: quitting now, without finishing the undo. What this workflow changed stays " +
            "as it is until the next workflow completes or undoes it (`phoenix status` shows it); a Pulumi " +
            "command cut short may leave pending operations in its stack, which Pulumi reports on its next run.";
          if (progress) progress.note(text);
          else io.stderr(`${text}\n`);
        }
      });
      const result = await spec.run(deployment, args, {
        signal: controller.signal,
        onProgress: progress?.listener,
      });
      progress?.stop();
      const problem = spec.problem?.(result, settings);
      if (json) print(io, { ...envelope, ok: true, result, ...(problem ? { problem } : {}) });
      else io.stdout(spec.render(result, settings));
      printed = true;
      if (problem) throw new CliError(problem, EXIT.failed);
    } catch (caught) {
      progress?.stop();
      const error = failure(caught, controller.signal.aborted, settings);
      // A result with a problem (drift) has printed its document already; every failure prints one here.
      if (json && !printed) {
        const type = caught instanceof Error ? caught.name : "Error";
        print(io, {
          ...envelope,
          ok: false,
          exitCode: error.exitCode,
          error: { type, message: error.message },
        });
      }
      throw error;
    } finally {
      stopListening?.();
    }
  });
}
