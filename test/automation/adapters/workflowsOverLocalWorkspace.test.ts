// The blue/green workflows through the real LocalWorkspace adapter and the Automation API, with the
// recording PulumiCommand playing the engine (FakeEngineModel): every workflow call becomes real `pulumi`
// command lines, and the workflows read back what the SDK parses from the double's answers (outputs,
// history summaries, events). This pins the seam end to end: CrossGuard on every up, one listener
// update per swap step as counted from `stack history`, the undo of a failed up, no CLI needed.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BlueGreenDeployment } from "../../../automation";
import { DeployFailedError } from "../../../automation/errors";
import { createLocalWorkspaceEngine, type RoleProgram } from "../../../automation/localWorkspace";
import type { CloudProbe, TargetGroupHealth } from "../../../automation/seams";
import { otherColour, ROLES, type Colour, type Role } from "../../../programs/contract";
import { FakeEngineModel } from "./fakeEngineModel";
import {
  operationFailure,
  RecordingPulumiCommand,
  valueOf,
  valuesOf,
  type ScriptedFailure,
} from "./recordingPulumiCommand";

/** Every target group healthy at the fleets' desired capacity. */
class HealthyProbe implements CloudProbe {
  async targetGroupHealth(targetGroupArn: string): Promise<TargetGroupHealth> {
    return { targetGroupArn, healthy: 2, byState: { healthy: 2 } };
  }
  async desiredCapacity(): Promise<number> {
    return 2;
  }
  async alarmsInAlarm(): Promise<string[]> {
    return [];
  }
}

/** The double never runs programs (the model plays them); these only have to exist. */
const UNUSED_PROGRAMS = Object.fromEntries(ROLES.map((role) => [role, async () => ({})])) as Record<
  Role,
  RoleProgram
>;

