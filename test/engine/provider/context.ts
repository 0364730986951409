// What every resource operation needs: the region, the account, and lazily created AWS SDK v3 clients.
// Clients are created on first use so a provider process that only answers Check/Diff never loads the SDK
// (provider start-up must stay well under a second). The SDK reads AWS_ENDPOINT_URL itself
// (@smithy/core dist-cjs/submodules/endpoints/index.js, `ENV_ENDPOINT_URL = "AWS_ENDPOINT_URL"`), and the
// dummy credentials from the environment (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY).
import type { AutoScalingClient } from "@aws-sdk/client-auto-scaling";
import type { CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import type { EC2Client } from "@aws-sdk/client-ec2";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { IAMClient } from "@aws-sdk/client-iam";
import type { Route53Client } from "@aws-sdk/client-route-53";
import type { STSClient } from "@aws-sdk/client-sts";
import * as fs from "fs";
import * as path from "path";

/** Region from the provider's `region` config (set by Configure), else AWS_REGION, else us-east-1. */
let configuredRegion: string | undefined;

export function setConfiguredRegion(region: string | undefined): void {
  if (region) configuredRegion = region;
}

export function region(): string {
  return configuredRegion ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1";
}

/** Where the types the emulator lacks (Image Builder) keep their state: one JSON file per resource. */
export function stateDir(): string {
  return process.env.PHOENIX_RIG_STATE_DIR ?? path.join(repoRoot(), ".rig", "state");
}

/**
 * The repository root: the nearest directory above this file with a package.json. The provider runs from its
 * build, `<repoRoot>/.rig/build/aws-provider/test/engine/provider/`, or (its unit tests) from the sources.
 */
function repoRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

const clients = new Map<string, unknown>();

function lazy<T>(key: string, make: () => T): T {
  if (!clients.has(key)) clients.set(key, make());
  return clients.get(key) as T;
}

/* eslint-disable @typescript-eslint/no-require-imports -- lazy loading is the point: each SDK is ~100 ms */
export const aws = {
  ec2: (): EC2Client =>
    lazy("ec2", () => new (require("@aws-sdk/client-ec2").EC2Client)({ region: region() })),
  elbv2: (): ElasticLoadBalancingV2Client =>
    lazy(
      "elbv2",
      () =>
        new (require("@aws-sdk/client-elastic-load-balancing-v2").ElasticLoadBalancingV2Client)({
          region: region(),
        }),
    ),
  autoscaling: (): AutoScalingClient =>
    lazy(
      "autoscaling",
      () => new (require("@aws-sdk/client-auto-scaling").AutoScalingClient)({ region: region() }),
    ),
  iam: (): IAMClient =>
    lazy("iam", () => new (require("@aws-sdk/client-iam").IAMClient)({ region: region() })),
  cloudwatch: (): CloudWatchClient =>
    lazy(
      "cloudwatch",
      () => new (require("@aws-sdk/client-cloudwatch").CloudWatchClient)({ region: region() }),
    ),
  sts: (): STSClient =>
    lazy("sts", () => new (require("@aws-sdk/client-sts").STSClient)({ region: region() })),
  route53: (): Route53Client =>
    lazy("route53", () => new (require("@aws-sdk/client-route-53").Route53Client)({ region: region() })),
};

/** The SDK module of a service, loaded on first use (for its command classes). */
export const sdk = {
  ec2: (): typeof import("@aws-sdk/client-ec2") => require("@aws-sdk/client-ec2"),
  elbv2: (): typeof import("@aws-sdk/client-elastic-load-balancing-v2") =>
    require("@aws-sdk/client-elastic-load-balancing-v2"),
  autoscaling: (): typeof import("@aws-sdk/client-auto-scaling") => require("@aws-sdk/client-auto-scaling"),
  iam: (): typeof import("@aws-sdk/client-iam") => require("@aws-sdk/client-iam"),
  cloudwatch: (): typeof import("@aws-sdk/client-cloudwatch") => require("@aws-sdk/client-cloudwatch"),
  sts: (): typeof import("@aws-sdk/client-sts") => require("@aws-sdk/client-sts"),
  route53: (): typeof import("@aws-sdk/client-route-53") => require("@aws-sdk/client-route-53"),
};
/* eslint-enable @typescript-eslint/no-require-imports */

let accountPromise: Promise<string> | undefined;

/** The caller's account (moto answers 123456789012), asked once per process. */
export function accountId(): Promise<string> {
  accountPromise ??= aws
    .sts()
    .send(new (sdk.sts().GetCallerIdentityCommand)({}))
    .then((r) => r.Account ?? "123456789012");
  return accountPromise;
}

export const PARTITION = "aws";

/** True when an SDK error is one of the given AWS error codes (not-found answers, mostly). */
export function isAwsError(error: unknown, ...codes: string[]): boolean {
  const e = error as { name?: string; Code?: string; code?: string } | undefined;
  return !!e && codes.some((c) => e.name === c || e.Code === c || e.code === c);
}
