// What each role's program would create, as a small table per role, for the in-memory engine. Computed
// from the same config keys as the real programs (programs/contract.ts) and shaped like their outputs,
// including the release identity in the fleet's physical names (the real pure function computes it).
import { createHash } from "crypto";
import { launchTemplateIdentity, nameWithIdentity } from "../../components/immutability/identity";
import { listenerDefaultAction } from "../../components/routerSettings";
import {
  stackName,
  type Colour,
  type FleetOutputs,
  type NetworkOutputs,
  type Role,
  type RouterOutputs,
} from "../../programs/contract";

export interface FakeResource {
  type: string;
  name: string;
  /** Parent component type, for the URN (`phoenix:aws:ImmutableFleet$aws:ec2/...`). */
  parentType?: string;
  inputs: Record<string, unknown>;
}

export interface FakeProgramResult {
  resources: FakeResource[];
  outputs: Record<string, unknown>;
}

export interface FakeProgramContext {
  stack: string;
  /** `phoenix:*` config without the namespace: `{ role: "fleet", colour: "blue", … }`. */
  config: Record<string, string>;
  /** Outputs of another stack of the project (what a StackReference reads); undefined when it has none. */
  stackOutputs(name: string): Record<string, unknown> | undefined;
}

export type FakeProgram = (context: FakeProgramContext) => FakeProgramResult;

/** Keys whose change makes the engine replace instead of update (the provider's ForceNew inputs). */
export const REPLACE_KEYS: Record<string, string[]> = {
  "aws:ec2/launchTemplate:LaunchTemplate": ["name"],
  "aws:autoscaling/group:Group": ["name"],
  "aws:lb/listener:Listener": ["loadBalancerArn"],
  "aws:lb/targetGroup:TargetGroup": ["name", "port", "protocol", "vpcId"],
  "aws:lb/loadBalancer:LoadBalancer": ["name"],
  "aws:ec2/vpc:Vpc": ["cidrBlock"],
  "aws:ec2/subnet:Subnet": ["vpcId", "cidrBlock"],
  "aws:ec2/securityGroup:SecurityGroup": ["name", "vpcId"],
};

const ACCOUNT = "123456789012";
const REGION = "us-east-1";

export function shortHash(text: string, length = 8): string {
  return createHash("sha256").update(text).digest("hex").slice(0, length);
}

function required(config: Record<string, string>, key: string, stack: string): string {
  const value = config[key];
  if (value === undefined || value === "")
    throw new Error(`stack ${stack}: config \`phoenix:${key}\` is required`);
  return value;
}

function int(config: Record<string, string>, key: string, fallback: number): number {
  return config[key] === undefined ? fallback : Number(config[key]);
}

/** A required output of a sibling stack, with the real programs' error wording. */
function siblingOutput(
  context: FakeProgramContext,
  app: string,
  env: string,
  part: "network" | "ami",
  key: string,
): unknown {
  const value = context.stackOutputs(stackName(app, env, part))?.[key];
  if (value === undefined || value === null) {
    throw new Error(
      `stack output \`${key}\` of the ${part} stack is missing: deploy the ${part} stack first (\`phoenix bootstrap\`)`,
    );
  }
  return value;
}

