// Release strategies over `up` and `swap`: blue-green, canary, rolling, recreate (docs/strategies.md).
export { STRATEGIES } from "./types";
export type { Batch, ReleaseOptions, ReleaseResult, RollingBatch, Strategy } from "./types";
export { ReleaseFailedError } from "./errors";
export { batchSize, planRolling } from "./rolling";
export { parseBatch, type BatchRule } from "./validate";
