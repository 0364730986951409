// The aws:imagebuilder/* types. moto has no EC2 Image Builder, so their state is kept in files (fileStore.ts).
// An Image "bakes" by registering a real AMI in the emulator (RegisterImage), so auto scaling groups can
// launch it, and exposes it in outputResources[0].amis as the real provider does (image.go
// flattenOutputResources). Image tests fail on demand, see FAIL_TESTS_* below and README.md.
import * as fs from "fs";
import * as path from "path";
import { accountId, aws, PARTITION, region, sdk, stateDir } from "../context";
import { FORCE_NEW } from "../../../../automation/memory/forceNew";
import type { ResourceType } from "../resourceType";
import { satisfies, str, tagList, type Props } from "../values";
import { load, remove, save } from "./fileStore";

/** A tag on the Image resource that makes its image tests fail. */
export const FAIL_TESTS_TAG = "phoenix:rig:fail-image-tests";
/** A file in the state directory that makes every image's tests fail while it exists. */
export const FAIL_TESTS_FILE = "fail-image-tests";

interface FileType {
  token: string;
  /** The ARN of a new resource (Image Builder lower-cases names in ARNs). */
  arn(inputs: Props, account: string): string;
  /** Outputs the service computes, beyond the inputs. */
  computed(inputs: Props, arn: string, account: string): Promise<Props>;
  autoName?: { maxLength: number };
  defaults?: Props;
}

const now = () => new Date().toISOString();
const lower = (v: unknown) => String(v).toLowerCase();

function fileType(spec: FileType): ResourceType {
  const replaceOn = new Set(FORCE_NEW[spec.token]?.replaceOn ?? []);
  const type: ResourceType = {
    token: spec.token,
    autoName: spec.autoName,
    defaults: spec.defaults,

    async create(inputs) {
      const account = await accountId();
      const arn = spec.arn(inputs, account);
      const clean = Object.fromEntries(Object.entries(inputs).filter(([k]) => !k.startsWith("__")));
      const tags = (inputs.tags ?? {}) as Props;
      const outs = {
        ...clean,
        ...(await spec.computed(inputs, arn, account)),
        arn,
        tags,
        tagsAll: tags,
        region: region(),
      };
      save({ type: spec.token, id: arn, outs });
      return { id: arn, outs };
    },

    async read(id) {
      return load(id)?.outs;
    },

    async update(id, olds, news) {
      const stored = load(id);
      const outs = { ...(stored?.outs ?? olds) };
      for (const [k, v] of Object.entries(news)) {
        if (k.startsWith("__")) continue;
        if (replaceOn.has(k) && !satisfies(v, outs[k]))
          throw new Error(`${spec.token}: ${k} cannot change in place`);
        outs[k] = v;
      }
      outs.tagsAll = outs.tags;
      outs.dateUpdated = now();
      save({ type: spec.token, id, outs });
      return outs;
    },

    async delete(id) {
      remove(id);
    },
  };
  return type;
}

export const component = fileType({
  token: "aws:imagebuilder/component:Component",
  autoName: { maxLength: 126 },
  arn: (i, account) =>
    `arn:${PARTITION}:imagebuilder:${region()}:${account}:component/${lower(i.name)}/${i.version}/1`,
  computed: async (_i, _arn, account) => ({
    dateCreated: now(),
    encrypted: true,
    owner: account,
    type: "BUILD",
  }),
});

export const imageRecipe = fileType({
  token: "aws:imagebuilder/imageRecipe:ImageRecipe",
  autoName: { maxLength: 128 },
  arn: (i, account) =>
    `arn:${PARTITION}:imagebuilder:${region()}:${account}:image-recipe/${lower(i.name)}/${i.version}`,
  computed: async (_i, _arn, account) => ({ dateCreated: now(), owner: account, platform: "Linux" }),
});

export const infrastructureConfiguration = fileType({
  token: "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
  autoName: { maxLength: 126 },
  defaults: { terminateInstanceOnFailure: false },
  arn: (i, account) =>
    `arn:${PARTITION}:imagebuilder:${region()}:${account}:infrastructure-configuration/${lower(i.name)}`,
  computed: async () => ({ dateCreated: now(), dateUpdated: "" }),
});

export const distributionConfiguration = fileType({
  token: "aws:imagebuilder/distributionConfiguration:DistributionConfiguration",
  autoName: { maxLength: 126 },
  arn: (i, account) =>
    `arn:${PARTITION}:imagebuilder:${region()}:${account}:distribution-configuration/${lower(i.name)}`,
  computed: async () => ({ dateCreated: now(), dateUpdated: "" }),
});

