// Network's pure logic: defaults, validation, and names that fit AWS's 32-character load balancer and
// target group limits. No Pulumi import.
import type { NetworkArgs } from "./network";
import { hashProjection } from "./immutability/identity";
import { DEFAULT_SSL_POLICY } from "./routerSettings";
import { Problems, checkInteger, isIpv4Cidr, isPlainString, show } from "./validation";

export const NETWORK_DEFAULTS = {
  vpcCidr: "10.0.0.0/16",
  availabilityZones: 2,
  natGateways: "Single",
  appPort: 8080,
  albIngressCidrs: ["0.0.0.0/0"],
  deregistrationDelay: 30,
  healthCheck: {
    path: "/health",
    matcher: "200-399",
    interval: 15,
    healthyThreshold: 2,
    unhealthyThreshold: 3,
    timeout: 5,
  },
} as const;

/** Ports the load balancer listens on (the router's HTTP or HTTPS listener). */
export const ALB_LISTENER_PORTS = [80, 443] as const;

/** Remote-access ports the application may not use: the fleet would then admit them (no-ssh-access). */
export const REMOTE_ACCESS_PORTS = [22, 3389] as const;

/** Load balancer and target group names are at most 32 characters. */
export const ELB_NAME_MAX = 32;

export type NatGatewayStrategy = "Single" | "OnePerAz" | "None";

export interface HealthCheckSettings {
  path: string;
  matcher: string;
  interval: number;
  healthyThreshold: number;
  unhealthyThreshold: number;
  timeout: number;
}

/** The listener each colour's own load balancer has in route53 mode. */
export interface ColourListenerSettings {
  port: number;
  protocol: "HTTP" | "HTTPS";
  sslPolicy?: string;
}

export interface NetworkSettings {
  /** "alb": one load balancer for both colours; "route53": one per colour, each forwarding to its target group. */
  router: "alb" | "route53";
  /** Route53 mode only: the colours' listeners. */
  colourListener?: ColourListenerSettings;
  /** "create" makes a VPC with awsx; "existing" uses the given VPC and subnets. */
  mode: "create" | "existing";
  vpcCidr: string;
  availabilityZones: number;
  natGateways: NatGatewayStrategy;
  appPort: number;
  albIngressCidrs: string[];
  deregistrationDelay: number;
  healthCheck: HealthCheckSettings;
  tags: Record<string, string>;
}

/** Apply defaults and validate; throws ComponentArgsError listing every problem. */
export function resolveNetworkSettings(name: string, args: NetworkArgs): NetworkSettings {
  const problems = new Problems();
  const existing = {
    vpcId: args.vpcId,
    publicSubnetIds: args.publicSubnetIds,
    privateSubnetIds: args.privateSubnetIds,
  };
  const given = Object.entries(existing).filter(([, v]) => v !== undefined);
  const mode = given.length > 0 ? "existing" : "create";
  if (mode === "existing") {
    for (const [key, value] of Object.entries(existing)) {
      if (value === undefined) {
        problems.add(
          `\`${key}\` is required with ${given.map(([k]) => `\`${k}\``).join(", ")}: an existing VPC needs \`vpcId\`, \`publicSubnetIds\` and \`privateSubnetIds\``,
        );
      } else if (Array.isArray(value) && value.length === 0) {
        problems.add(`\`${key}\` ([]) must list at least one subnet id`);
      }
    }
    if (args.vpcCidr !== undefined) {
      problems.add(
        `\`vpcCidr\` (${show(args.vpcCidr)}) cannot be used with \`vpcId\`: the VPC already exists`,
      );
    }
    if (args.availabilityZones !== undefined || args.natGateways !== undefined) {
      problems.add(
        "`availabilityZones` and `natGateways` apply only to a VPC Phoenix creates, not with `vpcId`",
      );
    }
  }
  const vpcCidr = args.vpcCidr ?? NETWORK_DEFAULTS.vpcCidr;
  if (args.vpcCidr !== undefined) {
    const prefix = Number(args.vpcCidr.split("/")[1]);
    problems.check(
      isIpv4Cidr(args.vpcCidr) && prefix >= 16 && prefix <= 24,
      `\`vpcCidr\` (${show(args.vpcCidr)}) must be an IPv4 CIDR block from /16 to /24, like "10.0.0.0/16"`,
    );
  }
  checkInteger(problems, "availabilityZones", args.availabilityZones, 2, 6);
  const natGateways = args.natGateways ?? NETWORK_DEFAULTS.natGateways;
  problems.check(
    ["Single", "OnePerAz", "None"].includes(natGateways),
    `\`natGateways\` (${show(natGateways)}) must be "Single", "OnePerAz" or "None"`,
  );
  const appPort = args.appPort ?? NETWORK_DEFAULTS.appPort;
  if (checkInteger(problems, "appPort", args.appPort, 1, 65535)) {
    problems.check(
      !(REMOTE_ACCESS_PORTS as readonly number[]).includes(appPort),
      `\`appPort\` (${appPort}) must not be a remote-access port (${REMOTE_ACCESS_PORTS.join(", ")}): the fleet would admit it`,
    );
  }
  const albIngressCidrs = args.albIngressCidrs ?? [...NETWORK_DEFAULTS.albIngressCidrs];
  if (albIngressCidrs.length === 0) {
    problems.add('`albIngressCidrs` ([]) must list at least one CIDR block, like "0.0.0.0/0"');
  }
  albIngressCidrs.forEach((cidr, i) =>
    problems.check(
      isIpv4Cidr(cidr) || isIpv6Cidr(cidr),
      `\`albIngressCidrs[${i}]\` (${show(cidr)}) must be an IPv4 or IPv6 CIDR block, like "203.0.113.0/24"`,
    ),
  );
  checkInteger(problems, "deregistrationDelay", args.deregistrationDelay, 0, 3600);
  const healthCheck = resolveHealthCheck(problems, args.healthCheck ?? {});
  const router = args.router ?? "alb";
  problems.check(
    router === "alb" || router === "route53",
    `\`router\` (${show(args.router)}) must be "alb" or "route53"`,
  );
  const colourListener = resolveColourListener(problems, router, args.colourListener);
  problems.throwIfAny("Network", name);
  return {
    router,
    colourListener,
    mode,
    vpcCidr,
    availabilityZones: args.availabilityZones ?? NETWORK_DEFAULTS.availabilityZones,
    natGateways,
    appPort,
    albIngressCidrs,
    deregistrationDelay: args.deregistrationDelay ?? NETWORK_DEFAULTS.deregistrationDelay,
    healthCheck,
    tags: args.tags ?? {},
  };
}

