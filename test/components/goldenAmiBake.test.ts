// GoldenAmi's bake id (one bake = one Image resource), its AMIs by region, and the golden-ami program's outputs.
import { strict as assert } from "assert";
import { withMocks, type MockedStack } from "../helpers/mocks";
import { resolveGoldenAmiSettings } from "../../components/goldenAmiSettings";
import { ComponentArgsError } from "../../components/validation";

const IMAGE = "aws:imagebuilder/image:Image";

async function plan(
  args: Record<string, unknown>,
): Promise<{ mocks: MockedStack; outputs: Record<string, unknown> }> {
  const mocks = await withMocks();
  const { GoldenAmi } = await import("../../components/goldenAmi");
  const outputs = await mocks.run(async () => {
    const ami = new GoldenAmi("web", args as never);
    return { imageId: ami.imageId, imageIds: ami.imageIds };
  });
  return { mocks, outputs };
}

describe("GoldenAmi bakes", () => {
  it("without a bake id, the image is `<name>-image`", async () => {
    const { mocks } = await plan({ parentImage: "ami-0123456789abcdef0" });
    assert.deepEqual(
      mocks.ofType(IMAGE).map((r) => r.name),
      ["web-image"],
    );
  });

  it("a bake id names the image, so a new id is a new image (a new build) and its AMI is a new one", async () => {
    const first = await plan({ parentImage: "ami-0123456789abcdef0", bakeId: "b1" });
    assert.deepEqual(
      first.mocks.ofType(IMAGE).map((r) => r.name),
      ["web-image-b1"],
    );
    const second = await plan({ parentImage: "ami-0123456789abcdef0", bakeId: "b2" });
    assert.deepEqual(
      second.mocks.ofType(IMAGE).map((r) => r.name),
      ["web-image-b2"],
    );
    assert.match(String(first.outputs.imageId), /^ami-[0-9a-f]{17}$/);
    assert.notEqual(first.outputs.imageId, second.outputs.imageId);
  });

  it("imageIds holds the AMI of each distribution region; imageId is the first region's", async () => {
    const { outputs } = await plan({
      parentImage: "ami-0123456789abcdef0",
      distributionRegions: ["us-east-1"],
    });
    assert.deepEqual(outputs.imageIds, { "us-east-1": outputs.imageId });
  });

  it("a bake id must be lower-case letters, digits or dashes, at most 40", () => {
    for (const bakeId of ["B1", "-b", "a".repeat(41), "a_b"]) {
      assert.throws(
        () => resolveGoldenAmiSettings("web", { parentImage: "ami-0123456789abcdef0", bakeId }),
        (e: unknown) =>
          e instanceof ComponentArgsError &&
          e.problems.some((p) => p.startsWith(`\`bakeId\` (${JSON.stringify(bakeId)})`)),
      );
    }
    assert.equal(
      resolveGoldenAmiSettings("web", {
        parentImage: "ami-0123456789abcdef0",
        bakeId: "20260101t000000000z-3",
      }).bakeId,
      "20260101t000000000z-3",
    );
  });
});
