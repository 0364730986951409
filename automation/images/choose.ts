// The AMI of an `up`: the one given; else the one another env of the app has live (promotion: bake once,
// promote through the environments); else the newest baked AMI of the app/env that is not deprecated.
import { AppStacks, liveColour } from "../deploymentState";
import type { Clock } from "../health";
import type { Engine } from "../seams";
import { goldenAmiTags, listAmis, recipeVersionOfArn, type CatalogContext } from "./catalog";
import { NoImageError } from "./errors";
import type { ImageChoice } from "./types";

export interface ChooseContext extends CatalogContext {
  engine: Engine;
  clock: Clock;
}

export async function chooseImage(
  ctx: ChooseContext,
  options: { imageId?: string; imageFromEnv?: string },
  signal?: AbortSignal,
): Promise<ImageChoice> {
  if (options.imageId) return { imageId: options.imageId, source: "given" };
  if (options.imageFromEnv) return promoted(ctx, options.imageFromEnv);
  const now = ctx.clock.now();
  const usable = (await listAmis(ctx, signal)).filter(
    (ami) =>
      (ami.state === "available" || ami.state === "unknown") &&
      (ami.deprecationTime === undefined || Date.parse(ami.deprecationTime) > now),
  );
  const newest = usable[0];
  if (!newest) {
    throw new NoImageError(
      `No baked AMI of ${ctx.app}/${ctx.env} to deploy (none recorded, none found in EC2 under its golden AMI ` +
        `tag, or all deprecated): run \`phoenix bake --app ${ctx.app} --env ${ctx.env}\` first, or pass --image-id.`,
    );
  }
  return {
    imageId: newest.imageId,
    source: "newest-bake",
    ageMs: newest.createdAt ? Math.max(0, now - Date.parse(newest.createdAt)) : undefined,
    recipeVersion: newest.recipeVersion,
  };
}

async function promoted(ctx: ChooseContext, fromEnv: string): Promise<ImageChoice> {
  const other = new AppStacks(ctx.engine, ctx.app, fromEnv);
  const state = await other.read();
  const live = liveColour(state.weights);
  const fleet = live ? state.fleets[live] : undefined;
  if (!live || !fleet) {
    const why = !state.router
      ? `stack ${other.name("router")} not found`
      : live
        ? `${live} has the traffic but no fleet`
        : "no colour has traffic";
    throw new NoImageError(
      `${ctx.app}/${fromEnv} has no live release to promote (${why}): deploy and swap there first, or pass --image-id.`,
    );
  }
  // Its recipe version from EC2: the AMI carries the other env's golden AMI tag and its image's ARN. Best
  // effort: without the image calls, when they fail, or for an AMI not baked there, the version is unknown.
  const ami = await ctx.probe.images?.describeImages(goldenAmiTags(ctx.app, fromEnv)).then(
    (amis) => amis.find((a) => a.imageId === fleet.imageId),
    () => undefined,
  );
  return {
    imageId: fleet.imageId,
    source: "promoted",
    fromEnv,
    fromColour: live,
    fromRelease: fleet.release,
    recipeVersion: recipeVersionOfArn(ami?.tags.Ec2ImageBuilderArn),
  };
}
