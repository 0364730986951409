// A `PulumiCommand` double for contract tests of the LocalWorkspace adapter without a Pulumi CLI.
//
// The Automation API turns every call into a `pulumi` command line and hands it to
// `PulumiCommand.run(args, cwd, env, onOutput, onError, signal)` (an @internal method the SDK calls on
// whatever `pulumiCommand` the workspace was given), then parses what comes back: stdout JSON for
// `stack output`, `stack history`, `stack ls`, `config`; engine events from the `--event-log` target for
// preview/up/refresh/destroy (a file of JSON lines for CLIs up to 3.205, a gRPC `Events` stream on
// `tcp://127.0.0.1:<port>` above); error classes from stderr text. This double records each call and
// answers like the CLI, from a small in-memory backend (stacks, config, outputs, history).
//
// What it cannot do is run the program: with an inline program the SDK serves it as a language runtime on
// `--client=127.0.0.1:<port>`, and only a real engine (resource monitor, providers) can execute it. The
// double checks that the runtime answers there (`GetRequiredPlugins`, as the engine does first) and records
// that; the contract under test is the command line and the parsing of results and events.
import * as fs from "fs";
import * as grpc from "@grpc/grpc-js";
import { SemVer } from "semver";
import type { EngineEvent, OutputValue, PulumiCommand } from "@pulumi/pulumi/automation";
import { EventsClient } from "@pulumi/pulumi/proto/events_grpc_pb";
import { EventRequest } from "@pulumi/pulumi/proto/events_pb";
import { LanguageRuntimeClient } from "@pulumi/pulumi/proto/language_grpc_pb";
import { GetRequiredPluginsRequest } from "@pulumi/pulumi/proto/language_pb";
import {
  cancelledOperation,
  changesProposedStderr,
  CliExit,
  CommandResult,
  engineSummary,
  execFailure,
  execKilled,
  EXIT,
  policyPackSummary,
  stackNotFoundStderr,
  type CommandResultLike,
} from "./cliOutcomes";
import { eventsOf, recorded } from "./transcripts";

export type Operation = "preview" | "up" | "refresh" | "destroy";

/** One `run` call as the SDK made it. */
export interface RecordedCommand {
  args: string[];
  cwd: string;
  env: Record<string, string>;
  /** Whether the SDK passed an AbortSignal. */
  hadSignal: boolean;
  /** For engine operations with `--client`: the inline program's language runtime answered there. */
  programReachable?: boolean;
  /** For engine operations: how the events were delivered. */
  eventDelivery?: "file" | "grpc" | "none";
}

/**
 * A command line the test wants to fail, with the CLI's exit code (default 1, unclassified) and what it
 * printed. A failed engine operation (a resource error, a policy violation, a hook) prints its diagnostics on
 * stdout and nothing on stderr (transcripts hook-failure, policy-violation): see `operationFailure`.
 */
export interface ScriptedFailure {
  code?: number;
  stderr: string;
  stdout?: string;
  /** A failure inside the engine (not before it, as a lock or a missing stack): the operation still streams
   * its events, as the real CLI does (transcript hook-failure): the resource's error diagnostic, "update
   * failed", a failed summary and the closing cancelEvent. */
  engine?: { urn: string; message: string };
}

/** How the real CLI fails an update whose resource step failed (transcript hook-failure: exit 1, stdout). */
export function operationFailure(
  stack: string,
  urnName: string,
  message: string,
  urn = `urn:pulumi:${stack}::phoenix::unknown::${urnName}`,
): ScriptedFailure {
  return {
    engine: { urn, message },
    code: EXIT.error,
    stderr: "",
    stdout: [
      `Updating (${stack}):`,
      "",
      "Diagnostics:",
      `  ${urnName}:`,
      `    error: ${message}`,
      "",
      `  pulumi:pulumi:Stack (phoenix-${stack}):`,
      "    error: update failed",
      "",
    ].join("\n"),
  };
}

