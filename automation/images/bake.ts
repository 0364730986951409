// `bake`: an `up` of the app/env's golden-ami stack with a new bake id, so Image Builder builds, tests and
// distributes a new image version; the AMIs (one per distribution region) are the stack's outputs, and the
// `bake` step's ok line in the deployment records is the bake record. A failed bake (a build step, an image
// test) records nothing: the stack keeps the outputs of its last good bake, and `up` keeps taking that AMI.
import { CONFIG_NAMESPACE } from "../../programs/contract";
import type { AppStacks } from "../deploymentState";
import { plainOutputs } from "../deploymentState";
import { errorMessage, InvalidInputError } from "../errors";
import type { Clock } from "../health";
import { newDeploymentId } from "../journal";
import type { JournalReader } from "../records/types";
import type { WorkflowRun } from "../workflowRun";
import { BakeFailedError } from "./errors";
import { bakePhaseListener } from "./phases";
import type { BakeOptions, BakeRecord, BakeResult } from "./types";

export interface BakeContext {
  stacks: AppStacks;
  journal: JournalReader;
  clock: Clock;
}

/**
 * The stack config this bake sets: the options given and the new bake id. A key left out keeps the stack's
 * value (its last bake's, or bootstrap's `schedule`): `pulumi config set-all` sets only the keys it is given
 * (LocalWorkspace.setAllConfig in @pulumi/pulumi's automation/localWorkspace.ts; MemoryEngine merges alike).
 */
function bakeConfig(options: BakeOptions, bakeId: string): Record<string, string | undefined> {
  const list = (value: string[] | undefined): string | undefined => value && JSON.stringify(value);
  return {
    parentImage: options.parentImage,
    buildSteps: list(options.buildSteps),
    testSteps: list(options.testSteps),
    instanceTypes: list(options.instanceTypes),
    distributionRegions: list(options.distributionRegions),
    bakeId,
  };
}

/** The reason of a failed bake: the provider's last error when the engine's message carries one. */
export function bakeFailureReason(error: unknown): string {
  const message = errorMessage(error);
  const last = /last error: ([^\n]+)/.exec(message)?.[1];
  const failed = /unexpected state '([A-Z]+)'/.exec(message)?.[1];
  if (last) return `the image ended ${failed ?? "FAILED"}: ${last.trim()}`;
  const line = message.split("\n").find((l) => /error:/i.test(l) && !/update failed/.test(l));
  return (line ?? message).trim();
}

export async function bake(ctx: BakeContext, run: WorkflowRun, options: BakeOptions): Promise<BakeResult> {
  const records = await ctx.journal.read();
  const bakeId = newDeploymentId(ctx.clock.now(), records.length);
  const stack = await run.step(
    "configure",
    async () => {
      const selected = await ctx.stacks.select("ami");
      const existing = await selected.getAllConfig();
      if (!(options.parentImage ?? existing[`${CONFIG_NAMESPACE}:parentImage`]?.value)) {
        throw new InvalidInputError([
          `\`parentImage\` is required on the first bake of ${ctx.stacks.app}/${ctx.stacks.env} (its stack ` +
            `${selected.name} has none): an AMI id, an Image Builder image ARN or ssm:<parameter>`,
        ]);
      }
      await selected.setAllConfig(ctx.stacks.config("ami", bakeConfig(options, bakeId)));
      return selected;
    },
    { detail: `bake ${bakeId}` },
  );
  const phases = bakePhaseListener((phase, detail) =>
    run.emitEvent({ kind: "bake-phase", phase, detail, at: ctx.clock.now() }),
  );
  const engine = run.engineOptions(stack.name, "up");
  return run.step(
    "bake",
    async (): Promise<BakeResult> => {
      let result;
      try {
        result = await stack.up({ ...engine, onEvent: (event) => (engine.onEvent(event), phases(event)) });
      } catch (error) {
        throw new BakeFailedError(stack.name, bakeFailureReason(error), { cause: error });
      }
      const outputs = plainOutputs(result.outputs);
      if (outputs.bakeId !== bakeId) {
        throw new BakeFailedError(
          stack.name,
          `the stack's outputs name bake ${JSON.stringify(outputs.bakeId)}, not this bake's ${bakeId}`,
        );
      }
      const record: BakeRecord = {
        bakeId,
        imageId: String(outputs.imageId),
        imageIds: (outputs.imageIds ?? { unknown: outputs.imageId }) as Record<string, string>,
        imageArn: String(outputs.imageArn),
        parentImage: String(outputs.parentImage),
        recipeVersion: String(outputs.recipeVersion),
        recipeArn: String(outputs.recipeArn),
        bakedAt: new Date(ctx.clock.now()).toISOString(),
      };
      return { ...record, stack: stack.name, changes: result.summary.resourceChanges ?? {} };
    },
    { detail: `bake ${bakeId}`, bakedOf: ({ stack: _stack, changes: _changes, ...record }) => record },
  );
}
