// A rollback after a rolling release, when its first step (scaling the old colour back up) fails: the
// scale-up that took effect before failing is put back to zero; if that fails too, the run is left open for
// the next workflow. The traffic stays on the new colour either way.
import assert from "assert";
import { AMI_1, AMI_2, APP, ENV, harness, weights, type Harness } from "./harness";

const BLUE = `${APP}-${ENV}-blue`;
const desired = (h: Harness) => h.engine.inspect(BLUE)?.outputs.desiredCapacity;

async function rolledToGreen(h: Harness): Promise<void> {
  await h.deployment.bootstrap();
  await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
  await h.deployment.swap();
  await h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: "50%" });
}

async function lastSteps(h: Harness): Promise<[string, string?, string?][]> {
  const entries = await h.journal();
  const begin = entries.filter((e) => e.type === "begin").pop()!;
  return entries.flatMap((e) =>
    e.type === "step" && e.id === begin.id && e.status === "started" ? [[e.step, e.colour, e.detail]] : [],
  ) as [string, string?, string?][];
}

describe("rollback after a rolling release, its scale-up failing", function () {
  this.timeout(120_000);
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("scales the old colour up to the serving capacity first, with the capacity it goes back to named", async () => {
    await rolledToGreen(h);
    await h.deployment.rollback();
    const steps = await lastSteps(h);
    assert.deepStrictEqual(steps.slice(1, 4), [
      ["rolling:read-capacity", "blue", undefined],
      ["rolling:scale-up", "blue", "blue to desired 4 (min 1, max 6)"],
      ["rolling:wait-healthy", "blue", undefined],
    ]);
  });

  it("a scale-up that took effect, then failed: put back to zero, the traffic left on green", async () => {
    await rolledToGreen(h);
    let ups = 0;
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === BLUE && ++ups === 1 ? "after" : undefined,
    );
    await assert.rejects(h.deployment.rollback(), /injected fault after/);
    h.engine.clearFaults();
    assert.strictEqual(desired(h), 0);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    const steps = (await lastSteps(h)).map(([step]) => step);
    assert.deepStrictEqual(steps.slice(-2), ["rolling:scale-up", "rolling:undo-scale-up"]);
    assert.strictEqual((await h.deployment.history()).at(-1)!.status, "failed");
  });

  it("the scale-up and its undo both failing: left open for the next workflow", async () => {
    await rolledToGreen(h);
    h.engine.failWhen((call) => (call.method === "up" && call.stack === BLUE ? "after" : undefined));
    await assert.rejects(h.deployment.rollback(), /injected fault after/);
    h.engine.clearFaults();
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.strictEqual((await h.deployment.history()).at(-1)!.status, "interrupted");
  });
});
