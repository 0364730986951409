// The real role programs as MemoryEngine runs them: synchronously (each engine call is atomic, and its program
// interface is a plain function), on the program worker (programWorker.ts: the mock runtime of
// `phoenix plan --offline`, kept out of this thread's Pulumi SDK), and memoized. A run is keyed by role, stack
// and config, and reused while every stack output it read through a StackReference is unchanged: the tests
// run programs thousands of times, over a few dozen distinct inputs.
import * as path from "path";
import { MessageChannel, Worker, type MessagePort } from "worker_threads";
import { canonicalJson } from "../../components/immutability/identity";
import type { Role } from "../../programs/contract";
import { receive, send, type FromWorker, type ProgramRun } from "./programProtocol";

export type { ProgramResource, ProgramRun } from "./programProtocol";

export interface ProgramContext {
  stack: string;
  /** `phoenix:*` config without the namespace: `{ role: "fleet", colour: "blue", … }`. */
  config: Record<string, string>;
  /** Outputs of another stack of the project (what a StackReference reads); undefined when it has none. */
  stackOutputs(name: string): Record<string, unknown> | undefined;
}

interface Memo {
  /** Each stack the run read, with its outputs then (canonical JSON). */
  reads: Array<[stack: string, outputs: string]>;
  outcome: { result: ProgramRun } | { error: string };
}

/** Generous: the first run also starts the worker (loading the Pulumi SDK, compiling TypeScript under ts-node). */
const ANSWER_TIMEOUT_MS = 120_000;
/** Distinct runs kept; the whole test suite needs a few dozen. */
const MEMO_LIMIT = 500;

const memo = new Map<string, Memo[]>();
let connection: { worker: Worker; port: MessagePort; signal: Int32Array } | undefined;
let runs = 0;

/** Run a role's program (or reuse an identical earlier run); throws what the program throws, by message. */
export function runRoleProgram(role: Role, context: ProgramContext): ProgramRun {
  const key = canonicalJson({ role, stack: context.stack, config: context.config });
  const current = (stack: string) => canonicalJson(context.stackOutputs(stack) ?? null);
  let found = memo.get(key)?.find((m) => m.reads.every(([stack, outputs]) => current(stack) === outputs));
  if (!found) {
    found = evaluate(role, context);
    remember(key, found);
  }
  if ("error" in found.outcome) throw new Error(found.outcome.error);
  // A copy: callers (and tests that bend a program's result) may change what they get.
  return structuredClone(found.outcome.result);
}

/** How many times a program really ran in this process (the rest came from the memo). */
export function programRuns(): number {
  return runs;
}

function remember(key: string, entry: Memo): void {
  memo.set(key, [...(memo.get(key) ?? []), entry]);
  if (memo.size > MEMO_LIMIT) memo.delete(memo.keys().next().value as string);
}

function evaluate(role: Role, context: ProgramContext): Memo {
  const { port, signal } = connect();
  const reads: Memo["reads"] = [];
  runs++;
  try {
    send(port, signal, 1, { kind: "run", role, stack: context.stack, config: context.config });
    for (;;) {
      const message = receive<FromWorker>(port, signal, 0, ANSWER_TIMEOUT_MS);
      if (message.kind === "lookup") {
        const outputs = context.stackOutputs(message.stack);
        reads.push([message.stack, canonicalJson(outputs ?? null)]);
        send(port, signal, 1, { kind: "outputs", outputs });
      } else {
        return {
          reads,
          outcome: message.kind === "done" ? { result: message.result } : { error: message.message },
        };
      }
    }
  } catch (error) {
    // The worker is in an unknown state (mid-run, or gone): the next run starts a fresh one.
    disconnect();
    throw error;
  }
}

// Stryker disable all: the worker is started once per process, by the first program run (in Stryker's dry run,
// before any mutant is active), and kept: a mutant below never runs again, whatever the tests do. The worker
// itself runs on another thread, where no mutant is active either (scripts/mutate.mjs, automation/kit).
function connect(): NonNullable<typeof connection> {
  // Stryker restore all
  if (connection) return connection;
  // Stryker disable all: as above, this only runs once per process.
  const signal = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const file = path.join(__dirname, `programWorker${path.extname(__filename)}`);
  // From TypeScript sources (tests, ts-node) the worker compiles its modules as this thread does; compiled
  // (dist/), it needs no ts-node.
  const fromSource = file.endsWith(".ts");
  const source = () =>
    `require(${JSON.stringify(require.resolve("ts-node/register/transpile-only"))}); require(${JSON.stringify(file)});`;
  const worker = new Worker(fromSource ? source() : file, {
    eval: fromSource,
    workerData: { port: port2, signal },
    transferList: [port2],
  });
  // Never keeps the process alive; a crash surfaces as the next answer's timeout, then a fresh worker.
  worker.unref();
  worker.on("error", () => connection?.worker === worker && disconnect());
  connection = { worker, port: port1, signal };
  return connection;
}

function disconnect(): void {
  void connection?.worker.terminate();
  connection?.port.close();
  connection = undefined;
}
// Stryker restore all
