// The AWS CloudProbe: target health (ELBv2), desired capacity (Auto Scaling), alarm states (CloudWatch)
// and the revoke of stray security group rules (EC2) through the AWS SDK v3 clients. Region and credentials come from the default provider
// chain unless given; throttling is retried by the SDK's own strategy (adaptive by default: exponential
// backoff with jitter plus client-side rate limiting); each call has a deadline that covers its retries;
// the caller's AbortSignal cancels the HTTP request and rejects at once.
import {
  AutoScalingClient,
  DescribeAutoScalingGroupsCommand,
  type AutoScalingClientConfig,
} from "@aws-sdk/client-auto-scaling";
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  type CloudWatchClientConfig,
} from "@aws-sdk/client-cloudwatch";
import {
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
  type EC2ClientConfig,
} from "@aws-sdk/client-ec2";
import {
  DescribeTargetHealthCommand,
  ElasticLoadBalancingV2Client,
  type ElasticLoadBalancingV2ClientConfig,
} from "@aws-sdk/client-elastic-load-balancing-v2";
import type { CloudProbe, ImageProbe, TargetGroupHealth } from "../seams";
import { AwsImageProbe } from "./imageProbe";
import type { SecurityGroupRule } from "../securityGroupRules";
import { revokeBatches } from "./securityGroupPermissions";
import {
  AlarmsNotFoundError,
  AutoScalingGroupNotFoundError,
  InvalidProbeInputError,
  ProbeConfigurationError,
  ProbeRequestError,
  ProbeThrottledError,
  ProbeTimeoutError,
  TargetGroupNotFoundError,
} from "./errors";

export interface AwsCloudProbeOptions {
  /** AWS region. @default - the default provider chain (AWS_REGION, the profile's region, …) */
  region?: string;
  /** Credentials or a credential provider. @default - the default provider chain */
  credentials?: ElasticLoadBalancingV2ClientConfig["credentials"];
  /**
   * The SDK retry strategy for throttling and transient errors. `adaptive` adds client-side rate
   * limiting to `standard`'s exponential backoff with jitter, which suits a loop polling health.
   * @default "adaptive"
   */
  retryMode?: "standard" | "adaptive";
  /** Attempts per AWS call, the first included (1 turns retries off). @default 5 */
  maxAttempts?: number;
  /** Deadline of one probe call, retries and backoff included. @default 20000 */
  callTimeoutMs?: number;
  /** Deadline of one HTTP attempt; a late attempt fails and is retried as transient. @default 5000 */
  requestTimeoutMs?: number;
  /** TCP connect timeout of one HTTP attempt. @default 3000 */
  connectionTimeoutMs?: number;
  /**
   * HTTP handler for every client (a proxy agent, or a scripted handler in tests); it replaces the
   * per-attempt timeouts above.
   * @default - the SDK's Node.js handler with `requestTimeoutMs` and `connectionTimeoutMs`
   */
  requestHandler?: ElasticLoadBalancingV2ClientConfig["requestHandler"];
  /** Ready-made clients (custom endpoints, tests); any not given is built from the options above. */
  clients?: {
    elbv2?: ElasticLoadBalancingV2Client;
    autoScaling?: AutoScalingClient;
    cloudWatch?: CloudWatchClient;
    ec2?: EC2Client;
  };
}

/** Error names under which AWS reports throttling (query and JSON protocols). */
const THROTTLING_ERRORS = new Set([
  "Throttling",
  "ThrottlingException",
  "ThrottledException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "TooManyRequestsException",
  "SlowDown",
]);

/** DescribeAlarms accepts at most 100 names per request. */
const ALARM_NAMES_PER_REQUEST = 100;

const TARGET_GROUP_ARN =
  /^arn:aws[a-z-]*:elasticloadbalancing:[a-z0-9-]+:\d{12}:targetgroup\/[^/\s]+\/[^/\s]+$/;

export class AwsCloudProbe implements CloudProbe {
  readonly elbv2: ElasticLoadBalancingV2Client;
  readonly autoScaling: AutoScalingClient;
  readonly cloudWatch: CloudWatchClient;
  readonly ec2: EC2Client;
  /** The EC2 AMI calls of the image workflows (automation/aws/imageProbe.ts). */
  readonly images: ImageProbe;
  private readonly callTimeoutMs: number;

  constructor(options: AwsCloudProbeOptions = {}) {
    const settings = resolveProbeOptions(options);
    this.callTimeoutMs = settings.callTimeoutMs;
    this.elbv2 = options.clients?.elbv2 ?? new ElasticLoadBalancingV2Client(settings.clientConfig);
    this.autoScaling =
      options.clients?.autoScaling ?? new AutoScalingClient(settings.clientConfig as AutoScalingClientConfig);
    this.cloudWatch =
      options.clients?.cloudWatch ?? new CloudWatchClient(settings.clientConfig as CloudWatchClientConfig);
    this.ec2 = options.clients?.ec2 ?? new EC2Client(settings.clientConfig as EC2ClientConfig);
    this.images = new AwsImageProbe(this.ec2, (operation, send, signal) =>
      this.call(operation, send, signal),
    );
  }

