// Which AMIs are in use, and why: read from the stacks themselves (the source of truth), never from tags or
// ages. An AMI is in use when the live colour, the warm (idle) colour or the rollback target of this app/env
// runs it, or when any other stack of the app holds it: the fleets of its other envs (an AMI promoted from
// staging runs in prod) and the golden-ami stacks' current outputs.
import { COLOURS, type Colour } from "../../programs/contract";
import { plainOutputs, type DeploymentState } from "../deploymentState";
import type { JournalEntry } from "../journal";
import { rollbackTarget } from "../rollbackTarget";
import type { Engine } from "../seams";

export interface InUseContext {
  engine: Engine;
  app: string;
  env: string;
}

/** AMI id → why it is in use (one reason per stack that holds it). */
export type InUse = Map<string, string[]>;

const PARTS = /-(blue|green|ami)$/;

function add(inUse: InUse, imageId: unknown, reason: string): void {
  // Not a string: a stack without outputs (created, never deployed, or emptied). An empty id would match no AMI.
  if (typeof imageId !== "string") return;
  inUse.set(imageId, [...(inUse.get(imageId) ?? []), reason]);
}

export async function amisInUse(
  ctx: InUseContext,
  state: DeploymentState,
  entries: JournalEntry[],
): Promise<InUse> {
  const inUse: InUse = new Map();
  const target = rollbackTarget(state, entries);
  const own = (colour: Colour) => `${ctx.app}-${ctx.env}-${colour}`;
  for (const colour of COLOURS) {
    const fleet = state.fleets[colour];
    if (!fleet) continue;
    const where = `${colour} of ${ctx.app}/${ctx.env} (release ${fleet.release})`;
    // Any weight is live (both colours, with the traffic split). A colour without traffic is the rollback target
    // when there is one (rollbackTarget only names the colour without traffic), else warm.
    if (state.weights[colour] > 0) add(inUse, fleet.imageId, `live on ${where}`);
    else add(inUse, fleet.imageId, `${target.available ? "rollback target" : "warm"} on ${where}`);
  }
  // Every other stack of the app: names `<app>-<env>-blue|green|ami`. A name that only looks like one is read
  // too: keeping an AMI by mistake costs storage, retiring one in use costs an outage.
  const others = (await ctx.engine.listStacks()).filter(
    (name) => name.startsWith(`${ctx.app}-`) && PARTS.test(name) && !COLOURS.some((c) => own(c) === name),
  );
  for (const name of others) {
    const role = name.endsWith("-ami") ? "golden-ami" : "fleet";
    const outputs = plainOutputs(await (await ctx.engine.createOrSelectStack(name, role)).outputs());
    if (role === "fleet")
      add(inUse, outputs.imageId, `used by stack ${name} (release ${String(outputs.release)})`);
    else
      for (const imageId of new Set(Object.values((outputs.imageIds ?? { _: outputs.imageId }) as object)))
        add(inUse, imageId, `the current bake of stack ${name}`);
  }
  return inUse;
}
