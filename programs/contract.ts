// The contract between the stacks of one app/env: roles, stack names, config keys and stack outputs.
// Programs produce it, the workflows (automation/) and `phoenix plan` consume it. Pure: no Pulumi import.

// Names, releases and AMI ids follow the components' rules: one definition, checked the same everywhere.
export { AMI_ID_PATTERN, NAME_PATTERN, RELEASE_PATTERN } from "../components/validation";

/** Stack roles; the stack config `phoenix:role` names one. */
export const ROLES = ["network", "fleet", "router", "golden-ami"] as const;
export type Role = (typeof ROLES)[number];

/** The two fleet colours of a blue/green deployment. */
export const COLOURS = ["blue", "green"] as const;
export type Colour = (typeof COLOURS)[number];

/**
 * How traffic reaches the colours, chosen at bootstrap (`phoenix:router`) and fixed for the life of the app/env:
 * "alb" — one load balancer whose listener weights the two target groups (one resource per swap step);
 * "route53" — one load balancer per colour and two weighted alias records under one name (two per step).
 */
export const ROUTER_MODES = ["alb", "route53"] as const;
export type RouterMode = (typeof ROUTER_MODES)[number];

/** A router mode as a stack records it: absent (stacks deployed before route53 existed) is "alb". */
export function routerModeOf(value: unknown): RouterMode {
  return value === "route53" ? "route53" : "alb";
}

/** The other colour. */
export function otherColour(colour: Colour): Colour {
  return colour === "blue" ? "green" : "blue";
}

/** Config namespace of every Phoenix key (`phoenix:role`, `phoenix:app`, …). */
export const CONFIG_NAMESPACE = "phoenix";

/**
 * Config keys whose values are secrets: written as secret config (the stack settings and the state hold only
 * their ciphertext) and never copied into records, events or `--json` output. User data often carries tokens.
 */
export const SECRET_CONFIG_KEYS: readonly string[] = ["userData"];

/** The stack of one part of an app/env: `<app>-<env>-network`, `-blue`, `-green`, `-router`, `-ami`. */
export type StackPart = "network" | "router" | "ami" | Colour;

export function stackName(app: string, env: string, part: StackPart): string {
  return `${app}-${env}-${part}`;
}

/** The role of the program that runs in each part's stack. */
export function roleOfPart(part: StackPart): Role {
  if (part === "blue" || part === "green") return "fleet";
  if (part === "ami") return "golden-ami";
  return part;
}

/** Outputs of the `network` stack. */
export interface NetworkOutputs {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  /** The load balancer (in route53 mode: the blue colour's; each colour's is in `colourLoadBalancers`). */
  albArn: string;
  albDnsName: string;
  /** How traffic reaches the colours (absent: "alb"). */
  routerMode?: RouterMode;
  /** Route53 mode: each colour's own load balancer, the target of its weighted alias record. */
  colourLoadBalancers?: Record<Colour, { arn: string; dnsName: string; zoneId: string }>;
  /** Route53 mode: port and protocol of the colours' listeners (what the Route 53 health checks call). */
  listenerPort?: number;
  listenerProtocol?: "HTTP" | "HTTPS";
  /** The target groups' health check path (the Route 53 health checks call it too). */
  healthCheckPath?: string;
  albSecurityGroupId: string;
  fleetSecurityGroupId: string;
  blueTargetGroupArn: string;
  greenTargetGroupArn: string;
  appPort: number;
}

/** Outputs of a `fleet` stack (one colour, one release). */
export interface FleetOutputs {
  colour: Colour;
  release: string;
  imageId: string;
  identity: string;
  autoScalingGroupName: string;
  launchTemplateName: string;
  targetGroupArn: string;
  desiredCapacity: number;
  /**
   * The identity of this deployment of the fleet: a new id for every `up` (Phoenix sets the stack config
   * `phoenix:deploymentId`), so a redeploy of the same release is a different fleet. The deployment records
   * name the fleet that served by it, and `rollback` goes only to that very fleet. Absent on fleets deployed
   * without one (by hand, or before Phoenix recorded fleet identities).
   */
  deploymentId?: string;
}

/** Outputs of the `router` stack. */
export interface RouterOutputs {
  /** ALB mode: the weighted listener. Absent in route53 mode. */
  listenerArn?: string;
  /** How traffic reaches the colours (absent: "alb"). */
  routerMode?: RouterMode;
  /** Route53 mode: the name the weighted records answer for. */
  recordName?: string;
  weights: Record<Colour, number>;
  url: string;
}

