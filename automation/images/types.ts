// Options and results of the image workflows: bake, the AMI catalogue, the image choice of `up`, prune.
import type { OpMap } from "@pulumi/pulumi/automation";
import type { CallOptions } from "../events";

export interface BakeOptions extends CallOptions {
  /**
   * The image to start from: an AMI id, an Image Builder image ARN or "ssm:<parameter>". Required on the first
   * bake of an app/env; later bakes keep the stack's unless given.
   */
  parentImage?: string;
  /** Shell commands run on the build instance (the stack's are kept unless given). */
  buildSteps?: string[];
  /** Shell commands of the image tests; a failure fails the bake (the stack's are kept unless given). */
  testSteps?: string[];
  /** Build instance types. @default - the stack's, else ["t3.small"] */
  instanceTypes?: string[];
  /** Regions the AMI is distributed to. @default - the stack's, else its region */
  distributionRegions?: string[];
}

/** One bake as the deployment records keep it (the `bake` step's ok line). */
export interface BakeRecord {
  /** The bake's id: names the Image resource, new for every bake. */
  bakeId: string;
  /** The AMI of the first distribution region. */
  imageId: string;
  /** The AMI of every distribution region, by region. */
  imageIds: Record<string, string>;
  imageArn: string;
  parentImage: string;
  recipeVersion: string;
  recipeArn: string;
  /** ISO time the bake ended. */
  bakedAt: string;
}

export interface BakeResult extends BakeRecord {
  /** The golden-ami stack. */
  stack: string;
  /** Op counts of the stack's `up`. */
  changes: OpMap;
}

/** One AMI of the app/env, from EC2 (DescribeImages by tag) and the bake records. */
export interface BakedAmi {
  imageId: string;
  name?: string;
  /** ISO creation time (EC2), else the bake record's time. */
  createdAt?: string;
  /** From the bake record, else from the AMI's `Ec2ImageBuilderArn` tag (image/<recipe>/<version>/<build>). */
  recipeVersion?: string;
  parentImage?: string;
  bakeId?: string;
  /** `bake`: a Phoenix bake recorded it; `pipeline`: found in EC2 only (a scheduled pipeline run). */
  source: "bake" | "pipeline";
  /** EC2 state; `unknown` when the probe cannot describe images. */
  state: string;
  /** ISO time from which EC2 deprecates it. */
  deprecationTime?: string;
  /** Carries Phoenix's in-use tag. */
  taggedInUse: boolean;
  snapshotIds: string[];
}

export interface AmiListOptions extends CallOptions {
  /** Only the newest N. @default all */
  limit?: number;
}

/** How `up` chose its AMI. */
export interface ImageChoice {
  imageId: string;
  /** `given`: --image-id; `newest-bake`: the newest baked AMI of the app/env; `promoted`: another env's live AMI. */
  source: "given" | "newest-bake" | "promoted";
  /** The AMI's age when chosen (newest-bake). */
  ageMs?: number;
  recipeVersion?: string;
  /** promoted: the env, colour and release it is live in. */
  fromEnv?: string;
  fromColour?: string;
  fromRelease?: string;
}

export interface PruneOptions extends CallOptions {
  /** The newest N baked AMIs are always kept (at least 1). */
  keep: number;
  /** Deregister a deprecated AMI once this long has passed since its deprecation. @default 7 days */
  deregisterAfterMs?: number;
  /** List what would go and why each survivor is kept; change nothing. */
  dryRun?: boolean;
}

export type PruneAction = "deprecate" | "deregister";

export interface PruneDecision {
  imageId: string;
  createdAt?: string;
  recipeVersion?: string;
  /** What prune does (or would do, in a dry run); absent for a survivor. */
  action?: PruneAction;
  /** Why it is kept, or why it goes. */
  reasons: string[];
}

export interface PruneResult {
  dryRun: boolean;
  keep: number;
  deregisterAfterMs: number;
  /** Every AMI of the app/env, newest first, with its fate. */
  decisions: PruneDecision[];
  deprecated: string[];
  deregistered: string[];
  /** In-use tags put on (AMIs a stack uses) and taken off (AMIs no stack uses). */
  tagged: string[];
  untagged: string[];
}
