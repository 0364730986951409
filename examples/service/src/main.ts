// The service in production: the Pulumi CLI through the LocalWorkspace engine, AWS through the SDK probe.
//   APP=shop ENV=prod PROJECT_DIR=/srv/deploy/shop PULUMI_CONFIG_PASSPHRASE=… npm start
// It listens on 127.0.0.1 unless HOST says otherwise: whoever can reach it can deploy, so put it behind
// something that authenticates before opening it to a network.
import {
  BlueGreenDeployment,
  createAwsCloudProbe,
  createLocalWorkspaceEngine,
} from "phoenix-fleet/automation";
import { createReleaseService } from "./server";

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined || value === "") throw new Error(`set ${name} (see README.md)`);
  return value;
};

async function main(): Promise<void> {
  const engine = createLocalWorkspaceEngine({ projectDir: env("PROJECT_DIR", process.cwd()) });
  const deployment = new BlueGreenDeployment({
    app: env("APP"),
    env: env("ENV"),
    engine,
    probe: createAwsCloudProbe({}),
    stateDir: engine.localStateDir, // the lock and the journal next to the state, shared with the `phoenix` CLI
  });
  const service = createReleaseService(deployment);
  const port = Number(env("PORT", "8080"));
  const host = env("HOST", "127.0.0.1");
  service.server.listen(port, host, () =>
    process.stderr.write(
      `release service for ${deployment.app}/${deployment.env} on http://${host}:${port}\n`,
    ),
  );
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      process.stderr.write(`${signal}: aborting the running release (it is undone) and stopping\n`);
      void service.close();
    });
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
