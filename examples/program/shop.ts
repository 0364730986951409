// The shop's web tier, blue/green in one stack: a Network in an existing VPC, a GoldenAmi baked from the parent
// image, one ImmutableFleet per colour that runs a release, and the BlueGreenRouter that sends the traffic to the
// live colour. Going live with a new release is two `pulumi up`s: give the idle colour the new release (it boots
// from the new golden AMI unless pinned), then set `live` to that colour.
import * as pulumi from "@pulumi/pulumi";
import type { Colour } from "phoenix-fleet";
import {
  BlueGreenRouter,
  ComponentArgsError,
  GoldenAmi,
  ImmutableFleet,
  Network,
  resolveFleetSettings,
  resolveGoldenAmiSettings,
  resolveNetworkSettings,
  type GoldenAmiArgs,
  type ImmutableFleetArgs,
  type NetworkArgs,
} from "phoenix-fleet/components";

/** What one colour runs. */
export interface ColourRelease {
  /** The release name (`v1.2.3`): part of the fleet's physical names. */
  release: string;
  /** Boot from this AMI instead of the golden AMI this stack bakes (pin the release that keeps serving). */
  imageId?: string;
  /** Fleet size; the component's defaults (min 1, max 3, desired 2) when absent. */
  capacity?: { min: number; max: number; desired: number };
}

export interface ShopArgs {
  vpcId: string;
  publicSubnetIds: string[];
  privateSubnetIds: string[];
  /** The image the golden AMI is baked from: an AMI id, an Image Builder image ARN or `ssm:<parameter>`. */
  parentImage: string;
  /** Shell commands that install the application into the golden AMI. */
  buildSteps: string[];
  /** The release of each colour that has a fleet. */
  fleets: Partial<Record<Colour, ColourRelease>>;
  /** The colour that gets all the traffic, or "none" before the first release goes live (the listener answers 503). */
  live: Colour | "none";
}

export interface Shop {
  network: Network;
  ami: GoldenAmi;
  fleets: Partial<Record<Colour, ImmutableFleet>>;
  router: BlueGreenRouter;
}

const COLOURS: Colour[] = ["blue", "green"];

/** What a fleet gets from the network and the golden AMI. */
interface FleetWiring {
  goldenImageId: pulumi.Input<string>;
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  targetGroupArns: Record<Colour, pulumi.Input<string>>;
}

function networkArgs(args: ShopArgs): NetworkArgs {
  return {
    vpcId: args.vpcId,
    publicSubnetIds: args.publicSubnetIds,
    privateSubnetIds: args.privateSubnetIds,
  };
}

function goldenAmiArgs(args: ShopArgs): GoldenAmiArgs {
  return { parentImage: args.parentImage, buildSteps: args.buildSteps };
}

function fleetArgs(name: string, args: ShopArgs, colour: Colour, wiring: FleetWiring): ImmutableFleetArgs {
  const wanted = args.fleets[colour]!;
  return {
    app: name,
    release: wanted.release,
    imageId: wanted.imageId ?? wiring.goldenImageId,
    subnetIds: args.privateSubnetIds,
    securityGroupIds: wiring.securityGroupIds,
    targetGroupArns: [wiring.targetGroupArns[colour]],
    ...(wanted.capacity && {
      minSize: wanted.capacity.min,
      maxSize: wanted.capacity.max,
      desiredCapacity: wanted.capacity.desired,
    }),
  };
}

/**
 * Every problem with the shop's arguments at once: the shop's own and each component's, checked with the
 * components' own pure checks (`resolve…Settings`) before any resource is created, so a bad stack config
 * changes nothing. What the network and the golden AMI will provide is not known yet: the components take
 * outputs as they are, so the check stands them in with outputs.
 */
export function shopProblems(name: string, args: ShopArgs): string[] {
  const problems: string[] = [];
  const fleets = args.fleets ?? {};
  const unknown = Object.keys(fleets).filter((key) => !COLOURS.includes(key as Colour));
  if (unknown.length > 0)
    problems.push(`\`fleets\` has ${JSON.stringify(unknown)}: the colours are "blue" and "green"`);
  const withFleet = COLOURS.filter((colour) => fleets[colour]);
  if (args.live !== "none" && !withFleet.includes(args.live as Colour))
    problems.push(
      `\`live\` (${JSON.stringify(args.live)}) must be a colour that has a fleet ` +
        `(${withFleet.map((c) => JSON.stringify(c)).join(", ") || "none yet"}) or "none"`,
    );
  const later = pulumi.output("");
  const notYet: FleetWiring = {
    goldenImageId: later,
    securityGroupIds: pulumi.output([]),
    targetGroupArns: { blue: later, green: later },
  };
  const checks = [
    () => resolveNetworkSettings(name, networkArgs(args)),
    () => resolveGoldenAmiSettings(name, goldenAmiArgs(args)),
    ...withFleet.map(
      (colour) => () => resolveFleetSettings(`${name}-${colour}`, fleetArgs(name, args, colour, notYet)),
    ),
  ];
  for (const check of checks) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof ComponentArgsError)) throw error;
      problems.push(error.message);
    }
  }
  return problems;
}

export function createShop(name: string, args: ShopArgs): Shop {
  const problems = shopProblems(name, args);
  if (problems.length > 0) throw new Error(`Invalid shop config:\n- ${problems.join("\n- ")}`);

  const network = new Network(name, networkArgs(args));
  const ami = new GoldenAmi(name, goldenAmiArgs(args));
  const wiring: FleetWiring = {
    goldenImageId: ami.imageId,
    securityGroupIds: [network.fleetSecurityGroup.id],
    targetGroupArns: { blue: network.targetGroups.blue.arn, green: network.targetGroups.green.arn },
  };
  const fleets: Shop["fleets"] = {};
  for (const colour of COLOURS) {
    if (args.fleets[colour])
      fleets[colour] = new ImmutableFleet(`${name}-${colour}`, fleetArgs(name, args, colour, wiring));
  }
  const router = new BlueGreenRouter(name, {
    loadBalancerArn: network.loadBalancer.arn,
    targetGroupArns: wiring.targetGroupArns,
    weights: {
      blue: args.live === "blue" ? 100 : 0,
      green: args.live === "green" ? 100 : 0,
    },
  });
  return { network, ami, fleets, router };
}
