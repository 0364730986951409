// The thread that runs the real role programs (programs/*.ts) for MemoryEngine, under the same mock runtime
// and fake cloud as `phoenix plan --offline`. It is a thread of its own because the mock runtime is global to
// a Pulumi SDK instance: here it never touches the mocks of the process that uses MemoryEngine (tests set
// their own), and runs are one at a time by construction. The caller blocks until the answer is in
// (programRunner.ts), so MemoryEngine stays synchronous; a StackReference is answered by the caller the same
// way, while this thread waits.
import { workerData, type MessagePort } from "worker_threads";
import { PROGRAMS } from "../../programs";
import { installMockRuntime, runProgram, type RecordedResource } from "../../programs/offline/mockRuntime";
import { toPulumiConfig } from "../../programs/offline/planner";
import { receive, send, type FromWorker, type RunRequest, type ToWorker } from "./programProtocol";

const { port, signal } = workerData as { port: MessagePort; signal: Int32Array };

/** Not resources the engine creates: the stack itself and the references to other stacks. */
const NOT_CREATED = new Set(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"]);

/** A sibling stack's outputs, asked of the caller (which waits for this thread, so it can answer now). */
function askOutputs(qualified: string): Record<string, unknown> {
  const stack = qualified.split("/").pop() ?? qualified;
  send(port, signal, 0, { kind: "lookup", stack });
  const answer = receive<ToWorker>(port, signal, 1, Infinity);
  if (answer.kind !== "outputs")
    throw new Error(`program worker: expected stack outputs, got ${answer.kind}`);
  // A stack without outputs reads as empty, so the program's own "deploy the … stack first" error names it.
  return answer.outputs ?? {};
}

function parentTypeOf(resource: RecordedResource): string | undefined {
  const types = resource.urn.split("::")[2].split("$");
  return types.length > 1 ? types.slice(0, -1).join("$") : undefined;
}

async function run(request: RunRequest): Promise<FromWorker> {
  const recorded: RecordedResource[] = [];
  try {
    await installMockRuntime({
      project: "phoenix",
      stack: request.stack,
      config: toPulumiConfig(request.config),
      lookupStack: askOutputs,
      onResource: (resource) => recorded.push(resource),
    });
    const outputs = await runProgram(PROGRAMS[request.role]);
    const resources = recorded
      .filter((r) => !NOT_CREATED.has(r.type))
      .map((r) => {
        const parentType = parentTypeOf(r);
        return { type: r.type, name: r.name, ...(parentType ? { parentType } : {}), inputs: r.inputs };
      });
    return { kind: "done", result: { resources, outputs } };
  } catch (error) {
    return { kind: "failed", message: error instanceof Error ? error.message : String(error) };
  }
}

port.on("message", (message: ToWorker) => {
  if (message.kind === "run") void run(message).then((answer) => send(port, signal, 0, answer));
});
