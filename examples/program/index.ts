// The program `pulumi up` runs: the stack's config (Pulumi.<stack>.yaml) in, the shop's outputs out.
import * as pulumi from "@pulumi/pulumi";
import { createShop, type ShopArgs } from "./shop";

const config = new pulumi.Config();
const shop = createShop("shop", {
  vpcId: config.require("vpcId"),
  publicSubnetIds: config.requireObject<string[]>("publicSubnetIds"),
  privateSubnetIds: config.requireObject<string[]>("privateSubnetIds"),
  parentImage: config.require("parentImage"),
  buildSteps: config.getObject<string[]>("buildSteps") ?? [],
  fleets: config.requireObject<ShopArgs["fleets"]>("fleets"),
  live: (config.get("live") ?? "none") as ShopArgs["live"],
});

/** Where the shop answers. */
export const url = pulumi.interpolate`http://${shop.network.loadBalancer.dnsName}`;
/** The golden AMI this stack baked. */
export const goldenImageId = shop.ami.imageId;
/** The percent of traffic each colour gets. */
export const weights = shop.router.weights;
/** Per colour: its release and the auto scaling group that runs it. */
export const fleets = Object.fromEntries(
  Object.entries(shop.fleets).map(([colour, fleet]) => [
    colour,
    { release: fleet.release, autoScalingGroup: fleet.autoScalingGroupName },
  ]),
);
