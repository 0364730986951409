// What the workflow commands need from the outside world: a BlueGreenDeployment for the flags given, and
// Ctrl-C. Production builds the LocalWorkspace engine and the AWS SDK probe, loaded on first use so that
// `plan`, `check` and `--help` never load the Automation API or the AWS SDK. Tests replace the context
// with `setWorkflowContext` (an in-memory engine and probe, a scripted interrupt).
import type { BlueGreenDeployment } from "../../automation/blueGreen";

/** The library methods the commands call (a subset of BlueGreenDeployment, so tests may pass doubles). */
export type Deployment = Pick<
  BlueGreenDeployment,
  "bootstrap" | "up" | "swap" | "rollback" | "destroy" | "status" | "history" | "drift" | "heal"
>;

/** Everything the command line says about where and how the deployment runs (validated already). */
export interface DeploymentSettings {
  app: string;
  env: string;
  /** `--backend`: any Pulumi backend URL. @default - the engine's file backend under the current directory */
  backendUrl?: string;
  /** `--region`: AWS region of the health probe. @default - the AWS SDK's provider chain */
  region?: string;
  /** `--keep-warm` */
  keepWarmMs?: number;
  /** `--health-timeout` */
  healthTimeoutMs?: number;
}

export interface WorkflowContext {
  createDeployment(settings: DeploymentSettings): Promise<Deployment>;
  /** Call `listener` on Ctrl-C while a workflow runs; returns the function that stops listening. */
  onInterrupt(listener: () => void): () => void;
}

export const defaultWorkflowContext: WorkflowContext = {
  async createDeployment(settings) {
    const [{ BlueGreenDeployment }, { createLocalWorkspaceEngine }, { createAwsCloudProbe }] =
      await Promise.all([
        import("../../automation/blueGreen"),
        import("../../automation/localWorkspace"),
        import("../../automation/aws/cloudProbe"),
      ]);
    const engine = createLocalWorkspaceEngine({ backendUrl: settings.backendUrl });
    return new BlueGreenDeployment({
      app: settings.app,
      env: settings.env,
      engine,
      probe: createAwsCloudProbe({ region: settings.region }),
      stateDir: engine.localStateDir,
      keepWarmMs: settings.keepWarmMs,
      healthTimeoutMs: settings.healthTimeoutMs,
    });
  },
  onInterrupt(listener) {
    // `once`: a second Ctrl-C gets Node's default and ends the process at once; the journal lets the next
    // workflow finish the undo.
    process.once("SIGINT", listener);
    return () => void process.removeListener("SIGINT", listener);
  },
};

let current: WorkflowContext = defaultWorkflowContext;

export function workflowContext(): WorkflowContext {
  return current;
}

/** Replace the context (tests); returns the function that puts the previous one back. */
export function setWorkflowContext(context: WorkflowContext): () => void {
  const previous = current;
  current = context;
  return () => void (current = previous);
}
