// What the workflow commands need from the outside world: a BlueGreenDeployment for the flags given, and
// Ctrl-C. Production builds the LocalWorkspace engine and the AWS SDK probe, loaded on first use so that
// `plan`, `check` and `--help` never load the Automation API or the AWS SDK. Tests replace the context
// with `setWorkflowContext` (an in-memory engine and probe, a scripted interrupt).
import type { BlueGreenDeployment } from "../../automation/blueGreen";
import type { RecordsUrl } from "../../automation/records/url";
import { EXIT } from "../exitCodes";

/** The library methods the commands call (a subset of BlueGreenDeployment, so tests may pass doubles). */
export type Deployment = Pick<
  BlueGreenDeployment,
  | "bootstrap"
  | "up"
  | "swap"
  | "release"
  | "rollback"
  | "destroy"
  | "status"
  | "history"
  | "drift"
  | "heal"
  | "bake"
  | "amis"
  | "pruneAmis"
>;

/** Everything the command line says about where and how the deployment runs (validated already). */
export interface DeploymentSettings {
  app: string;
  env: string;
  /**
   * `--project-dir` (or PHOENIX_PROJECT), else the nearest directory at or above the current one that holds
   * `.phoenix/` (bootstrap: else the current directory). Absolute.
   */
  projectDir: string;
  /** `--backend` (or PULUMI_BACKEND_URL): a Pulumi backend URL. @default - `file://<projectDir>/.phoenix/state` */
  backendUrl: string;
  /** `--records` (or PHOENIX_RECORDS): where the lock and the deployment records live. @default - `file` */
  records: RecordsUrl;
  /** `--region`: AWS region of the health probe. @default - the AWS SDK's provider chain */
  region?: string;
  /** `--keep-warm` */
  keepWarmMs?: number;
  /** `--health-timeout` */
  healthTimeoutMs?: number;
}

export interface WorkflowContext {
  createDeployment(settings: DeploymentSettings): Promise<Deployment>;
  /**
   * Call `listener` on every Ctrl-C while a workflow runs, with how many there have been (1 on the first);
   * returns the function that stops listening. The default context ends the process (exit 130) once the
   * listener has seen the second.
   */
  onInterrupt(listener: (presses: number) => void): () => void;
}

export const defaultWorkflowContext: WorkflowContext = {
  async createDeployment(settings) {
    const [{ BlueGreenDeployment }, { createLocalWorkspaceEngine }, { createAwsCloudProbe }] =
      await Promise.all([
        import("../../automation/blueGreen"),
        import("../../automation/localWorkspace"),
        import("../../automation/aws/cloudProbe"),
      ]);
    const engine = createLocalWorkspaceEngine({
      projectDir: settings.projectDir,
      backendUrl: settings.backendUrl,
    });
    const records =
      settings.records.kind === "dynamodb"
        ? new (await import("../../automation/records/dynamodb/store")).DynamoDbRecordStore({
            table: settings.records.table,
          })
        : undefined;
    return new BlueGreenDeployment({
      app: settings.app,
      env: settings.env,
      engine,
      probe: createAwsCloudProbe({ region: settings.region }),
      stateDir: engine.localStateDir,
      records,
      keepWarmMs: settings.keepWarmMs,
      healthTimeoutMs: settings.healthTimeoutMs,
    });
  },
  onInterrupt(listener) {
    // `on`, removed when the workflow ends, never `once`: every Ctrl-C must reach this listener. signal-exit
    // (loaded by execa, which the Automation API spawns `pulumi` with, and by proper-lockfile) ends the
    // process by the signal as soon as its own listeners are the only ones left; after a `once` listener had
    // fired that was the next Ctrl-C, or the first one itself when signal-exit had registered after us.
    let presses = 0;
    const onSigint = () => {
      presses += 1;
      listener(presses);
      if (presses < 2) return;
      // Asked twice: stop now. The only process.exit of the CLI: the workflow would not return in time. Exit
      // handlers still run (proper-lockfile releases the lock; automation/localWorkspace/pulumiProcessGroup.ts
      // stops the `pulumi` child); the journal lets the next workflow complete or undo this one.
      process.removeListener("SIGINT", onSigint);
      process.exit(EXIT.aborted);
    };
    process.on("SIGINT", onSigint);
    return () => void process.removeListener("SIGINT", onSigint);
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
