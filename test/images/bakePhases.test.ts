// The bake phases read from engine events shaped as the engine sends them (prelude, resource pre, outputs and
// op-failed events of the Image Builder image): each phase reported once, as it begins, with what it is about.
import { strict as assert } from "assert";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import type { BakePhase } from "../../automation/events";
import { bakePhaseListener } from "../../automation/images/phases";

const IMAGE = "aws:imagebuilder/image:Image";
const URN = `urn:pulumi:shop-prod-ami::phoenix::phoenix:aws:GoldenAmi$${IMAGE}::shop-prod-image-b1`;

const event = (body: Partial<EngineEvent>): EngineEvent => ({ sequence: 0, timestamp: 0, ...body });
const meta = (op: string, type = IMAGE, outputs?: Record<string, unknown>) =>
  ({ op, urn: URN, type, provider: "", ...(outputs ? { new: { outputs } } : {}) }) as never;

function phasesOf(events: EngineEvent[]): [BakePhase, string | undefined][] {
  const seen: [BakePhase, string | undefined][] = [];
  const listener = bakePhaseListener((phase, detail) => seen.push([phase, detail]));
  for (const e of events) listener(e);
  return seen;
}

describe("bake phases from engine events", () => {
  it("reports prepare, build-test-distribute and the AMIs distributed, each once", () => {
    const outputs = {
      outputResources: [
        {
          amis: [
            { region: "us-east-1", image: "ami-0b1" },
            { region: "eu-west-1", image: "ami-0b2" },
          ],
        },
        { amis: [{ image: "ami-0b3" }, { region: "ap-south-1" }] },
        {},
      ],
    };
    assert.deepEqual(
      phasesOf([
        event({ preludeEvent: { config: {} } }),
        event({ preludeEvent: { config: {} } }),
        event({ resourcePreEvent: { metadata: meta("create", "aws:imagebuilder/imageRecipe:ImageRecipe") } }),
        event({ resourcePreEvent: { metadata: meta("create-replacement") } }),
        event({ resourcePreEvent: { metadata: meta("replace") } }),
        event({ resOutputsEvent: { metadata: meta("create-replacement", IMAGE, outputs) } }),
        event({ resOutputsEvent: { metadata: meta("replace", IMAGE, outputs) } }),
      ]),
      [
        ["prepare", "recipe, components, build infrastructure, distribution"],
        ["build-test-distribute", "image shop-prod-image-b1: Image Builder builds, tests, distributes"],
        ["distributed", "us-east-1 ami-0b1, eu-west-1 ami-0b2, ? ami-0b3, ap-south-1 ?"],
      ],
    );
  });

  it("an image that is kept (same, or deleted at the end of a replace) begins no phase", () => {
    assert.deepEqual(
      phasesOf([
        event({ resourcePreEvent: { metadata: meta("same") } }),
        event({ resOutputsEvent: { metadata: meta("delete-replaced") } }),
      ]),
      [],
    );
  });

  it("outputs without AMIs distribute nothing named", () => {
    assert.deepEqual(phasesOf([event({ resOutputsEvent: { metadata: meta("create") } })]), [
      ["distributed", ""],
    ]);
  });

  it("a failed image reports failed, once, naming the image; another resource's failure does not", () => {
    assert.deepEqual(
      phasesOf([
        event({
          resOpFailedEvent: {
            metadata: meta("create", "aws:imagebuilder/component:Component"),
            status: 1,
            steps: 1,
          },
        }),
        event({ resOpFailedEvent: { metadata: meta("create"), status: 1, steps: 1 } }),
        event({ resOpFailedEvent: { metadata: meta("create"), status: 1, steps: 1 } }),
      ]),
      [["failed", "image shop-prod-image-b1"]],
    );
  });
});