describe("blue/green workflows over the LocalWorkspace adapter (recording PulumiCommand as the engine)", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  function setUp(failWhen?: (args: string[]) => ScriptedFailure | undefined) {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-wf-"));
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-wf-pack-"));
    dirs.push(projectDir, packDir);
    fs.writeFileSync(path.join(packDir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    const model = new FakeEngineModel();
    // CLI 3.220 streams engine events over gRPC. With 3.205's tailed event log the SDK can drop a preview's
    // last lines when the command returns between two polls: under load, even the retry lost them and a
    // release cycle failed. The tailed log and its retry are tested in localWorkspace.test.ts.
    const cli = new RecordingPulumiCommand({ model, failWhen, version: "3.220.0" });
    const engine = createLocalWorkspaceEngine({
      projectDir,
      pulumiCommand: cli.asPulumiCommand(),
      policyPacks: [packDir],
      envVars: { PULUMI_CONFIG_PASSPHRASE: "contract" },
      programs: UNUSED_PROGRAMS,
    });
    const deployment = new BlueGreenDeployment({
      app: "shop",
      env: "prod",
      engine,
      probe: new HealthyProbe(),
      stateDir: engine.localStateDir,
      keepWarmMs: 0,
      healthPollMs: 1,
    });
    return { cli, model, engine, deployment, packDir };
  }

  it("runs a release cycle as CLI commands: bootstrap, up, swap, canary, rollback, destroy", async () => {
    const { cli, deployment, packDir } = setUp();
    const boot = await deployment.bootstrap();
    assert.deepStrictEqual([...boot.created].sort(), ["network", "router"]);

    const first = await deployment.up({ release: "r1", imageId: "ami-0123456789abcdef0", capacity: 2 });
    const swap = await deployment.swap({ steps: [100] });
    assert.strictEqual(swap.to, first.colour);
    const second = await deployment.up({ release: "r2", imageId: "ami-0fedcba9876543210", capacity: 2 });
    assert.strictEqual(second.colour, otherColour(first.colour));
    assert.strictEqual(second.changes.create, 7, "stack, fleet component, launch template, group");

    const canary = await deployment.swap({ steps: [10, 50, 100] });
    assert.deepStrictEqual(
      canary.steps.map((step) => [step.weight, step.changedResources]),
      [
        [10, 1],
        [50, 1],
        [100, 1],
      ],
      "each step one listener update, counted from the `stack history` summary the SDK parsed",
    );
    const back = await deployment.rollback();
    assert.strictEqual(back.to, first.colour);
    const destroyed = await deployment.destroy({ colour: second.colour });
    assert.strictEqual(destroyed.destroyed, true);

    const status = await deployment.status();
    assert.strictEqual(status.weights[first.colour], 100);
    assert.strictEqual(status.colours[first.colour].release, "r1");
    assert.strictEqual(status.colours[second.colour].exists, false);
    assert.deepStrictEqual([...cli.stacks.keys()].sort(), [
      `shop-prod-${first.colour}`,
      "shop-prod-network",
      "shop-prod-router",
    ]);

    // CrossGuard ran on every preview and up; the router took only plain config.
    const engineRuns = [...cli.callsOf("preview"), ...cli.callsOf("up")];
    assert.ok(engineRuns.length >= 11, `${engineRuns.length} previews and ups`);
    for (const call of engineRuns) assert.deepStrictEqual(valuesOf(call.args, "--policy-pack"), [packDir]);
    const routerUps = cli
      .callsOf("up")
      .filter((call) => valueOf(call.args, "--stack") === "shop-prod-router");
    assert.strictEqual(routerUps.length, 1 + 1 + 3 + 1, "bootstrap, swap, 3 canary steps, rollback");
    const routerWeights = cli
      .callsOf("config", "set-all")
      .filter((call) => valueOf(call.args, "--stack") === "shop-prod-router")
      .map((call) => call.args.filter((arg) => /^phoenix:(blue|green)Weight=/.test(arg)).join(" "));
    const weights = (colour: Colour, percent: number) => {
      const blue = colour === "blue" ? percent : 100 - percent;
      return `phoenix:blueWeight=${blue} phoenix:greenWeight=${100 - blue}`;
    };
    assert.deepStrictEqual(routerWeights, [
      "phoenix:blueWeight=0 phoenix:greenWeight=0", // bootstrap: no release live yet
      weights(first.colour, 100),
      weights(second.colour, 10),
      weights(second.colour, 50),
      weights(second.colour, 100),
      weights(first.colour, 100), // rollback
    ]);
    // The immutability guard: every fleet `up` was previewed first, on the same stack.
    const fleetRuns = cli.calls.filter(
      (call) =>
        ["preview", "up"].includes(call.args[0]) && /-(blue|green)$/.test(valueOf(call.args, "--stack")),
    );
    for (const [i, call] of fleetRuns.entries()) {
      if (call.args[0] !== "up") continue;
      assert.strictEqual(
        fleetRuns[i - 1]?.args[0],
        "preview",
        `the up of ${valueOf(call.args, "--stack")} was previewed`,
      );
      assert.strictEqual(valueOf(fleetRuns[i - 1].args, "--stack"), valueOf(call.args, "--stack"));
    }
    assert.strictEqual(fleetRuns.filter((call) => call.args[0] === "up").length, 2);
  });

  it("drift and heal through the CLI: the drift read from the refresh's outputs events, every stack checked", async () => {
    const { cli, model, deployment } = setUp();
    await deployment.bootstrap();
    const first = await deployment.up({ release: "r1", imageId: "ami-0123456789abcdef0", capacity: 2 });
    await deployment.swap({ steps: [100] });
    assert.deepStrictEqual((await deployment.drift()).drifted, []);
    const live = first.colour;
    model.simulateDrift(`shop-prod-${live}`, `shop-prod-${live}-asg`, { maxSize: 9 });
    model.simulateDrift("shop-prod-router", "shop-prod-listener", { port: 8081 });
    const report = await deployment.drift();
    assert.deepStrictEqual(
      report.drifted.map((d) => [d.stack, d.name, d.properties]),
      [
        ["shop-prod-router", "shop-prod-listener", ["port"]],
        [`shop-prod-${live}`, `shop-prod-${live}-asg`, ["maxSize"]],
      ],
    );
    const refreshes = cli.callsOf("refresh").slice(-3);
    assert.deepStrictEqual(
      refreshes.map((call) => [valueOf(call.args, "--stack"), call.args.includes("--preview-only")]),
      [
        ["shop-prod-network", true],
        ["shop-prod-router", true],
        [`shop-prod-${live}`, true],
      ],
    );
    const healed = await deployment.heal();
    assert.deepStrictEqual([healed.from, healed.to], [live, otherColour(live)]);
    assert.deepStrictEqual(
      (await deployment.drift()).drifted,
      [],
      "after heal a second drift reports nothing",
    );
  });

  it("a failed up is undone through the CLI (destroy, stack rm) and leaves the traffic alone", async () => {
    // A resource error ends an update as the real CLI ends it: exit 1, the diagnostics on stdout, nothing on
    // stderr (transcript hook-failure).
    const failFleetUp = (args: string[]) =>
      args[0] === "up" && /-(blue|green)$/.test(valueOf(args, "--stack", ""))
        ? operationFailure(
            valueOf(args, "--stack"),
            "aws:autoscaling:Group (asg)",
            "creating Auto Scaling Group: ValidationError",
          )
        : undefined;
    const { cli, deployment } = setUp(failFleetUp);
    await deployment.bootstrap();
    const before = await deployment.status();
    await assert.rejects(
      deployment.up({ release: "r1", imageId: "ami-0123456789abcdef0", capacity: 2 }),
      (error: unknown) => {
        assert.ok(error instanceof DeployFailedError, String(error));
        assert.strictEqual(error.cleanedUp, true);
        assert.match(error.message, /ValidationError/);
        return true;
      },
    );
    const idle = (["blue", "green"] as const).find((colour) => before.weights[colour] === 0) as string;
    const idleStack = `shop-prod-${idle}`;
    assert.strictEqual(
      cli.callsOf("destroy").filter((c) => valueOf(c.args, "--stack") === idleStack).length,
      1,
    );
    assert.deepStrictEqual(
      cli.callsOf("stack", "rm").map((call) => call.args.filter((arg) => !arg.startsWith("--"))[2]),
      [idleStack],
    );
    assert.ok(!cli.stacks.has(idleStack), "nothing of the failed up is left");
    assert.deepStrictEqual((await deployment.status()).weights, before.weights);
    const last = (await deployment.history()).at(-1);
    assert.strictEqual(last?.workflow, "up");
    assert.strictEqual(last?.status, "failed");
  });
});
