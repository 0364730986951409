// The `golden-ami` role: the EC2 Image Builder pipeline that bakes the app's golden AMI.
import { GoldenAmi } from "../components";
import { parseGoldenAmiConfig } from "./config";
import type { GoldenAmiOutputs } from "./contract";
import type { Outputs } from "./outputs";
import { commonTags, stackConfigLookup } from "./stackConfig";

export async function goldenAmiProgram(): Promise<Outputs<GoldenAmiOutputs>> {
  const config = parseGoldenAmiConfig(stackConfigLookup());
  const ami = new GoldenAmi(`${config.app}-${config.env}`, {
    parentImage: config.parentImage,
    buildSteps: config.buildSteps,
    testSteps: config.testSteps,
    distributionRegions: config.distributionRegions,
    bakeId: config.bakeId,
    instanceTypes: config.instanceTypes,
    schedule: config.schedule ? { cron: config.schedule } : undefined,
    tags: commonTags(config.app, config.env),
  });
  return {
    imageId: ami.imageId,
    imageIds: ami.imageIds,
    imageArn: ami.imageArn,
    ...(ami.pipeline ? { pipelineArn: ami.pipeline.arn } : {}),
    recipeVersion: ami.recipe.version,
    recipeArn: ami.recipe.arn,
    parentImage: config.parentImage,
    ...(config.bakeId ? { bakeId: config.bakeId } : {}),
  };
}
