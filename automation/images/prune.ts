// `ami prune`: retire the old baked AMIs of an app/env in two runs, never one in use. A run deprecates (EC2
// EnableImageDeprecation) every AMI that is neither among the newest `keep` nor in use; a later run deregisters
// it, with its snapshots, once `deregisterAfterMs` has passed since its deprecation (EC2 keeps that time on
// the AMI, so any machine's next run sees it). In use is read from the stacks (inUse.ts), and the in-use tags
// that GoldenAmi's lifecycle policy honours are put right on the way. A dry run decides the same and changes
// nothing.
import { IN_USE_TAG } from "../../components/goldenAmiSettings";
import type { DeploymentState } from "../deploymentState";
import type { Clock } from "../health";
import type { WorkflowRun } from "../workflowRun";
import { listAmis, type CatalogContext } from "./catalog";
import { ImageProbeMissingError } from "./errors";
import { amisInUse, type InUse } from "./inUse";
import type { BakedAmi, PruneDecision, PruneOptions, PruneResult } from "./types";
import type { Engine, ImageProbe } from "../seams";

export const DAY_MS = 24 * 3600 * 1000;
/** @default of `deregisterAfterMs`: a week between deprecation and deregistration. */
export const DEFAULT_DEREGISTER_AFTER_MS = 7 * DAY_MS;
/** EC2 refuses a deprecation time in the past: a minute ahead, as EC2 rounds to the minute anyway. */
const DEPRECATE_AHEAD_MS = 60_000;

export interface PruneContext extends CatalogContext {
  engine: Engine;
  clock: Clock;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The fate of each AMI, newest first (pure: the tests' and the dry run's oracle). */
export function decide(
  amis: BakedAmi[],
  inUse: InUse,
  keep: number,
  deregisterAfterMs: number,
  now: number,
): PruneDecision[] {
  return amis.map((ami, index) => {
    const kept = [
      ...(index < keep ? [`one of the newest ${keep} baked AMIs (#${index + 1})`] : []),
      ...(inUse.get(ami.imageId) ?? []),
    ];
    const base = { imageId: ami.imageId, createdAt: ami.createdAt, recipeVersion: ami.recipeVersion };
    const deprecatedAt = ami.deprecationTime ? Date.parse(ami.deprecationTime) : undefined;
    if (kept.length > 0) {
      const note =
        deprecatedAt !== undefined ? [`deprecated since ${ami.deprecationTime}, kept all the same`] : [];
      return { ...base, reasons: [...kept, ...note] };
    }
    if (deprecatedAt === undefined)
      return {
        ...base,
        action: "deprecate",
        reasons: [`older than the newest ${keep} and used by no stack`],
      };
    const due = deprecatedAt + deregisterAfterMs;
    if (now >= due) {
      return {
        ...base,
        action: "deregister",
        reasons: [
          `deprecated since ${ami.deprecationTime}, used by no stack: deregistered with its snapshots`,
        ],
      };
    }
    return {
      ...base,
      reasons: [`deprecated since ${ami.deprecationTime}: deregistered from ${iso(due)} on`],
    };
  });
}

export async function prune(
  ctx: PruneContext,
  run: WorkflowRun,
  state: DeploymentState,
  options: PruneOptions,
): Promise<PruneResult> {
  const images = ctx.probe.images;
  if (!images) {
    throw new ImageProbeMissingError(
      "ami prune needs the EC2 image calls (the probe has no `images`): nothing was changed.",
    );
  }
  const deregisterAfterMs = options.deregisterAfterMs ?? DEFAULT_DEREGISTER_AFTER_MS;
  const amis = await run.step("list-amis", () => listAmis(ctx, run.signal));
  const entries = await ctx.journal.read();
  const inUse = await run.step("find-in-use", () => amisInUse(ctx, state, entries));
  const now = ctx.clock.now();
  const decisions = decide(amis, inUse, options.keep, deregisterAfterMs, now);
  const result: PruneResult = {
    dryRun: options.dryRun ?? false,
    keep: options.keep,
    deregisterAfterMs,
    decisions,
    deprecated: [],
    deregistered: [],
    tagged: [],
    untagged: [],
  };
  if (options.dryRun) return result;
  await syncInUseTags(run, images, amis, inUse, result);
  const byId = new Map(amis.map((ami) => [ami.imageId, ami]));
  for (const decision of decisions) {
    const { imageId, action } = decision;
    if (action === "deprecate") {
      await run.step(`deprecate:${imageId}`, () =>
        images.deprecateImage(imageId, new Date(now + DEPRECATE_AHEAD_MS), run.signal),
      );
      result.deprecated.push(imageId);
    } else if (action === "deregister") {
      const snapshots = byId.get(imageId)!.snapshotIds; // every decision is of one of `amis`
      await run.step(`deregister:${imageId}`, () => images.deregisterImage(imageId, snapshots, run.signal), {
        detail: snapshots.length > 0 ? `snapshots ${snapshots.join(", ")}` : undefined,
      });
      result.deregistered.push(imageId);
    }
  }
  return result;
}

/** Tag the AMIs a stack uses, untag the ones none does: what GoldenAmi's lifecycle policy reads. */
async function syncInUseTags(
  run: WorkflowRun,
  images: ImageProbe,
  amis: BakedAmi[],
  inUse: InUse,
  result: PruneResult,
): Promise<void> {
  for (const ami of amis) {
    const used = inUse.has(ami.imageId);
    if (used && !ami.taggedInUse) {
      await run.step(`tag-in-use:${ami.imageId}`, () =>
        images.tagImage(ami.imageId, { [IN_USE_TAG]: "true" }, run.signal),
      );
      result.tagged.push(ami.imageId);
    } else if (!used && ami.taggedInUse) {
      await run.step(`untag-in-use:${ami.imageId}`, () =>
        images.untagImage(ami.imageId, [IN_USE_TAG], run.signal),
      );
      result.untagged.push(ami.imageId);
    }
  }
}

/** Tag one AMI as in use (when a fleet starts using it); the next prune takes tags off AMIs no stack uses. */
export async function markInUse(
  images: ImageProbe | undefined,
  imageId: string,
  signal?: AbortSignal,
): Promise<boolean> {
  if (!images) return false;
  await images.tagImage(imageId, { [IN_USE_TAG]: "true" }, signal);
  return true;
}