export interface RecordingPulumiCommandOptions {
  /** Version the CLI reports. Above 3.205.0 the SDK receives events over gRPC instead of a file.
   * @default "3.205.0" */
  version?: string;
  /** Stacks that exist before the test. */
  stacks?: string[];
  /** Engine events an operation reports (sequence and timestamp are filled in). */
  events?: (operation: Operation, stack: string, args: string[]) => EngineEvent[];
  /** Outputs a successful `up` leaves on the stack. */
  outputsAfterUp?: (stack: string) => Record<string, OutputValue>;
  /** Return a failure to make that command line exit non-zero. */
  failWhen?: (args: string[]) => ScriptedFailure | undefined;
  /** Keep the command running until its signal aborts it; an engine operation then ends as the CLI ends a
   * graceful cancel (see cancelledOperation in cliOutcomes.ts). */
  hangWhen?: (args: string[]) => boolean;
  /** How `stack ls` names a stack. @default the short name: a DIY backend elides the organization and the
   * project for the current project's stacks (pkg/backend/diy/backend.go:151-175) */
  listedName?: (stack: string) => string;
  /** Plays the engine for preview/up/refresh/destroy (events and the outputs an `up` leaves); when given,
   * it replaces `events` and `outputsAfterUp`. */
  model?: EngineModel;
}

/** What the double knows of a stack when it plays an operation. */
export interface ModelContext {
  operation: Operation;
  stack: string;
  /** `key → value` of the stack config (`phoenix:role` …). */
  config: Record<string, string>;
  /** Plain output values of another stack, undefined when it has none. */
  outputsOf(stack: string): Record<string, unknown> | undefined;
  /** True for preview and `--preview-only`: nothing may change. */
  previewOnly: boolean;
  /** `--refresh` (preview, up): read the cloud into the state first. */
  refresh: boolean;
}

export interface EngineModel {
  play(context: ModelContext): { events: EngineEvent[]; outputs?: Record<string, unknown> };
}

interface FakeStack {
  config: Record<string, { value: string; secret: boolean }>;
  outputs: Record<string, OutputValue>;
  history: Record<string, unknown>[];
}

export class RecordingPulumiCommand {
  readonly command = "pulumi";
  readonly version: SemVer;
  readonly calls: RecordedCommand[] = [];
  readonly stacks = new Map<string, FakeStack>();
  private currentStack: string | undefined;

  constructor(private readonly options: RecordingPulumiCommandOptions = {}) {
    this.version = new SemVer(options.version ?? "3.205.0");
    for (const name of options.stacks ?? []) this.stacks.set(name, emptyStack());
  }

  /** The double, typed as what LocalWorkspace accepts (its class has a private constructor). */
  asPulumiCommand(): PulumiCommand {
    return this as unknown as PulumiCommand;
  }

  /** Recorded calls whose leading words are `words` (e.g. `"stack", "output"`). */
  callsOf(...words: string[]): RecordedCommand[] {
    return this.calls.filter((call) => words.every((word, i) => call.args[i] === word));
  }

  async run(
    args: string[],
    cwd: string,
    env: Record<string, string>,
    onOutput?: (data: string) => void,
    _onError?: (data: string) => void,
    signal?: AbortSignal,
  ): Promise<CommandResultLike> {
    // What the SDK's own `PulumiCommand.run` does first (@pulumi/pulumi automation/cmd.js, `run`): every
    // command runs non-interactive, so that it fails instead of prompting. It appends to the caller's array.
    if (!args.includes("--non-interactive")) args.push("--non-interactive");
    const call: RecordedCommand = { args: [...args], cwd, env: { ...env }, hadSignal: signal !== undefined };
    this.calls.push(call);
    try {
      const failure = this.options.failWhen?.(args);
      if (failure) {
        if (failure.engine) await this.failedOperationEvents(args, failure.engine);
        throw new CliExit(failure.code ?? EXIT.error, failure.stderr, failure.stdout);
      }
      if (this.options.hangWhen?.(args)) {
        await untilAborted(signal);
        throw await this.interrupted(args);
      }
      const answer = await this.answer(args, call, onOutput);
      const { stdout, stderr } = typeof answer === "string" ? { stdout: answer, stderr: "" } : answer;
      return new CommandResult(stdout, stderr, 0);
    } catch (error) {
      if (error instanceof CliExit) throw execFailure(this.command, args, error);
      throw error;
    }
  }

