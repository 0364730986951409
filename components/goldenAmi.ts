// GoldenAmi: bakes the AMI an immutable fleet boots from, with EC2 Image Builder. Changes to servers are
// made here, at bake time, and reach production only as a new release of the fleet.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  amiName,
  amiOfRegion,
  componentDocument,
  contentHash,
  resolveGoldenAmiSettings,
  updateLinuxComponentArn,
  GOLDEN_AMI_TAG,
  IN_USE_TAG,
  type GoldenAmiSettings,
} from "./goldenAmiSettings";
import { assumeRolePolicy } from "./iam";
import type { RootVolumeArgs } from "./validation";

export interface GoldenAmiArgs {
  /**
   * The image to start from: an AMI id, an Image Builder image ARN, or an SSM parameter as
   * "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64".
   */
  parentImage: pulumi.Input<string>;
  /**
   * Shell commands run on the build instance, in order, stopping at the first failure (they become one
   * Image Builder component). Install and configure the application here: fleets are never changed after.
   * @default [] - only the operating system update (see `updateOs`)
   */
  buildSteps?: string[];
  /**
   * Shell commands run by the image tests on an instance launched from the new image; a failure fails the
   * bake and no AMI is distributed.
   * @default [] - the image tests run only Image Builder's own checks
   */
  testSteps?: string[];
  /**
   * Run the AWS-managed `update-linux` component before the build steps, so each bake carries the latest
   * OS patches. With `false`, `buildSteps` must not be empty.
   * @default true
   */
  updateOs?: boolean;
  /**
   * Instance types of the build instance (Image Builder picks the first available).
   * @default ["t3.small"]
   */
  instanceTypes?: string[];
  /**
   * Regions the AMI is distributed to.
   * @default - the current region
   */
  distributionRegions?: string[];
  /**
   * Semantic version of the recipe and component ("1.0.0"). Image Builder versions are immutable; Phoenix
   * names them after a hash of their content, so the version need not change when the content does.
   * @default "1.0.0"
   */
  version?: string;
  /**
   * Root volume of the build instance and of the image, always encrypted.
   * @default { sizeGiB: 20, type: "gp3", deviceName: "/dev/xvda" }
   */
  rootVolume?: RootVolumeArgs;
  /**
   * Minutes the image tests may run (60–1440).
   * @default 60
   */
  imageTestsTimeoutMinutes?: number;
  /**
   * Subnet of the build instance; needs `securityGroupIds`.
   * @default - the default VPC
   */
  subnetId?: pulumi.Input<string>;
  /**
   * Security groups of the build instance (egress only is enough: no one logs in to it).
   * @default - the default security group of the VPC
   */
  securityGroupIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Bake on a schedule with an Image Builder pipeline: an AWS cron expression of six fields, like
   * "0 4 ? * MON *" (04:00 UTC every Monday). The pipeline runs only when the parent image or a component
   * has a newer version.
   * @default - no pipeline: the image is baked once, when the stack is deployed
   */
  schedule?: { cron: string };
  /**
   * Deprecate this GoldenAmi's AMIs older than `deprecateAfterDays`, keeping at least `retainAtLeast`
   * (default 1), with an Image Builder lifecycle policy. AMIs tagged in use (`phoenix:in-use`, set by Phoenix
   * while a fleet stack uses them) are excluded; `phoenix ami prune` is the safer way to retire AMIs.
   * @default - no lifecycle policy
   */
  lifecycle?: { deprecateAfterDays: number; retainAtLeast?: number };
  /**
   * Names one bake: a new value builds a new image version from the same recipe (a new Image resource,
   * `<name>-image-<bakeId>`; the previous one is deleted, its AMIs stay in EC2). Phoenix's `bake` sets a new
   * one each time; with the same value (or none) a deploy bakes only when the recipe or its parts change.
   * 1 to 40 lower-case letters, digits or dashes.
   * @default - the Image resource is `<name>-image`
   */
  bakeId?: string;
  /**
   * Tags of every resource and of the AMIs. Phoenix adds `phoenix:golden-ami: <name>`.
   * @default {}
   */
  tags?: Record<string, string>;
}

/**
 * A golden AMI baked by EC2 Image Builder: a build component from the user's steps, a recipe with encrypted
 * block devices, an infrastructure configuration (no key pair, terminate on failure), a distribution
 * configuration, and the image, built with its tests enabled. Optionally a scheduled pipeline and a lifecycle
 * policy that deprecates old AMIs. `imageId` feeds `ImmutableFleet`.
 */
