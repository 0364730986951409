// The rig's `aws` resource plugin: started by the engine as $PULUMI_HOME/plugins/resource-aws-v<version>/
// pulumi-resource-aws (a script written by install.ts that runs this file with node). Keep imports here
// few: the AWS SDK clients load lazily, on the first call that needs them.
import * as fs from "fs";
import { installGrpcHooks } from "./grpcHooks";

installGrpcHooks();
// The SDK warns on stderr about Node 20 (@aws-sdk/core emitWarningIfUnsupportedVersion); in a plugin that
// would surface as engine diagnostics on every command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";

// eslint-disable-next-line @typescript-eslint/no-require-imports -- after the hooks, so they apply
const { main } = require("@pulumi/pulumi/provider") as typeof import("@pulumi/pulumi/provider");
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { makeProvider } = require("./provider") as typeof import("./provider");

/**
 * The engine stops its plugins when it ends normally; when the `pulumi` process is killed (the engine suite's
 * crash tests SIGKILL it), nothing would stop this one. Exit once our parent is gone (we are re-parented).
 */
function exitWithParent(): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) process.exit(0);
  }, 500).unref();
}

/** The version the engine asked for: the exact @pulumi/aws in node_modules (install.ts names the dir so). */
function awsPackageVersion(): string {
  const manifest = require.resolve("@pulumi/aws/package.json");
  return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { version: string }).version;
}

exitWithParent();
main(makeProvider(awsPackageVersion()), process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-aws (rig): ${String(error)}\n`);
  process.exit(1);
});
