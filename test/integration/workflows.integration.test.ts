// Integration: a whole release cycle of the blue/green workflows through the LocalWorkspace engine and
// the real `pulumi` CLI, on a file backend, with cloudless programs (support.ts) and a probe that reports
// every target healthy. What it proves beyond the in-memory tests: the workflows' calls, options and
// event handling work with the real Automation API and engine — stacks created and removed in the state,
// config reaching the programs, outputs flowing between stacks, each swap step one real resource update.
// Skipped, with the reason printed, where no `pulumi` is on PATH.
import * as assert from "assert";
import { BlueGreenDeployment } from "../../automation";
import { createLocalWorkspaceEngine, type LocalWorkspaceEngine } from "../../automation/localWorkspace";
import { otherColour } from "../../programs/contract";
import {
  cloudlessPrograms,
  HealthyProbe,
  removeThrowAwayProjects,
  requirePulumi,
  throwAwayProject,
} from "./support";

describe("integration: blue/green workflows over the real pulumi CLI (cloudless programs)", function () {
  this.timeout(600_000);
  let engine: LocalWorkspaceEngine;
  let deployment: BlueGreenDeployment;

  before(function () {
    requirePulumi(this);
    const projectDir = throwAwayProject();
    const options = {
      projectDir,
      policyPacks: false as const,
      envVars: { PULUMI_CONFIG_PASSPHRASE: "phoenix-integration" },
    };
    const reader = createLocalWorkspaceEngine({ ...options, programs: cloudlessPrograms(() => reader) });
    engine = createLocalWorkspaceEngine({ ...options, programs: cloudlessPrograms(() => reader) });
    deployment = new BlueGreenDeployment({
      app: "itest",
      env: "dev",
      engine,
      probe: new HealthyProbe(2),
      stateDir: engine.localStateDir,
      keepWarmMs: 0,
      healthPollMs: 10,
    });
  });
  after(() => removeThrowAwayProjects());

  it("bootstraps, deploys two releases, swaps (one step, then a canary), rolls back and destroys", async () => {
    const boot = await deployment.bootstrap();
    assert.deepStrictEqual([...boot.created].sort(), ["network", "router"]);
    assert.deepStrictEqual(await deployment.bootstrap().then((again) => again.created), [], "idempotent");

    const first = await deployment.up({ release: "r1", imageId: "ami-0123456789abcdef0", capacity: 2 });
    assert.strictEqual(first.release, "r1");
    assert.strictEqual(first.health.healthy, 2);
    assert.ok((await engine.listStacks()).includes(`itest-dev-${first.colour}`));

    const swap1 = await deployment.swap({ steps: [100] });
    assert.strictEqual(swap1.to, first.colour);
    assert.deepStrictEqual(
      swap1.steps.map((step) => [step.weight, step.changedResources]),
      [[100, 1]],
    );

    const second = await deployment.up({ release: "r2", imageId: "ami-0fedcba9876543210", capacity: 2 });
    assert.strictEqual(second.colour, otherColour(first.colour));
    const canary = await deployment.swap({ steps: [50, 100] });
    assert.deepStrictEqual(
      canary.steps.map((step) => [step.weight, step.changedResources]),
      [
        [50, 1],
        [100, 1],
      ],
    );
    let status = await deployment.status();
    assert.strictEqual(status.weights[second.colour], 100);
    assert.strictEqual(status.colours[second.colour].release, "r2");

    const back = await deployment.rollback();
    assert.strictEqual(back.to, first.colour);
    status = await deployment.status();
    assert.strictEqual(status.weights[first.colour], 100);

    const destroyed = await deployment.destroy({ colour: second.colour });
    assert.strictEqual(destroyed.destroyed, true);
    assert.ok(!(await engine.listStacks()).includes(`itest-dev-${second.colour}`));

    const history = await deployment.history();
    assert.deepStrictEqual(history.map((record) => [record.workflow, record.status]).slice(-8), [
      ["bootstrap", "ok"],
      ["bootstrap", "ok"],
      ["up", "ok"],
      ["swap", "ok"],
      ["up", "ok"],
      ["swap", "ok"],
      ["rollback", "ok"],
      ["destroy", "ok"],
    ]);
  });
});
