// The provider's end-to-end tests run in a world of their own: a rig named "provider-e2e" (its own moto
// server, PULUMI_HOME with this provider installed, file backend), started and stopped here only, so that the
// helper can later be swapped for the engine suite's shared rig (test/engine/rigHooks.ts) in one place.
// Nothing here changes process.env: the CLI gets the rig's variables through the workspace, the tests' SDK
// clients get the endpoint explicitly.
import * as path from "path";
import { startRig, stopRig, type Rig } from "../../../scripts/rig/rig";

const NAME = "provider-e2e";

export interface ProviderWorld {
  /** The variables the CLI (and so the provider) runs with. */
  vars: Record<string, string>;
  /** The emulator's endpoint and the SDK client configuration that reaches it. */
  client: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } };
  network: Rig["network"];
  /** The directory whose bin/ holds the rig's pulumi (for PulumiCommand.get({ root })). */
  pulumiRoot: string;
  pulumiVersion: string;
  stop(): Promise<void>;
}

export async function startProviderWorld(): Promise<ProviderWorld> {
  await stopRig(NAME); // a fresh emulator and backend every run
  const rig = await startRig(NAME);
  const binDir = rig.vars.PATH.split(path.delimiter)[0];
  return {
    vars: { ...rig.vars, PATH: rig.env.PATH },
    client: {
      endpoint: rig.endpoint,
      region: rig.vars.AWS_REGION,
      credentials: {
        accessKeyId: rig.vars.AWS_ACCESS_KEY_ID,
        secretAccessKey: rig.vars.AWS_SECRET_ACCESS_KEY,
      },
    },
    network: rig.network,
    pulumiRoot: path.dirname(binDir),
    pulumiVersion: rig.pulumiVersion,
    stop: async () => {
      await stopRig(NAME);
    },
  };
}
