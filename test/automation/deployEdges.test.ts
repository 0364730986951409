// `up` and the deploy step, edges (issue 12): the whole result, an older release on the idle colour replaced
// (destroyed first, named), a failed preview of a new colour undone, and a fleet at zero capacity (a rolling
// release's kept old colour, redeployed by heal) that has no target to wait for.
import assert from "assert";
import { DeployFailedError } from "../../automation/errors";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const GREEN = `${APP}-${ENV}-green`;
const BLUE = `${APP}-${ENV}-blue`;
const HOUR = 3600_000;

async function startedFrom(h: Harness, from: number): Promise<(string | undefined)[][]> {
  return (await h.journal())
    .slice(from)
    .flatMap((l) => (l.type === "step" && l.status === "started" ? [[l.step, l.colour, l.detail]] : []));
}

describe("up and the deploy step, edges", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("returns the colour, release, AMI, identity, health, the engine's changes and how the AMI was chosen", async () => {
    await deployedOnce(h);
    assert.deepStrictEqual(await h.deployment.up({ release: "v2", imageId: AMI_2 }), {
      colour: "green",
      release: "v2",
      imageId: AMI_2,
      identity: "2xfjo3n5cj",
      replacedRelease: undefined,
      health: { healthy: 2, desired: 2, byState: { healthy: 2 } },
      changes: { create: 7 },
      image: { imageId: AMI_2, source: "given" },
      taggedInUse: false,
    });
  });

  it("an older release on the idle colour: destroyed first (named), then the new one; the result names it", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    h.clock.now += HOUR + 1;
    const from = (await h.journal()).length;
    const result = await h.deployment.up({ release: "v3", imageId: AMI_1 });
    assert.deepStrictEqual([result.colour, result.release, result.replacedRelease], ["blue", "v3", "v1"]);
    assert.deepStrictEqual((await startedFrom(h, from)).slice(0, 3), [
      ["read-state", undefined, undefined],
      ["destroy-old", "blue", "release v1"],
      ["configure", "blue", "release v3"],
    ]);
  });

  it("a preview that fails on a new colour: what the call created is destroyed, and the error says so", async () => {
    await deployedOnce(h);
    h.engine.failWhen((call) => (call.method === "preview" && call.stack === GREEN ? "before" : undefined));
    const from = (await h.journal()).length;
    const error = await h.deployment.up({ release: "v2", imageId: AMI_2 }).catch((e: unknown) => e);
    h.engine.failWhen(undefined);
    assert.ok(error instanceof DeployFailedError, String(error));
    assert.strictEqual(
      error.message,
      `Deploying v2 to green failed: ${error.reason}. Traffic was not touched. What this call created was ` +
        "destroyed; fix the cause and run `phoenix up` again.",
    );
    assert.match(error.reason, /^injected fault before engine call #\d+ \(preview shop-prod-green\)$/);
    assert.deepStrictEqual((await startedFrom(h, from)).slice(-2), [
      ["preview", "green", undefined],
      ["undo", "green", "destroy what this up created"],
    ]);
    assert.ok(!h.engine.stackNames().includes(GREEN));
    const end = (await h.journal()).at(-1)!;
    assert.deepStrictEqual(end.type === "end" && end.status, "failed");
  });

  it("heal redeploys a drifted fleet kept at zero capacity by a rolling release without waiting for targets", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
    await h.deployment.swap();
    await h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: "50%" });
    assert.strictEqual(h.engine.inspect(BLUE)?.outputs.desiredCapacity, 0);
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    h.events.length = 0;
    const result = await h.deployment.heal({ force: true });
    assert.strictEqual(result.idleReplaced, "blue");
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
    assert.strictEqual(h.engine.inspect(BLUE)?.outputs.desiredCapacity, 0);
    assert.deepStrictEqual(
      h.events.filter((e) => e.kind === "health").length,
      0,
      "no health reading: no target to wait for",
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });
});
