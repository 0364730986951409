// Typed, validated stack config for each role. Parsing is pure (a `lookup` of raw strings in, a typed config
// or every problem at once out), so tests and `phoenix plan` call it without a Pulumi runtime.
import { FLEET_DEFAULTS } from "../components/fleetSettings";
import { RECORD_NAME_PATTERN, ZONE_ID_PATTERN } from "../components/route53RouterSettings";
import {
  AMI_ID_PATTERN,
  COLOURS,
  CONFIG_NAMESPACE,
  NAME_PATTERN,
  RELEASE_PATTERN,
  ROLES,
  ROUTER_MODES,
  type Colour,
  type FleetConfig,
  type GoldenAmiConfig,
  type NetworkConfig,
  type Role,
  type RouterConfig,
  type RouterMode,
} from "./contract";

/** Raw config value of `phoenix:<key>` as `pulumi config` stores it (a string; objects and lists as JSON). */
export type ConfigLookup = (key: string) => string | undefined;

/** Every problem found in a stack's config, reported at once. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid stack config:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

const AMI_ID = AMI_ID_PATTERN;
const RELEASE = RELEASE_PATTERN;

/** Reads keys, remembering problems; `done()` throws them all or returns. */
class Reader {
  readonly problems: string[] = [];
  constructor(private readonly lookup: ConfigLookup) {}

  private raw(key: string): string | undefined {
    const value = this.lookup(key);
    return value === undefined || value === "" ? undefined : value;
  }

  private problem(key: string, value: unknown, allowed: string): undefined {
    this.problems.push(`\`${CONFIG_NAMESPACE}:${key}\` (${JSON.stringify(value)}) ${allowed}`);
    return undefined;
  }

  requireString(key: string, pattern?: RegExp, allowed?: string): string {
    const value = this.raw(key);
    if (value === undefined) {
      this.problems.push(
        `\`${CONFIG_NAMESPACE}:${key}\` is required: \`pulumi config set ${CONFIG_NAMESPACE}:${key} <value>\``,
      );
      return "";
    }
    if (pattern && !pattern.test(value)) this.problem(key, value, allowed ?? `must match ${pattern}`);
    return value;
  }

  string(key: string, pattern?: RegExp, allowed?: string): string | undefined {
    const value = this.raw(key);
    if (value !== undefined && pattern && !pattern.test(value))
      return this.problem(key, value, allowed ?? `must match ${pattern}`);
    return value;
  }

  oneOf<T extends string>(key: string, allowed: readonly T[], required: true): T;
  oneOf<T extends string>(key: string, allowed: readonly T[], required?: false): T | undefined;
  oneOf<T extends string>(key: string, allowed: readonly T[], required = false): T | undefined {
    const value = required ? this.requireString(key) : this.raw(key);
    if (value === undefined || value === "") return undefined;
    if (!(allowed as readonly string[]).includes(value))
      return this.problem(key, value, `must be one of ${allowed.join(", ")}`);
    return value as T;
  }