  /** An aborted command: an engine operation cancels gracefully, sends the engine's cancel events and leaves
   * a failed update in the history (as the real CLI did); any other command dies of the signal. */
  private async interrupted(args: string[]): Promise<CliExit | Error> {
    const operation = args[0];
    if (!["preview", "up", "refresh", "destroy"].includes(operation)) return execKilled(this.command, args);
    const name = valueOf(args, "--stack");
    const previewOnly = operation === "preview" || args.includes("--preview-only");
    const { events, exit } = cancelledOperation(name, previewOnly, valuesOf(args, "--policy-pack"));
    const numbered = events.map((event, i) => ({ ...event, sequence: i, timestamp: nowSeconds() }));
    await deliverEvents(valueOf(args, "--event-log", ""), numbered);
    const stack = this.stacks.get(name);
    if (stack && !previewOnly) {
      const now = new Date().toISOString();
      stack.history.push({
        version: stack.history.length + 1,
        kind: operation === "up" ? "update" : operation,
        startTime: now,
        endTime: now,
        message: valueOf(args, "--message", ""),
        environment: { "exec.kind": valueOf(args, "--exec-kind", "") },
        config: stack.config,
        result: "failed",
        resourceChanges: {},
      });
    }
    return exit;
  }

  /** The events of an operation that failed in the engine, from the transcript hook-failure. */
  private async failedOperationEvents(
    args: string[],
    failed: { urn: string; message: string },
  ): Promise<void> {
    const target = valueOf(args, "--event-log", "");
    if (!target || !["preview", "up", "refresh", "destroy"].includes(args[0])) return;
    const previewOnly = args[0] === "preview" || args.includes("--preview-only");
    const stack = this.stacks.get(valueOf(args, "--stack")) ?? emptyStack();
    const recordedEvents = eventsOf(recorded("hook-failure", ["up"], 1), "tx-hook", valueOf(args, "--stack"));
    const kept = recordedEvents.flatMap((event): EngineEvent[] => {
      const diagnostic = event.diagnosticEvent;
      if (diagnostic?.severity === "error" && diagnostic.urn) {
        return [
          { ...event, diagnosticEvent: { ...diagnostic, urn: failed.urn, message: `${failed.message}\n` } },
        ];
      }
      if (diagnostic?.severity === "error" || event.cancelEvent) return [event];
      if (event.summaryEvent) {
        const { PolicyPacks: _packs, ...rest } = event.summaryEvent as unknown as Record<string, unknown>;
        const summaryEvent = engineSummary(rest, previewOnly, "failed");
        return [{ ...event, summaryEvent: { ...summaryEvent, resourceChanges: {} } }];
      }
      return [];
    });
    const events = asTheEngineSends(
      [{ sequence: 0, timestamp: 0, preludeEvent: { config: {} } }, ...kept],
      stack,
      args,
      previewOnly,
    );
    await deliverEvents(target, events);
  }

  private async answer(
    args: string[],
    call: RecordedCommand,
    onOutput?: (data: string) => void,
  ): Promise<string | { stdout: string; stderr: string }> {
    const [first, second] = args;
    if (first === "stack" && second === "select") return this.select(valueOf(args, "--stack"));
    if (first === "stack" && second === "init") return this.init(args[2]);
    if (first === "stack" && second === "ls") return this.list();
    if (first === "stack" && second === "rm") return this.remove(args);
    if (first === "stack" && second === "output") return this.outputs(args);
    if (first === "stack" && second === "history") return this.history(args);
    if (first === "config" && second === "set-all") return this.setAll(args);
    if (first === "config") return this.getAll(args);
    if (first === "preview" || first === "up" || first === "refresh" || first === "destroy") {
      return this.operate(first, args, call, onOutput);
    }
    // A DIY backend's cancel deletes the stack's lock files (pkg/backend/diy/backend.go CancelCurrentUpdate) and
    // prints pkg/cmd/pulumi/cancel/cancel.go:90 (v3.274.0).
    if (first === "cancel")
      return `The currently running update for '${valueOf(args, "--stack")}' has been canceled!\n`;
    fail(`error: unknown command "${args.join(" ")}"`);
  }

  private select(name: string): string {
    if (!this.stacks.has(name)) fail(stackNotFoundStderr(name), EXIT.stackNotFound);
    this.currentStack = name;
    return "";
  }

