// Drift across every stack of an app/env: a refresh preview (`pulumi refresh --preview-only`, which changes
// nothing) of the network, the router, the live colour and the idle colour when it holds a release. The idle
// colour is checked because it is the rollback target: a rollback to a fleet changed behind Pulumi's back
// would put the traffic on something nobody deployed.
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { COLOURS, otherColour, type Colour, type StackPart } from "../programs/contract";
import { liveColour, type DeploymentState } from "./deploymentState";
import { driftedResources } from "./drift";
import { ColourMissingError, NothingLiveError } from "./errors";
import type { DriftReport, StackDrift } from "./types";
import type { WorkflowRun } from "./workflowRun";
import type { WorkflowSteps } from "./workflowSteps";

interface Check {
  part: StackPart;
  /** The journaled step. The live colour's keeps the name `refresh-preview`: recovery of an interrupted heal
   * finds the drifted colour by it. */
  step: string;
  role?: StackDrift["role"];
  release?: string;
}

/** Refresh-preview every stack of the app/env and list what drifted, per stack. Changes nothing. */
export async function detectDrift(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
): Promise<DriftReport> {
  const colour = liveColour(state.weights);
  if (!colour) throw new NothingLiveError("there is no live fleet to check for drift");
  const fleet = state.fleets[colour];
  if (!fleet) throw new ColourMissingError(colour, "there is no live fleet to check for drift");
  const idle = state.fleets[otherColour(colour)];
  const checks: Check[] = [
    { part: "network", step: "refresh-preview:network" },
    { part: "router", step: "refresh-preview:router" },
    { part: colour, step: "refresh-preview", role: "live", release: fleet.release },
    ...(idle
      ? [
          {
            part: otherColour(colour),
            step: "refresh-preview:idle",
            role: "idle" as const,
            release: idle.release,
          },
        ]
      : []),
  ];
  const stacks: StackDrift[] = [];
  for (const check of checks) {
    // Stryker disable next-line ArrayDeclaration: driftedResources reads only events with a resOutputsEvent
    const events: EngineEvent[] = [];
    const name = steps.ctx.stacks.name(check.part);
    await run.step(
      check.step,
      async () => {
        const stack = await steps.ctx.stacks.select(check.part);
        await stack.refresh({ ...run.engineOptions(stack.name, "refresh", true, events), previewOnly: true });
      },
      (COLOURS as readonly string[]).includes(check.part)
        ? { colour: check.part as Colour }
        : { detail: name },
    );
    stacks.push({
      part: check.part,
      stack: name,
      ...(check.role ? { role: check.role, release: check.release } : {}),
      drifted: driftedResources(events),
    });
  }
  return { colour, release: fleet.release, drifted: stacks.flatMap((s) => s.drifted), stacks };
}
