// Crash recovery: a workflow that dies mid-way (the process killed while an engine call runs) leaves a
// journal without an end line and a stale lock. The next `status` recognises it; the next workflow
// completes or undoes it.
import assert from "assert";
import { appendFileSync, readFileSync, writeFileSync } from "fs";
import { crashable, crashDuring, type Crashable } from "./crash";
import { AMI_1, AMI_2, deployedOnce, releaseOf, weights } from "./harness";
import { assertConsistent } from "./invariants";

/** Bootstrap, then an up of v1 whose process dies inside the engine's up of the blue stack. */
async function killedDuringUpOfBlue(c: Crashable): Promise<void> {
  await c.h.deployment.bootstrap();
  let hung = false;
  c.arm((call) => (hung = call.method === "up" && call.stack === "shop-prod-blue"));
  await crashDuring(c.h.deployment.up({ release: "v1", imageId: AMI_1 }), () => hung);
  c.kill();
}

describe("crash recovery from the journal", () => {
  let c: Crashable;
  beforeEach(() => (c = crashable()));
  afterEach(() => c.h.cleanup());

  it("an up killed during the engine's up: status shows it, the next up destroys the half-made fleet first", async () => {
    const { h } = c;
    await killedDuringUpOfBlue(c);
    const status = await h.deployment.status();
    assert.deepStrictEqual(
      [status.interrupted?.workflow, status.interrupted?.lastStep, status.interrupted?.running],
      ["up", "deploy", false],
    );

    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const history = await h.deployment.history();
    const crashed = history.find((r) => r.workflow === "up" && r.params.release === "v1")!;
    assert.strictEqual(crashed.status, "recovered");
    assert.strictEqual(crashed.recovery, "destroyed the blue stack left by the interrupted up");
    assert.deepStrictEqual(
      history.map((r) => r.workflow),
      ["bootstrap", "up", "recover", "up"],
    );
    assert.strictEqual(releaseOf(h.engine, "blue"), "v2");
    await assertConsistent(h, "after recovery");
  });

  it("an up killed mid-create: the recovery names the creates the engine left pending (they may exist outside every stack)", async () => {
    const { h } = c;
    await killedDuringUpOfBlue(c);
    // What the real engine leaves in the state of a killed update (see pendingOperations.test.ts).
    const pending = [
      {
        operation: "creating",
        urn: "urn:…::p",
        resourceType: "aws:iam/instanceProfile:InstanceProfile",
        name: "p-1",
      },
      {
        operation: "deleting",
        urn: "urn:…::q",
        resourceType: "aws:ec2/launchTemplate:LaunchTemplate",
        name: "q",
      },
    ];
    const select = h.engine.createOrSelectStack.bind(h.engine);
    h.engine.createOrSelectStack = async (name, role) => {
      const stack = await select(name, role);
      return name === "shop-prod-blue"
        ? Object.assign(stack, { interruptedOperations: async () => pending })
        : stack;
    };

    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const note =
      "the interrupted update was creating aws:iam/instanceProfile:InstanceProfile p-1: the engine cannot know " +
      "whether each exists; if it does, it belongs to no stack: find it by that name and delete it";
    const crashed = (await h.deployment.history()).find(
      (r) => r.workflow === "up" && r.params.release === "v1",
    )!;
    assert.strictEqual(crashed.recovery, `destroyed the blue stack left by the interrupted up; ${note}`);
    const undo = h.events.find((e) => e.kind === "step-start" && e.step === "undo-up");
    assert.strictEqual(undo?.kind === "step-start" ? undo.detail : undefined, note);
    await assertConsistent(h, "after recovery");
  });

  it("a canary swap killed at 50 %: the next workflow puts 100 % back where the swap found it", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let routerUps = 0;
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === "shop-prod-router" && ++routerUps === 3));
    await crashDuring(h.deployment.swap({ steps: [10, 50, 100] }), () => hung);
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { green: 50, blue: 50 });
    assert.deepStrictEqual((await h.deployment.status()).interrupted?.lastStep, "route:100");

    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    assert.match(
      (await h.deployment.history()).find((r) => r.workflow === "swap" && r.status === "recovered")!
        .recovery!,
      /traffic restored to blue 100 % \/ green 0 %/,
    );
    await assertConsistent(h, "after recovery");
    // The release is still deployed and healthy: the swap can simply be run again.
    await h.deployment.swap({ steps: [10, 50, 100] });
    assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 });
  });

  it("a rollback that died right after its router update (journal cut there) is undone", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    const before = (await h.journal()).length;
    await h.deployment.rollback();
    // Leave the journal as a process killed after the router update would: the rollback's lines up to
    // its `route` step starting, no end. The stacks keep what the update did.
    const lines = readFileSync(h.deployment.journalPath, "utf8").trimEnd().split("\n");
    const rollback = lines.slice(before);
    const cut = rollback.findIndex((l) => l.includes('"step":"route"') && l.includes('"status":"started"'));
    assert.ok(cut > 0, "the rollback journaled its route step");
    writeFileSync(
      h.deployment.journalPath,
      [...lines.slice(0, before), ...rollback.slice(0, cut + 1)].join("\n") + "\n",
    );
    assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    const status = await h.deployment.status();
    assert.deepStrictEqual(
      [status.interrupted?.workflow, status.interrupted?.lastStep],
      ["rollback", "route"],
    );

    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 }, "back where the rollback found it");
    await assertConsistent(h, "after recovery");
  });

  it("a destroy killed between destroying and removing the stack is completed", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let hung = false;
    c.arm((call) => (hung = call.method === "removeStack" && call.stack === "shop-prod-green"));
    await crashDuring(h.deployment.destroy({ colour: "green" }), () => hung);
    c.kill();
    assert.ok(h.engine.stackNames().includes("shop-prod-green"), "the empty stack is still there");
    await h.deployment.status();
    await h.deployment.bootstrap();
    assert.ok(!h.engine.stackNames().includes("shop-prod-green"));
    await assertConsistent(h, "after recovery");
  });

  it("a heal killed while destroying the drifted colour is completed, traffic staying on the healed colour", async () => {
    const { h } = c;
    await deployedOnce(h);
    h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 7 });
    let hung = false;
    c.arm((call) => (hung = call.method === "destroy" && call.stack === "shop-prod-blue"));
    await crashDuring(h.deployment.heal(), () => hung);
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 });
    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { green: 100, blue: 0 });
    assert.strictEqual(releaseOf(h.engine, "green"), "v1");
    assert.ok(!h.engine.stackNames().includes("shop-prod-blue"));
    await assertConsistent(h, "after recovery");
  });

  it("a heal killed mid-swap is undone: traffic back on the drifted colour, the new fleet destroyed", async () => {
    const { h } = c;
    await deployedOnce(h);
    h.engine.simulateDrift("shop-prod-blue", "shop-prod-blue-asg", { maxSize: 7 });
    let routerUps = 0;
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === "shop-prod-router" && ++routerUps === 2));
    await crashDuring(h.deployment.heal({ steps: [50, 100] }), () => hung);
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { green: 50, blue: 50 });
    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { green: 0, blue: 100 });
    assert.ok(!h.engine.stackNames().includes("shop-prod-green"));
    await assertConsistent(h, "after recovery");
  });

  it("a line torn by a crash mid-append does not swallow the next workflow's begin: killed in turn, it is recovered", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    appendFileSync(h.deployment.journalPath, '{"type":"step","id":"x","workf');
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && /^shop-prod-(blue|green)$/.test(call.stack ?? "")));
    await crashDuring(h.deployment.up({ release: "v1", imageId: AMI_1 }), () => hung);
    c.kill();
    const status = await h.deployment.status();
    assert.deepStrictEqual(
      [status.interrupted?.workflow, status.interrupted?.lastStep],
      ["up", "deploy"],
      "the interrupted up is visible",
    );

    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    assert.deepStrictEqual(
      (await h.deployment.history()).map((r) => [r.workflow, r.status]),
      [
        ["bootstrap", "ok"],
        ["up", "recovered"],
        ["recover", "ok"],
        ["up", "ok"],
      ],
    );
    await assertConsistent(h, "after recovery");
  });

  it("skips a torn last journal line written by a crash mid-append", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    appendFileSync(h.deployment.journalPath, '{"type":"begin","id":"x","workf');
    assert.deepStrictEqual(
      (await h.deployment.history()).map((r) => r.workflow),
      ["bootstrap"],
    );
    assert.strictEqual((await h.deployment.status()).interrupted, undefined);
  });
});