  private init(name: string): { stdout: string; stderr: string } {
    // The CLI names the stack fully here (backenderr.StackAlreadyExistsError of the DIY reference).
    if (this.stacks.has(name)) fail(`error: stack 'organization/phoenix/${name}' already exists`);
    this.stacks.set(name, emptyStack());
    this.currentStack = name;
    // On stderr, as recorded (transcript stack-init); execa strips the final newline.
    return { stdout: "", stderr: `Created stack '${name}'` };
  }

  /**
   * `stack ls --json` of a DIY backend (pkg/cmd/pulumi/stack/stack_list.go:210-212 sorts by name, :240-275 the
   * rows): short names for the current project, no `url` (Pulumi Cloud only) and no `updateInProgress` (a DIY
   * backend does not support progress, diy/backend.go:823). Real CLI v3.274.0:
   * `[{"name": "shop-dev-blue", "current": false, "lastUpdate": "2026-12-02T23:08:20.080Z", "resourceCount": 0}, …]`
   * (transcript stack-ls, pretty-printed). `resourceCount` is what the last successful update left: the
   * double counts its steps other than deletes.
   */
  private list(): string {
    const rows = [...this.stacks.keys()].sort().map((name) => {
      const last = this.stacks
        .get(name)
        ?.history.filter((entry) => entry.result === "succeeded")
        .at(-1);
      const changes = (last?.resourceChanges ?? {}) as Record<string, number>;
      return {
        name: this.options.listedName?.(name) ?? name,
        current: name === this.currentStack,
        lastUpdate: this.stacks.get(name)?.history.at(-1)?.endTime,
        resourceCount: Object.entries(changes).reduce(
          (sum, [op, n]) => (op === "delete" || op === "discard" ? sum : sum + n),
          0,
        ),
      };
    });
    return JSON.stringify(rows, null, 2);
  }

  private remove(args: string[]): string {
    const name = args.filter((arg) => !arg.startsWith("--")).slice(2)[0];
    const stack = this.stacks.get(name);
    if (!stack) fail(stackNotFoundStderr(name), EXIT.stackNotFound);
    if (Object.keys(stack.outputs).length > 0 && !args.includes("--force")) {
      fail(`error: '${name}' still has resources; removal rejected. Possible actions: …`);
    }
    this.stacks.delete(name);
    return `Stack '${name}' has been removed!`;
  }

  private outputs(args: string[]): string {
    const stack = this.stackOf(args);
    const showSecrets = args.includes("--show-secrets");
    const shown = Object.entries(stack.outputs).map(([key, output]) => [
      key,
      output.secret && !showSecrets ? "[secret]" : output.value,
    ]);
    return JSON.stringify(Object.fromEntries(shown));
  }

  private history(args: string[]): string {
    const stack = this.stackOf(args);
    const pageSize = Number(valueOf(args, "--page-size", "0"));
    const newestFirst = [...stack.history].reverse();
    return JSON.stringify(pageSize > 0 ? newestFirst.slice(0, pageSize) : newestFirst);
  }

  private setAll(args: string[]): string {
    const stack = this.stackOf(args);
    for (let i = 0; i < args.length; i++) {
      if (args[i] !== "--plaintext" && args[i] !== "--secret") continue;
      const pair = args[i + 1];
      const eq = pair.indexOf("=");
      stack.config[pair.slice(0, eq)] = { value: pair.slice(eq + 1), secret: args[i] === "--secret" };
    }
    return "";
  }

  private getAll(args: string[]): string {
    const stack = this.stackOf(args);
    return JSON.stringify(stack.config);
  }