function resolveHealthCheck(problems: Problems, given: Partial<HealthCheckSettings>): HealthCheckSettings {
  const check = { ...NETWORK_DEFAULTS.healthCheck, ...given };
  problems.check(
    isPlainString(check.path) && /^\/\S*$/.test(check.path) && check.path.length <= 1024,
    `\`healthCheck.path\` (${show(check.path)}) must be a URL path starting with "/", like "/health"`,
  );
  problems.check(
    isPlainString(check.matcher) && /^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(check.matcher),
    `\`healthCheck.matcher\` (${show(check.matcher)}) must be HTTP codes like "200", "200,302" or "200-399"`,
  );
  const intervalOk = checkInteger(problems, "healthCheck.interval", given.interval, 5, 300);
  checkInteger(problems, "healthCheck.healthyThreshold", given.healthyThreshold, 2, 10);
  checkInteger(problems, "healthCheck.unhealthyThreshold", given.unhealthyThreshold, 2, 10);
  const timeoutOk = checkInteger(problems, "healthCheck.timeout", given.timeout, 2, 120);
  if (intervalOk && timeoutOk && check.timeout >= check.interval) {
    problems.add(
      `\`healthCheck.timeout\` (${check.timeout}) must be less than \`healthCheck.interval\` (${check.interval})`,
    );
  }
  return check;
}

function resolveColourListener(
  problems: Problems,
  router: string,
  given: NetworkArgs["colourListener"],
): ColourListenerSettings | undefined {
  if (router !== "route53") {
    if (given !== undefined)
      problems.add(
        '`colourListener` applies only with `router: "route53"`: in alb mode the BlueGreenRouter owns the listener',
      );
    return undefined;
  }
  const https = given?.certificateArn !== undefined;
  const port = given?.port ?? (https ? 443 : 80);
  if (checkInteger(problems, "colourListener.port", given?.port, 1, 65535)) {
    problems.check(
      (ALB_LISTENER_PORTS as readonly number[]).includes(port),
      `\`colourListener.port\` (${port}) must be ${ALB_LISTENER_PORTS.join(" or ")}: the load balancers' security group admits only those`,
    );
  }
  if (!https && port === 443)
    problems.add("`colourListener.port` (443) needs `colourListener.certificateArn`");
  if (!https && given?.sslPolicy !== undefined)
    problems.add(
      `\`colourListener.sslPolicy\` (${show(given.sslPolicy)}) applies only to HTTPS: give \`colourListener.certificateArn\` too`,
    );
  return {
    port,
    protocol: https ? "HTTPS" : "HTTP",
    sslPolicy: https ? (given?.sslPolicy ?? DEFAULT_SSL_POLICY) : undefined,
  };
}

function isIpv6Cidr(value: string): boolean {
  const match = /^([0-9a-fA-F:]+)\/(\d{1,3})$/.exec(value);
  return match !== null && match[1].includes(":") && Number(match[2]) <= 128;
}

/**
 * A name of at most `max` characters (default 32, the load balancer and target group limit) made of
 * letters, digits and inner dashes: `<base>-<suffix>` when it fits, else the base cut and a short hash of
 * the full base inserted, so two long names that share a prefix still differ.
 */
export function elbName(base: string, suffix: string, max = ELB_NAME_MAX): string {
  const clean = base
    .replace(/[^a-zA-Z0-9-]/g, "-")
    .replace(/-+/g, "-")
    .replace(/^-|-$/g, "");
  const whole = `${clean}-${suffix}`;
  if (whole.length <= max) return whole;
  const hash = hashProjection({ base: clean }).slice(0, 6);
  const room = max - suffix.length - hash.length - 2;
  return `${clean.slice(0, room).replace(/-+$/, "")}-${hash}-${suffix}`;
}

/** Whether a CIDR is IPv6 (for the `cidrIpv6` field of an ingress rule). */
export function isIpv6(cidr: string): boolean {
  return cidr.includes(":");
}
