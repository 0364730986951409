// What a recovery journals, line by line (issue 12): the recover run's begin names the interrupted workflow (its
// id, name and last step), then one step per action on the colour it acts on, then the interrupted workflow's
// end line ("recovered", with every action in order in `recovery`), then the recover run's own end.
import assert from "assert";
import { readFileSync, writeFileSync } from "fs";
import { crashable, crashDuring, type Crashable } from "./crash";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, weights } from "./harness";

const ROUTER = `${APP}-${ENV}-router`;
const BLUE = `${APP}-${ENV}-blue`;

type Line = Record<string, unknown>;

/** The recover run's lines and the recovered end line from journal line `from` on, without times and pids. */
async function recoveryLines(c: Crashable, from: number): Promise<Line[]> {
  return (await c.h.journal()).slice(from).flatMap((entry) => {
    const { id: _id, pid: _pid, at: _at, ...line } = entry as unknown as Line;
    return line.workflow === "recover" || line.status === "recovered" ? [line] : [];
  });
}

/** The id of the last workflow begun before the crash (the one recovery must name). */
async function lastBegunId(c: Crashable): Promise<string> {
  return (await c.h.journal()).filter((l) => l.type === "begin").at(-1)!.id;
}

/**
 * Kill the crashed process, then let the next workflow (a bootstrap) recover: the interrupted workflow's id and
 * what the recovery journaled.
 */
async function killAndRecover(c: Crashable): Promise<{ id: string; lines: Line[] }> {
  c.kill();
  const id = await lastBegunId(c);
  const from = (await c.h.journal()).length;
  await c.h.deployment.bootstrap();
  return { id, lines: await recoveryLines(c, from) };
}

const begin = (interrupted: string, workflow: string, lastStep: string): Line => ({
  type: "begin",
  workflow: "recover",
  params: { interrupted, workflow, lastStep },
});
const readState = (state: Line): Line[] => [
  { type: "step", workflow: "recover", step: "read-state", status: "started" },
  { type: "step", workflow: "recover", step: "read-state", durationMs: 0, status: "ok", state },
];
const action = (step: string, colour: string | undefined, detail?: string): Line[] => [
  {
    type: "step",
    workflow: "recover",
    step,
    status: "started",
    ...(colour ? { colour } : {}),
    ...(detail ? { detail } : {}),
  },
  { type: "step", workflow: "recover", step, durationMs: 0, status: "ok", ...(colour ? { colour } : {}) },
];
const ended = (workflow: string, recovery: string): Line[] => [
  { type: "end", workflow, status: "recovered", durationMs: 0, recovery },
  { type: "end", workflow: "recover", status: "ok", durationMs: 0 },
];