export function networkProgram({ stack, config }: FakeProgramContext): FakeProgramResult {
  const app = required(config, "app", stack);
  const env = required(config, "env", stack);
  const base = `${app}-${env}`;
  const cidr = config.vpcCidr ?? "10.0.0.0/16";
  const appPort = int(config, "appPort", 8080);
  const vpcId = config.vpcId ?? `vpc-${shortHash(base + cidr, 17)}`;
  const tg = (colour: Colour) =>
    `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:targetgroup/${base}-${colour}/${shortHash(base + colour, 16)}`;
  const component = "phoenix:aws:Network";
  const subnets = ["public-0", "public-1", "private-0", "private-1"].map((role, i) => ({
    type: "aws:ec2/subnet:Subnet",
    name: `${base}-${role}`,
    parentType: component,
    inputs: { vpcId, cidrBlock: cidr.replace(/\.0\.0\/16$/, `.${i}.0/24`) },
  }));
  const healthCheck = { path: config.healthCheckPath ?? "/health", port: String(appPort) };
  // As the real program: with an existing VPC (phoenix:vpcId and both subnet lists) no VPC or subnet is
  // created, and the outputs are the given ids.
  const existing = config.vpcId
    ? {
        vpcId: config.vpcId,
        publicSubnetIds: JSON.parse(config.publicSubnetIds ?? "[]") as string[],
        privateSubnetIds: JSON.parse(config.privateSubnetIds ?? "[]") as string[],
      }
    : undefined;
  const outputs: NetworkOutputs = {
    vpcId,
    publicSubnetIds: subnets.slice(0, 2).map((s) => `subnet-${shortHash(s.name, 17)}`),
    privateSubnetIds: subnets.slice(2).map((s) => `subnet-${shortHash(s.name, 17)}`),
    ...existing,
    albArn: `arn:aws:elasticloadbalancing:${REGION}:${ACCOUNT}:loadbalancer/app/${base}/${shortHash(base, 16)}`,
    albDnsName: `${base}-${shortHash(base, 6)}.${REGION}.elb.amazonaws.com`,
    albSecurityGroupId: `sg-${shortHash(base + "alb", 17)}`,
    fleetSecurityGroupId: `sg-${shortHash(base + "fleet", 17)}`,
    blueTargetGroupArn: tg("blue"),
    greenTargetGroupArn: tg("green"),
    appPort,
  };
  return {
    resources: [
      { type: component, name: base, inputs: {} },
      ...(existing
        ? []
        : [
            {
              type: "aws:ec2/vpc:Vpc",
              name: `${base}-vpc`,
              parentType: component,
              inputs: { cidrBlock: cidr },
            },
            ...subnets,
          ]),
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: `${base}-alb`,
        parentType: component,
        inputs: { vpcId, ingress: [{ fromPort: 80, toPort: 80 }] },
      },
      {
        type: "aws:ec2/securityGroup:SecurityGroup",
        name: `${base}-fleet`,
        parentType: component,
        inputs: { vpcId, ingress: [{ fromPort: appPort, toPort: appPort }] },
      },
      {
        type: "aws:lb/loadBalancer:LoadBalancer",
        name: `${base}-alb`,
        parentType: component,
        inputs: { name: base, internal: false },
      },
      ...(["blue", "green"] as const).map((colour) => ({
        type: "aws:lb/targetGroup:TargetGroup",
        name: `${base}-${colour}`,
        parentType: component,
        inputs: { name: `${base}-${colour}`, port: appPort, protocol: "HTTP", vpcId, healthCheck },
      })),
    ],
    outputs: { ...outputs },
  };
}

export function fleetProgram(context: FakeProgramContext): FakeProgramResult {
  const { stack, config } = context;
  const app = required(config, "app", stack);
  const env = required(config, "env", stack);
  const colour = required(config, "colour", stack) as Colour;
  const release = required(config, "release", stack);
  const imageId = config.imageId ?? String(siblingOutput(context, app, env, "ami", "imageId"));
  const targetGroupArn = String(siblingOutput(context, app, env, "network", `${colour}TargetGroupArn`));
  const subnets = siblingOutput(context, app, env, "network", "privateSubnetIds");
  const securityGroup = String(siblingOutput(context, app, env, "network", "fleetSecurityGroupId"));
  const instanceType = config.instanceType ?? "t3.micro";
  const desiredCapacity = int(config, "desiredCapacity", 2);
  const base = `${app}-${env}-${colour}`;
  const templateInputs = {
    imageId,
    instanceType,
    userData: config.userData ? Buffer.from(config.userData).toString("base64") : undefined,
    vpcSecurityGroupIds: [securityGroup],
    metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" },
  };
  const identity = launchTemplateIdentity(templateInputs);
  const launchTemplateName = nameWithIdentity(base, identity);
  const autoScalingGroupName = nameWithIdentity(base, identity, 255);
  const tags = {
    "phoenix:app": app,
    "phoenix:release": release,
    "phoenix:identity": identity,
    "phoenix:colour": colour,
  };
  const component = "phoenix:aws:ImmutableFleet";
  const outputs: FleetOutputs = {
    colour,
    release,
    imageId,
    identity,
    autoScalingGroupName,
    launchTemplateName,
    targetGroupArn,
    desiredCapacity,
  };
  return {
    resources: [
      { type: component, name: base, inputs: {} },
      {
        type: "aws:ec2/launchTemplate:LaunchTemplate",
        name: `${base}-lt`,
        parentType: component,
        inputs: { name: launchTemplateName, ...templateInputs, tags },
      },
      {
        type: "aws:autoscaling/group:Group",
        name: `${base}-asg`,
        parentType: component,
        inputs: {
          name: autoScalingGroupName,
          launchTemplate: { name: launchTemplateName, version: "1" },
          minSize: int(config, "minSize", 1),
          maxSize: int(config, "maxSize", 3),
          desiredCapacity,
          targetGroupArns: [targetGroupArn],
          vpcZoneIdentifiers: subnets,
          healthCheckType: "ELB",
          tags,
        },
      },
    ],
    outputs: { ...outputs },
  };
}