  private async operate(
    operation: Operation,
    args: string[],
    call: RecordedCommand,
    onOutput?: (data: string) => void,
  ): Promise<string> {
    const name = valueOf(args, "--stack");
    const stack = this.stackOf(args);
    const client = args.find((arg) => arg.startsWith("--client="));
    if (client) call.programReachable = await languageRuntimeAnswers(client.slice("--client=".length));
    const previewOnly = operation === "preview" || args.includes("--preview-only");
    const played = this.options.model?.play({
      operation,
      stack: name,
      config: Object.fromEntries(Object.entries(stack.config).map(([key, entry]) => [key, entry.value])),
      outputsOf: (other) => {
        const outputs = this.stacks.get(other)?.outputs;
        if (!outputs || Object.keys(outputs).length === 0) return undefined;
        return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
      },
      previewOnly,
      refresh: args.includes("--refresh"),
    });
    const scripted =
      played?.events ?? this.options.events?.(operation, name, args) ?? defaultEvents(operation);
    const events = asTheEngineSends(scripted, stack, args, previewOnly);
    call.eventDelivery = await deliverEvents(valueOf(args, "--event-log", ""), events);
    onOutput?.(`${operation} of ${name}: done\n`);
    if (!previewOnly) {
      const summary = events.find((event) => event.summaryEvent)?.summaryEvent;
      if (operation === "up" && played) {
        stack.outputs = Object.fromEntries(
          Object.entries(played.outputs ?? {}).map(([key, value]) => [key, { value, secret: false }]),
        );
      } else if (operation === "up") stack.outputs = this.options.outputsAfterUp?.(name) ?? {};
      if (operation === "destroy") stack.outputs = {};
      const now = new Date().toISOString();
      stack.history.push({
        version: stack.history.length + 1,
        kind: operation === "up" ? "update" : operation,
        startTime: now,
        endTime: now,
        message: valueOf(args, "--message", ""),
        environment: { "exec.kind": valueOf(args, "--exec-kind", "") },
        config: stack.config,
        result: "succeeded",
        resourceChanges: summary?.resourceChanges ?? {},
      });
    }
    // After the operation (a refresh or update is applied, the events sent), like the CLI: any op but same or
    // a read fails `--expect-no-changes` with exit code 7 (pulumi v3.260 pkg/cmd/pulumi/operations/refresh.go:371,
    // pkg/engine/update.go:531 HasChanges, pkg/backend/backenderr/backenderr.go:241, pkg/cmd/pulumi/cmd/exit_codes.go:107).
    const changes = events.find((event) => event.summaryEvent)?.summaryEvent?.resourceChanges ?? {};
    if (
      args.includes("--expect-no-changes") &&
      Object.entries(changes).some(([op, n]) => !/^(same|read)/.test(op) && n > 0)
    ) {
      // Exit 7 and the message on stderr (transcript refresh-drift), wrapped by `run` as exec wraps it.
      const named = operation === "up" ? "update" : operation;
      throw new CliExit(
        EXIT.changesProposed,
        changesProposedStderr(named),
        `${operation} of ${name}: done\n`,
      );
    }
    return `${operation} of ${name}: done\n`;
  }

  private stackOf(args: string[]): FakeStack {
    const name = valueOf(args, "--stack");
    const stack = this.stacks.get(name);
    if (!stack) fail(`error: no stack named '${name}' found`, EXIT.stackNotFound);
    return stack;
  }
}

/**
 * The scripted events as the real CLI streams them (transcripts preview, up, refresh-*, destroy): numbered from
 * 0; with policy packs, a `policyLoadEvent` first and the packs in the summary's `PolicyPacks`; the prelude's
 * config is the stack's (secrets shown as "[secret]"); a `cancelEvent` ends every stream.
 */
function asTheEngineSends(
  scripted: EngineEvent[],
  stack: FakeStack,
  args: string[],
  previewOnly: boolean,
): EngineEvent[] {
  const packs = valuesOf(args, "--policy-pack");
  const config = Object.fromEntries(
    Object.entries(stack.config).map(([key, entry]) => [key, entry.secret ? "[secret]" : entry.value]),
  );
  // `policyLoadEvent` (and the policy summaries) are sent by the CLI but missing from the SDK's EngineEvent type.
  const loads = scripted.some((event) => "policyLoadEvent" in event);
  const events: Record<string, unknown>[] = [
    ...(packs.length > 0 && !loads ? [{ policyLoadEvent: {} }] : []),
    ...scripted.map((event) => {
      const { sequence: _sequence, timestamp: _timestamp, ...rest } = event;
      if (rest.preludeEvent && Object.keys(rest.preludeEvent.config ?? {}).length === 0) {
        return { ...rest, preludeEvent: { config } };
      }
      if (rest.preludeEvent) {
        // A model plays the program with the plain config; the CLI shows the stack's secrets as "[secret]".
        const shown = Object.entries(rest.preludeEvent.config ?? {}).map(([key, value]) => [
          key,
          stack.config[key]?.secret ? "[secret]" : value,
        ]);
        return { ...rest, preludeEvent: { config: Object.fromEntries(shown) } };
      }
      if (rest.summaryEvent) {
        const given = rest.summaryEvent as NonNullable<EngineEvent["summaryEvent"]> & {
          PolicyPacks?: Record<string, string>;
        };
        const hasPacks = Object.keys(given.PolicyPacks ?? given.policyPacks ?? {}).length > 0;
        const summaryEvent = engineSummary(
          hasPacks ? given : { ...given, PolicyPacks: policyPackSummary(packs) },
          previewOnly,
          (given as { result?: string }).result,
        );
        return { ...rest, summaryEvent };
      }
      return rest;
    }),
    ...(scripted.some((event) => event.cancelEvent) ? [] : [{ cancelEvent: {} }]),
  ];
  return events.map((event, i) => ({ ...event, sequence: i, timestamp: nowSeconds() }) as EngineEvent);
}