describe("what a recovery journals", () => {
  let c: Crashable;
  beforeEach(() => (c = crashable()));
  afterEach(() => c.h.cleanup());

  it("a first swap to green killed after the router moved: the router back at 0/0", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    // Killed while verifying, after the router gave green (deployed last) 100 %.
    const desiredCapacity = h.probe.desiredCapacity.bind(h.probe);
    let hung = false;
    h.probe.desiredCapacity = (group, signal) =>
      weights(h.engine)?.green === 100
        ? ((hung = true), new Promise<number>(() => {}))
        : desiredCapacity(group, signal);
    await crashDuring(h.deployment.swap(), () => hung);
    h.probe.desiredCapacity = desiredCapacity;
    c.kill();
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    const swapId = await lastBegunId(c);
    const from = (await h.journal()).length;

    await h.deployment.bootstrap();
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.deepStrictEqual(await recoveryLines(c, from), [
      begin(swapId, "swap", "verify:100"),
      ...readState({
        weights: { blue: 0, green: 100 },
        releases: { blue: "v1", green: "v2" },
        deployments: { blue: "20260101t000000000z-11", green: "20260101t000000000z-25" },
      }),
      ...action("restore-traffic", undefined, "after interrupted swap: blue 0 % / green 0 %"),
      ...ended("swap", "traffic restored to blue 0 % / green 0 %"),
    ]);
  });

  it("a destroy killed before its stack was removed: the destroy completed", async () => {
    const { h } = c;
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    let hung = false;
    c.arm((call) => (hung = call.method === "removeStack" && call.stack === `${APP}-${ENV}-green`));
    await crashDuring(h.deployment.destroy({ colour: "green" }), () => hung);
    const { id: destroyId, lines } = await killAndRecover(c);
    assert.deepStrictEqual(lines, [
      begin(destroyId, "destroy", "destroy"),
      ...readState({
        weights: { blue: 100, green: 0 },
        releases: { blue: "v1" },
        deployments: { blue: "20260101t000000000z-11" },
      }),
      ...action("complete-destroy", "green"),
      ...ended("destroy", "completed the destroy of green"),
    ]);
  });

  it("a heal killed mid-swap: traffic back on the drifted colour, then the new fleet destroyed", async () => {
    const { h } = c;
    await deployedOnce(h);
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 7 });
    let routerUps = 0;
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === ROUTER && ++routerUps === 2));
    await crashDuring(h.deployment.heal({ steps: [50, 100] }), () => hung);
    const { id: healId, lines } = await killAndRecover(c);
    assert.deepStrictEqual(lines, [
      begin(healId, "heal", "swap:route:100"),
      ...readState({
        weights: { blue: 50, green: 50 },
        releases: { blue: "v1", green: "v1" },
        deployments: { blue: "20260101t000000000z-11", green: "20260101t000000000z-43" },
      }),
      ...action("restore-traffic", "blue", "after interrupted heal: blue 100 % / green 0 %"),
      ...action("undo-up", "green"),
      ...ended(
        "heal",
        "traffic restored to blue 100 % / green 0 %; destroyed the green stack left by the interrupted heal",
      ),
    ]);
  });

  it("a heal killed while destroying the drifted colour: the destroy completed, the traffic left where it is", async () => {
    const { h } = c;
    await deployedOnce(h);
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 7 });
    let hung = false;
    c.arm((call) => (hung = call.method === "destroy" && call.stack === BLUE));
    await crashDuring(h.deployment.heal(), () => hung);
    const { id: healId, lines } = await killAndRecover(c);
    assert.deepStrictEqual(lines, [
      begin(healId, "heal", "destroy:destroy"),
      ...readState({
        weights: { blue: 0, green: 100 },
        releases: { blue: "v1", green: "v1" },
        deployments: { blue: "20260101t000000000z-11", green: "20260101t000000000z-43" },
      }),
      ...action("complete-destroy", "blue"),
      ...ended("heal", "completed the destroy of blue"),
    ]);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });

  it("a rolling release killed mid-batch: capacity grown back first, then the traffic, then the new fleet destroyed", async () => {
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
    const { id: releaseId, lines } = await killAndRecover(c);
    assert.deepStrictEqual(lines, [
      begin(releaseId, "release", "rolling:shrink:2"),
      ...readState({
        weights: { blue: 50, green: 50 },
        releases: { blue: "v1", green: "v2" },
        deployments: { blue: "20260101t000000000z-11", green: "20260101t000000000z-39" },
      }),
      ...action("restore-capacity", "blue", "blue back to desired 4 (min 1, max 6)"),
      ...action("restore-capacity:wait-healthy", "blue"),
      ...action("restore-traffic", "blue", "after interrupted release: blue 100 % / green 0 %"),
      ...action("undo-up", "green"),
      ...ended(
        "release",
        "blue's capacity put back to desired 4 (min 1, max 6); traffic restored to blue 100 % / green 0 %; " +
          "destroyed the green stack left by the interrupted release",
      ),
    ]);
  });

  it("a rollback after a rolling release killed at its route: the old colour shrunk back after, the traffic left", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
    await h.deployment.swap();
    await h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: "50%" });
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === ROUTER));
    await crashDuring(h.deployment.rollback(), () => hung);
    const { id: rollbackId, lines } = await killAndRecover(c);
    assert.deepStrictEqual(lines, [
      begin(rollbackId, "rollback", "route"),
      ...readState({
        weights: { blue: 0, green: 100 },
        releases: { blue: "v1", green: "v2" },
        deployments: { blue: "20260101t000000000z-11", green: "20260101t000000000z-39" },
      }),
      ...action("restore-capacity", "blue", "blue back to desired 0 (min 0, max 6)"),
      ...ended("rollback", "blue's capacity put back to desired 0 (min 0, max 6)"),
    ]);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.strictEqual(h.engine.inspect(BLUE)?.outputs.desiredCapacity, 0);
  });

  it("a rollback after a rolling release that died after its route: traffic back on green first, then blue shrunk", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
    await h.deployment.swap();
    await h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: "50%" });
    const before = (await h.journal()).length;
    await h.deployment.rollback();
    // The journal as a process killed right after the router update leaves it: no `route` ok line, no end.
    const lines = readFileSync(h.deployment.journalPath, "utf8").trimEnd().split("\n");
    const cut = lines.findIndex(
      (l, i) => i >= before && l.includes('"step":"route"') && l.includes('"status":"started"'),
    );
    assert.ok(cut > before, "the rollback journaled its route step");
    writeFileSync(h.deployment.journalPath, lines.slice(0, cut + 1).join("\n") + "\n");
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    const rollbackId = await lastBegunId(c);
    const from = (await h.journal()).length;

    await h.deployment.bootstrap();
    assert.deepStrictEqual(await recoveryLines(c, from), [
      begin(rollbackId, "rollback", "route"),
      ...readState({
        weights: { blue: 100, green: 0 },
        releases: { blue: "v1", green: "v2" },
        deployments: { blue: "20260101t000000000z-11", green: "20260101t000000000z-39" },
      }),
      ...action("restore-traffic", "green", "after interrupted rollback: blue 0 % / green 100 %"),
      ...action("restore-capacity", "blue", "blue back to desired 0 (min 0, max 6)"),
      ...ended(
        "rollback",
        "traffic restored to blue 0 % / green 100 %; blue's capacity put back to desired 0 (min 0, max 6)",
      ),
    ]);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
    assert.strictEqual(h.engine.inspect(BLUE)?.outputs.desiredCapacity, 0);
  });
});
