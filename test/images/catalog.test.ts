// The AMI catalogue and the image choice of `up`, over the simulated account (MemoryImages) and literal bake
// records: EC2's AMIs joined with their bake records (every region's AMI), pipeline runs named by their image
// ARN, deregistered AMIs left out, newest first; the bake records alone without the image calls (archives
// included, each AMI once); the newest usable AMI chosen (available or unknown, not deprecated by now); and
// promotion from another env, with its refusals.
import { strict as assert } from "assert";
import { listAmis, type CatalogContext } from "../../automation/images/catalog";
import { chooseImage, type ChooseContext } from "../../automation/images/choose";
import { NoImageError } from "../../automation/images/errors";
import type { BakedAmi, BakeRecord } from "../../automation/images/types";
import type { JournalEntry } from "../../automation/journal";
import { MemoryImages } from "../../automation/memory/images";
import type { JournalReader } from "../../automation/records/types";
import type { CloudProbe } from "../../automation/seams";
import { harness, type Harness } from "../automation/harness";

const HOUR = 3_600_000;
const T0 = Date.parse("2026-02-01T00:00:00Z");
const iso = (ms: number) => new Date(ms).toISOString();
const GOLDEN = { "phoenix:golden-ami": "shop-prod" };
const ARN = (version: string, build = "/1") =>
  `arn:aws:imagebuilder:us-east-1:123456789012:image/shop-prod-r/${version}${build}`;

function record(bakeId: string, imageIds: Record<string, string>, bakedAt: number): BakeRecord {
  return {
    bakeId,
    imageId: Object.values(imageIds)[0],
    imageIds,
    imageArn: ARN("1.0.0"),
    parentImage: "ami-0c02fb55956c7d316",
    recipeVersion: "1.0.0",
    recipeArn: "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/shop-prod-r/1.0.0",
    bakedAt: iso(bakedAt),
  };
}

/** A workflow's journal lines around one bake record: begin, started, ok (with the record), end. */
function bakeLines(id: string, baked: BakeRecord): JournalEntry[] {
  const at = baked.bakedAt;
  return [
    { type: "begin", id, workflow: "bake", at, params: {} },
    { type: "step", id, workflow: "bake", step: "bake", status: "started", at },
    { type: "step", id, workflow: "bake", step: "bake", status: "ok", at, baked },
    { type: "end", id, workflow: "bake", at, status: "ok" },
  ] as JournalEntry[];
}

function reader(entries: JournalEntry[], archived: JournalEntry[] = []): JournalReader {
  return {
    location: "memory",
    read: async () => entries,
    ...(archived.length > 0 ? { readAll: async () => [...archived, ...entries] } : {}),
    interrupted: async () => undefined,
  };
}

