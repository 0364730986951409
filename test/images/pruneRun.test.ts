// What a prune run does, step by step as its journal shows it (tags put right, deprecations, deregistrations
// with their snapshots named), and which AMIs the stacks keep in use and why: a warm fleet that never served,
// both colours with the traffic split, an emptied stack of another env holding nothing.
import { strict as assert } from "assert";
import { ImageProbeMissingError } from "../../automation/images/errors";
import { amisInUse } from "../../automation/images/inUse";
import { DAY_MS, decide, markInUse } from "../../automation/images/prune";
import type { DeploymentState } from "../../automation/deploymentState";
import type { JournalEntry } from "../../automation/journal";
import type { FleetOutputs } from "../../programs/contract";
import { harness, type Harness } from "../automation/harness";

const GOLDEN = { "phoenix:golden-ami": "shop-prod" };
const HOUR = 3_600_000;

describe("a prune run", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness({ engine: { now: () => h.clock.now } })));
  afterEach(() => h.cleanup());

  const register = (imageId: string, tags: Record<string, string> = GOLDEN) => {
    h.clock.now += HOUR;
    return h.engine.images.register({ imageId, region: "us-east-1", tags });
  };
  const stepsOf = async (workflowId: number) => {
    const entries = await h.journal();
    const ids = [...new Set(entries.filter((e) => e.type === "begin").map((e) => e.id))];
    return entries.flatMap((e) =>
      e.type === "step" && e.status === "started" && e.id === ids[workflowId] ? [[e.step, e.detail]] : [],
    );
  };

  it("journals each tag, deprecation and deregistration as its own step, snapshots named", async () => {
    await h.deployment.bootstrap();
    register("ami-0000000000000000a");
    register("ami-0000000000000000b");
    register("ami-0000000000000000c", { ...GOLDEN, "phoenix:in-use": "true" }); // a stale tag
    register("ami-0000000000000000d");
    const bare = register("ami-0000000000000000e");
    bare.snapshotIds = [];
    register("ami-0000000000000000f");
    const up = await h.deployment.up({ release: "v1", imageId: "ami-0000000000000000a" });
    assert.equal(up.taggedInUse, true);
    // Its tag taken off by hand: prune puts it back (the stacks decide, not the tags).
    await h.engine.images.untagImage("ami-0000000000000000a", ["phoenix:in-use"]);
    // Two snapshots behind one AMI: both named.
    const twoSnapshots = h.engine.images.register({
      imageId: "ami-0000000000000000d",
      region: "us-east-1",
      tags: GOLDEN,
    });
    twoSnapshots.snapshotIds.push("snap-0000000000000000d");
    h.engine.images.snapshots.add("snap-0000000000000000d");
    const snapshotsOf = (id: string) => h.engine.images.get(id)!.snapshotIds.join(", ");
    const snapshots = {
      b: snapshotsOf("ami-0000000000000000b"),
      c: snapshotsOf("ami-0000000000000000c"),
      d: snapshotsOf("ami-0000000000000000d"),
    };

    const first = await h.deployment.pruneAmis({ keep: 1 });
    assert.equal(first.dryRun, false);
    assert.deepEqual((await stepsOf(2)).slice(1), [
      ["list-amis", undefined],
      ["find-in-use", undefined],
      ["untag-in-use:ami-0000000000000000c", undefined],
      ["tag-in-use:ami-0000000000000000a", undefined],
      ["deprecate:ami-0000000000000000e", undefined],
      ["deprecate:ami-0000000000000000d", undefined],
      ["deprecate:ami-0000000000000000c", undefined],
      ["deprecate:ami-0000000000000000b", undefined],
    ]);

    h.clock.now += 7 * DAY_MS + 60_000;
    const second = await h.deployment.pruneAmis({ keep: 1 });
    assert.deepEqual(second.deregistered, [
      "ami-0000000000000000e",
      "ami-0000000000000000d",
      "ami-0000000000000000c",
      "ami-0000000000000000b",
    ]);
    const deregistered = (await stepsOf(3)).filter(([step]) => step!.startsWith("deregister:"));
    assert.deepEqual(deregistered, [
      ["deregister:ami-0000000000000000e", undefined],
      ["deregister:ami-0000000000000000d", `snapshots ${snapshots.d}`],
      ["deregister:ami-0000000000000000c", `snapshots ${snapshots.c}`],
      ["deregister:ami-0000000000000000b", `snapshots ${snapshots.b}`],
    ]);
  });

  it("without the EC2 image calls: refused, saying nothing changed; up then tags nothing", async () => {
    await h.deployment.bootstrap();
    const blind = h.another({ probe: Object.create(h.probe, { images: { value: undefined } }) });
    await assert.rejects(
      blind.pruneAmis({ keep: 1 }),
      (e: unknown) =>
        e instanceof ImageProbeMissingError &&
        e.message === "ami prune needs the EC2 image calls (the probe has no `images`): nothing was changed.",
    );
    const up = await blind.up({ release: "v1", imageId: "ami-0123456789abcdef0" });
    assert.equal(up.taggedInUse, false);
  });

  it("tagging one AMI in use: false without the image calls, true once tagged", async () => {
    register("ami-0000000000000000a");
    assert.equal(await markInUse(undefined, "ami-0000000000000000a"), false);
    assert.equal(await markInUse(h.engine.images, "ami-0000000000000000a"), true);
    assert.equal(h.engine.images.get("ami-0000000000000000a")?.tags["phoenix:in-use"], "true");
  });

  it("decides deregistration with the reason it gives", () => {
    const ami = { source: "bake" as const, state: "available", taggedInUse: false, snapshotIds: [] };
    const at = "2026-01-01T00:00:00.000Z";
    const [, old] = decide(
      [
        { ...ami, imageId: "ami-n" },
        { ...ami, imageId: "ami-o", deprecationTime: at },
      ],
      new Map(),
      1,
      DAY_MS,
      Date.parse(at) + DAY_MS,
    );
    assert.deepEqual(old.reasons, [
      `deprecated since ${at}, used by no stack: deregistered with its snapshots`,
    ]);
  });
});

