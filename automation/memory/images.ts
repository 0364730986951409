// The AMIs of MemoryEngine's simulated account: what EC2 would hold. A `golden-ami` stack's successful `up`
// registers the AMIs its image produced (as Image Builder's distribution does, tagged with the distribution's
// AMI tags and `Ec2ImageBuilderArn`); tests register others (a scheduled pipeline run). Deleting the Image
// resource leaves its AMIs, as AWS DeleteImage does; only `deregister` removes one, with its snapshots.
import type { AmiDescription, ImageProbe } from "../seams";
import { shortHash } from "./fakePrograms";

export interface MemoryAmi extends AmiDescription {
  region: string;
}

export class MemoryImages implements ImageProbe {
  private readonly amis = new Map<string, MemoryAmi>();
  /** Snapshots that exist (an AMI's are created with it and deleted by `deregister`). */
  readonly snapshots = new Set<string>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Register an AMI (no-op when it exists): what a bake or a pipeline run leaves in EC2. */
  register(ami: { imageId: string; region: string; tags: Record<string, string>; name?: string }): MemoryAmi {
    const known = this.amis.get(ami.imageId);
    if (known) return known;
    const snapshotId = `snap-${shortHash(ami.imageId, 17)}`;
    this.snapshots.add(snapshotId);
    const stored: MemoryAmi = {
      imageId: ami.imageId,
      region: ami.region,
      name: ami.name ?? ami.imageId,
      creationDate: new Date(this.now()).toISOString(),
      state: "available",
      tags: { ...ami.tags },
      snapshotIds: [snapshotId],
    };
    this.amis.set(ami.imageId, stored);
    return stored;
  }

  /** One AMI as EC2 holds it; undefined once deregistered. */
  get(imageId: string): MemoryAmi | undefined {
    const ami = this.amis.get(imageId);
    return ami && structuredClone(ami);
  }

  all(): MemoryAmi[] {
    return [...this.amis.values()].map((ami) => structuredClone(ami));
  }

  async describeImages(tags: Record<string, string>): Promise<AmiDescription[]> {
    return this.all().filter((ami) => Object.entries(tags).every(([key, value]) => ami.tags[key] === value));
  }

  async tagImage(imageId: string, tags: Record<string, string>): Promise<void> {
    Object.assign(this.mustGet(imageId).tags, tags);
  }

  async untagImage(imageId: string, keys: string[]): Promise<void> {
    const ami = this.mustGet(imageId);
    for (const key of keys) delete ami.tags[key];
  }

  async deprecateImage(imageId: string, at: Date): Promise<void> {
    // EC2 rounds the deprecation time to the minute.
    const minute = Math.round(at.getTime() / 60_000) * 60_000;
    this.mustGet(imageId).deprecationTime = new Date(minute).toISOString();
  }

  async deregisterImage(imageId: string, snapshotIds: string[]): Promise<void> {
    this.mustGet(imageId);
    this.amis.delete(imageId);
    for (const id of snapshotIds) {
      if (!this.snapshots.delete(id))
        throw new Error(`InvalidSnapshot.NotFound: The snapshot '${id}' does not exist.`);
    }
  }

  private mustGet(imageId: string): MemoryAmi {
    const ami = this.amis.get(imageId);
    if (!ami) throw new Error(`InvalidAMIID.NotFound: The image id '[${imageId}]' does not exist`);
    return ami;
  }
}
