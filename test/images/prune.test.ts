// `ami prune` on the in-memory engine: two runs (deprecate, then deregister with snapshots once the delay has
// passed), never an AMI in use (live, warm, rollback target, another env's fleet, the current bake), the
// in-use tags put right, and the decision table by itself.
import { strict as assert } from "assert";
import { InvalidInputError } from "../../automation/errors";
import { ImageProbeMissingError } from "../../automation/images/errors";
import { decide, DAY_MS } from "../../automation/images/prune";
import type { BakedAmi } from "../../automation/images/types";
import { harness, type Harness } from "../automation/harness";

const HOUR = 3_600_000;
const PARENT = "ami-0c02fb55956c7d316";

describe("ami prune", () => {
  let h: Harness;
  beforeEach(() => {
    h = harness({ engine: { now: () => h.clock.now } });
  });
  afterEach(() => h.cleanup());

  async function bakeMany(n: number): Promise<string[]> {
    const images: string[] = [];
    for (let i = 0; i < n; i++) {
      h.clock.now += HOUR;
      images.push((await h.deployment.bake(i === 0 ? { parentImage: PARENT } : {})).imageId);
    }
    return images;
  }

  it("a release tags the AMI it deploys in use and names it, as up does", async () => {
    await h.deployment.bootstrap();
    const [image] = await bakeMany(1);
    await h.engine.images.untagImage(image, ["phoenix:in-use"]);
    const result = await h.deployment.release({ strategy: "blue-green", release: "v1" });
    assert.equal(result.deploy.image?.imageId, image);
    assert.equal(result.deploy.image?.source, "newest-bake");
    assert.equal(result.deploy.taggedInUse, true);
    assert.equal(h.engine.images.get(image)?.tags["phoenix:in-use"], "true");
  });

  it("deprecates now, deregisters with snapshots a later run, and never touches an AMI in use", async () => {
    await h.deployment.bootstrap();
    const images = await bakeMany(5);
    // prod: images[0] went live, then images[1]: blue (images[0]) is the rollback target.
    await h.deployment.up({ release: "v1", imageId: images[0] });
    await h.deployment.swap();
    await h.deployment.up({ release: "v2", imageId: images[1] });
    await h.deployment.swap();
    // staging runs images[2], promoted by id: another stack of the app.
    const staging = h.another({ env: "staging" });
    await staging.bootstrap();
    await staging.up({ release: "v1", imageId: images[2] });

    const first = await h.deployment.pruneAmis({ keep: 1 });
    const reasons = Object.fromEntries(first.decisions.map((d) => [d.imageId, d.reasons.join("; ")]));
    assert.deepEqual(first.deprecated, [images[3]]);
    assert.match(
      reasons[images[4]],
      /^one of the newest 1 baked AMIs \(#1\); the current bake of stack shop-prod-ami$/,
    );
    assert.match(reasons[images[2]], /^used by stack shop-staging-blue \(release v1\)$/);
    assert.match(reasons[images[1]], /^live on green of shop\/prod \(release v2\)$/);
    assert.match(reasons[images[0]], /^rollback target on blue of shop\/prod \(release v1\)$/);
    assert.equal(
      h.engine.images.get(images[3])?.deprecationTime,
      new Date(h.clock.now + 60_000).toISOString().replace(/:\d\d\.\d+Z$/, ":00.000Z"),
    );
    // The in-use tags: images[0..2] were tagged by their ups; prune tags the current bake too.
    assert.deepEqual(first.tagged, [images[4]]);
    for (const id of [images[0], images[1], images[2], images[4]])
      assert.equal(h.engine.images.get(id)?.tags["phoenix:in-use"], "true", id);

    h.clock.now += DAY_MS;
    const second = await h.deployment.pruneAmis({ keep: 1 });
    assert.deepEqual([second.deprecated, second.deregistered], [[], []]);
    const waiting = second.decisions.find((d) => d.imageId === images[3]);
    assert.match(waiting?.reasons.join() ?? "", /^deprecated since .*: deregistered from .* on$/);

    h.clock.now += 7 * DAY_MS;
    const snapshots = h.engine.images.get(images[3])!.snapshotIds;
    const third = await h.deployment.pruneAmis({ keep: 1 });
    assert.deepEqual(third.deregistered, [images[3]]);
    assert.equal(h.engine.images.get(images[3]), undefined);
    assert.ok(
      snapshots.length > 0 && snapshots.every((s) => !h.engine.images.snapshots.has(s)),
      "snapshots deleted",
    );
    for (const id of [images[0], images[1], images[2], images[4]]) assert.ok(h.engine.images.get(id), id);

    // Once no stack uses images[2], its tag comes off and it is deprecated.
    await staging.destroy({ colour: "blue" });
    const fourth = await h.deployment.pruneAmis({ keep: 1 });
    assert.deepEqual(fourth.untagged, [images[2]]);
    assert.deepEqual(fourth.deprecated, [images[2]]);
    assert.equal(h.engine.images.get(images[2])?.tags["phoenix:in-use"], undefined);
  });

  it("a dry run decides the same and changes nothing", async () => {
    await h.deployment.bootstrap();
    const images = await bakeMany(3);
    const calls = h.probe.calls.length;
    const dry = await h.deployment.pruneAmis({ keep: 1, dryRun: true });
    assert.deepEqual(
      dry.decisions.map((d) => [d.imageId, d.action]),
      [
        [images[2], undefined],
        [images[1], "deprecate"],
        [images[0], "deprecate"],
      ],
    );
    assert.deepEqual(
      h.probe.calls.slice(calls).map((c) => c.method),
      ["images.describeImages"],
    );
    assert.deepEqual([dry.deprecated, dry.tagged], [[], []]);
  });

  it("refuses bad options before any call, and a probe without the image calls", async () => {
    await assert.rejects(h.deployment.pruneAmis({ keep: 0 }), (e: unknown) => {
      assert.ok(e instanceof InvalidInputError);
      assert.match(e.message, /`keep` \(0\) must be an integer from 1 to 1000/);
      return true;
    });
    assert.equal(h.engine.callCount, 0);
    await h.deployment.bootstrap();
    const blind = h.another({ probe: Object.create(h.probe, { images: { value: undefined } }) });
    await assert.rejects(blind.pruneAmis({ keep: 1 }), ImageProbeMissingError);
  });
});

describe("prune's decision", () => {
  const NOW = Date.parse("2026-03-01T00:00:00Z");
  const ami = (imageId: string, deprecationTime?: string): BakedAmi => ({
    imageId,
    source: "bake",
    state: "available",
    taggedInUse: false,
    snapshotIds: [],
    deprecationTime,
  });

  it("keeps the newest N and every AMI in use, deprecated or not", () => {
    const amis = [ami("ami-a"), ami("ami-b"), ami("ami-c", "2026-01-01T00:00:00.000Z")];
    const decisions = decide(
      amis,
      new Map([["ami-c", ["live on blue of shop/prod (release v1)"]]]),
      1,
      7 * DAY_MS,
      NOW,
    );
    assert.deepEqual(
      decisions.map((d) => [d.action, d.reasons]),
      [
        [undefined, ["one of the newest 1 baked AMIs (#1)"]],
        ["deprecate", ["older than the newest 1 and used by no stack"]],
        [
          undefined,
          [
            "live on blue of shop/prod (release v1)",
            "deprecated since 2026-01-01T00:00:00.000Z, kept all the same",
          ],
        ],
      ],
    );
  });

  it("deregisters exactly when the delay since deprecation has passed", () => {
    const at = new Date(NOW - 7 * DAY_MS).toISOString();
    assert.equal(
      decide([ami("ami-n"), ami("ami-a", at)], new Map(), 1, 7 * DAY_MS, NOW)[1].action,
      "deregister",
    );
    assert.equal(
      decide([ami("ami-n"), ami("ami-a", at)], new Map(), 1, 7 * DAY_MS, NOW - 1)[1].action,
      undefined,
    );
  });
});