export const imagePipeline = fileType({
  token: "aws:imagebuilder/imagePipeline:ImagePipeline",
  autoName: { maxLength: 126 },
  defaults: { status: "ENABLED", enhancedImageMetadataEnabled: true },
  arn: (i, account) => `arn:${PARTITION}:imagebuilder:${region()}:${account}:image-pipeline/${lower(i.name)}`,
  computed: async () => ({
    dateCreated: now(),
    dateUpdated: "",
    dateLastRun: "",
    dateNextRun: "",
    platform: "Linux",
  }),
});

export const lifecyclePolicy = fileType({
  token: "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy",
  autoName: { maxLength: 126 },
  defaults: { status: "ENABLED" },
  arn: (i, account) =>
    `arn:${PARTITION}:imagebuilder:${region()}:${account}:lifecycle-policy/${lower(i.name)}`,
  computed: async () => ({}),
});

function testsMustFail(inputs: Props): boolean {
  const tags = (inputs.tags ?? {}) as Record<string, string>;
  return String(tags[FAIL_TESTS_TAG]) === "true" || fs.existsSync(path.join(stateDir(), FAIL_TESTS_FILE));
}

/** The first distribution's AMI name and tags ({{imagebuilder:buildDate}} and friends filled in). */
function amiSettings(distributionArn: unknown): { name?: string; tags: Record<string, string> } {
  const distributions = (load(String(distributionArn))?.outs.distributions ?? []) as Props[];
  const ours = distributions.find((d) => d.region === region()) ?? distributions[0];
  const config = (ours?.amiDistributionConfiguration ?? {}) as Props;
  const stamp = new Date()
    .toISOString()
    .replace(/[-:.TZ]/g, "")
    .slice(0, 14);
  const name = str(config.name)
    ?.replace(/\{\{\s*imagebuilder:buildDate\s*\}\}/g, stamp)
    .replace(/\{\{[^}]*\}\}/g, stamp);
  return { name, tags: (config.amiTags ?? {}) as Record<string, string> };
}

export const image: ResourceType = {
  token: "aws:imagebuilder/image:Image",
  defaults: { enhancedImageMetadataEnabled: true },

  async create(inputs) {
    const account = await accountId();
    const recipe = load(String(inputs.imageRecipeArn))?.outs ?? {};
    const recipeName = str(recipe.name) ?? String(inputs.imageRecipeArn).split("/")[1] ?? "image";
    const version = str(recipe.version) ?? "1.0.0";
    if (testsMustFail(inputs)) {
      // What the real provider reports when the build ends FAILED (image.go waitImageStatusAvailable).
      throw new Error(
        `waiting for Image Builder Image (${recipeName}/${version}) to become available: unexpected state ` +
          `'FAILED', wanted target 'AVAILABLE'. last error: Image tests failed (rig: ${FAIL_TESTS_TAG})`,
      );
    }
    const build = Date.now();
    const arn = `arn:${PARTITION}:imagebuilder:${region()}:${account}:image/${lower(recipeName)}/${version}/${build}`;
    const ami = amiSettings(inputs.distributionConfigurationArn);
    const amiName = ami.name ?? `${recipeName}-${build}`;
    const ec2 = sdk.ec2();
    const { ImageId } = await aws.ec2().send(
      new ec2.RegisterImageCommand({
        Name: amiName,
        Description: `Image Builder ${arn}`,
        RootDeviceName: "/dev/xvda",
      }),
    );
    const tags = { ...ami.tags, Ec2ImageBuilderArn: arn };
    await aws.ec2().send(new ec2.CreateTagsCommand({ Resources: [ImageId!], Tags: tagList(tags) }));
    const clean = Object.fromEntries(Object.entries(inputs).filter(([k]) => !k.startsWith("__")));
    const ownTags = (inputs.tags ?? {}) as Props;
    const outs: Props = {
      ...clean,
      arn,
      dateCreated: new Date(build).toISOString(),
      name: recipeName,
      osVersion: "Amazon Linux 2023",
      outputResources: [
        {
          amis: [
            {
              accountId: account,
              description: `Image Builder ${arn}`,
              image: ImageId,
              name: amiName,
              region: region(),
            },
          ],
          containers: [],
        },
      ],
      platform: "Linux",
      region: region(),
      tags: ownTags,
      tagsAll: ownTags,
      version: `${version}/${build}`,
    };
    save({ type: image.token, id: arn, outs });
    return { id: arn, outs };
  },

  async read(id) {
    return load(id)?.outs;
  },

  async update(id, olds, news) {
    // Tags only (image.go resourceImageUpdate); everything else is ForceNew.
    const outs = { ...(load(id)?.outs ?? olds), tags: news.tags ?? {}, tagsAll: news.tags ?? {} };
    save({ type: image.token, id, outs });
    return outs;
  },

  async delete(id) {
    // Deleting an Image Builder image leaves its AMIs in place (AWS DeleteImage), so does this.
    remove(id);
  },
};
