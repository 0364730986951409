// A `PulumiCommand` that replays transcripts of the real CLI (transcripts.ts): each command line the SDK runs
// must be the next one recorded (after the placeholders), and gets what the real CLI answered: its exit code,
// stdout and stderr (a failure wrapped as the SDK's `exec` wraps it), and the engine events it sent on
// `--event-log`.
import { SemVer } from "semver";
import type { EngineEvent, PulumiCommand } from "@pulumi/pulumi/automation";
import { CliExit, CommandResult, execFailure, type CommandResultLike } from "./cliOutcomes";
import { deliverEvents } from "./recordingPulumiCommand";
import { normaliseArgv, transcript, type Scenario, type TranscriptCommand } from "./transcripts";

/**
 * Replays transcripts, in order, as the CLI: `run` checks the command line against the next recorded one and
 * answers as the CLI did. Events go to the SDK's `--event-log` target (its gRPC server, or a file for CLIs up
 * to 3.205), then the command ends.
 */
export class TranscriptCli {
  readonly command = "pulumi";
  readonly version: SemVer;
  readonly commands: TranscriptCommand[];
  private next = 0;
  /** The command lines as the SDK ran them. */
  readonly ran: string[][] = [];

  /** Replay whole scenarios, or the commands given, in order. */
  constructor(
    replayed: Scenario[] | TranscriptCommand[],
    private readonly projectDir?: string,
    /** Placeholders to fill in what the CLI printed, e.g. `{ "<host>": os.hostname() }`. */
    private readonly fill: Record<string, string> = {},
  ) {
    this.commands = replayed.flatMap((item) =>
      typeof item === "string" ? transcript(item).commands : [item],
    );
    this.version = new SemVer(transcript("up").pulumiVersion.replace(/^v/, ""));
  }

  asPulumiCommand(): PulumiCommand {
    return this as unknown as PulumiCommand;
  }

  /** Whether every recorded command was run. */
  get done(): boolean {
    return this.next === this.commands.length;
  }

  async run(args: string[], _cwd: string, _env: Record<string, string>): Promise<CommandResultLike> {
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    this.ran.push([...args]);
    const expected = this.commands[this.next];
    const actual = normaliseArgv(args, this.projectDir);
    if (!expected) throw new Error(`no recorded command left for \`${actual.join(" ")}\``);
    if (JSON.stringify(actual) !== JSON.stringify(expected.argv)) {
      throw new Error(
        `the SDK ran \`${actual.join(" ")}\` where the real CLI was recorded running \`${expected.argv.join(" ")}\``,
      );
    }
    this.next++;
    const target = valueAfter(args, "--event-log");
    if (target && expected.events) await deliver(target, expected.events);
    const [stdout, stderr] = [expected.stdout, expected.stderr].map((text) =>
      Object.entries(this.fill).reduce((out, [from, to]) => out.split(from).join(to), text),
    );
    if (expected.exitCode === 0) return new CommandResult(stdout, stderr, 0);
    throw execFailure(this.command, args, new CliExit(expected.exitCode ?? 1, stderr, stdout));
  }
}

function valueAfter(args: string[], flag: string): string | undefined {
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

async function deliver(target: string, events: EngineEvent[]): Promise<void> {
  await deliverEvents(target, events);
}
