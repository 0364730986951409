// Route53Router's pure logic: defaults, validation and the records' shape. No Pulumi import.
import type { Route53RouterArgs } from "./route53Router";
import { Problems, checkInteger, isPlainString, show } from "./validation";
import { noColourServes } from "./routerSettings";

/** A Route 53 hosted zone id as the API returns it without its `/hostedzone/` prefix (`Z0123456789ABCDEFGHIJ`). */
export const ZONE_ID_PATTERN = /^[A-Z0-9]{1,32}$/;

/**
 * A DNS name in lower case, without the trailing dot. Route 53 (and pulumi-aws's `name` StateFunc) keep names
 * lower-case, so a mixed-case input would show a diff on every update.
 */
export const RECORD_NAME_PATTERN =
  /^(?=.{1,253}$)([a-z0-9_]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$/;

/** Route 53 health check request intervals: 30 s (standard) or 10 s (fast, billed extra). ForceNew. */
export const HEALTH_CHECK_INTERVALS = [10, 30] as const;

export const ROUTE53_ROUTER_DEFAULTS = {
  healthCheck: { path: "/health", failureThreshold: 3, requestInterval: 30 },
} as const;

/** Path, protocol and port may be outputs of another stack (the network's): validated when plain. */
export interface Route53HealthCheckSettings<I = string | number> {
  path: I | string;
  port: I | number | undefined;
  protocol: I | "HTTP" | "HTTPS";
  failureThreshold: number;
  requestInterval: number;
}

export interface Route53RouterSettings<I = string | number> {
  weights: { blue: number; green: number };
  recordName: string;
  /** `port` undefined: 80, or 443 for HTTPS (resolved by the component once the protocol is known). */
  healthCheck: Route53HealthCheckSettings<I>;
  /** False at 0/0: no record exists while no release is live (see Route53Router). */
  records: boolean;
}

/** Apply defaults and validate; throws ComponentArgsError listing every problem. */
export function resolveRoute53RouterSettings<I>(
  name: string,
  args: Route53RouterArgs,
): Route53RouterSettings<I> {
  const problems = new Problems();
  const weights = args.weights ?? ({} as Partial<Route53RouterSettings["weights"]>);
  // Each colour checked, then judged together: `every` alone would stop at blue's problem and hide green's.
  const weightsOk = (["blue", "green"] as const)
    .map((colour) => {
      const value = weights[colour];
      if (value === undefined) {
        problems.add(`\`weights.${colour}\` is required: an integer from 0 to 100`);
        return false;
      }
      return checkInteger(problems, `weights.${colour}`, value, 0, 100);
    })
    .every(Boolean);
  if (weightsOk) {
    const sum = weights.blue! + weights.green!;
    problems.check(
      sum === 100 || sum === 0,
      `\`weights\` (blue ${weights.blue} + green ${weights.green} = ${sum}) must sum to 100, ` +
        "or both be 0 while no release is live",
    );
  }
  if (args.zoneId === undefined || args.zoneId === null || args.zoneId === "") {
    problems.add("`zoneId` is required: the id of an existing Route 53 hosted zone");
  } else if (isPlainString(args.zoneId)) {
    problems.check(
      ZONE_ID_PATTERN.test(args.zoneId),
      `\`zoneId\` (${show(args.zoneId)}) must be a Route 53 hosted zone id: upper-case letters and digits, like "Z0123456789ABC" (without "/hostedzone/")`,
    );
  }
  problems.check(
    isPlainString(args.recordName) && RECORD_NAME_PATTERN.test(args.recordName),
    `\`recordName\` (${show(args.recordName)}) must be a lower-case DNS name without the trailing dot, like "shop.example.com"`,
  );
  for (const colour of ["blue", "green"] as const) {
    const target = args.loadBalancers?.[colour];
    problems.check(
      target !== undefined && target.dnsName !== undefined && target.zoneId !== undefined,
      `\`loadBalancers.${colour}\` is required: the ${colour} load balancer's \`dnsName\` and \`zoneId\``,
    );
  }
  const given = args.healthCheck ?? {};
  const protocol = given.protocol ?? "HTTP";
  if (isPlainString(protocol))
    problems.check(
      protocol === "HTTP" || protocol === "HTTPS",
      `\`healthCheck.protocol\` (${show(protocol)}) must be "HTTP" or "HTTPS"`,
    );
  const path = given.path ?? ROUTE53_ROUTER_DEFAULTS.healthCheck.path;
  if (isPlainString(path))
    problems.check(
      /^\/\S*$/.test(path) && path.length <= 255,
      `\`healthCheck.path\` (${show(path)}) must be a URL path starting with "/" of at most 255 characters`,
    );
  if (typeof given.port === "number" || typeof given.port === "string")
    checkInteger(problems, "healthCheck.port", given.port, 1, 65535);
  checkInteger(problems, "healthCheck.failureThreshold", given.failureThreshold, 1, 10);
  const requestInterval = given.requestInterval ?? ROUTE53_ROUTER_DEFAULTS.healthCheck.requestInterval;
  problems.check(
    (HEALTH_CHECK_INTERVALS as readonly number[]).includes(requestInterval),
    `\`healthCheck.requestInterval\` (${show(requestInterval)}) must be 10 or 30 (seconds)`,
  );
  problems.throwIfAny("Route53Router", name);
  const settledWeights = { blue: weights.blue!, green: weights.green! };
  return {
    weights: settledWeights,
    recordName: args.recordName,
    healthCheck: {
      path: path as I | string,
      port: given.port as I | number | undefined,
      protocol: protocol as I | "HTTP" | "HTTPS",
      failureThreshold: given.failureThreshold ?? ROUTE53_ROUTER_DEFAULTS.healthCheck.failureThreshold,
      requestInterval,
    },
    records: !noColourServes(settledWeights),
  };
}
