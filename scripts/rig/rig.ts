// The rig: the real Pulumi CLI and language host, moto's server as the AWS API on loopback, and the test `aws`
// provider plugin, put together so that any command runs "as it would against AWS". One rig lives in
// `<repo>/.rig/<name>/` (git-ignored): its PULUMI_HOME, its file backend, the test provider's own state and the
// moto server's pid and port. Builds and virtual environments live in the cache (see cache.ts), shared by
// every clone on the machine.
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { ensurePulumiCli, ensureMotoServer, REPO_ROOT } from "./cache";
import { discoverDefaultNetwork, type DefaultNetwork } from "./defaultNetwork";
import { startMoto, stopMoto, runningMoto } from "./moto";

export interface Rig {
  /** `<repo>/.rig/<name>` */
  dir: string;
  /** The environment every command of the rig runs with (process.env plus the rig's variables). */
  env: Record<string, string>;
  /** Only the variables the rig sets, for `rig env` and for the record. */
  vars: Record<string, string>;
  /** What `pulumi version` printed, e.g. `v3.274.0`. */
  pulumiVersion: string;
  /** Whether the Node.js language host is there (policy packs and plain `pulumi up` need it). */
  languageHost: boolean;
  /** The AWS API endpoint (moto), e.g. `http://127.0.0.1:40123`. */
  endpoint: string;
  network: DefaultNetwork;
}

export const REGION = "us-east-1";

/** Why the scenarios that need the Node.js language host are skipped when it is not there. */
export const LANGUAGE_HOST_MISSING =
  "missing: the Go module proxy does not serve github.com/pulumi/pulumi/sdk/nodejs/cmd/pulumi-language-nodejs/v3 " +
  "(403); build it from a pulumi/pulumi checkout with PHOENIX_PULUMI_SOURCE=<checkout> npm run rig -- start";

/** Where the rig named `name` keeps its state. */
export function rigDir(name = "default"): string {
  return path.join(REPO_ROOT, ".rig", name);
}

/**
 * Start what is not running and return the rig's environment. A moto server that is (re)started has no
 * resources, so the backend and the provider's own state of that rig are wiped with it: state and emulator
 * always describe the same world.
 */
export async function startRig(name = "default"): Promise<Rig> {
  const dir = rigDir(name);
  fs.mkdirSync(dir, { recursive: true });
  const cli = await ensurePulumiCli();
  let moto = await runningMoto(dir);
  if (!moto) {
    for (const stale of ["state", "provider-state"])
      fs.rmSync(path.join(dir, stale), { recursive: true, force: true });
    moto = await startMoto(dir, await ensureMotoServer());
  }
  const pulumiHome = path.join(dir, "pulumi-home");
  const stateDir = path.join(dir, "state");
  const providerStateDir = path.join(dir, "provider-state");
  for (const made of [pulumiHome, stateDir, providerStateDir]) fs.mkdirSync(made, { recursive: true });
  await installPlugins(dir, pulumiHome);

  const base: Record<string, string> = {
    PULUMI_HOME: pulumiHome,
    PULUMI_BACKEND_URL: `file://${stateDir}`,
    PULUMI_CONFIG_PASSPHRASE: "phoenix-rig",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SKIP_UPDATE_CHECK: "true",
    AWS_REGION: REGION,
    AWS_DEFAULT_REGION: REGION,
    AWS_ACCESS_KEY_ID: "testing",
    AWS_SECRET_ACCESS_KEY: "testing",
    AWS_ENDPOINT_URL: moto.endpoint,
    PHOENIX_RIG_STATE_DIR: providerStateDir,
  };
  const network = await discoverDefaultNetwork(moto.endpoint, REGION);
  const vars: Record<string, string> = {
    ...base,
    PATH: [cli.binDir, path.join(dir, "bin")].join(path.delimiter),
    PHOENIX_VPC_ID: network.vpcId,
    PHOENIX_PUBLIC_SUBNETS: network.publicSubnetIds.join(","),
    PHOENIX_PRIVATE_SUBNETS: network.privateSubnetIds.join(","),
  };
  const env = { ...stringEnv(process.env), ...vars };
  env.PATH = [vars.PATH, process.env.PATH ?? ""].join(path.delimiter);
  return {
    dir,
    env,
    vars,
    pulumiVersion: cli.version,
    languageHost: cli.languageHost,
    endpoint: moto.endpoint,
    network,
  };
}

/** Stop the rig's moto server (its resources are gone with it; the next start wipes the backend). */
export async function stopRig(name = "default"): Promise<boolean> {
  return stopMoto(rigDir(name));
}

/** Run a command inside the rig, with the terminal; resolves to its exit code. */
export function runInRig(rig: Rig, command: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(command[0], command.slice(1), { env: rig.env, stdio: "inherit" });
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 128 + 2 : 1)));
  });
}

/**
 * The plugins the engine must find: the test `aws` provider in PULUMI_HOME (never on PATH, as a real provider
 * would be installed), and the Node SDK's dynamic provider `pulumi-resource-pulumi-nodejs`, on PATH through the
 * rig's bin directory (the engine takes plugins from PATH, `sdk/go/common/workspace/plugins.go`).
 */
async function installPlugins(dir: string, pulumiHome: string): Promise<void> {
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin, { recursive: true });
  const dynamic = path.join(REPO_ROOT, "node_modules", "@pulumi", "pulumi", "pulumi-resource-pulumi-nodejs");
  const link = path.join(bin, "pulumi-resource-pulumi-nodejs");
  fs.rmSync(link, { force: true });
  fs.symlinkSync(dynamic, link);
  // The provider is compiled by its own module; loaded lazily so that `rig stop` needs no compiler.
  const { installAwsProvider } = await import("../../test/engine/provider/install");
  await installAwsProvider({ pulumiHome, repoRoot: REPO_ROOT });
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined),
  );
}