export class GoldenAmi extends pulumi.ComponentResource {
  /** Id of the baked AMI in the first distribution region (the current region by default). */
  readonly imageId: pulumi.Output<string>;
  /** The baked AMI of every distribution region, by region. */
  readonly imageIds: pulumi.Output<Record<string, string>>;
  /** ARN of the Image Builder image. */
  readonly imageArn: pulumi.Output<string>;
  /** The image (one bake). */
  readonly image: aws.imagebuilder.Image;
  /** The recipe: parent image, components, encrypted block devices. */
  readonly recipe: aws.imagebuilder.ImageRecipe;
  /** The scheduled pipeline, when `schedule` is given. */
  readonly pipeline?: aws.imagebuilder.ImagePipeline;
  /** The lifecycle policy, when `lifecycle` is given. */
  readonly lifecyclePolicy?: aws.imagebuilder.LifecyclePolicy;

  constructor(name: string, args: GoldenAmiArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): invalid arguments register nothing, not even the component itself.
    const settings = resolveGoldenAmiSettings(name, args);
    super("phoenix:aws:GoldenAmi", name, {}, opts);
    const tags = settings.tags;
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;

    const build = this.buildInstanceProfile(name, tags, partition);
    const componentArns = this.components(name, settings, partition, region);
    const blockDeviceMappings = [
      {
        deviceName: settings.rootVolume.deviceName,
        ebs: {
          volumeSize: settings.rootVolume.sizeGiB,
          volumeType: settings.rootVolume.type,
          encrypted: "true",
          deleteOnTermination: "true",
        },
      },
    ];
    // Recipes, like components, are immutable per name and version: the name follows the content.
    const recipeName = pulumi
      .all([args.parentImage, componentArns])
      .apply(([parentImage, arns]) => `${name}-${contentHash({ parentImage, arns, blockDeviceMappings })}`);
    this.recipe = new aws.imagebuilder.ImageRecipe(
      `${name}-recipe`,
      {
        name: recipeName,
        version: settings.version,
        parentImage: args.parentImage,
        components: componentArns.map((componentArn) => ({ componentArn })),
        blockDeviceMappings,
        tags,
      },
      { parent: this },
    );

    const infrastructure = new aws.imagebuilder.InfrastructureConfiguration(
      `${name}-infra`,
      {
        description: `Build instances of the Phoenix golden AMI ${name}: no key pair, IMDSv2`,
        instanceProfileName: build.profile.name,
        instanceTypes: settings.instanceTypes,
        terminateInstanceOnFailure: true,
        instanceMetadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
        ...(args.subnetId !== undefined ? { subnetId: args.subnetId } : {}),
        ...(args.securityGroupIds !== undefined ? { securityGroupIds: args.securityGroupIds } : {}),
        resourceTags: tags,
        tags,
      },
      { parent: this, dependsOn: build.attachments },
    );

    const regions = settings.distributionRegions ?? [region];
    const distribution = new aws.imagebuilder.DistributionConfiguration(
      `${name}-distribution`,
      {
        description: `Distribution of the Phoenix golden AMI ${name}`,
        distributions: regions.map((r) => ({
          region: r,
          amiDistributionConfiguration: { name: amiName(name), amiTags: tags },
        })),
        tags,
      },
      { parent: this },
    );

    const bakeInputs = {
      imageRecipeArn: this.recipe.arn,
      infrastructureConfigurationArn: infrastructure.arn,
      distributionConfigurationArn: distribution.arn,
      imageTestsConfiguration: { imageTestsEnabled: true, timeoutMinutes: settings.imageTestsTimeoutMinutes },
      tags,
    };
    const imageName = settings.bakeId ? `${name}-image-${settings.bakeId}` : `${name}-image`;
    this.image = new aws.imagebuilder.Image(imageName, bakeInputs, { parent: this });
    this.imageArn = this.image.arn;
    this.imageId = pulumi
      .all([this.image.outputResources, regions[0]])
      .apply(([resources, firstRegion]) => amiOfRegion(resources, firstRegion));
    this.imageIds = pulumi
      .all([this.image.outputResources, pulumi.all(regions)])
      .apply(([resources, all]) => Object.fromEntries(all.map((r) => [r, amiOfRegion(resources, r)])));