export function routerProgram(context: FakeProgramContext): FakeProgramResult {
  const { stack, config } = context;
  const app = required(config, "app", stack);
  const env = required(config, "env", stack);
  // The real router's defaults (programs/config.ts routerWeights): neither weight set is 0/0, nothing live.
  const given = (key: string) => (config[key] !== undefined ? Number(config[key]) : undefined);
  const blueGiven = given("blueWeight");
  const greenGiven = given("greenWeight");
  const blue = blueGiven ?? (greenGiven !== undefined ? 100 - greenGiven : 0);
  const green = greenGiven ?? (blueGiven !== undefined ? 100 - blue : 0);
  if (blue + green !== 100 && !(blue === 0 && green === 0))
    throw new Error(
      `stack ${stack}: \`phoenix:blueWeight\` (${blue}) and \`phoenix:greenWeight\` (${green}) must add up to 100, or both be 0 while no release is live`,
    );
  const albArn = String(siblingOutput(context, app, env, "network", "albArn"));
  const dns = String(siblingOutput(context, app, env, "network", "albDnsName"));
  const base = `${app}-${env}`;
  const listenerArn = `${albArn.replace(":loadbalancer/", ":listener/")}/${shortHash(base + "listener", 16)}`;
  const outputs: RouterOutputs = { listenerArn, weights: { blue, green }, url: `http://${dns}/` };
  return {
    resources: [
      { type: "phoenix:aws:BlueGreenRouter", name: base, inputs: {} },
      {
        type: "aws:lb/listener:Listener",
        name: `${base}-listener`,
        parentType: "phoenix:aws:BlueGreenRouter",
        inputs: {
          loadBalancerArn: albArn,
          port: 80,
          protocol: "HTTP",
          // The real BlueGreenRouter's action: at 0/0 the one listener answers 503 itself instead of forwarding.
          defaultActions: [
            listenerDefaultAction(
              {
                blue: siblingOutput(context, app, env, "network", "blueTargetGroupArn"),
                green: siblingOutput(context, app, env, "network", "greenTargetGroupArn"),
              },
              { blue, green },
              0,
            ),
          ],
        },
      },
    ],
    outputs: { ...outputs },
  };
}

export function goldenAmiProgram({ stack, config }: FakeProgramContext): FakeProgramResult {
  const parentImage = required(config, "parentImage", stack);
  const imageId = `ami-${shortHash(parentImage + (config.buildSteps ?? ""), 17)}`;
  return {
    resources: [
      {
        type: "aws:imagebuilder/image:Image",
        name: `${stack}-image`,
        inputs: { parentImage, buildSteps: config.buildSteps },
      },
    ],
    outputs: { imageId, imageArn: `arn:aws:imagebuilder:${REGION}:${ACCOUNT}:image/${stack}/1.0.0/1` },
  };
}

export const FAKE_PROGRAMS: Record<Role, FakeProgram> = {
  network: networkProgram,
  fleet: fleetProgram,
  router: routerProgram,
  "golden-ami": goldenAmiProgram,
};
