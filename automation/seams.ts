// The two seams the workflows talk through. Everything behind them is replaceable: the real Pulumi
// Automation API (`LocalWorkspace`) and AWS SDK v3 clients in production, an in-memory engine with fault
// injection and scripted health in tests.
import type {
  ConfigMap,
  DestroyOptions,
  DestroyResult,
  OutputMap,
  PreviewOptions,
  PreviewResult,
  RefreshOptions,
  RefreshResult,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";
import type { Role } from "../programs/contract";
import type { SecurityGroupRule } from "./securityGroupRules";

/** An operation a killed update left pending in a stack's state: its resource may exist outside every stack. */
export interface InterruptedOperation {
  /** As the state says: "creating", "updating", "deleting", "reading", "importing". */
  operation: string;
  urn: string;
  resourceType: string;
  /** The resource's physical name when its inputs give one, else its logical name. */
  name?: string;
}

/** One stack, shaped like the Automation API's `Stack` (same option, event and result types). */
export interface EngineStack {
  readonly name: string;
  setAllConfig(config: ConfigMap): Promise<void>;
  /** The stack's whole config (heal redeploys the live colour's exact fleet config from it). */
  getAllConfig(): Promise<ConfigMap>;
  preview(opts?: PreviewOptions): Promise<PreviewResult>;
  up(opts?: UpOptions): Promise<UpResult>;
  refresh(opts?: RefreshOptions): Promise<RefreshResult>;
  destroy(opts?: DestroyOptions): Promise<DestroyResult>;
  outputs(): Promise<OutputMap>;
  /** The operations a killed update left pending in the state (optional: an engine that keeps none omits it). */
  interruptedOperations?(): Promise<InterruptedOperation[]>;
}

/** The stacks of one Pulumi project (all app/envs share it). */
export interface Engine {
  /** Names of the stacks that exist. */
  listStacks(): Promise<string[]>;
  /** Select the stack, creating it (empty) when it does not exist; it runs the program of `role`. */
  createOrSelectStack(name: string, role: Role): Promise<EngineStack>;
  /** Remove an (empty, destroyed) stack and its config. */
  removeStack(name: string): Promise<void>;
}

/** Health of one target group, from ELBv2 `DescribeTargetHealth`. */
export interface TargetGroupHealth {
  targetGroupArn: string;
  healthy: number;
  /** Every registered target by state (`healthy`, `initial`, `unhealthy`, `draining`, …). */
  byState: Record<string, number>;
}

/** The AWS calls the workflows need; real clients in production, scripted doubles in tests. */
export interface CloudProbe {
  targetGroupHealth(targetGroupArn: string, signal?: AbortSignal): Promise<TargetGroupHealth>;
  /** Desired capacity of an auto scaling group (Auto Scaling `DescribeAutoScalingGroups`). */
  desiredCapacity(autoScalingGroupName: string, signal?: AbortSignal): Promise<number>;
  /** The names among `alarmNames` that are in state ALARM (CloudWatch `DescribeAlarms`). */
  alarmsInAlarm(alarmNames: string[], signal?: AbortSignal): Promise<string[]>;
  /**
   * Revoke security group rules (EC2 `RevokeSecurityGroupIngress`/`RevokeSecurityGroupEgress`): heal removes
   * the rules that no Phoenix resource declares. Optional: a probe without it makes heal refuse, before any
   * change, when it finds such a rule.
   */
  revokeSecurityGroupRules?(rules: SecurityGroupRule[], signal?: AbortSignal): Promise<void>;
  /**
   * The AMIs of the account in the probe's region (EC2): `ami list`, `up` without an image, `ami prune`. Optional:
   * without it those see only the AMIs the deployment records name, and prune refuses.
   */
  images?: ImageProbe;
}

/** One AMI as EC2 `DescribeImages` reports it. */
export interface AmiDescription {
  imageId: string;
  name?: string;
  /** ISO time. */
  creationDate?: string;
  /** `available`, `pending`, `failed`, `deregistered`, … */
  state?: string;
  tags: Record<string, string>;
  /** ISO time from which the AMI is deprecated (set by `EnableImageDeprecation` or a lifecycle policy). */
  deprecationTime?: string;
  /** EBS snapshots behind the AMI's block devices: deleted with it. */
  snapshotIds: string[];
}

/** The EC2 image calls of the image workflows; IAM actions in docs/images.md. */
export interface ImageProbe {
  /** EC2 `DescribeImages` of the account's own AMIs (`Owners: ["self"]`) carrying every one of `tags`. */
  describeImages(tags: Record<string, string>, signal?: AbortSignal): Promise<AmiDescription[]>;
  /** EC2 `CreateTags` on one AMI. */
  tagImage(imageId: string, tags: Record<string, string>, signal?: AbortSignal): Promise<void>;
  /** EC2 `DeleteTags` on one AMI (absent keys are no error). */
  untagImage(imageId: string, keys: string[], signal?: AbortSignal): Promise<void>;
  /** EC2 `EnableImageDeprecation`: the AMI is deprecated from `at` on (EC2 rounds to the minute). */
  deprecateImage(imageId: string, at: Date, signal?: AbortSignal): Promise<void>;
  /** EC2 `DeregisterImage`, then `DeleteSnapshot` of each of `snapshotIds`. */
  deregisterImage(imageId: string, snapshotIds: string[], signal?: AbortSignal): Promise<void>;
}
