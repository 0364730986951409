// Typed errors of the AWS CloudProbe. Each says which call, on what, and what to do next; `retryable`
// tells the workflow's health loop whether polling again may help.

export class CloudProbeError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Bad input to a probe call, refused before any AWS call. */
export class InvalidProbeInputError extends CloudProbeError {
  constructor(readonly problems: string[]) {
    super(`Invalid CloudProbe input:\n- ${problems.join("\n- ")}`, "INVALID_PROBE_INPUT", false);
  }
}

export class TargetGroupNotFoundError extends CloudProbeError {
  constructor(
    readonly targetGroupArn: string,
    cause?: unknown,
  ) {
    super(
      `Target group ${targetGroupArn} does not exist (ELBv2 DescribeTargetHealth): check that the network ` +
        `stack is deployed in this account and region, and that the fleet reads its target group from it.`,
      "TARGET_GROUP_NOT_FOUND",
      false,
      { cause },
    );
  }
}

export class AutoScalingGroupNotFoundError extends CloudProbeError {
  constructor(readonly autoScalingGroupName: string) {
    super(
      `Auto scaling group ${autoScalingGroupName} does not exist (DescribeAutoScalingGroups): the colour's ` +
        `stack may have been destroyed or is in another account or region; run \`phoenix status\`.`,
      "AUTO_SCALING_GROUP_NOT_FOUND",
      false,
    );
  }
}

/** Named alarms that CloudWatch does not know: a verify step on them would pass forever, so it fails. */
export class AlarmsNotFoundError extends CloudProbeError {
  constructor(readonly alarmNames: string[]) {
    super(
      `CloudWatch has no alarm named ${alarmNames.map((n) => JSON.stringify(n)).join(", ")} (DescribeAlarms): ` +
        `fix the alarm names given to verify (metric and composite alarms are both searched).`,
      "ALARMS_NOT_FOUND",
      false,
    );
  }
}

/** AWS kept throttling after the SDK's own retries with backoff. */
export class ProbeThrottledError extends CloudProbeError {
  constructor(
    readonly operation: string,
    readonly attempts: number | undefined,
    cause?: unknown,
  ) {
    super(
      `AWS throttled ${operation} after ${attempts ?? "several"} attempts with backoff: retry later, or raise ` +
        `\`maxAttempts\` of the probe.`,
      "PROBE_THROTTLED",
      true,
      { cause },
    );
  }
}

/** One probe call (retries and backoff included) outlived its deadline. */
export class ProbeTimeoutError extends CloudProbeError {
  constructor(
    readonly operation: string,
    readonly timeoutMs: number,
  ) {
    super(
      `${operation} did not answer within ${timeoutMs} ms (retries included): check network access to AWS, ` +
        `or raise \`callTimeoutMs\` of the probe.`,
      "PROBE_TIMEOUT",
      true,
    );
  }
}

/** No region or no credentials from the default provider chain (or the ones given). */
export class ProbeConfigurationError extends CloudProbeError {
  constructor(detail: string, cause?: unknown) {
    super(
      `AWS is not configured for the probe: ${detail}. Set AWS_REGION and credentials (AWS_PROFILE, ` +
        `environment keys, SSO or an instance role), or pass \`region\`/\`credentials\` to the probe.`,
      "PROBE_NOT_CONFIGURED",
      false,
      { cause },
    );
  }
}

/** Any other AWS failure, with the service's error name and message. */
export class ProbeRequestError extends CloudProbeError {
  constructor(
    readonly operation: string,
    readonly awsErrorName: string,
    message: string,
    retryable: boolean,
    cause?: unknown,
  ) {
    super(`${operation} failed: ${awsErrorName}: ${message}`, "PROBE_REQUEST_FAILED", retryable, { cause });
  }
}
