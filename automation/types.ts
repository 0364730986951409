// Options and results of the blue/green workflows (the public API of automation/).
import type { OpMap } from "@pulumi/pulumi/automation";
import type { Colour, RouterMode, StackPart } from "../programs/contract";
import type { CallOptions, ProgressListener, WorkflowName } from "./events";
import type { HealthReading } from "./health";
import type { NoRollbackReason } from "./rollbackTarget";
import type { SecurityGroupRule } from "./securityGroupRules";
import type { RecordStore } from "./records/types";
import type { Engine, CloudProbe } from "./seams";
import type { ImageChoice } from "./images/types";

export interface BlueGreenDeploymentOptions {
  /** Application name: 2–32 lower-case letters, digits or inner dashes (part of every stack name). */
  app: string;
  /** Environment name, same rules as `app`. */
  env: string;
  /** The stacks: `createLocalWorkspaceEngine(…)` in production, `new MemoryEngine()` in tests. */
  engine: Engine;
  /** Target health, desired capacity and alarms: the AWS SDK v3 probe in production. */
  probe: CloudProbe;
  /**
   * Directory of the journal and the lock of the default file record store, next to the state (e.g. the file
   * backend's directory). Not needed with `records`.
   */
  stateDir?: string;
  /**
   * Where the lock and the deployment records live. @default - a FileRecordStore in `stateDir` (one machine);
   * a DynamoDbRecordStore shares them between machines.
   */
  records?: RecordStore;
  /** How long a colour that lost the traffic stays the protected rollback target. @default 3600000 (60 min) */
  keepWarmMs?: number;
  /** Deadline for a new colour to report all desired targets healthy. @default 600000 (10 min) */
  healthTimeoutMs?: number;
  /** First pause between health polls; doubles up to 15 s. @default 2000 */
  healthPollMs?: number;
  /** File record store: a lock not refreshed for this long is stale and taken over. @default 30000 */
  lockStaleMs?: number;
  /** Attempts of each undo action (destroying a failed fleet, putting traffic back). @default 3 */
  undoAttempts?: number;
  /** Receives every workflow's progress. */
  onProgress?: ProgressListener;
  /** @default Date.now */
  now?: () => number;
  /** @default an abortable setTimeout */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface BootstrapOptions extends CallOptions {
  network?: {
    appPort?: number;
    healthCheckPath?: string;
    /** CIDR of the VPC Phoenix creates; not with `vpcId`. @default "10.0.0.0/16" */
    vpcCidr?: string;
    /** An existing VPC (`vpc-…`) instead of one Phoenix creates; needs both subnet lists. */
    vpcId?: string;
    /** Its public subnets, for the load balancer: at least two, in different Availability Zones. */
    publicSubnetIds?: string[];
    /** Its private subnets, for the fleets: at least one, none of them public. */
    privateSubnetIds?: string[];
  };
  router?: {
    listenerPort?: number;
    certificateArn?: string;
    stickinessSeconds?: number;
    /**
     * How traffic reaches the colours, fixed for the life of the app/env: "alb" (one listener weights the two
     * target groups) or "route53" (one load balancer per colour, two weighted alias records; needs `zoneId`
     * and `recordName`; `listenerPort` and `certificateArn` then apply to each colour's listener).
     * @default "alb", or the mode the existing stacks were bootstrapped with
     */
    mode?: RouterMode;
    /** Route53: id of the existing hosted zone that holds the records (`Z0123456789ABC`). */
    zoneId?: string;
    /** Route53: the name clients resolve, inside that zone (`shop.example.com`). */
    recordName?: string;
  };
}
export interface BootstrapResult {
  created: StackPart[];
  existing: StackPart[];
}

/** Fleet size: a number is a fixed size (min = max = desired). */
export type Capacity = number | { min: number; max: number; desired: number };

export interface DeployOptions extends CallOptions {
  release: string;
  /**
   * The AMI of the release. Not with `imageFromEnv`.
   * @default - the AMI another env has live (`imageFromEnv`), else the newest baked AMI of the app/env that is
   * not deprecated (automation/images/choose.ts; `DeployResult.image` says which and how old)
   */
  imageId?: string;
  /** Promote: take the AMI that this other env of the app has live (bake once, promote through the envs). */
  imageFromEnv?: string;
  /** @default "t3.micro" (the fleet program's default) */
  instanceType?: string;
  /** @default the fleet program's defaults (min 1, max 3, desired 2) */
  capacity?: Capacity;
  /** Plain-text user data (cloud-init). */
  userData?: string;
  /** Replace the idle colour even while it is the rollback target inside its keep-warm window. */
  force?: boolean;
}
export interface DeployResult {
  colour: Colour;
  release: string;
  imageId: string;
  identity: string;
  /** The release the idle colour held before, destroyed to make room. */
  replacedRelease?: string;
  health: HealthReading;
  /** Op counts of the fleet stack's `up`. */
  changes: OpMap;
  /** How the AMI was chosen: given, the newest bake (with its age and recipe version), or promoted. */
  image?: ImageChoice;
  /** The AMI now carries Phoenix's in-use tag (false when the probe has no image calls, or tagging failed). */
  taggedInUse?: boolean;
}

export interface VerifyOptions {
  /** CloudWatch alarms that must not be in ALARM after each step. */
  alarmNames?: string[];
  /** Pause after each step before verifying (let metrics and alarms see the new traffic). @default 0 */
  settleMs?: number;
  /**
   * Route53 router only: the least pause after each step before verifying. Alias records have no TTL of
   * their own and resolvers cache a load balancer's answer for about a minute, so clients move to the new
   * weights only after it (docs/route53.md). The longer of this and `settleMs` applies. @default 60000
   */
  dnsSettleMs?: number;
}
export interface SwapOptions extends CallOptions {
  /** Percent of traffic on the new colour after each step: increasing integers ending at 100. @default [100] */
  steps?: number[];
  /** Pause between steps. @default 0 */
  pauseMs?: number;
  verify?: VerifyOptions;
}
export interface SwapStepResult {
  weight: number;
  /** Resources the router update changed: exactly 1 (the listener), 2 in route53 mode (the two records). */
  changedResources: number;
  durationMs: number;
}
export interface SwapResult {
  /** The colour that had the traffic; undefined on the first swap, when no release was live (router at 0/0). */
  from?: Colour;
  to: Colour;
  release: string;
  steps: SwapStepResult[];
  /**
   * Canary steps not taken: on the first swap there is no live release to share the traffic with, so the
   * new colour goes straight to 100 % after its health check. Absent when every step was taken.
   */
  skippedSteps?: number[];
}

export type RollbackOptions = CallOptions;
export interface RollbackResult {
  /** The colour that had the traffic, and its release. */
  from: Colour;
  fromRelease?: string;
  /** The colour that has 100 % now: the fleet that served before `from`'s. */
  to: Colour;
  /** The release it serves again. */
  release: string;
  /** The identity of that fleet's deployment (the records' proof that it is the fleet that served). */
  deploymentId: string;
}

export interface DestroyColourOptions extends CallOptions {
  colour: Colour;
  /** Destroy even inside the keep-warm window (never a colour with traffic). */
  force?: boolean;
}
export interface DestroyColourResult {
  colour: Colour;
  destroyed: boolean;
  release?: string;
}

export interface DriftedResource {
  /** The stack that holds it (`shop-prod-network`, `shop-prod-router`, `shop-prod-blue`). */
  stack: string;
  urn: string;
  type: string;
  name: string;
  /** Properties whose cloud value differs from the state (`ingress`/`egress` for a security group's rules). */
  properties: string[];
  /** The resource is gone from the cloud. */
  deleted: boolean;
  /** Rules live on this security group that no Phoenix resource declares: heal revokes them. */
  strayRules?: SecurityGroupRule[];
  /** Rules this security group declares inline that are gone from the cloud: heal restores them. */
  missingRules?: SecurityGroupRule[];
}

/** The drift of one stack of the app/env. */
export interface StackDrift {
  /** `network`, `router`, or the colour. */
  part: StackPart;
  stack: string;
  /** For a fleet: its release and whether it is the live colour or the idle one. */
  release?: string;
  role?: "live" | "idle";
  drifted: DriftedResource[];
}

export type DriftOptions = CallOptions;
export interface DriftReport {
  /** The live colour. */
  colour: Colour;
  /** The live release. */
  release: string;
  /** Every drifted resource of every stack checked (each names its stack). */
  drifted: DriftedResource[];
  /** Every stack checked, in order: network, router, the live colour, the idle colour when it holds a release. */
  stacks: StackDrift[];
}

export interface HealOptions extends CallOptions {
  /** Steps of the swap to the healed colour. @default [100] */
  steps?: number[];
  verify?: VerifyOptions;
  /** Replace the idle colour even inside its keep-warm window. */
  force?: boolean;
}
export interface HealResult {
  healed: boolean;
  drift: DriftReport;
  /** The drifted live colour, destroyed (when the live fleet drifted). */
  from?: Colour;
  /** The colour now serving the same release (when the live fleet drifted). */
  to?: Colour;
  /** Stray security group rules revoked (network stack). */
  revokedRules?: SecurityGroupRule[];
  /** The network stack was updated back to its declared state (`up` with refresh). */
  networkRestored?: boolean;
  /** The router's recorded weights were put back with one router update. */
  routerRestored?: Record<Colour, number>;
  /** The drifted idle colour, destroyed and redeployed with the same release and config. */
  idleReplaced?: Colour;
}

export interface ColourStatus {
  colour: Colour;
  stack: string;
  exists: boolean;
  weight: number;
  release?: string;
  imageId?: string;
  identity?: string;
  /** The identity of this fleet's deployment: a new one for every `up` (see FleetOutputs). */
  deploymentId?: string;
  /** When this fleet was deployed (ISO), from the deployment records. */
  deployedAt?: string;
  desiredCapacity?: number;
  health?: HealthReading | { error: string };
  /** ISO time until which this colour is the protected rollback target. */
  rollbackTargetUntil?: string;
}
export interface DeploymentStatus {
  app: string;
  env: string;
  bootstrapped: boolean;
  missingStacks: string[];
  weights: Record<Colour, number>;
  /** The colour with the larger weight; undefined before bootstrap and while no release is live. */
  live?: Colour;
  /** Bootstrapped, and no release has gone live yet: the router is at 0/0 and its listener answers 503. */
  nothingLive: boolean;
  url?: string;
  /** Present only with the route53 router: its mode and the name its weighted records answer for. */
  route53?: { recordName?: string };
  colours: Record<Colour, ColourStatus>;
  /** What `rollback` would do now: the fleet it would put live, or why there is none. Bootstrapped only. */
  rollback?: RollbackStatus;
  /** The colour the next `up` of a release neither colour holds deploys to (replacing what it holds). */
  upColour?: Colour;
  lastWorkflow?: HistoryRecord;
  /** A workflow that began and never ended; `running` when its holder still holds the lock. */
  interrupted?: {
    id: string;
    workflow: WorkflowName;
    startedAt: string;
    lastStep?: string;
    running: boolean;
  };
}
export type StatusOptions = CallOptions;

/** The rollback target as `status` reports it (automation/rollbackTarget.ts decides it). */
export interface RollbackStatus {
  /** `rollback` would move the traffic now (it still checks the target's health first). */
  available: boolean;
  /** The colour a rollback would put live; when not available, the other colour. */
  colour?: Colour;
  /** The release it would put live; when not available, the release the other colour holds (if any). */
  release?: string;
  deploymentId?: string;
  /** When the traffic left the target (ISO): it served until then. */
  servedUntil?: string;
  /** Why there is no rollback target. */
  reason?: NoRollbackReason;
  /** The target, or why there is none, as a sentence. */
  explanation: string;
}

export interface HistoryRecord {
  id: string;
  workflow: WorkflowName;
  startedAt: string;
  endedAt?: string;
  status: "ok" | "failed" | "aborted" | "recovered" | "interrupted";
  durationMs?: number;
  params: Record<string, unknown>;
  error?: string;
  recovery?: string;
  steps: { step: string; status: "ok" | "failed" | "started"; durationMs?: number; error?: string }[];
}
export interface HistoryOptions extends CallOptions {
  /** Most recent records only. @default all */
  limit?: number;
}

export type { Engine, CloudProbe };