/** Outputs of the `golden-ami` stack. */
export interface GoldenAmiOutputs {
  /** The AMI of the first distribution region. */
  imageId: string;
  /** The AMI of every distribution region, by region. */
  imageIds: Record<string, string>;
  imageArn: string;
  pipelineArn?: string;
  /** The recipe the image was built from: its semantic version and ARN. */
  recipeVersion: string;
  recipeArn: string;
  parentImage: string;
  /** The bake id of this image (`phoenix:bakeId`), absent when none was set. */
  bakeId?: string;
}

// Config of each role, as set with `pulumi config set phoenix:<key>` or the Automation API's
// `setAllConfig({ "phoenix:<key>": { value } })`. Objects and lists are JSON (`--path` or a JSON string).

/** Config every role reads. */
export interface CommonConfig {
  /** Which program this stack runs. */
  role: Role;
  /** Application name (NAME_PATTERN). */
  app: string;
  /** Environment name (NAME_PATTERN). */
  env: string;
}

/** Config of the `network` role (all optional but the common keys). */
export interface NetworkConfig extends CommonConfig {
  /** Port the application listens on. @default 8080 */
  appPort?: number;
  /** Health check path of the target groups. @default "/health" */
  healthCheckPath?: string;
  /** CIDR of the VPC Phoenix creates. @default "10.0.0.0/16" */
  vpcCidr?: string;
  /** Use an existing VPC instead of creating one (then both subnet lists are required). */
  vpcId?: string;
  publicSubnetIds?: string[];
  privateSubnetIds?: string[];
  /** How traffic reaches the colours; "route53" gives each colour its own load balancer. @default "alb" */
  router?: RouterMode;
  /** Route53 mode: port of the colours' listeners. @default 80 (443 with certificateArn) */
  listenerPort?: number;
  /** Route53 mode: ACM certificate of the colours' HTTPS listeners. */
  certificateArn?: string;
}

/** Config of a `fleet` role stack: one release of the app in one colour. */
export interface FleetConfig extends CommonConfig {
  colour: Colour;
  release: string;
  /** AMI id; when absent, the `imageId` output of the `<app>-<env>-ami` stack. */
  imageId?: string;
  /** @default "t3.micro" */
  instanceType?: string;
  /** @default 1 */
  minSize?: number;
  /** @default 3 */
  maxSize?: number;
  /** @default 2 */
  desiredCapacity?: number;
  /** Plain-text user data (cloud-init); Phoenix encodes it. A secret (`SECRET_CONFIG_KEYS`). */
  userData?: string;
  /** The deployment's identity, passed through to the `deploymentId` output (see FleetOutputs). */
  deploymentId?: string;
}

/** Config of the `router` role. */
export interface RouterConfig extends CommonConfig {
  /**
   * Percent of traffic to blue. Both weights unset (or both 0) means no release is live: the listener answers
   * 503 itself. @default 0, or 100 - greenWeight when only that is set
   */
  blueWeight?: number;
  /** Percent of traffic to green. @default 0, or 100 - blueWeight when only that is set */
  greenWeight?: number;
  /** Listener port. @default 80 (443 when certificateArn is set) */
  listenerPort?: number;
  /** ACM certificate for an HTTPS listener. */
  certificateArn?: string;
  /** Stickiness duration in seconds across the two target groups; 0 turns it off. @default 0 */
  stickinessSeconds?: number;
  /** How traffic reaches the colours; must match the network stack's. @default "alb" */
  router?: RouterMode;
  /** Route53 mode: the hosted zone (an existing one) that holds the weighted records. */
  zoneId?: string;
  /** Route53 mode: the name the weighted records answer for, inside that zone (`shop.example.com`). */
  recordName?: string;
}

/** Config of the `golden-ami` role. */
export interface GoldenAmiConfig extends CommonConfig {
  /** Parent image (AMI id or Image Builder image ARN). */
  parentImage: string;
  /** Shell commands run while baking. */
  buildSteps?: string[];
  /** @default ["t3.small"] */
  instanceTypes?: string[];
  /** Image Builder cron schedule for a pipeline; no pipeline when absent. */
  schedule?: string;
  /** Shell commands of the image tests; a failure fails the bake. */
  testSteps?: string[];
  /** Regions the AMI is distributed to. @default the stack's region */
  distributionRegions?: string[];
  /** A new value bakes a new image version from the same recipe (`phoenix bake` sets it). */
  bakeId?: string;
}
