// The public API of the blue/green workflows.
export { BlueGreenDeployment } from "./blueGreen";
export * from "./errors";
export type {
  CallOptions,
  EngineOperation,
  ProgressEvent,
  ProgressListener,
  StepStatus,
  WorkflowName,
} from "./events";
export type { HealthReading } from "./health";
export type { FleetRecord, JournalEntry, JournalSnapshot } from "./journal";
export type { NoRollbackReason } from "./rollbackTarget";
export { MUTABLE_KEYS_BY_TYPE, immutableUpdates, type ImmutableUpdate } from "./immutableGuard";
export {
  MemoryEngine,
  InjectedFault,
  type EngineCall,
  type EngineMethod,
  type FaultMode,
  type MemoryEngineOptions,
} from "./memoryEngine";
export { MemoryCloudProbe } from "./memoryProbe";
export type { CloudProbe, Engine, EngineStack, TargetGroupHealth } from "./seams";
export type * from "./types";
// Release strategies over up and swap: blue-green, canary, rolling, recreate.
export {
  STRATEGIES,
  ReleaseFailedError,
  planRolling,
  type Batch,
  type BatchRule,
  type ReleaseOptions,
  type ReleaseResult,
  type RollingBatch,
  type Strategy,
} from "./strategies";
// Golden AMIs: bake, the AMI catalogue, the image choice of up, prune (docs/images.md).
export { BakeFailedError, ImageProbeMissingError, NoImageError } from "./images/errors";
export type * from "./images/types";
export type { AmiDescription, ImageProbe } from "./seams";
// The router of an app/env (alb, or route53 weighted records): bootstrap's choice, fixed for its life.
export { RouterModeError } from "./routers/bootstrap";
export { DEFAULT_DNS_SETTLE_MS, type TrafficRouter } from "./routers";
// The production seams: Pulumi's LocalWorkspace and the AWS SDK v3 probe.
export {
  createLocalWorkspaceEngine,
  type LocalWorkspaceEngine,
  type LocalWorkspaceEngineOptions,
} from "./localWorkspace";
export { AwsCloudProbe, createAwsCloudProbe, type AwsCloudProbeOptions } from "./aws/cloudProbe";
// Their typed errors, which docs/adapters.md tells callers to catch.
export {
  LocalWorkspaceEngineError,
  PulumiCliNotFoundError,
  PulumiCliTooOldError,
  PassphraseMissingError,
  PolicyPackNotFoundError,
  InvalidEngineInputError,
  EngineEventsIncompleteError,
  StackLockedError,
  ProjectNotFoundError,
} from "./localWorkspace/errors";
export {
  CloudProbeError,
  InvalidProbeInputError,
  TargetGroupNotFoundError,
  AutoScalingGroupNotFoundError,
  AlarmsNotFoundError,
  ProbeThrottledError,
  ProbeTimeoutError,
  ProbeConfigurationError,
  ProbeRequestError,
} from "./aws/errors";
// Where the lock and the deployment records live: one machine (files), or every machine (DynamoDB).
export { FileRecordStore } from "./records/fileStore";
export { DynamoDbRecordStore, type DynamoDbRecordStoreOptions } from "./records/dynamodb/store";
export type { AppEnv, HeldLock, JournalReader, JournalWriter, RecordStore } from "./records/types";
export type { LeaseClock } from "./records/dynamodb/lease";
