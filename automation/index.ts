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
export type { JournalEntry, JournalSnapshot } from "./journal";
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
