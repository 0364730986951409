// Typed progress events: what a workflow is doing, for a CLI's progress line or a deploy bot's log.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { Colour } from "../programs/contract";

export type WorkflowName =
  | "bootstrap"
  | "up"
  | "swap"
  | "rollback"
  | "destroy"
  | "drift"
  | "heal"
  | "recover"
  /** `release`: one of the strategies (blue-green, canary, rolling, recreate) over up and swap. */
  | "release"
  /** `bake`: a new golden AMI; `ami-prune`: old baked AMIs deprecated and deregistered. */
  | "bake"
  | "ami-prune";

/**
 * Phases of a bake as the engine's events show them (automation/images/phases.ts): the recipe and its parts,
 * then the Image create (Image Builder builds, tests and distributes inside that one provider call), then done.
 */
export type BakePhase = "prepare" | "build-test-distribute" | "distributed" | "failed";

export type StepStatus = "ok" | "failed";

/**
 * A step that waited for a colour's targets to be healthy: up's `wait-healthy`, and the prefixed ones of the
 * release strategies and recovery (`rolling:wait-healthy`, `restore-capacity:wait-healthy`).
 */
export const isHealthWaitStep = (step: string): boolean => /(^|:)wait-healthy$/.test(step);

export type ProgressEvent =
  | { kind: "workflow-start"; workflow: WorkflowName; id: string; at: number }
  | {
      kind: "workflow-end";
      workflow: WorkflowName;
      id: string;
      at: number;
      status: StepStatus | "aborted";
      durationMs: number;
      error?: string;
    }
  | { kind: "step-start"; workflow: WorkflowName; step: string; detail?: string; at: number }
  | {
      kind: "step-end";
      workflow: WorkflowName;
      step: string;
      status: StepStatus;
      durationMs: number;
      detail?: string;
      error?: string;
      at: number;
    }
  | {
      kind: "health";
      colour: Colour;
      healthy: number;
      desired: number;
      byState: Record<string, number>;
      attempt: number;
      at: number;
    }
  | { kind: "engine"; workflow: WorkflowName; stack: string; operation: EngineOperation; event: EngineEvent }
  | { kind: "bake-phase"; phase: BakePhase; detail?: string; at: number };

export type EngineOperation = "preview" | "up" | "refresh" | "destroy";

export type ProgressListener = (event: ProgressEvent) => void;

/** Options every workflow method takes. */
export interface CallOptions {
  /** Abort the workflow: it stops at the next safe point and undoes what it started. */
  signal?: AbortSignal;
  /** Receives workflow steps and engine events as they happen (in addition to the constructor's listener). */
  onProgress?: ProgressListener;
}
