// A bake's phases, read from the engine's events of the golden-ami stack's `up`. What the engine tells about
// one long-running create (pulumi v3.274.0): a `resource-pre` event before the provider's Create is called
// (pkg/resource/deploy/step_executor.go:521-545, OnResourceStepPre, then step.Apply at :555), and a
// `resource-outputs` event once it returns (:661 OnResourceStepPost), or `resource-operationfailed`
// (pkg/engine/events.go:613). Nothing in between: the engine's other event types are diagnostics (the
// provider's log lines, ephemeral status included, events.go:832-848), progress of plugin and policy-pack
// downloads only (events.go:149-162), and the prelude and summary. Image Builder's own build → test →
// distribute states happen inside the one Create call (the provider waits for AVAILABLE), so the phases
// Phoenix can report from the engine are: the recipe and its parts, the image's build/test/distribute as one
// phase, then the AMIs distributed (or the failure).
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { BakePhase } from "../events";

const IMAGE_TYPE = "aws:imagebuilder/image:Image";
const CREATING = new Set(["create", "replace", "create-replacement"]);

/** The AMIs an Image's outputs list (outputResources[].amis[]), as `region ami-…`. */
function amisOf(outputs: Record<string, unknown> | undefined): string {
  const resources = (outputs?.outputResources ?? []) as { amis?: { image?: string; region?: string }[] }[];
  return resources
    .flatMap((r) => r.amis ?? [])
    .map((a) => `${a.region ?? "?"} ${a.image ?? "?"}`)
    .join(", ");
}

/** An engine-event listener that reports each phase once, as it begins. */
export function bakePhaseListener(
  report: (phase: BakePhase, detail?: string) => void,
): (event: EngineEvent) => void {
  const seen = new Set<BakePhase>();
  const once = (phase: BakePhase, detail?: string) => {
    if (seen.has(phase)) return;
    seen.add(phase);
    report(phase, detail);
  };
  return (event) => {
    if (event.preludeEvent) return once("prepare", "recipe, components, build infrastructure, distribution");
    const pre = event.resourcePreEvent?.metadata;
    if (pre?.type === IMAGE_TYPE && CREATING.has(pre.op)) {
      return once(
        "build-test-distribute",
        `image ${pre.urn.split("::").pop()}: Image Builder builds, tests, distributes`,
      );
    }
    const post = event.resOutputsEvent?.metadata;
    if (post?.type === IMAGE_TYPE && CREATING.has(post.op))
      return once("distributed", amisOf(post.new?.outputs));
    const failed = event.resOpFailedEvent?.metadata;
    if (failed?.type === IMAGE_TYPE) once("failed", `image ${failed.urn.split("::").pop()}`);
  };
}
