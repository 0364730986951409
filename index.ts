// phoenix-fleet: the package root, its public API and nothing else. Component resources for your own Pulumi
// programs, the stack-role programs, and the blue/green workflows to embed in other services, with every error
// the docs tell you to catch. Each name is listed on purpose (no `export *`): what a module exports for its
// siblings (validation helpers, identity hashing, settings resolvers) stays inside. The list is documented in
// docs/api.md and checked by test/package/publicApi.test.ts; `phoenix-fleet/components` and
// `phoenix-fleet/automation` offer their folders' pure helpers too, and `phoenix-fleet/testing` the test kit.

// Component resources, their arguments and their errors.
export { GoldenAmi, type GoldenAmiArgs } from "./components/goldenAmi";
export { ImmutableFleet, type ImmutableFleetArgs } from "./components/immutableFleet";
export { BlueGreenRouter, type BlueGreenRouterArgs } from "./components/blueGreenRouter";
export { Network, type NetworkArgs } from "./components/network";
export { ComponentArgsError, type RootVolumeArgs } from "./components/validation";
export type { HealthCheckSettings, NatGatewayStrategy } from "./components/networkSettings";
export { MissingPeerDependencyError } from "./components/peers";

// The stack-role programs (one per stack of an app and environment) and the names they share.
export {
  PROGRAMS,
  runConfiguredRole,
  fleetProgram,
  goldenAmiProgram,
  networkProgram,
  routerProgram,
  type Program,
} from "./programs";
export {
  COLOURS,
  ROLES,
  otherColour,
  stackName,
  type Colour,
  type Role,
  type StackPart,
  type FleetOutputs,
  type NetworkOutputs,
  type RouterOutputs,
  type GoldenAmiOutputs,
} from "./programs/contract";

// The workflows: the deployment, its options and results, its progress events and its errors.
export {
  BlueGreenDeployment,
  type BlueGreenDeploymentOptions,
  type BootstrapOptions,
  type BootstrapResult,
  type Capacity,
  type ColourStatus,
  type DeployOptions,
  type DeployResult,
  type DeploymentStatus,
  type DestroyColourOptions,
  type DestroyColourResult,
  type DriftOptions,
  type DriftReport,
  type DriftedResource,
  type HealOptions,
  type HealResult,
  type HistoryOptions,
  type HistoryRecord,
  type RollbackOptions,
  type RollbackResult,
  type RollbackStatus,
  type StackDrift,
  type StatusOptions,
  type SwapOptions,
  type SwapResult,
  type SwapStepResult,
  type VerifyOptions,
  STRATEGIES,
  ReleaseFailedError,
  type Strategy,
  BakeFailedError,
  ImageProbeMissingError,
  NoImageError,
  type AmiListOptions,
  type BakedAmi,
  type BakeRecord,
  type BakeOptions,
  type BakeResult,
  type ImageChoice,
  type PruneAction,
  type PruneDecision,
  type PruneOptions,
  type PruneResult,
  type CallOptions,
  type EngineOperation,
  type ProgressEvent,
  type ProgressListener,
  type StepStatus,
  type WorkflowName,
  type HealthReading,
  type FleetRecord,
  type JournalEntry,
  type JournalSnapshot,
  type NoRollbackReason,
  type ImmutableUpdate,
  WorkflowError,
  InvalidInputError,
  LockedError,
  LockCompromisedError,
  NotBootstrappedError,
  NetworkMismatchError,
  ImmutableUpdateError,
  KeepWarmError,
  ColourInUseError,
  ColourMissingError,
  UnhealthyError,
  ProbeFailedError,
  SwapFailedError,
  VerifyFailedError,
  DeployFailedError,
  TrafficRestoreError,
  NothingToRollBackError,
  RollbackRefusedError,
  NothingLiveError,
  AbortedError,
  RecordStoreError,
  RouterModeError,
  type LockHolder,
  type NetworkVpc,
} from "./automation";

// The seams and their engines: Pulumi's LocalWorkspace (with its errors), the AWS probe (with its errors), and
// the in-memory pair for tests and demos.
export {
  type Engine,
  type EngineStack,
  type CloudProbe,
  type TargetGroupHealth,
  createLocalWorkspaceEngine,
  type LocalWorkspaceEngine,
  type LocalWorkspaceEngineOptions,
  createAwsCloudProbe,
  AwsCloudProbe,
  type AwsCloudProbeOptions,
  MemoryEngine,
  InjectedFault,
  type EngineCall,
  type EngineMethod,
  type FaultMode,
  type MemoryEngineOptions,
  MemoryCloudProbe,
} from "./automation";
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
  CloudProbeError,
  InvalidProbeInputError,
  TargetGroupNotFoundError,
  AutoScalingGroupNotFoundError,
  AlarmsNotFoundError,
  ProbeThrottledError,
  ProbeTimeoutError,
  ProbeConfigurationError,
  ProbeRequestError,
} from "./automation";

// Where the lock and the deployment records live: one machine (files), or every machine (DynamoDB).
export {
  FileRecordStore,
  DynamoDbRecordStore,
  type DynamoDbRecordStoreOptions,
  type AppEnv,
  type HeldLock,
  type JournalReader,
  type JournalWriter,
  type RecordStore,
  type LeaseClock,
} from "./automation";

// Types that appear in the signatures above (what a property holds, what a callback receives), exported so that
// code using them can name them.
export type { Outputs } from "./programs/outputs";
export type { EngineLockHolder } from "./automation/localWorkspace/engineLock";
export type { RoleProgram } from "./automation/localWorkspace/options";
export type { LocalWorkspaceStack } from "./automation/localWorkspace/stack";
export type { FakeProgram, FakeProgramContext, FakeProgramResult } from "./automation/memory/fakePrograms";
export type { ProgramContext, ProgramResource, ProgramRun } from "./automation/memory/programRunner";
export type { ProbeMethod } from "./automation/memoryProbe";
export type { MemoryAmi, MemoryImages } from "./automation/memory/images";
export type { BakePhase } from "./automation/events";
export type { Batch, ReleaseOptions, ReleaseResult, RollingBatch } from "./automation/strategies/types";
export type { AmiDescription, ImageProbe, InterruptedOperation } from "./automation/seams";
export type { CapacityConfig, InterruptedWorkflow, Journal } from "./automation/journal";
export type { DynamoDbJournal } from "./automation/records/dynamodb/records";
export type { LockOptions } from "./automation/lock";
export type { SecurityGroupRule } from "./automation/securityGroupRules";
