// Recovery edges (issue 12): a first swap killed after the router moved goes back to 0/0; a recovery killed in
// turn is followed by one that works from the original workflow's snapshot; a redeploy of the same release
// that fails, or is killed, is undone; an up that finished before the process died is kept.
import assert from "assert";
import { readFileSync, writeFileSync } from "fs";
import { DeployFailedError } from "../../automation/errors";
import { crashable, crashDuring, type Crashable } from "./crash";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, releaseOf, weights, type Harness } from "./harness";
import { assertConsistent } from "./invariants";

const GREEN = `${APP}-${ENV}-green`;
const ROUTER = `${APP}-${ENV}-router`;

async function recoveryOf(h: Harness, workflow: string): Promise<string | undefined> {
  return (await h.deployment.history()).find((r) => r.workflow === workflow && r.status === "recovered")
    ?.recovery;
}

describe("recovery edges", () => {
  let c: Crashable;
  beforeEach(() => (c = crashable()));
  afterEach(() => c.h.cleanup());

  it("a first swap killed after the router moved (while verifying) is undone back to 0/0", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    // The process dies in the verify step, after the router took 100 % to blue.
    const desiredCapacity = h.probe.desiredCapacity.bind(h.probe);
    let hung = false;
    h.probe.desiredCapacity = (group, signal) =>
      weights(h.engine)?.blue === 100
        ? ((hung = true), new Promise<number>(() => {}))
        : desiredCapacity(group, signal);
    await crashDuring(h.deployment.swap(), () => hung);
    h.probe.desiredCapacity = desiredCapacity;
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 }, "the router had moved");

    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.match((await recoveryOf(h, "swap"))!, /traffic restored to blue 0 % \/ green 0 %/);
    assert.strictEqual(
      releaseOf(h.engine, "blue"),
      "v1",
      "the release stays deployed: the swap can be rerun",
    );
    await assertConsistent(h, "after recovery");
  });

  it("a recovery killed in turn is followed by one that restores the original swap's starting weights", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let routerUps = 0;
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === ROUTER && ++routerUps === 3));
    await crashDuring(h.deployment.swap({ steps: [10, 50, 100] }), () => hung);
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { blue: 50, green: 50 });

    // The next workflow recovers the swap, and dies in its own router update.
    hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === ROUTER));
    await crashDuring(h.deployment.bootstrap(), () => hung);
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { blue: 50, green: 50 }, "the first recovery changed nothing");

    // The one after it puts the traffic where the swap found it, not where the dead recovery found it (50/50).
    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    assert.strictEqual(releaseOf(h.engine, "green"), "v2");
    await assertConsistent(h, "after the second recovery");
  });

  it("a redeploy of the same release whose engine up fails is undone: the colour destroyed, traffic untouched", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    h.engine.failWhen((call) => (call.method === "up" && call.stack === GREEN ? "midway" : undefined));
    await assert.rejects(h.deployment.up({ release: "v2", imageId: AMI_2 }), DeployFailedError);
    h.engine.failWhen(undefined);
    assert.ok(
      !h.engine.stackNames().includes(GREEN),
      "the half-updated fleet is destroyed and its stack removed",
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    assert.strictEqual((await h.deployment.status()).interrupted, undefined);
    await assertConsistent(h, "after the failed redeploy");
  });

  it("a redeploy of the same release killed during its engine up is undone by the next workflow", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === GREEN));
    await crashDuring(h.deployment.up({ release: "v2", imageId: AMI_2 }), () => hung);
    c.kill();

    await h.deployment.bootstrap();
    assert.ok(!h.engine.stackNames().includes(GREEN));
    assert.match((await recoveryOf(h, "up"))!, /destroyed the green stack left by the interrupted up/);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    await assertConsistent(h, "after recovery");
  });

  it("an up that had finished (healthy) before the process died is kept, not destroyed", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    // Killed after its wait-healthy step was journaled ok, before its end line.
    const lines = readFileSync(h.deployment.journalPath, "utf8").trimEnd().split("\n");
    const last = JSON.parse(lines[lines.length - 1]) as { type: string; workflow: string };
    assert.deepStrictEqual([last.type, last.workflow], ["end", "up"]);
    assert.ok(lines.some((l) => l.includes('"step":"wait-healthy"') && l.includes('"status":"ok"')));
    writeFileSync(h.deployment.journalPath, lines.slice(0, -1).join("\n") + "\n");
    assert.strictEqual((await h.deployment.status()).interrupted?.workflow, "up");

    await h.deployment.bootstrap();
    assert.strictEqual(releaseOf(h.engine, "green"), "v2");
    assert.strictEqual(await recoveryOf(h, "up"), "nothing to undo");
    await h.deployment.swap();
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });
});