describe("the AMIs in use", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  const fleet = (release: string, imageId: string, deploymentId: string) =>
    ({ release, imageId, deploymentId }) as unknown as FleetOutputs;
  const state = (
    weights: DeploymentState["weights"],
    fleets: DeploymentState["fleets"],
  ): DeploymentState => ({
    existing: new Set(["network", "router", "blue", "green"]),
    router: undefined,
    weights,
    fleets,
  });
  /** A swap from blue (deployment d1) to green that stopped part way: the records saw blue take it all. */
  const swapStarted: JournalEntry[] = [
    {
      type: "step",
      id: "w1",
      workflow: "swap",
      step: "read-state",
      status: "ok",
      at: "2026-01-01T00:00:00.000Z",
      state: {
        weights: { blue: 100, green: 0 },
        releases: { blue: "v1", green: "v2" },
        deployments: { blue: "d1", green: "d2" },
      },
    },
  ] as JournalEntry[];
  const ctx = () => ({ engine: h.engine, app: "shop", env: "prod" });

  it("a fleet on the colour without traffic and no rollback target is warm", async () => {
    const inUse = await amisInUse(
      ctx(),
      state({ blue: 100, green: 0 }, { blue: fleet("v1", "ami-1", "d1"), green: fleet("v2", "ami-2", "d2") }),
      [],
    );
    assert.deepEqual(Object.fromEntries(inUse), {
      "ami-1": ["live on blue of shop/prod (release v1)"],
      "ami-2": ["warm on green of shop/prod (release v2)"],
    });
  });

  it("with the traffic split, both colours are live (the one the records saw take it all included)", async () => {
    const split = state(
      { blue: 60, green: 40 },
      { blue: fleet("v1", "ami-1", "d1"), green: fleet("v2", "ami-1", "d2") },
    );
    assert.deepEqual(Object.fromEntries(await amisInUse(ctx(), split, swapStarted)), {
      "ami-1": ["live on blue of shop/prod (release v1)", "live on green of shop/prod (release v2)"],
    });
  });

  it("stacks of other envs without outputs (never deployed) hold nothing", async () => {
    await h.engine.createOrSelectStack("shop-staging-blue", "fleet");
    await h.engine.createOrSelectStack("shop-staging-ami", "golden-ami");
    const inUse = await amisInUse(ctx(), state({ blue: 0, green: 0 }, {}), []);
    assert.deepEqual([...inUse.keys()], []);
  });
});