    if (settings.scheduleExpression !== undefined) {
      this.pipeline = new aws.imagebuilder.ImagePipeline(
        `${name}-pipeline`,
        {
          ...bakeInputs,
          description: `Scheduled bakes of the Phoenix golden AMI ${name}`,
          schedule: {
            scheduleExpression: settings.scheduleExpression,
            // Bake only when the parent image or a component has a newer version: no identical AMIs.
            pipelineExecutionStartCondition: "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
          },
        },
        { parent: this },
      );
    }
    if (settings.lifecycle !== undefined) {
      this.lifecyclePolicy = this.deprecationPolicy(name, settings.lifecycle, tags, partition);
    }

    this.registerOutputs({
      imageId: this.imageId,
      imageIds: this.imageIds,
      imageArn: this.imageArn,
      image: this.image,
      recipe: this.recipe,
      ...(this.pipeline ? { pipeline: this.pipeline } : {}),
      ...(this.lifecyclePolicy ? { lifecyclePolicy: this.lifecyclePolicy } : {}),
    });
  }

  /**
   * The build instance's role and profile. Image Builder drives the build instance through SSM; that
   * instance lives for one bake and is never a server, so the SSM policy it needs is not the fleet's.
   */
  private buildInstanceProfile(name: string, tags: Record<string, string>, partition: pulumi.Output<string>) {
    const role = new aws.iam.Role(
      `${name}-build-role`,
      {
        description: `Build instances of the Phoenix golden AMI ${name}`,
        assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    const attachments = ["EC2InstanceProfileForImageBuilder", "AmazonSSMManagedInstanceCore"].map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-build-${policy}`,
          { role: role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
          { parent: this },
        ),
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-build-profile`,
      { role: role.name, tags },
      { parent: this },
    );
    return { profile, attachments };
  }

  /** The recipe's components, in order: AWS's `update-linux` (with `updateOs`), then the user's steps. */
  private components(
    name: string,
    settings: GoldenAmiSettings,
    partition: pulumi.Output<string>,
    region: pulumi.Output<string>,
  ): pulumi.Input<string>[] {
    const arns: pulumi.Input<string>[] = [];
    if (settings.updateOs) {
      arns.push(pulumi.all([partition, region]).apply(([p, r]) => updateLinuxComponentArn(p, r)));
    }
    if (settings.buildSteps.length > 0 || settings.testSteps.length > 0) {
      const data = componentDocument(name, settings.buildSteps, settings.testSteps);
      const component = new aws.imagebuilder.Component(
        `${name}-build`,
        {
          // Image Builder components are immutable per name and version: name them after their content.
          name: `${name}-build-${contentHash({ data })}`,
          platform: "Linux",
          version: settings.version,
          data,
          description: `Phoenix build steps for ${name}`,
          tags: settings.tags,
        },
        { parent: this },
      );
      arns.push(component.arn);
    }
    return arns;
  }

  /**
   * A lifecycle policy that deprecates this GoldenAmi's AMIs (selected by tag) after some days, except the
   * AMIs tagged in use: age alone says nothing about whether a live or warm fleet still launches from one.
   */
  private deprecationPolicy(
    name: string,
    lifecycle: NonNullable<GoldenAmiSettings["lifecycle"]>,
    tags: Record<string, string>,
    partition: pulumi.Output<string>,
  ): aws.imagebuilder.LifecyclePolicy {
    const role = new aws.iam.Role(
      `${name}-lifecycle-role`,
      {
        description: `Image Builder lifecycle of the Phoenix golden AMI ${name}`,
        assumeRolePolicy: assumeRolePolicy("imagebuilder.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    const attachment = new aws.iam.RolePolicyAttachment(
      `${name}-lifecycle-policy`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy`,
      },
      { parent: this },
    );
    return new aws.imagebuilder.LifecyclePolicy(
      `${name}-lifecycle`,
      {
        description: `Deprecate AMIs of ${name} after ${lifecycle.deprecateAfterDays} days`,
        executionRole: role.arn,
        resourceType: "AMI_IMAGE",
        policyDetails: [
          {
            action: { type: "DEPRECATE" },
            // Never an AMI a fleet uses: Phoenix tags those while any stack uses them (docs/images.md).
            exclusionRules: { amis: { tagMap: { [IN_USE_TAG]: "true" } } },
            filter: {
              type: "AGE",
              value: lifecycle.deprecateAfterDays,
              unit: "DAYS",
              retainAtLeast: lifecycle.retainAtLeast,
            },
          },
        ],
        resourceSelection: { tagMap: { [GOLDEN_AMI_TAG]: name } },
        tags,
      },
      { parent: this, dependsOn: [attachment] },
    );
  }
}