  async targetGroupHealth(targetGroupArn: string, signal?: AbortSignal): Promise<TargetGroupHealth> {
    if (typeof targetGroupArn !== "string" || !TARGET_GROUP_ARN.test(targetGroupArn)) {
      throw new InvalidProbeInputError([
        `\`targetGroupArn\` (${JSON.stringify(targetGroupArn)}) must be an ELBv2 target group ARN ` +
          `(arn:aws:elasticloadbalancing:<region>:<account>:targetgroup/<name>/<id>)`,
      ]);
    }
    const response = await this.call(
      "ELBv2 DescribeTargetHealth",
      (abortSignal) =>
        this.elbv2.send(new DescribeTargetHealthCommand({ TargetGroupArn: targetGroupArn }), { abortSignal }),
      signal,
      (error) =>
        errorName(error) === "TargetGroupNotFoundException"
          ? new TargetGroupNotFoundError(targetGroupArn, error)
          : undefined,
    );
    const byState: Record<string, number> = {};
    for (const description of response.TargetHealthDescriptions ?? []) {
      const state = description.TargetHealth?.State ?? "unknown";
      byState[state] = (byState[state] ?? 0) + 1;
    }
    return { targetGroupArn, healthy: byState.healthy ?? 0, byState };
  }

  async desiredCapacity(autoScalingGroupName: string, signal?: AbortSignal): Promise<number> {
    if (
      typeof autoScalingGroupName !== "string" ||
      autoScalingGroupName.length < 1 ||
      autoScalingGroupName.length > 255
    ) {
      throw new InvalidProbeInputError([
        `\`autoScalingGroupName\` (${JSON.stringify(autoScalingGroupName)}) must be 1 to 255 characters`,
      ]);
    }
    const response = await this.call(
      "Auto Scaling DescribeAutoScalingGroups",
      (abortSignal) =>
        this.autoScaling.send(
          new DescribeAutoScalingGroupsCommand({ AutoScalingGroupNames: [autoScalingGroupName] }),
          { abortSignal },
        ),
      signal,
    );
    const group = (response.AutoScalingGroups ?? []).find(
      (g) => g.AutoScalingGroupName === autoScalingGroupName,
    );
    if (!group || group.DesiredCapacity === undefined)
      throw new AutoScalingGroupNotFoundError(autoScalingGroupName);
    return group.DesiredCapacity;
  }

