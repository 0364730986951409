// The AMIs of one app/env, newest first: what EC2 holds under the golden AMI's tag (`phoenix:golden-ami:
// <app>-<env>`, on every AMI its distribution makes: Phoenix's bakes and the scheduled pipeline's runs alike),
// joined with the bake records (bake id, parent image, recipe version). Without an image probe, the bake
// records alone. Deregistered AMIs are left out.
import { GOLDEN_AMI_TAG, IN_USE_TAG } from "../../components/goldenAmiSettings";
import type { JournalEntry } from "../journal";
import type { JournalReader } from "../records/types";
import type { AmiDescription, CloudProbe } from "../seams";
import type { BakedAmi, BakeRecord } from "./types";

/** The tags every AMI of the app/env carries. */
export function goldenAmiTags(app: string, env: string): Record<string, string> {
  return { [GOLDEN_AMI_TAG]: `${app}-${env}` };
}

/** The bake records, oldest first (archives included where the store keeps them). */
export async function bakeRecords(journal: JournalReader): Promise<BakeRecord[]> {
  const entries: JournalEntry[] = journal.readAll ? await journal.readAll() : await journal.read();
  // Only a `bake` step's ok line carries a bake record (never a failed bake's): `baked` alone decides; the
  // type test narrows the entry for the compiler.
  // Stryker disable next-line ConditionalExpression: no other entry has a `baked` field to take
  return entries.flatMap((e) => (e.type === "step" && e.baked ? [e.baked] : []));
}

/** The recipe version in an Image Builder image ARN (`…:image/<recipe>/<version>/<build>`). */
export function recipeVersionOfArn(arn: string | undefined): string | undefined {
  return arn ? /:image\/[^/]+\/(\d+\.\d+\.\d+)(\/|$)/.exec(arn)?.[1] : undefined;
}

function fromEc2(ami: AmiDescription, record: BakeRecord | undefined): BakedAmi {
  return {
    imageId: ami.imageId,
    name: ami.name,
    createdAt: ami.creationDate ?? record?.bakedAt,
    recipeVersion: record?.recipeVersion ?? recipeVersionOfArn(ami.tags.Ec2ImageBuilderArn),
    parentImage: record?.parentImage,
    bakeId: record?.bakeId,
    source: record ? "bake" : "pipeline",
    state: ami.state ?? "available",
    deprecationTime: ami.deprecationTime,
    taggedInUse: ami.tags[IN_USE_TAG] === "true",
    snapshotIds: ami.snapshotIds,
  };
}

function fromRecord(record: BakeRecord): BakedAmi {
  return {
    imageId: record.imageId,
    createdAt: record.bakedAt,
    recipeVersion: record.recipeVersion,
    parentImage: record.parentImage,
    bakeId: record.bakeId,
    source: "bake",
    state: "unknown",
    taggedInUse: false,
    snapshotIds: [],
  };
}

const newestFirst = (a: BakedAmi, b: BakedAmi) =>
  Date.parse(b.createdAt ?? "0") - Date.parse(a.createdAt ?? "0");

export interface CatalogContext {
  app: string;
  env: string;
  probe: CloudProbe;
  journal: JournalReader;
}

/** Every AMI of the app/env, newest first. */
export async function listAmis(ctx: CatalogContext, signal?: AbortSignal): Promise<BakedAmi[]> {
  const records = await bakeRecords(ctx.journal);
  // A bake's record names every region's AMI in `imageIds` (the first region's `imageId` among them); an AMI
  // recorded twice shows its newest record.
  const recordOf = (imageId: string) =>
    [...records].reverse().find((r) => Object.values(r.imageIds).includes(imageId));
  if (!ctx.probe.images) {
    const seen = new Set<string>();
    return records
      .map(fromRecord)
      .filter((ami) => !seen.has(ami.imageId) && seen.add(ami.imageId))
      .sort(newestFirst);
  }
  const amis = await ctx.probe.images.describeImages(goldenAmiTags(ctx.app, ctx.env), signal);
  return amis
    .filter((ami) => ami.state !== "deregistered")
    .map((ami) => fromEc2(ami, recordOf(ami.imageId)))
    .sort(newestFirst);
}