/** The value after `flag` (`--stack x`) or of `flag=value`. */
export function valueOf(args: string[], flag: string, fallback?: string): string {
  const at = args.lastIndexOf(flag);
  if (at >= 0 && at + 1 < args.length) return args[at + 1];
  const joined = args.find((arg) => arg.startsWith(`${flag}=`));
  if (joined) return joined.slice(flag.length + 1);
  if (fallback !== undefined) return fallback;
  throw new Error(`command line has no ${flag}: ${args.join(" ")}`);
}

/** Every value of a repeated flag (`--policy-pack a --policy-pack b`). */
export function valuesOf(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag && i + 1 < args.length ? [args[i + 1]] : []));
}

/** End the command as the CLI would: `run` turns this into the error the SDK's `exec` throws. */
function fail(stderr: string, exitCode: number = EXIT.error): never {
  throw new CliExit(exitCode, stderr);
}

function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}

function emptyStack(): FakeStack {
  return { config: {}, outputs: {}, history: [] };
}

function defaultEvents(operation: Operation): EngineEvent[] {
  return [
    { sequence: 0, timestamp: 0, preludeEvent: { config: {} } },
    {
      sequence: 0,
      timestamp: 0,
      summaryEvent: summary(operation === "destroy" ? { delete: 1 } : { same: 1 }),
    },
  ];
}

/** A successful operation's summary, as the CLI serialises it (the double sets `isPreview` when it plays it). */
export function summary(resourceChanges: Record<string, number>): NonNullable<EngineEvent["summaryEvent"]> {
  return engineSummary({ resourceChanges }, false);
}

export async function deliverEvents(
  target: string,
  events: EngineEvent[],
): Promise<RecordedCommand["eventDelivery"]> {
  if (!target) return "none";
  if (target.startsWith("tcp://")) {
    await streamEvents(target.slice("tcp://".length), events);
    return "grpc";
  }
  // The SDK tails this file (polling) and reads the rest when the command returns.
  fs.appendFileSync(target, events.map((event) => `${JSON.stringify(event)}\n`).join(""));
  return "file";
}

function streamEvents(address: string, events: EngineEvent[]): Promise<void> {
  const client = new EventsClient(address, grpc.credentials.createInsecure());
  return new Promise<void>((resolve, reject) => {
    const call = client.streamEvents((error) => {
      client.close();
      if (error) reject(error);
      else resolve();
    });
    for (const event of events) call.write(new EventRequest().setEvent(JSON.stringify(event)));
    call.end();
  });
}

function languageRuntimeAnswers(address: string): Promise<boolean> {
  const client = new LanguageRuntimeClient(address, grpc.credentials.createInsecure());
  return new Promise<boolean>((resolve) => {
    client.getRequiredPlugins(
      new GetRequiredPluginsRequest(),
      new grpc.Metadata(),
      { deadline: Date.now() + 5000 },
      (error) => {
        client.close();
        resolve(!error);
      },
    );
  });
}

/** Resolves when the SDK aborts the command (it sends SIGINT then: automation/cmd.js). */
function untilAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve) => {
    if (!signal) return; // nothing will ever end it: the test's own timeout reports the hang
    if (signal.aborted) resolve();
    else signal.addEventListener("abort", () => resolve(), { once: true });
  });
}