  integer(key: string, min: number, max: number): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max)
      return this.problem(key, value, `must be an integer from ${min} to ${max}`);
    return n;
  }

  stringList(key: string, pattern?: RegExp, allowed?: string): string[] | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    let list: unknown;
    try {
      list = JSON.parse(value);
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list) || !list.every((item) => typeof item === "string")) {
      return this.problem(
        key,
        value,
        "must be a JSON list of strings (`pulumi config set --path 'phoenix:key[0]' value`)",
      );
    }
    const bad = pattern ? list.filter((item) => !pattern.test(item)) : [];
    if (bad.length > 0) return this.problem(key, bad, allowed ?? `items must match ${pattern}`);
    return list as string[];
  }

  done(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

const ZONE_ID_ALLOWED =
  "must be a Route 53 hosted zone id (upper-case letters and digits, like Z0123456789ABC)";
const RECORD_NAME_ALLOWED = "must be a lower-case DNS name inside the zone, like shop.example.com";
const CERTIFICATE_ARN = /^arn:aws[\w-]*:acm:/;

const NAME_ALLOWED = "must be 2–32 lower-case letters, digits or inner dashes, starting with a letter";

/** The role of this stack, from `phoenix:role`. */
export function parseRole(lookup: ConfigLookup): Role {
  const reader = new Reader(lookup);
  const role = reader.oneOf("role", ROLES, true);
  reader.done();
  return role;
}

function common(reader: Reader, role: Role) {
  return {
    role,
    app: reader.requireString("app", NAME_PATTERN, NAME_ALLOWED),
    env: reader.requireString("env", NAME_PATTERN, NAME_ALLOWED),
  };
}

export function parseNetworkConfig(lookup: ConfigLookup): NetworkConfig {
  const r = new Reader(lookup);
  const config: NetworkConfig = {
    ...common(r, "network"),
    appPort: r.integer("appPort", 1, 65535),
    healthCheckPath: r.string("healthCheckPath", /^\/\S*$/, "must be a path starting with /"),
    vpcCidr: r.string(
      "vpcCidr",
      /^\d{1,3}(\.\d{1,3}){3}\/(1[6-9]|2[0-8])$/,
      "must be an IPv4 CIDR from /16 to /28",
    ),
    vpcId: r.string("vpcId", /^vpc-[0-9a-f]{8,17}$/, "must be a VPC id (vpc-…)"),
    publicSubnetIds: r.stringList(
      "publicSubnetIds",
      /^subnet-[0-9a-f]{8,17}$/,
      "items must be subnet ids (subnet-…)",
    ),
    privateSubnetIds: r.stringList(
      "privateSubnetIds",
      /^subnet-[0-9a-f]{8,17}$/,
      "items must be subnet ids (subnet-…)",
    ),
    router: r.oneOf<RouterMode>("router", ROUTER_MODES),
    listenerPort: r.integer("listenerPort", 1, 65535),
    certificateArn: r.string("certificateArn", CERTIFICATE_ARN, "must be an ACM certificate ARN"),
  };
  if (config.router !== "route53" && (config.listenerPort !== undefined || config.certificateArn)) {
    r.problems.push(
      "`phoenix:listenerPort` and `phoenix:certificateArn` of the network stack serve only `phoenix:router` " +
        "route53 (each colour's listener); in alb mode they are the router stack's",
    );
  }
  const existing = [config.vpcId, config.publicSubnetIds, config.privateSubnetIds].filter(
    (v) => v !== undefined,
  ).length;
  if (existing > 0 && existing < 3) {
    r.problems.push(
      "`phoenix:vpcId`, `phoenix:publicSubnetIds` and `phoenix:privateSubnetIds` go together: set all three to use an existing VPC, or none to create one",
    );
  }
  r.done();
  return config;
}

export function parseFleetConfig(lookup: ConfigLookup): FleetConfig {
  const r = new Reader(lookup);
  const config: FleetConfig = {
    ...common(r, "fleet"),
    colour: r.oneOf<Colour>("colour", COLOURS, true),
    release: r.requireString(
      "release",
      RELEASE,
      "must be 1–40 lower-case letters, digits, dots or inner dashes",
    ),
    imageId: r.string("imageId", AMI_ID, "must be an AMI id: ami- and 8 or 17 hex digits"),
    instanceType: r.string(
      "instanceType",
      /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
      "must be an EC2 instance type such as t3.micro",
    ),
    minSize: r.integer("minSize", 0, 1000),
    maxSize: r.integer("maxSize", 1, 1000),
    desiredCapacity: r.integer("desiredCapacity", 0, 1000),
    userData: r.string("userData"),
    deploymentId: r.string(
      "deploymentId",
      /^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/,
      "must be 1–64 letters, digits or inner dashes",
    ),
  };
  const min = config.minSize ?? FLEET_DEFAULTS.minSize;
  const max = config.maxSize ?? FLEET_DEFAULTS.maxSize;
  const desired = config.desiredCapacity ?? FLEET_DEFAULTS.desiredCapacity;
  if (min > max) r.problems.push(`\`phoenix:minSize\` (${min}) must not exceed \`phoenix:maxSize\` (${max})`);
  else if (desired < min || desired > max) {
    r.problems.push(
      `\`phoenix:desiredCapacity\` (${desired}) must be between \`phoenix:minSize\` (${min}) and \`phoenix:maxSize\` (${max})`,
    );
  }
  r.done();
  return config;
}

export function parseRouterConfig(lookup: ConfigLookup): RouterConfig {
  const r = new Reader(lookup);
  const config: RouterConfig = {
    ...common(r, "router"),
    blueWeight: r.integer("blueWeight", 0, 100),
    greenWeight: r.integer("greenWeight", 0, 100),
    listenerPort: r.integer("listenerPort", 1, 65535),
    certificateArn: r.string("certificateArn", CERTIFICATE_ARN, "must be an ACM certificate ARN"),
    stickinessSeconds: r.integer("stickinessSeconds", 0, 7 * 24 * 3600),
    router: r.oneOf<RouterMode>("router", ROUTER_MODES),
    zoneId: r.string("zoneId", ZONE_ID_PATTERN, ZONE_ID_ALLOWED),
    recordName: r.string("recordName", RECORD_NAME_PATTERN, RECORD_NAME_ALLOWED),
  };
  r.problems.push(...routerModeProblems(config, lookup));
  const { blue, green } = routerWeights(config);
  if (blue + green !== 100 && !(blue === 0 && green === 0)) {
    r.problems.push(
      `\`phoenix:blueWeight\` (${blue}) and \`phoenix:greenWeight\` (${green}) must add up to 100, ` +
        "or both be 0 while no release is live",
    );
  }
  r.done();
  return config;
}

/** What contradicts the router mode: route53 needs a zone and a name; alb takes neither, route53 no listener keys. */
function routerModeProblems(config: RouterConfig, lookup: ConfigLookup): string[] {
  const problems: string[] = [];
  if (config.router === "route53") {
    for (const key of ["zoneId", "recordName"] as const)
      // A value that failed its pattern is reported already: "required" only when nothing was set.
      if (config[key] === undefined && !lookup(key))
        problems.push(`\`phoenix:${key}\` is required with \`phoenix:router\` route53`);
    const listenerKeys = (["listenerPort", "certificateArn", "stickinessSeconds"] as const).filter(
      (key) => config[key] !== undefined,
    );
    if (listenerKeys.length > 0)
      problems.push(
        `${listenerKeys.map((k) => `\`phoenix:${k}\``).join(", ")} cannot be used with \`phoenix:router\` route53: ` +
          "each colour's listener is the network stack's, and DNS weighting cannot keep a client on one colour",
      );
  } else {
    const dnsKeys = (["zoneId", "recordName"] as const).filter((key) => config[key] !== undefined);
    if (dnsKeys.length > 0)
      problems.push(
        `${dnsKeys.map((k) => `\`phoenix:${k}\``).join(" and ")} need \`phoenix:router\` route53 (the router is an ALB listener)`,
      );
  }
  return problems;
}