describe("the AMI catalogue", () => {
  let now = T0;
  let images: MemoryImages;
  beforeEach(() => {
    now = T0;
    images = new MemoryImages(() => now);
  });
  const ctx = (journal: JournalReader, withImages = true): CatalogContext => ({
    app: "shop",
    env: "prod",
    probe: (withImages ? { images } : {}) as CloudProbe,
    journal,
  });

  it("joins EC2's AMIs with their bake records, names pipeline runs by their ARN, newest first", async () => {
    const baked = record("b1", { "us-east-1": "ami-0b1", "eu-west-1": "ami-0b2" }, T0 + HOUR);
    // EC2 described without a creation date (and no bake record's time): it sorts last.
    delete images.register({
      imageId: "ami-0p2",
      region: "us-east-1",
      tags: { ...GOLDEN, Ec2ImageBuilderArn: ARN("2.0.0", "") },
    }).creationDate;
    now = T0 + 4 * HOUR;
    // A tag that names no image version (a recipe's ARN): no recipe version.
    images.register({
      imageId: "ami-0r1",
      region: "us-east-1",
      tags: {
        ...GOLDEN,
        Ec2ImageBuilderArn: "arn:aws:imagebuilder:us-east-1:123456789012:image-recipe/shop-prod-r/1.0.0",
      },
    });
    now = T0;
    images.register({
      imageId: "ami-0b1",
      region: "us-east-1",
      tags: { ...GOLDEN, "phoenix:in-use": "true" },
    });
    now = T0 + 2 * HOUR;
    images.register({ imageId: "ami-0b2", region: "eu-west-1", tags: GOLDEN });
    now = T0 + 3 * HOUR;
    images.register({
      imageId: "ami-0p1",
      region: "us-east-1",
      tags: { ...GOLDEN, Ec2ImageBuilderArn: ARN("12.34.56") },
    });
    const gone = images.register({ imageId: "ami-0d1", region: "us-east-1", tags: GOLDEN });
    gone.state = "deregistered";
    const pending = images.register({ imageId: "ami-0n1", region: "us-east-1", tags: GOLDEN });
    pending.state = "pending";
    pending.deprecationTime = iso(T0 + 9 * HOUR);
    images.register({
      imageId: "ami-0s1",
      region: "us-east-1",
      tags: { "phoenix:golden-ami": "shop-staging" },
    });
    const snapshot = (id: string) => images.get(id)!.snapshotIds;

    const amis = await listAmis(ctx(reader(bakeLines("w1", baked))));
    const expected: BakedAmi[] = [
      {
        imageId: "ami-0r1",
        name: "ami-0r1",
        createdAt: iso(T0 + 4 * HOUR),
        recipeVersion: undefined,
        parentImage: undefined,
        bakeId: undefined,
        source: "pipeline",
        state: "available",
        deprecationTime: undefined,
        taggedInUse: false,
        snapshotIds: snapshot("ami-0r1"),
      },
      {
        imageId: "ami-0p1",
        name: "ami-0p1",
        createdAt: iso(T0 + 3 * HOUR),
        recipeVersion: "12.34.56",
        parentImage: undefined,
        bakeId: undefined,
        source: "pipeline",
        state: "available",
        deprecationTime: undefined,
        taggedInUse: false,
        snapshotIds: snapshot("ami-0p1"),
      },
      {
        imageId: "ami-0n1",
        name: "ami-0n1",
        createdAt: iso(T0 + 3 * HOUR),
        recipeVersion: undefined,
        parentImage: undefined,
        bakeId: undefined,
        source: "pipeline",
        state: "pending",
        deprecationTime: iso(T0 + 9 * HOUR),
        taggedInUse: false,
        snapshotIds: snapshot("ami-0n1"),
      },
      {
        imageId: "ami-0b2",
        name: "ami-0b2",
        createdAt: iso(T0 + 2 * HOUR),
        recipeVersion: "1.0.0",
        parentImage: "ami-0c02fb55956c7d316",
        bakeId: "b1",
        source: "bake",
        state: "available",
        deprecationTime: undefined,
        taggedInUse: false,
        snapshotIds: snapshot("ami-0b2"),
      },
      {
        imageId: "ami-0b1",
        name: "ami-0b1",
        createdAt: iso(T0),
        recipeVersion: "1.0.0",
        parentImage: "ami-0c02fb55956c7d316",
        bakeId: "b1",
        source: "bake",
        state: "available",
        deprecationTime: undefined,
        taggedInUse: true,
        snapshotIds: snapshot("ami-0b1"),
      },
      {
        imageId: "ami-0p2",
        name: "ami-0p2",
        createdAt: undefined,
        recipeVersion: "2.0.0",
        parentImage: undefined,
        bakeId: undefined,
        source: "pipeline",
        state: "available",
        deprecationTime: undefined,
        taggedInUse: false,
        snapshotIds: snapshot("ami-0p2"),
      },
    ];
    assert.deepEqual(amis, expected);
  });

  it("an AMI EC2 describes without a state or a creation date: available, at its bake's time", async () => {
    const baked = record("b1", { "us-east-1": "ami-0b1" }, T0 + 5 * HOUR);
    const ami = images.register({ imageId: "ami-0b1", region: "us-east-1", tags: GOLDEN });
    delete ami.state;
    delete ami.creationDate;
    const [listed] = await listAmis(ctx(reader(bakeLines("w1", baked))));
    assert.deepEqual([listed.state, listed.createdAt], ["available", iso(T0 + 5 * HOUR)]);
  });

  it("the newest bake record of an AMI recorded twice is the one shown", async () => {
    images.register({ imageId: "ami-0b1", region: "us-east-1", tags: GOLDEN });
    const older = record("b1", { "us-east-1": "ami-0b1" }, T0);
    const newer = {
      ...record("b2", { "us-east-1": "ami-0b1" }, T0 + HOUR),
      parentImage: "ami-0aaaaaaaaaaaaaaaa",
    };
    const [listed] = await listAmis(ctx(reader([...bakeLines("w1", older), ...bakeLines("w2", newer)])));
    assert.deepEqual([listed.bakeId, listed.parentImage], ["b2", "ami-0aaaaaaaaaaaaaaaa"]);
  });

  it("without the image calls: the bake records alone, archives included, each AMI once, newest first", async () => {
    const archived = bakeLines("w1", record("b1", { "us-east-1": "ami-0b1" }, T0));
    const current = [
      ...bakeLines("w2", record("b2", { "us-east-1": "ami-0b2" }, T0 + 2 * HOUR)),
      ...bakeLines("w3", record("b3", { "us-east-1": "ami-0b3" }, T0 + HOUR)),
      // The same AMI recorded again (a record copied into the active file): listed once.
      ...bakeLines("w4", record("b3", { "us-east-1": "ami-0b3" }, T0 + HOUR)),
    ];
    const amis = await listAmis(ctx(reader(current, archived), false));
    assert.deepEqual(amis, [
      {
        imageId: "ami-0b2",
        createdAt: iso(T0 + 2 * HOUR),
        recipeVersion: "1.0.0",
        parentImage: "ami-0c02fb55956c7d316",
        bakeId: "b2",
        source: "bake",
        state: "unknown",
        taggedInUse: false,
        snapshotIds: [],
      },
      {
        imageId: "ami-0b3",
        createdAt: iso(T0 + HOUR),
        recipeVersion: "1.0.0",
        parentImage: "ami-0c02fb55956c7d316",
        bakeId: "b3",
        source: "bake",
        state: "unknown",
        taggedInUse: false,
        snapshotIds: [],
      },
      {
        imageId: "ami-0b1",
        createdAt: iso(T0),
        recipeVersion: "1.0.0",
        parentImage: "ami-0c02fb55956c7d316",
        bakeId: "b1",
        source: "bake",
        state: "unknown",
        taggedInUse: false,
        snapshotIds: [],
      },
    ]);
  });
});

