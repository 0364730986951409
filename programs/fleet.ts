// The `fleet` role: one release of the app in one colour, behind that colour's target group.
import * as pulumi from "@pulumi/pulumi";
import { FLEET_DEFAULTS, ImmutableFleet } from "../components";
import { parseFleetConfig } from "./config";
import type { FleetOutputs } from "./contract";
import type { Outputs } from "./outputs";
import { commonTags, requireOutput, siblingStack, stackConfigLookup } from "./stackConfig";

export async function fleetProgram(): Promise<Outputs<FleetOutputs>> {
  const config = parseFleetConfig(stackConfigLookup());
  const { app, env, colour, release } = config;
  const network = siblingStack(app, env, "network");
  const targetGroupArn = requireOutput<string>(network, `${colour}TargetGroupArn`, "network");
  // An explicit AMI wins; otherwise the golden AMI stack's latest bake.
  const imageId: pulumi.Input<string> =
    config.imageId ?? requireOutput<string>(siblingStack(app, env, "ami"), "imageId", "ami");
  const desiredCapacity = config.desiredCapacity ?? FLEET_DEFAULTS.desiredCapacity;
  const fleet = new ImmutableFleet(`${app}-${env}-${colour}`, {
    app,
    release,
    imageId,
    instanceType: config.instanceType,
    subnetIds: requireOutput<string[]>(network, "privateSubnetIds", "network"),
    securityGroupIds: [requireOutput<string>(network, "fleetSecurityGroupId", "network")],
    targetGroupArns: [targetGroupArn],
    minSize: config.minSize,
    maxSize: config.maxSize,
    desiredCapacity,
    // Secret config, and a secret input whichever way the config was set (a plain `pulumi config set` too).
    userData: config.userData === undefined ? undefined : pulumi.secret(config.userData),
    tags: { ...commonTags(app, env), "phoenix:colour": colour },
  });
  return {
    colour,
    release,
    imageId,
    identity: fleet.identity,
    autoScalingGroupName: fleet.autoScalingGroupName,
    launchTemplateName: fleet.launchTemplateName,
    targetGroupArn,
    desiredCapacity,
    // A stack output only, no resource input: a new deployment id changes no resource.
    ...(config.deploymentId ? { deploymentId: config.deploymentId } : {}),
  };
}
