// Recovery, more edges (issue 12): a workflow killed before its first state read, an up killed while waiting
// for health (undone, not kept), a colour that got the traffic back by hand after its destroy was interrupted
// (never destroyed), a capacity restore whose health wait runs out, several creates left pending by a killed
// update.
import assert from "assert";
import { crashable, crashDuring, type Crashable } from "./crash";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, releaseOf, splitByHand, weights } from "./harness";

const BLUE = `${APP}-${ENV}-blue`;

async function recoveryOf(c: Crashable, workflow: string): Promise<string | undefined> {
  return (await c.h.deployment.history()).find((r) => r.workflow === workflow && r.status === "recovered")
    ?.recovery;
}

async function recoverSteps(c: Crashable): Promise<(string | undefined)[]> {
  const lines = await c.h.journal();
  const begin = lines.filter((l) => l.type === "begin" && l.workflow === "recover").at(-1)!;
  return lines.flatMap((l) =>
    l.id === begin.id && l.type === "step" && l.status === "started" ? [l.step] : [],
  );
}

describe("recovery, more edges", () => {
  let c: Crashable;
  beforeEach(() => (c = crashable()));
  afterEach(() => c.h.cleanup());

  for (const workflow of ["up", "heal"] as const)
    it(`${workflow} killed in its first state read (nothing journaled to restore): nothing to undo`, async () => {
      const { h } = c;
      await deployedOnce(h);
      let hung = false;
      c.arm((call) => (hung = call.method === "listStacks"));
      await crashDuring(
        workflow === "up" ? h.deployment.up({ release: "v2", imageId: AMI_2 }) : h.deployment.heal(),
        () => hung,
      );
      c.kill();
      await h.deployment.bootstrap();
      assert.strictEqual(await recoveryOf(c, workflow), "nothing to undo");
      assert.deepStrictEqual(await recoverSteps(c), ["read-state"]);
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });

  it("an up killed while waiting for health is undone, not kept", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    const health = h.probe.targetGroupHealth.bind(h.probe);
    let hung = false;
    h.probe.targetGroupHealth = () => ((hung = true), new Promise(() => {}));
    await crashDuring(h.deployment.up({ release: "v1", imageId: AMI_1 }), () => hung);
    h.probe.targetGroupHealth = health;
    c.kill();
    await h.deployment.bootstrap();
    assert.strictEqual(await recoveryOf(c, "up"), "destroyed the blue stack left by the interrupted up");
    assert.ok(!h.engine.stackNames().includes(BLUE));
  });

  it("a capacity restore whose health wait runs out says so, and the recovery goes on", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
    await h.deployment.swap();
    let shrinks = 0;
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === BLUE && ++shrinks === 2));
    await crashDuring(
      h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: "25%" }),
      () => hung,
    );
    c.kill();
    h.probe.setHealthy(APP, ENV, "blue", false);
    await h.deployment.bootstrap();
    assert.strictEqual(
      await recoveryOf(c, "release"),
      "blue did not report every target healthy in time; blue's capacity put back to desired 4 (min 1, max 6); " +
        "traffic restored to blue 100 % / green 0 %; destroyed the green stack left by the interrupted release",
    );
  });

  it("a colour given the traffic back by hand after its destroy was interrupted is not destroyed", async () => {
    const { h } = c;
    await deployedOnce(h);
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 7 });
    let hung = false;
    c.arm((call) => (hung = call.method === "destroy" && call.stack === BLUE));
    await crashDuring(h.deployment.heal(), () => hung);
    c.kill();
    // Someone puts the traffic back on blue by hand before the next workflow runs.
    await splitByHand(h, 100, 0);
    await h.deployment.bootstrap();
    assert.deepStrictEqual(h.violations, []);
    assert.ok(h.engine.stackNames().includes(BLUE));
    assert.doesNotMatch((await recoveryOf(c, "heal"))!, /completed the destroy/);
  });

  it("several creates left pending by a killed update are all named", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === BLUE));
    await crashDuring(h.deployment.up({ release: "v1", imageId: AMI_1 }), () => hung);
    c.kill();
    const pending = [
      {
        operation: "creating",
        urn: "urn:…::p",
        resourceType: "aws:iam/instanceProfile:InstanceProfile",
        name: "p-1",
      },
      {
        operation: "creating",
        urn: "urn:…::t",
        resourceType: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "t-2",
      },
    ];
    const select = h.engine.createOrSelectStack.bind(h.engine);
    h.engine.createOrSelectStack = async (name, role) => {
      const stack = await select(name, role);
      return name === BLUE ? Object.assign(stack, { interruptedOperations: async () => pending }) : stack;
    };
    await h.deployment.bootstrap();
    assert.match(
      (await recoveryOf(c, "up"))!,
      /the interrupted update was creating aws:iam\/instanceProfile:InstanceProfile p-1, aws:ec2\/launchTemplate:LaunchTemplate t-2: /,
    );
    assert.strictEqual(releaseOf(h.engine, "blue"), undefined);
  });
});