describe("the image choice of up", function () {
  this.timeout(120_000);
  let h: Harness;
  let entries: JournalEntry[];
  beforeEach(() => {
    h = harness({ engine: { now: () => h.clock.now } });
    entries = [];
  });
  afterEach(() => h.cleanup());

  const ctx = (probe: CloudProbe = h.probe): ChooseContext => ({
    app: "shop",
    env: "prod",
    probe,
    journal: reader(entries),
    engine: h.engine,
    clock: { now: () => h.clock.now, sleep: async () => undefined },
  });
  const register = (imageId: string, tags: Record<string, string> = GOLDEN) =>
    h.engine.images.register({ imageId, region: "us-east-1", tags });

  it("an AMI given is taken as given, without a look at EC2", async () => {
    assert.deepEqual(await chooseImage(ctx(), { imageId: "ami-0123456789abcdef0" }), {
      imageId: "ami-0123456789abcdef0",
      source: "given",
    });
    assert.deepEqual(h.probe.calls, []);
  });

  it("takes the newest AMI that is available and not deprecated by now, with its age and recipe", async () => {
    const start = h.clock.now;
    const at = start + 6 * HOUR; // when up chooses
    register("ami-0a1", { ...GOLDEN, Ec2ImageBuilderArn: ARN("1.4.0") });
    h.clock.now = start + HOUR;
    register("ami-0a2").deprecationTime = iso(at + HOUR); // deprecated later: usable now
    h.clock.now = start + 2 * HOUR;
    register("ami-0a3").deprecationTime = iso(at); // deprecated from exactly now
    h.clock.now = start + 3 * HOUR;
    register("ami-0a4").state = "pending";
    h.clock.now = start + 4 * HOUR;
    register("ami-0a5").state = "failed";
    h.clock.now = at;
    assert.deepEqual(await chooseImage(ctx(), {}), {
      imageId: "ami-0a2",
      source: "newest-bake",
      ageMs: 5 * HOUR,
      recipeVersion: undefined,
    });
    h.clock.now = at + HOUR;
    assert.deepEqual(await chooseImage(ctx(), {}), {
      imageId: "ami-0a1",
      source: "newest-bake",
      ageMs: 7 * HOUR,
      recipeVersion: "1.4.0",
    });
  });

  it("without the image calls, takes the newest bake record (its state unknown)", async () => {
    entries = [
      ...bakeLines("w1", record("b1", { "us-east-1": "ami-0b1" }, h.clock.now - 2 * HOUR)),
      ...bakeLines("w2", record("b2", { "us-east-1": "ami-0b2" }, h.clock.now - HOUR)),
    ];
    assert.deepEqual(await chooseImage(ctx({} as CloudProbe), {}), {
      imageId: "ami-0b2",
      source: "newest-bake",
      ageMs: HOUR,
      recipeVersion: "1.0.0",
    });
  });

  it("says to bake first when every AMI is deprecated or unusable", async () => {
    register("ami-0a1").deprecationTime = iso(h.clock.now);
    register("ami-0a2").state = "failed";
    await assert.rejects(
      chooseImage(ctx(), {}),
      (e: unknown) =>
        e instanceof NoImageError &&
        e.message ===
          "No baked AMI of shop/prod to deploy (none recorded, none found in EC2 under its golden AMI tag, or " +
            "all deprecated): run `phoenix bake --app shop --env prod` first, or pass --image-id.",
    );
  });

  describe("promotion from another env", () => {
    const STAGING_GOLDEN = { "phoenix:golden-ami": "shop-staging" };

    async function stagingServes(imageId: string): Promise<void> {
      const staging = h.another({ env: "staging" });
      await staging.bootstrap();
      await staging.up({ release: "v7", imageId });
      await staging.swap();
    }

    it("takes the AMI live there, with its recipe version from that env's AMIs", async () => {
      register("ami-0000000000000000a", { ...STAGING_GOLDEN, Ec2ImageBuilderArn: ARN("3.1.0") });
      register("ami-0000000000000000b", { ...STAGING_GOLDEN, Ec2ImageBuilderArn: ARN("3.2.0") });
      await stagingServes("ami-0000000000000000b");
      assert.deepEqual(await chooseImage(ctx(), { imageFromEnv: "staging" }), {
        imageId: "ami-0000000000000000b",
        source: "promoted",
        fromEnv: "staging",
        fromColour: "blue",
        fromRelease: "v7",
        recipeVersion: "3.2.0",
      });
    });

    it("without a recipe version when the AMI was not baked there, the image calls fail, or there are none", async () => {
      register("ami-0000000000000000a", { ...STAGING_GOLDEN, Ec2ImageBuilderArn: ARN("3.1.0") });
      await stagingServes("ami-0000000000000000c");
      const unknown = {
        imageId: "ami-0000000000000000c",
        source: "promoted",
        fromEnv: "staging",
        fromColour: "blue",
        fromRelease: "v7",
        recipeVersion: undefined,
      };
      assert.deepEqual(await chooseImage(ctx(), { imageFromEnv: "staging" }), unknown);
      h.probe.failWhen((method) =>
        method === "images.describeImages" ? new Error("UnauthorizedOperation") : undefined,
      );
      assert.deepEqual(await chooseImage(ctx(), { imageFromEnv: "staging" }), unknown);
      h.probe.failWhen(undefined);
      assert.deepEqual(await chooseImage(ctx({} as CloudProbe), { imageFromEnv: "staging" }), unknown);
    });

    it("refuses an env without a router stack, without a live colour, or whose live colour has no fleet", async () => {
      const refusal = async (why: string) =>
        assert.rejects(
          chooseImage(ctx(), { imageFromEnv: "staging" }),
          (e: unknown) =>
            e instanceof NoImageError &&
            e.message ===
              `shop/staging has no live release to promote (${why}): deploy and swap there first, or pass --image-id.`,
        );
      await refusal("stack shop-staging-router not found");
      const staging = h.another({ env: "staging" });
      await staging.bootstrap();
      await staging.up({ release: "v7", imageId: "ami-0000000000000000c" });
      await refusal("no colour has traffic");
      await staging.swap();
      // The live colour's stack destroyed by hand: nothing to promote.
      await (await h.engine.createOrSelectStack("shop-staging-blue", "fleet")).destroy();
      await refusal("blue has the traffic but no fleet");
    });
  });
});
