// A policy pack of @pulumi/awsguard, the comparison point for the Analyze throughput bench, set up in a
// scratch directory outside the repository (never a dependency of Phoenix): awsguard 0.3.1 brings
// @pulumi/aws 4 and the v2 AWS SDK. `npm install` runs there once; later runs reuse it.
import { spawnSync } from "child_process";
import { existsSync, mkdirSync, writeFileSync } from "fs";
import { homedir } from "os";
import { join } from "path";

export const AWSGUARD_DIR =
  process.env.PHOENIX_BENCH_AWSGUARD ?? join(homedir(), ".cache", "phoenix-bench", "awsguard");

const MANIFEST = {
  name: "awsguard-bench-pack",
  version: "0.0.0",
  private: true,
  main: "index.js",
  // The SDK versions Phoenix is tested with, so both packs run on the same policy SDK and Node gRPC.
  dependencies: { "@pulumi/awsguard": "0.3.1", "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.270.0" },
};

/** The awsguard pack directory, installed; or why it could not be (the bench then says so and skips it). */
export function awsguardPack(): { dir: string } | { skipped: string } {
  mkdirSync(AWSGUARD_DIR, { recursive: true });
  writeFileSync(join(AWSGUARD_DIR, "package.json"), `${JSON.stringify(MANIFEST, null, 2)}\n`);
  writeFileSync(
    join(AWSGUARD_DIR, "PulumiPolicy.yaml"),
    "runtime: nodejs\ndescription: awsguard, every policy mandatory\n",
  );
  writeFileSync(
    join(AWSGUARD_DIR, "index.js"),
    '"use strict";\nconst { AwsGuard } = require("@pulumi/awsguard");\nnew AwsGuard({ all: "mandatory" });\n',
  );
  if (!existsSync(join(AWSGUARD_DIR, "node_modules", "@pulumi", "awsguard"))) {
    console.log(`installing @pulumi/awsguard 0.3.1 in ${AWSGUARD_DIR} (once) …`);
    const npm = process.platform === "win32" ? "npm.cmd" : "npm";
    const install = spawnSync(npm, ["install", "--omit=dev", "--prefer-offline", "--no-audit", "--no-fund"], {
      cwd: AWSGUARD_DIR,
      encoding: "utf8",
    });
    if (install.status !== 0)
      return { skipped: `npm install in ${AWSGUARD_DIR} failed: ${install.stderr.slice(-500)}` };
  }
  return { dir: AWSGUARD_DIR };
}
