// Options and results of `release`: one of four strategies over the building blocks `up` and `swap`.
import type { Colour } from "../../programs/contract";
import type { DeployOptions, DeployResult, SwapStepResult, VerifyOptions } from "../types";

/** How a release reaches the traffic. See docs/strategies.md. */
export const STRATEGIES = ["blue-green", "canary", "rolling", "recreate"] as const;
export type Strategy = (typeof STRATEGIES)[number];

/**
 * A rolling release's batch: a whole number of instances (`2`), or a percentage of the new fleet's desired
 * capacity (`"25%"`, rounded up to whole instances).
 */
export type Batch = number | `${number}%`;

export interface ReleaseOptions extends DeployOptions {
  /** How the release reaches the traffic. */
  strategy: Strategy;
  /**
   * `canary`: percent of the traffic on the new colour after each step, increasing and ending at 100.
   * `blue-green` takes [100] only. Not with `rolling` or `recreate`. @default [10, 50, 100] for canary
   */
  steps?: number[];
  /** `canary`: pause between steps; `rolling`: pause between batches. @default 0 */
  pauseMs?: number;
  /** Checked after every traffic step (canary, blue-green) and every batch (rolling). */
  verify?: VerifyOptions;
  /**
   * `rolling` only: how many instances each batch moves. The new colour's group grows by this much while the
   * old one shrinks, health-gated, with the traffic weights following the capacity. @default "25%"
   */
  batch?: Batch;
  /**
   * `recreate` only, and required there: the environment accepts downtime. The old colour is drained (the
   * router answers 503) and destroyed before the new one is created.
   */
  acceptDowntime?: boolean;
}

/** One batch of a rolling release, as planned and as done. */
export interface RollingBatch {
  /** The new colour's desired capacity after the batch. */
  newDesired: number;
  /** The old colour's desired capacity after the batch (0 after the last). */
  oldDesired: number;
  /** Percent of the traffic on the new colour after the batch: its share of the capacity (100 after the last). */
  weight: number;
}

export interface ReleaseResult {
  strategy: Strategy;
  /** The colour that had the traffic (undefined when no release was live). */
  from?: Colour;
  fromRelease?: string;
  /** The colour that serves the release now, at 100 %. */
  to: Colour;
  release: string;
  /**
   * The `up` of the new colour (for `rolling`: at its first batch's capacity), with the AMI chosen (`image`)
   * and whether it now carries the in-use tag, as `up`'s result has them.
   */
  deploy: DeployResult;
  /** blue-green and canary: the traffic steps taken. */
  steps?: SwapStepResult[];
  /** Canary steps not taken (nothing was live to share the traffic with). */
  skippedSteps?: number[];
  /** rolling: the batches done, in order. */
  batches?: RollingBatch[];
  /**
   * What happened to the release that served before: `kept` (blue-green, canary: its fleet is the rollback
   * target for the keep-warm window), `scaled-to-zero` (rolling: the same, at zero capacity; a rollback scales
   * it back up first), `destroyed` (recreate).
   */
  previous?: "kept" | "scaled-to-zero" | "destroyed";
  /** recreate: how long no colour served (the router answered 503), in ms. */
  downtimeMs?: number;
}
