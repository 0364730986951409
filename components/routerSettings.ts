// BlueGreenRouter's pure logic: defaults, validation and the listener's forward action. No Pulumi import.
import type { BlueGreenRouterArgs } from "./blueGreenRouter";
import { Problems, checkInteger, show } from "./validation";

/** The TLS policy of an HTTPS listener when none is given: TLS 1.3 and 1.2 only. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/** ALB target group stickiness is 1 second to 7 days. */
export const MAX_STICKINESS_SECONDS = 604800;

export interface RouterSettings {
  weights: { blue: number; green: number };
  port: number;
  protocol: "HTTP" | "HTTPS";
  sslPolicy?: string;
  stickinessSeconds: number;
}

/** Apply defaults and validate; throws ComponentArgsError listing every problem. */
export function resolveRouterSettings(name: string, args: BlueGreenRouterArgs): RouterSettings {
  const problems = new Problems();
  const weights = args.weights ?? ({} as Partial<RouterSettings["weights"]>);
  const blueOk = checkWeight(problems, "weights.blue", weights.blue);
  const greenOk = checkWeight(problems, "weights.green", weights.green);
  if (blueOk && greenOk) {
    const sum = weights.blue! + weights.green!;
    problems.check(
      sum === 100 || (weights.blue === 0 && weights.green === 0),
      `\`weights\` (blue ${weights.blue} + green ${weights.green} = ${sum}) must sum to 100, ` +
        "or both be 0 while no release is live",
    );
  }
  for (const colour of ["blue", "green"] as const) {
    const arn = args.targetGroupArns?.[colour];
    problems.check(
      arn !== undefined && arn !== null && arn !== "",
      `\`targetGroupArns.${colour}\` is required: the ARN of the ${colour} target group`,
    );
  }
  if (args.loadBalancerArn === undefined || args.loadBalancerArn === null || args.loadBalancerArn === "") {
    problems.add("`loadBalancerArn` is required: the ARN of the application load balancer");
  }
  const https = args.certificateArn !== undefined;
  const port = args.port ?? (https ? 443 : 80);
  checkInteger(problems, "port", args.port, 1, 65535);
  if (!https && port === 443) {
    problems.add("`port` (443) needs `certificateArn`: an HTTPS listener cannot serve without a certificate");
  }
  if (!https && args.sslPolicy !== undefined) {
    problems.add(
      `\`sslPolicy\` (${show(args.sslPolicy)}) applies only to HTTPS: give \`certificateArn\` too`,
    );
  }
  const stickinessSeconds = args.stickinessSeconds ?? 0;
  checkInteger(problems, "stickinessSeconds", args.stickinessSeconds, 0, MAX_STICKINESS_SECONDS);
  problems.throwIfAny("BlueGreenRouter", name);
  return {
    weights: { blue: weights.blue!, green: weights.green! },
    port,
    protocol: https ? "HTTPS" : "HTTP",
    sslPolicy: https ? (args.sslPolicy ?? DEFAULT_SSL_POLICY) : undefined,
    stickinessSeconds,
  };
}

function checkWeight(problems: Problems, arg: string, value: unknown): boolean {
  if (value === undefined) {
    problems.add(`\`${arg}\` is required: an integer from 0 to 100`);
    return false;
  }
  return checkInteger(problems, arg, value, 0, 100);
}

/** What the listener answers while no colour serves (weights 0/0): nothing is live yet. */
export const NO_RELEASE_RESPONSE = {
  contentType: "text/plain",
  messageBody: "no release is live yet",
  statusCode: "503",
} as const;

/** True for weights `{ blue: 0, green: 0 }`: no colour serves, the listener answers 503 itself. */
export function noColourServes(weights: RouterSettings["weights"]): boolean {
  return weights.blue === 0 && weights.green === 0;
}

/**
 * The listener's default action: a weighted forward to both target groups (sticky when asked), or, while no
 * colour serves, a fixed 503 response. Either way it is the one default action of the one listener, so
 * moving from "nothing live" to the first release is one update of that listener.
 */
export function listenerDefaultAction<T>(
  targetGroupArns: { blue: T; green: T },
  weights: RouterSettings["weights"],
  stickinessSeconds: number,
) {
  if (noColourServes(weights)) return { type: "fixed-response", fixedResponse: { ...NO_RELEASE_RESPONSE } };
  return weightedForwardAction(targetGroupArns, weights, stickinessSeconds);
}

/** A forward to both target groups by weight, sticky when asked. */
export function weightedForwardAction<T>(
  targetGroupArns: { blue: T; green: T },
  weights: RouterSettings["weights"],
  stickinessSeconds: number,
) {
  return {
    type: "forward",
    forward: {
      targetGroups: [
        { arn: targetGroupArns.blue, weight: weights.blue },
        { arn: targetGroupArns.green, weight: weights.green },
      ],
      ...(stickinessSeconds > 0 ? { stickiness: { enabled: true, duration: stickinessSeconds } } : {}),
    },
  };
}
