// The messages between MemoryEngine's caller thread and the program worker (programWorker.ts), and the one
// rule both sides follow to block for an answer: post the message, then bump the receiver's counter in the
// shared signal and wake it. A receiver reads the counter before it looks for a message and sleeps only while
// the counter is unchanged, so no message is missed. Slot 0 wakes the caller, slot 1 the worker.
import { receiveMessageOnPort, type MessagePort } from "worker_threads";
import type { Role } from "../../programs/contract";

export interface ProgramResource {
  type: string;
  name: string;
  /** Type chain of the parent (`phoenix:aws:ImmutableFleet`), as in the URN; none for a top-level resource. */
  parentType?: string;
  inputs: Record<string, unknown>;
}

export interface ProgramRun {
  resources: ProgramResource[];
  outputs: Record<string, unknown>;
}

export interface RunRequest {
  kind: "run";
  role: Role;
  stack: string;
  /** `phoenix:*` config without the namespace. */
  config: Record<string, string>;
}

/** Caller → worker: a run, or the answer to the worker's last lookup (undefined: the stack has no outputs). */
export type ToWorker = RunRequest | { kind: "outputs"; outputs: Record<string, unknown> | undefined };

/** Worker → caller: a StackReference to answer, or the end of the run. */
export type FromWorker =
  | { kind: "lookup"; stack: string }
  | { kind: "done"; result: ProgramRun }
  | { kind: "failed"; message: string };

export function send(
  port: MessagePort,
  signal: Int32Array,
  slot: 0 | 1,
  message: ToWorker | FromWorker,
): void {
  port.postMessage(message);
  Atomics.add(signal, slot, 1);
  Atomics.notify(signal, slot);
}

/** The next message on `port`, waiting (blocking this thread) up to `timeoutMs` for the counter in `slot`. */
export function receive<T>(port: MessagePort, signal: Int32Array, slot: 0 | 1, timeoutMs: number): T {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const seen = Atomics.load(signal, slot);
    const received = receiveMessageOnPort(port);
    if (received) return received.message as T;
    const left = deadline - Date.now();
    if (left <= 0) throw new Error(`program worker: no answer within ${timeoutMs} ms`);
    Atomics.wait(signal, slot, seen, left);
  }
}
