// `phoenix plan --offline`: run every role's program for one app/env under Pulumi's mock runtime, stack after
// stack in one process, each StackReference answered from the upstream stack's planned outputs. No Pulumi CLI,
// no AWS, no network: the fake cloud supplies realistic ids and ARNs.
import { stackName, type Colour, type Role, type StackPart } from "../contract";
import type { Program } from "..";
import { PLAN_DEFAULTS } from "./defaults";
import { installMockRuntime, runProgram, type RecordedResource } from "./mockRuntime";

export { PLAN_DEFAULTS };

export interface PlanOptions {
  /** @default "shop" */
  app?: string;
  /** @default "demo" */
  env?: string;
  /** Release deployed to `colour`. @default "v1.0.0" */
  release?: string;
  /** AMI of the release. @default a plausible Amazon Linux 2023 AMI id */
  imageId?: string;
  /** Colour the release is deployed to; the router sends it all traffic. @default "blue" */
  colour?: Colour;
  /** Also plan the golden AMI stack. @default true */
  goldenAmi?: boolean;
  /** Plan the network in this existing VPC (as `phoenix bootstrap --vpc-id …`). @default a new VPC */
  existingVpc?: PlannedVpc;
  /** Plan the Route 53 router (as `phoenix bootstrap --router route53 …`). @default the ALB listener */
  route53?: PlannedRoute53;
}

/** Route53 router mode: the existing hosted zone and the name the weighted records answer for. */
export interface PlannedRoute53 {
  zoneId: string;
  recordName: string;
}

/** An existing VPC: its id, the load balancer's public subnets and the fleets' private subnets. */
export interface PlannedVpc {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
}

/** What one stack would create. */
export interface PlannedStack {
  name: string;
  role: Role;
  part: StackPart;
  /** Resources the program registers, in order (the stack root and stack references left out). */
  resources: RecordedResource[];
  /** Stacks this one reads through StackReference. */
  reads: string[];
  outputs: Record<string, unknown>;
}

export interface Plan {
  app: string;
  env: string;
  release: string;
  imageId: string;
  colour: Colour;
  /** The existing VPC the network was planned in; absent when the network stack creates its VPC. */
  existingVpc?: PlannedVpc;
  /** The Route 53 router it was planned with; absent in ALB mode. */
  route53?: PlannedRoute53;
  stacks: PlannedStack[];
}

const NOT_CREATED = new Set(["pulumi:pulumi:Stack", "pulumi:pulumi:StackReference"]);

/** Plan every stack of one app/env. Programs are passed in so tests can plan variants. */
export async function planOffline(programs: Record<Role, Program>, options: PlanOptions = {}): Promise<Plan> {
  const app = options.app ?? PLAN_DEFAULTS.app;
  const env = options.env ?? PLAN_DEFAULTS.env;
  const release = options.release ?? PLAN_DEFAULTS.release;
  const imageId = options.imageId ?? PLAN_DEFAULTS.imageId;
  const colour = options.colour ?? PLAN_DEFAULTS.colour;
  const common = { role: "", app, env };
  const stackConfigs: Array<{ part: StackPart; config: Record<string, unknown> }> = [
    ...(options.goldenAmi === false
      ? []
      : [
          {
            part: "ami" as const,
            config: { ...common, role: "golden-ami", parentImage: PLAN_DEFAULTS.parentImage },
          },
        ]),
    {
      part: "network",
      config: {
        ...common,
        role: "network",
        ...options.existingVpc,
        ...(options.route53 ? { router: "route53" } : {}),
      },
    },
    { part: colour, config: { ...common, role: "fleet", colour, release, imageId } },
    {
      part: "router",
      config: {
        ...common,
        role: "router",
        blueWeight: colour === "blue" ? 100 : 0,
        greenWeight: colour === "green" ? 100 : 0,
        ...(options.route53 ? { router: "route53", ...options.route53 } : {}),
      },
    },
  ];

  const outputsByStack = new Map<string, Record<string, unknown>>();
  const stacks: PlannedStack[] = [];
  for (const { part, config } of stackConfigs) {
    const name = stackName(app, env, part);
    const role = config.role as Role;
    const recorded: RecordedResource[] = [];
    const reads: string[] = [];
    await installMockRuntime({
      project: "phoenix",
      stack: name,
      config: toPulumiConfig(config),
      lookupStack: (qualified) => {
        const short = qualified.split("/").pop() ?? qualified;
        reads.push(short);
        return outputsByStack.get(short);
      },
      onResource: (resource) => recorded.push(resource),
    });
    const outputs = await runProgram(programs[role]);
    outputsByStack.set(name, outputs);
    stacks.push({
      name,
      role,
      part,
      resources: recorded.filter((r) => !NOT_CREATED.has(r.type)),
      reads,
      outputs,
    });
  }
  return {
    app,
    env,
    release,
    imageId,
    colour,
    existingVpc: options.existingVpc,
    ...(options.route53 ? { route53: options.route53 } : {}),
    stacks,
  };
}

/** `{ role: "fleet" }` → `{ "phoenix:role": "fleet" }`, values as `pulumi config` stores them. */
export function toPulumiConfig(config: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(config)) {
    if (value === undefined) continue;
    out[`phoenix:${key}`] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return out;
}