/**
 * The weights a router config asks for. Neither set: 0/0, no release is live yet (the listener answers 503).
 * One set: the other is the rest of 100. Both set: as given (parseRouterConfig checks they add up).
 */
export function routerWeights(config: RouterConfig): Record<Colour, number> {
  const { blueWeight, greenWeight } = config;
  if (blueWeight === undefined && greenWeight === undefined) return { blue: 0, green: 0 };
  const blue = blueWeight ?? 100 - greenWeight!;
  const green = greenWeight ?? 100 - blue;
  return { blue, green };
}

export function parseGoldenAmiConfig(lookup: ConfigLookup): GoldenAmiConfig {
  const r = new Reader(lookup);
  const config: GoldenAmiConfig = {
    ...common(r, "golden-ami"),
    parentImage: r.requireString(
      "parentImage",
      /^(ami-([0-9a-f]{8}|[0-9a-f]{17})|arn:aws[\w-]*:imagebuilder:.+|ssm:.+)$/,
      "must be an AMI id, an Image Builder image ARN or ssm:<parameter>",
    ),
    buildSteps: r.stringList("buildSteps"),
    instanceTypes: r.stringList(
      "instanceTypes",
      /^[a-z][a-z0-9-]*\.[a-z0-9]+$/,
      "items must be EC2 instance types",
    ),
    schedule: r.string(
      "schedule",
      /^cron\(.+\)$/,
      "must be an Image Builder cron expression: cron(0 3 ? * MON *)",
    ),
    testSteps: r.stringList("testSteps"),
    distributionRegions: r.stringList(
      "distributionRegions",
      /^[a-z]{2}(-[a-z]+)+-\d$/,
      "items must be AWS regions like eu-west-1",
    ),
    bakeId: r.string(
      "bakeId",
      /^[a-z0-9][a-z0-9-]{0,39}$/,
      "must be 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit",
    ),
  };
  r.done();
  return config;
}
