// The EC2 AMI calls of the image workflows (`ami list`, `up` without an image, `ami prune`), on the probe's EC2
// client and under its deadline, retry and abort rules (AwsCloudProbe.call). IAM: ec2:DescribeImages,
// ec2:CreateTags, ec2:DeleteTags, ec2:EnableImageDeprecation, ec2:DeregisterImage, ec2:DeleteSnapshot.
import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  EnableImageDeprecationCommand,
  type EC2Client,
  type Image,
} from "@aws-sdk/client-ec2";
import type { AmiDescription, ImageProbe } from "../seams";

/** AwsCloudProbe's wrapper of one AWS call: deadline, caller's signal, typed errors. */
export type ProbeCall = <T>(
  operation: string,
  send: (abortSignal: AbortSignal) => Promise<T>,
  signal: AbortSignal | undefined,
) => Promise<T>;

const tagList = (tags: Record<string, string>) =>
  Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));

export function amiOf(image: Image): AmiDescription {
  return {
    imageId: image.ImageId ?? "",
    name: image.Name,
    creationDate: image.CreationDate,
    state: image.State,
    tags: Object.fromEntries((image.Tags ?? []).map((t) => [t.Key ?? "", t.Value ?? ""])),
    deprecationTime: image.DeprecationTime,
    snapshotIds: (image.BlockDeviceMappings ?? []).flatMap((m) =>
      m.Ebs?.SnapshotId ? [m.Ebs.SnapshotId] : [],
    ),
  };
}

export class AwsImageProbe implements ImageProbe {
  constructor(
    private readonly ec2: EC2Client,
    private readonly call: ProbeCall,
  ) {}

  async describeImages(tags: Record<string, string>, signal?: AbortSignal): Promise<AmiDescription[]> {
    const filters = Object.entries(tags).map(([key, value]) => ({ Name: `tag:${key}`, Values: [value] }));
    const found: AmiDescription[] = [];
    let token: string | undefined;
    do {
      const next = token;
      const page = await this.call(
        "EC2 DescribeImages",
        (abortSignal) =>
          this.ec2.send(
            new DescribeImagesCommand({
              Owners: ["self"],
              Filters: filters,
              IncludeDeprecated: true,
              MaxResults: 1000,
              NextToken: next,
            }),
            { abortSignal },
          ),
        signal,
      );
      found.push(...(page.Images ?? []).map(amiOf));
      token = page.NextToken;
    } while (token);
    return found;
  }

  async tagImage(imageId: string, tags: Record<string, string>, signal?: AbortSignal): Promise<void> {
    await this.call(
      "EC2 CreateTags",
      (abortSignal) =>
        this.ec2.send(new CreateTagsCommand({ Resources: [imageId], Tags: tagList(tags) }), { abortSignal }),
      signal,
    );
  }

  async untagImage(imageId: string, keys: string[], signal?: AbortSignal): Promise<void> {
    await this.call(
      "EC2 DeleteTags",
      (abortSignal) =>
        this.ec2.send(new DeleteTagsCommand({ Resources: [imageId], Tags: keys.map((Key) => ({ Key })) }), {
          abortSignal,
        }),
      signal,
    );
  }

  async deprecateImage(imageId: string, at: Date, signal?: AbortSignal): Promise<void> {
    await this.call(
      "EC2 EnableImageDeprecation",
      (abortSignal) =>
        this.ec2.send(new EnableImageDeprecationCommand({ ImageId: imageId, DeprecateAt: at }), {
          abortSignal,
        }),
      signal,
    );
  }

  async deregisterImage(imageId: string, snapshotIds: string[], signal?: AbortSignal): Promise<void> {
    await this.call(
      "EC2 DeregisterImage",
      (abortSignal) => this.ec2.send(new DeregisterImageCommand({ ImageId: imageId }), { abortSignal }),
      signal,
    );
    // A snapshot is deletable only once no AMI uses it: after the deregistration, one by one.
    for (const snapshotId of snapshotIds) {
      await this.call(
        "EC2 DeleteSnapshot",
        (abortSignal) =>
          this.ec2.send(new DeleteSnapshotCommand({ SnapshotId: snapshotId }), { abortSignal }),
        signal,
      );
    }
  }
}
