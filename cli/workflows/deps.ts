// What the workflow commands need from the outside world: the engine, the probe, where the journal lives,
// a yes/no prompt and Ctrl-C. Production wires LocalWorkspace and the AWS SDK; tests swap in the in-memory
// engine and scripted answers with `setWorkflowDeps`.
import { createInterface } from "readline";
import type { CloudProbe, Engine } from "../../automation/seams";

/** The global options every workflow command takes. */
export interface WorkflowFlags {
  app: string;
  env: string;
  backend?: string;
  region?: string;
  json?: boolean;
  yes?: boolean;
}

export interface WorkflowDeps {
  /** The engine and the local directory of the journal and lock for these flags. */
  connect(flags: WorkflowFlags): Promise<{ engine: Engine; probe: CloudProbe; stateDir: string }>;
  /** Ask a yes/no question on the terminal; `undefined` when there is no terminal to ask on. */
  confirm(question: string): Promise<boolean | undefined>;
  /** A signal aborted by Ctrl-C while the command runs, and how to stop listening. */
  interrupt(): { signal: AbortSignal; dispose(): void };
}

export const defaultWorkflowDeps: WorkflowDeps = {
  async connect(flags) {
    // Loaded on use: the Automation API and the AWS SDK cost start-up time other commands should not pay.
    const { createLocalWorkspaceEngine } = await import("../../automation/localWorkspace");
    const { createAwsCloudProbe } = await import("../../automation/aws/cloudProbe");
    const engine = createLocalWorkspaceEngine({ backendUrl: flags.backend });
    return { engine, probe: createAwsCloudProbe({ region: flags.region }), stateDir: engine.localStateDir };
  },
  async confirm(question) {
    if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
    const rl = createInterface({ input: process.stdin, output: process.stderr });
    try {
      const answer = await new Promise<string>((resolve) => rl.question(`${question} [y/N] `, resolve));
      return /^y(es)?$/i.test(answer.trim());
    } finally {
      rl.close();
    }
  },
  interrupt() {
    const controller = new AbortController();
    const onSigint = () => controller.abort(new Error("interrupted (Ctrl-C)"));
    process.once("SIGINT", onSigint);
    return { signal: controller.signal, dispose: () => process.removeListener("SIGINT", onSigint) };
  },
};

let current: WorkflowDeps = defaultWorkflowDeps;

export function workflowDeps(): WorkflowDeps {
  return current;
}

/** Replace the deps (tests); returns a function that puts the previous ones back. */
export function setWorkflowDeps(deps: WorkflowDeps): () => void {
  const previous = current;
  current = deps;
  return () => (current = previous);
}
