// aws:ec2/launchTemplate:LaunchTemplate. An update is a new version of the same template (Terraform's
// resourceLaunchTemplateUpdate), so `latestVersion` moves; only name/namePrefix replace it.
import type { RequestLaunchTemplateData, ResponseLaunchTemplateData } from "@aws-sdk/client-ec2";
import { accountId, aws, isAwsError, PARTITION, region, sdk } from "../context";
import type { ResourceType } from "../resourceType";
import { compact, num, satisfies, str, strings, tagList, tagMap, type Props } from "../values";
import { syncTags } from "./securityGroup";

interface BlockDevice {
  deviceName?: string;
  ebs?: Props;
}

const bool = (v: unknown) => (v === undefined || v === null || v === "" ? undefined : String(v) === "true");

function templateData(inputs: Props): RequestLaunchTemplateData {
  const profile = (inputs.iamInstanceProfile ?? {}) as Props;
  const metadata = inputs.metadataOptions as Props | undefined;
  return {
    ImageId: str(inputs.imageId),
    InstanceType: str(inputs.instanceType) as RequestLaunchTemplateData["InstanceType"],
    UserData: str(inputs.userData),
    KeyName: str(inputs.keyName),
    IamInstanceProfile:
      profile.arn || profile.name ? { Arn: str(profile.arn), Name: str(profile.name) } : undefined,
    SecurityGroupIds: inputs.vpcSecurityGroupIds ? strings(inputs.vpcSecurityGroupIds) : undefined,
    MetadataOptions: metadata
      ? {
          HttpEndpoint: str(metadata.httpEndpoint) as never,
          HttpTokens: str(metadata.httpTokens) as never,
          HttpPutResponseHopLimit: num(metadata.httpPutResponseHopLimit),
          InstanceMetadataTags: str(metadata.instanceMetadataTags) as never,
        }
      : undefined,
    BlockDeviceMappings: ((inputs.blockDeviceMappings ?? []) as BlockDevice[]).map((b) => ({
      DeviceName: b.deviceName,
      Ebs: b.ebs
        ? {
            VolumeSize: num(b.ebs.volumeSize),
            VolumeType: str(b.ebs.volumeType) as never,
            Encrypted: bool(b.ebs.encrypted),
            DeleteOnTermination: bool(b.ebs.deleteOnTermination),
            Iops: num(b.ebs.iops),
            Throughput: num(b.ebs.throughput),
            KmsKeyId: str(b.ebs.kmsKeyId),
          }
        : undefined,
    })),
    TagSpecifications: ((inputs.tagSpecifications ?? []) as Props[]).map((t) => ({
      ResourceType: str(t.resourceType) as never,
      Tags: tagList(t.tags),
    })),
  };
}

/** The version's data in pulumi-aws's shape (booleans of block devices are strings: TypeNullableBool). */
function flatten(data: ResponseLaunchTemplateData | undefined): Props {
  const d = data ?? {};
  const text = (v: boolean | undefined) => (v === undefined ? undefined : String(v));
  return compact({
    imageId: d.ImageId,
    instanceType: d.InstanceType,
    userData: d.UserData,
    keyName: d.KeyName,
    iamInstanceProfile: d.IamInstanceProfile
      ? compact({ arn: d.IamInstanceProfile.Arn, name: d.IamInstanceProfile.Name })
      : undefined,
    vpcSecurityGroupIds: d.SecurityGroupIds ?? [],
    metadataOptions: d.MetadataOptions
      ? compact({
          httpEndpoint: d.MetadataOptions.HttpEndpoint,
          httpTokens: d.MetadataOptions.HttpTokens,
          httpPutResponseHopLimit: d.MetadataOptions.HttpPutResponseHopLimit,
          instanceMetadataTags: d.MetadataOptions.InstanceMetadataTags,
          httpProtocolIpv6: d.MetadataOptions.HttpProtocolIpv6 ?? "disabled",
        })
      : undefined,
    blockDeviceMappings: (d.BlockDeviceMappings ?? []).map((b) =>
      compact({
        deviceName: b.DeviceName,
        ebs: b.Ebs
          ? compact({
              volumeSize: b.Ebs.VolumeSize,
              volumeType: b.Ebs.VolumeType,
              encrypted: text(b.Ebs.Encrypted),
              deleteOnTermination: text(b.Ebs.DeleteOnTermination),
              iops: b.Ebs.Iops,
              throughput: b.Ebs.Throughput,
              kmsKeyId: b.Ebs.KmsKeyId,
            })
          : undefined,
      }),
    ),
    // moto copies CreateLaunchTemplate's own "launch-template" tag specification into the version's data
    // (moto/ec2/responses/launch_templates.py create_launch_template, lines 20-34); AWS does not.
    tagSpecifications: (d.TagSpecifications ?? [])
      .filter((t) => t.ResourceType !== "launch-template")
      .map((t) => ({ resourceType: t.ResourceType, tags: tagMap(t.Tags) })),
  });
}

