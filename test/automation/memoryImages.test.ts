// The simulated account's AMIs (automation/memory/images.ts), as EC2 would hold them: what a test registers,
// how tags, deprecation and deregistration change them, and EC2's errors word for word.
import assert from "assert";
import { MemoryImages } from "../../automation/memory/images";

const NOW = Date.parse("2026-03-01T12:00:00.000Z");
const AMI = "ami-0123456789abcdef0";

describe("MemoryImages", () => {
  it("registers an AMI available, named after its id unless named, created now, with one snapshot", () => {
    const images = new MemoryImages(() => NOW);
    const tags = { Release: "v1" };
    const ami = images.register({ imageId: AMI, region: "eu-west-1", tags });
    tags.Release = "changed by the caller";
    assert.deepStrictEqual(images.get(AMI), {
      imageId: AMI,
      region: "eu-west-1",
      name: AMI,
      creationDate: "2026-03-01T12:00:00.000Z",
      state: "available",
      tags: { Release: "v1" },
      snapshotIds: ["snap-b1fa6a94d9e2b5d6c"],
    });
    assert.deepStrictEqual(ami, images.get(AMI));
    assert.deepStrictEqual([...images.snapshots], ["snap-b1fa6a94d9e2b5d6c"]);
    assert.strictEqual(
      images.register({ imageId: "ami-2", region: "us-east-1", tags: {}, name: "golden" }).name,
      "golden",
    );
  });

  it("keeps the first registration of an id (a second register is a no-op)", () => {
    const images = new MemoryImages(() => NOW);
    images.register({ imageId: AMI, region: "eu-west-1", tags: { Release: "v1" } });
    const again = images.register({
      imageId: AMI,
      region: "us-east-1",
      tags: { Release: "v2" },
      name: "other",
    });
    assert.deepStrictEqual([again.region, again.name, again.tags], ["eu-west-1", AMI, { Release: "v1" }]);
    assert.strictEqual(images.all().length, 1);
    assert.strictEqual(images.snapshots.size, 1);
  });

  it("hands out copies: changing what get, all or describeImages return changes nothing held", async () => {
    const images = new MemoryImages(() => NOW);
    images.register({ imageId: AMI, region: "eu-west-1", tags: { Release: "v1" } });
    images.get(AMI)!.tags.Release = "x";
    images.all()[0].tags.Release = "y";
    (await images.describeImages({}))[0].tags.Release = "z";
    assert.deepStrictEqual(images.get(AMI)!.tags, { Release: "v1" });
    assert.strictEqual(images.get("ami-unknown"), undefined);
  });

  it("describes the AMIs that carry every one of the given tags", async () => {
    const images = new MemoryImages(() => NOW);
    images.register({ imageId: "ami-a", region: "eu-west-1", tags: { App: "shop", Release: "v1" } });
    images.register({ imageId: "ami-b", region: "eu-west-1", tags: { App: "shop", Release: "v2" } });
    images.register({ imageId: "ami-c", region: "eu-west-1", tags: { App: "blog", Release: "v1" } });
    const ids = async (tags: Record<string, string>) =>
      (await images.describeImages(tags)).map((a) => a.imageId);
    assert.deepStrictEqual(await ids({ App: "shop" }), ["ami-a", "ami-b"]);
    assert.deepStrictEqual(await ids({ App: "shop", Release: "v1" }), ["ami-a"]);
    assert.deepStrictEqual(await ids({ App: "none" }), []);
    assert.deepStrictEqual(await ids({}), ["ami-a", "ami-b", "ami-c"]);
  });

  it("adds and removes tags, and deprecates at the nearest minute as EC2 does", async () => {
    const images = new MemoryImages(() => NOW);
    images.register({ imageId: AMI, region: "eu-west-1", tags: { Release: "v1", Keep: "yes" } });
    await images.tagImage(AMI, { Retired: "true", Release: "v1" });
    assert.deepStrictEqual(images.get(AMI)!.tags, { Release: "v1", Keep: "yes", Retired: "true" });
    await images.untagImage(AMI, ["Keep", "Missing"]);
    assert.deepStrictEqual(images.get(AMI)!.tags, { Release: "v1", Retired: "true" });
    await images.deprecateImage(AMI, new Date("2026-03-08T12:00:29.999Z"));
    assert.strictEqual(images.get(AMI)!.deprecationTime, "2026-03-08T12:00:00.000Z");
    await images.deprecateImage(AMI, new Date("2026-03-08T12:00:30.000Z"));
    assert.strictEqual(images.get(AMI)!.deprecationTime, "2026-03-08T12:01:00.000Z");
  });

  it("deregisters an AMI with its snapshots; a snapshot that does not exist fails as EC2 says", async () => {
    const images = new MemoryImages(() => NOW);
    const [snapshot] = images.register({ imageId: AMI, region: "eu-west-1", tags: {} }).snapshotIds;
    images.register({ imageId: "ami-b", region: "eu-west-1", tags: {} });
    await images.deregisterImage(AMI, [snapshot]);
    assert.strictEqual(images.get(AMI), undefined);
    assert.deepStrictEqual(
      images.all().map((a) => a.imageId),
      ["ami-b"],
    );
    assert.strictEqual(images.snapshots.has(snapshot), false);
    assert.strictEqual(images.snapshots.size, 1);
    await assert.rejects(images.deregisterImage("ami-b", ["snap-gone"]), {
      message: "InvalidSnapshot.NotFound: The snapshot 'snap-gone' does not exist.",
    });
  });

  it("fails every call on an unknown AMI with EC2's message", async () => {
    const images = new MemoryImages(() => NOW);
    const notFound = { message: "InvalidAMIID.NotFound: The image id '[ami-gone]' does not exist" };
    await assert.rejects(images.tagImage("ami-gone", { a: "b" }), notFound);
    await assert.rejects(images.untagImage("ami-gone", ["a"]), notFound);
    await assert.rejects(images.deprecateImage("ami-gone", new Date(NOW)), notFound);
    await assert.rejects(images.deregisterImage("ami-gone", []), notFound);
  });

  it("reads the wall clock when given none", () => {
    const images = new MemoryImages();
    const before = Date.now();
    const created = Date.parse(
      images.register({ imageId: AMI, region: "eu-west-1", tags: {} }).creationDate!,
    );
    assert.ok(created >= before && created <= Date.now(), `created ${created}, test started ${before}`);
  });
});