  /**
   * The names among `alarmNames` in state ALARM (OK and INSUFFICIENT_DATA are not). Metric and composite
   * alarms are both searched; a name CloudWatch does not know is an `AlarmsNotFoundError`, because a verify
   * step on a misspelt alarm would otherwise always pass.
   */
  async alarmsInAlarm(alarmNames: string[], signal?: AbortSignal): Promise<string[]> {
    const bad = Array.isArray(alarmNames)
      ? alarmNames.filter((name) => typeof name !== "string" || name.length < 1 || name.length > 255)
      : [alarmNames];
    if (!Array.isArray(alarmNames) || bad.length > 0) {
      throw new InvalidProbeInputError([
        `\`alarmNames\` must be a list of alarm names of 1 to 255 characters; received ${JSON.stringify(
          Array.isArray(alarmNames) ? bad : alarmNames,
        )}`,
      ]);
    }
    const wanted = [...new Set(alarmNames)];
    const states = new Map<string, string | undefined>();
    for (let start = 0; start < wanted.length; start += ALARM_NAMES_PER_REQUEST) {
      const names = wanted.slice(start, start + ALARM_NAMES_PER_REQUEST);
      let nextToken: string | undefined;
      do {
        const token = nextToken;
        const page = await this.call(
          "CloudWatch DescribeAlarms",
          (abortSignal) =>
            this.cloudWatch.send(
              new DescribeAlarmsCommand({
                AlarmNames: names,
                AlarmTypes: ["MetricAlarm", "CompositeAlarm"],
                MaxRecords: ALARM_NAMES_PER_REQUEST,
                NextToken: token,
              }),
              { abortSignal },
            ),
          signal,
        );
        for (const alarm of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (alarm.AlarmName) states.set(alarm.AlarmName, alarm.StateValue);
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    const missing = wanted.filter((name) => !states.has(name));
    if (missing.length > 0) throw new AlarmsNotFoundError(missing);
    return wanted.filter((name) => states.get(name) === "ALARM");
  }

  /**
   * Revoke security group rules (heal's stray rules): one EC2 RevokeSecurityGroupIngress/Egress call per group
   * and direction. A rule already gone is no error (EC2 says `InvalidPermission.NotFound`, or lists it as
   * unknown): heal may run again after an interrupted revoke.
   */
  async revokeSecurityGroupRules(rules: SecurityGroupRule[], signal?: AbortSignal): Promise<void> {
    for (const batch of revokeBatches(rules)) {
      const input = { GroupId: batch.groupId, IpPermissions: batch.permissions };
      const ingress = batch.direction === "ingress";
      await this.call(
        `EC2 RevokeSecurityGroup${ingress ? "Ingress" : "Egress"}`,
        (abortSignal) =>
          (ingress
            ? this.ec2.send(new RevokeSecurityGroupIngressCommand(input), { abortSignal })
            : this.ec2.send(new RevokeSecurityGroupEgressCommand(input), { abortSignal })
          ).catch((error: unknown) => {
            if (errorName(error) === "InvalidPermission.NotFound") return undefined;
            throw error;
          }),
        signal,
      );
    }
  }

  /**
   * One AWS call under a deadline and the caller's signal. Both abort the SDK's request (`abortSignal`)
   * and reject at once, even while the SDK sleeps between retries.
   */
  private async call<T>(
    operation: string,
    send: (abortSignal: AbortSignal) => Promise<T>,
    signal: AbortSignal | undefined,
    mapSpecific?: (error: unknown) => Error | undefined,
  ): Promise<T> {
    signal?.throwIfAborted();
    const controller = new AbortController();
    const timeout = new ProbeTimeoutError(operation, this.callTimeoutMs);
    const timer = setTimeout(() => controller.abort(timeout), this.callTimeoutMs);
    const forward = () => controller.abort(signal?.reason);
    signal?.addEventListener("abort", forward, { once: true });
    try {
      const request = Promise.resolve().then(() => send(controller.signal));
      // The request may still settle after we gave up on it; nobody is listening then.
      request.catch(() => undefined);
      return await Promise.race([request, rejectOnAbort(controller.signal)]);
    } catch (error) {
      if (controller.signal.aborted) throw controller.signal.reason;
      throw mapSpecific?.(error) ?? mapAwsError(operation, error);
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener("abort", forward);
    }
  }
}

export function createAwsCloudProbe(options: AwsCloudProbeOptions = {}): AwsCloudProbe {
  return new AwsCloudProbe(options);
}

interface ResolvedProbeSettings {
  callTimeoutMs: number;
  clientConfig: ElasticLoadBalancingV2ClientConfig;
}

function resolveProbeOptions(options: AwsCloudProbeOptions): ResolvedProbeSettings {
  const problems: string[] = [];
  const positive = (
    key: keyof AwsCloudProbeOptions,
    value: number | undefined,
    fallback: number,
    max: number,
  ) => {
    if (value === undefined) return fallback;
    if (!Number.isInteger(value) || value < 1 || value > max) {
      problems.push(`\`${key}\` (${JSON.stringify(value)}) must be an integer from 1 to ${max}`);
    }
    return value;
  };
  const maxAttempts = positive("maxAttempts", options.maxAttempts, 5, 20);
  const callTimeoutMs = positive("callTimeoutMs", options.callTimeoutMs, 20_000, 600_000);
  const requestTimeout = positive("requestTimeoutMs", options.requestTimeoutMs, 5_000, 600_000);
  const connectionTimeout = positive("connectionTimeoutMs", options.connectionTimeoutMs, 3_000, 600_000);
  const retryMode = options.retryMode ?? "adaptive";
  if (retryMode !== "standard" && retryMode !== "adaptive") {
    problems.push(`\`retryMode\` (${JSON.stringify(retryMode)}) must be "standard" or "adaptive"`);
  }
  if (problems.length > 0) throw new InvalidProbeInputError(problems);
  return {
    callTimeoutMs,
    clientConfig: {
      region: options.region,
      credentials: options.credentials,
      retryMode,
      maxAttempts,
      // Without throwOnRequestTimeout the Node handler only logs a slow attempt; with it, the attempt fails
      // with a TimeoutError that the retry strategy treats as transient.
      requestHandler: options.requestHandler ?? {
        requestTimeout,
        connectionTimeout,
        throwOnRequestTimeout: true,
      },
    },
  };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function errorName(error: unknown): string {
  const e = error as { name?: unknown; Code?: unknown; code?: unknown };
  return String(e?.name ?? e?.Code ?? e?.code ?? "Error");
}

/** SDK v3 errors → the probe's typed errors. */
export function mapAwsError(operation: string, error: unknown): Error {
  const name = errorName(error);
  const message = String((error as Error)?.message ?? error);
  const metadata = (error as { $metadata?: { httpStatusCode?: number; attempts?: number } }).$metadata;
  if (THROTTLING_ERRORS.has(name) || metadata?.httpStatusCode === 429) {
    return new ProbeThrottledError(operation, metadata?.attempts, error);
  }
  if (name === "CredentialsProviderError" || /Could not load credentials/i.test(message)) {
    return new ProbeConfigurationError(`no credentials (${message})`, error);
  }
  if (/Region is missing/i.test(message)) return new ProbeConfigurationError("no region", error);
  const fault = (error as { $fault?: string }).$fault;
  return new ProbeRequestError(
    operation,
    name,
    message,
    fault === "server" || (metadata?.httpStatusCode ?? 0) >= 500,
    error,
  );
}
