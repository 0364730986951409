// The recorded transcripts of the real Pulumi CLI (test/fixtures/transcripts, `npm run record:transcripts`):
// what the CLI printed, its exit code and engine events per command line. The recording double
// (recordingPulumiCommand.ts, cliOutcomes.ts) takes its outcomes from here, and transcriptCli.ts replays them.
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";

export const TRANSCRIPTS_DIR = path.resolve(__dirname, "..", "..", "fixtures", "transcripts");
export const REPO_ROOT = path.resolve(__dirname, "..", "..", "..");

export interface TranscriptCommand {
  argv: string[];
  exitCode: number | null;
  /** Set when the CLI died of a signal instead of exiting. */
  signal?: string;
  stdout: string;
  stderr: string;
  /** What the SDK made of a failure (its error class), for the reader; tests derive it by replaying. */
  sdkError?: string;
  /** The engine events of preview/up/refresh/destroy, in the order the SDK received them. */
  events?: EngineEvent[];
}

export interface Transcript {
  scenario: string;
  description: string;
  pulumiVersion: string;
  provider: string;
  commands: TranscriptCommand[];
}

export type Scenario =
  | "stack-init"
  | "config"
  | "preview"
  | "up"
  | "stack-ls"
  | "stack-select"
  | "refresh-no-drift"
  | "preview-refresh-drift"
  | "refresh-drift"
  | "destroy"
  | "stack-rm"
  | "missing-stack"
  | "policy-violation"
  | "hook-failure"
  | "locked-stack"
  | "cancel"
  | "cancel-preview"
  | "stale-lock";

const cache = new Map<string, Transcript>();

export function transcript(scenario: Scenario): Transcript {
  let loaded = cache.get(scenario);
  if (!loaded) {
    loaded = JSON.parse(
      fs.readFileSync(path.join(TRANSCRIPTS_DIR, `${scenario}.json`), "utf8"),
    ) as Transcript;
    cache.set(scenario, loaded);
  }
  return loaded;
}

/** The `index`-th recorded command of a scenario whose argv starts with `words` (e.g. "stack", "select"). */
export function recorded(scenario: Scenario, words: string[], index = 0): TranscriptCommand {
  const found = transcript(scenario).commands.filter((c) => words.every((word, i) => c.argv[i] === word));
  const command = found[index];
  if (!command) throw new Error(`transcript ${scenario} has no command \`${words.join(" ")}\` #${index}`);
  return command;
}

/** Every recorded stack name replaced by `to` (transcripts name their stacks `tx-…`). */
export function renameStack(text: string, from: string, to: string): string {
  return text.split(from).join(to);
}

/** A command line as the transcripts write it: the placeholders of record-transcripts.ts. */
export function normaliseArgv(args: string[], projectDir?: string): string[] {
  return args.map((arg) => {
    let out = arg.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>");
    if (projectDir) out = out.split(projectDir).join("<project>");
    return out.split(REPO_ROOT).join("<repo>");
  });
}

/** The events of a recorded command, with the recorded stack's name replaced. */
export function eventsOf(command: TranscriptCommand, from?: string, to?: string): EngineEvent[] {
  const events = command.events ?? [];
  if (from === undefined || to === undefined) return structuredClone(events);
  return JSON.parse(renameStack(JSON.stringify(events), from, to)) as EngineEvent[];
}