async function describe(id: string) {
  try {
    const { LaunchTemplates = [] } = await aws
      .ec2()
      .send(new (sdk.ec2().DescribeLaunchTemplatesCommand)({ LaunchTemplateIds: [id] }));
    return LaunchTemplates[0];
  } catch (error) {
    if (isAwsError(error, "InvalidLaunchTemplateId.NotFound", "InvalidLaunchTemplateId.Malformed"))
      return undefined;
    throw error;
  }
}

export const launchTemplate: ResourceType = {
  token: "aws:ec2/launchTemplate:LaunchTemplate",
  autoName: { maxLength: 128 },

  async create(inputs) {
    const { LaunchTemplate } = await aws.ec2().send(
      new (sdk.ec2().CreateLaunchTemplateCommand)({
        LaunchTemplateName: String(inputs.name),
        VersionDescription: str(inputs.description),
        LaunchTemplateData: templateData(inputs),
        TagSpecifications: inputs.tags
          ? [{ ResourceType: "launch-template", Tags: tagList(inputs.tags) }]
          : undefined,
      }),
    );
    const id = LaunchTemplate!.LaunchTemplateId!;
    return { id, outs: (await launchTemplate.read(id, inputs))! };
  },

  async read(id, previous) {
    const template = await describe(id);
    if (!template) return undefined;
    const latest = template.LatestVersionNumber ?? 1;
    const { LaunchTemplateVersions = [] } = await aws.ec2().send(
      new (sdk.ec2().DescribeLaunchTemplateVersionsCommand)({
        LaunchTemplateId: id,
        Versions: [String(latest)],
      }),
    );
    const version = LaunchTemplateVersions[0];
    const tags = tagMap(template.Tags);
    return compact({
      ...flatten(version?.LaunchTemplateData),
      arn: `arn:${PARTITION}:ec2:${region()}:${await accountId()}:launch-template/${id}`,
      defaultVersion: template.DefaultVersionNumber,
      description: version?.VersionDescription,
      latestVersion: latest,
      name: template.LaunchTemplateName,
      namePrefix: previous.namePrefix ?? "",
      region: region(),
      tags,
      tagsAll: tags,
      updateDefaultVersion: previous.updateDefaultVersion,
    });
  },

  async update(id, olds, news) {
    const ec2 = sdk.ec2();
    const onlyTags = Object.keys(news).every(
      (k) => ["tags", "tagsAll", "__defaults"].includes(k) || satisfies(news[k], olds[k]),
    );
    if (!onlyTags) {
      const { LaunchTemplateVersion } = await aws.ec2().send(
        new ec2.CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: id,
          VersionDescription: str(news.description),
          LaunchTemplateData: templateData(news),
        }),
      );
      if (news.updateDefaultVersion === true) {
        await aws.ec2().send(
          new ec2.ModifyLaunchTemplateCommand({
            LaunchTemplateId: id,
            DefaultVersion: String(LaunchTemplateVersion?.VersionNumber),
          }),
        );
      }
    }
    await syncTags(id, olds, news);
    return (await launchTemplate.read(id, news))!;
  },

  async delete(id) {
    try {
      await aws.ec2().send(new (sdk.ec2().DeleteLaunchTemplateCommand)({ LaunchTemplateId: id }));
    } catch (error) {
      if (!isAwsError(error, "InvalidLaunchTemplateId.NotFound")) throw error;
    }
  },
};
