// The whole release cycle through the real CLI, the real role programs and the emulator: bootstrap, up v1,
// the first swap, up v2, a canary that an alarm stops at its second step, a swap, a rollback and a destroy.
// After every step the emulator's own state (listener weights, auto scaling groups, launch templates) is
// read back with the AWS SDK, and `status` and `history` must agree with it.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CloudWatchClient, PutMetricAlarmCommand, SetAlarmStateCommand } from "@aws-sdk/client-cloudwatch";
import { autoScalingGroups, listenerWeights, registerImage } from "./support/emulator";
import { phoenix, startPhoenix } from "./support/phoenix";
import { stackOutputs } from "./support/stacks";
import { requireLanguageHost } from "./rigHooks";

const APP = "shop";
const ENV = "cycle";
const ALARM = "shop-cycle-5xx";

describe("the release cycle through the real engine", function () {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-cycle-"));
  let network: Record<string, unknown>;
  let listenerArn: string;
  const images: Record<string, string> = {};
  const cloudwatch = new CloudWatchClient({});

  const run = (args: string[], options?: { allowFailure?: boolean }) =>
    phoenix(APP, ENV, args, project, options);
  const status = async () => (await run(["status"])).json.result as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
  /** `workflow:status` of every workflow `phoenix history` lists, the oldest first. */
  const history = async () =>
    ((await run(["history"])).json.result as unknown as { workflow: string; status: string }[]).map(
      (record) => `${record.workflow}:${record.status}`,
    );
  /** The listener's weights by colour, as the emulator has them. */
  const weights = async () => {
    const byGroup = await listenerWeights(listenerArn);
    return {
      blue: byGroup[String(network.blueTargetGroupArn)] ?? 0,
      green: byGroup[String(network.greenTargetGroupArn)] ?? 0,
    };
  };
  /** Everything agrees: the emulator's listener, Phoenix's status and history, and the fleets that exist. */
  const expectWorld = async (
    expected: { blue: number; green: number },
    releases: { blue?: string; green?: string },
    lastWorkflow: string,
  ) => {
    assert.equal((await history()).at(-1), lastWorkflow, "the newest workflow in phoenix history");
    assert.deepEqual(await weights(), expected, "listener weights in the emulator");
    const seen = await status();
    assert.deepEqual(seen.weights, expected, "weights in phoenix status");
    const groups = await autoScalingGroups();
    for (const colour of ["blue", "green"] as const) {
      const release = releases[colour];
      assert.equal(seen.colours[colour].release, release, `${colour} release in phoenix status`);
      const group = [...groups.entries()].find(([, g]) =>
        g.targetGroupArns.includes(String(network[`${colour}TargetGroupArn`])),
      );
      assert.equal(
        Boolean(group),
        Boolean(release),
        `an auto scaling group for ${colour} exists iff it holds a release`,
      );
    }
    return seen;
  };

  before(function () {
    requireLanguageHost(this);
  });

  after(() => {
    cloudwatch.destroy();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("bootstraps the network and a router at 0/0 into the emulator's default VPC", async () => {
    const result = await run(["bootstrap"]);
    assert.equal(result.json.ok, true);
    network = stackOutputs(project, `${APP}-${ENV}-network`);
    assert.equal(network.vpcId, process.env.PHOENIX_VPC_ID);
    listenerArn = String(stackOutputs(project, `${APP}-${ENV}-router`).listenerArn);
    const seen = await expectWorld({ blue: 0, green: 0 }, {}, "bootstrap:ok");
    assert.equal(seen.nothingLive, true);
    images.v1 = await registerImage("shop-v1");
    images.v2 = await registerImage("shop-v2");
  });

  it("deploys v1 to blue without touching the traffic, then the first swap puts it at 100 %", async () => {
    const up = await run(["up", "--release", "v1", "--image-id", images.v1]);
    assert.equal(up.json.result?.colour, "blue");
    await expectWorld({ blue: 0, green: 0 }, { blue: "v1" }, "up:ok");
    await run(["swap"]);
    const seen = await expectWorld({ blue: 100, green: 0 }, { blue: "v1" }, "swap:ok");
    assert.equal(seen.live, "blue");
  });

  it("deploys v2 to the idle colour; a canary stopped by an alarm at 50 % puts 100 % back on blue", async () => {
    await run(["up", "--release", "v2", "--image-id", images.v2]);
    await expectWorld({ blue: 100, green: 0 }, { blue: "v1", green: "v2" }, "up:ok");
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: ALARM,
        MetricName: "HTTPCode_Target_5XX_Count",
        Namespace: "AWS/ApplicationELB",
        Statistic: "Sum",
        Period: 60,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: "GreaterThanOrEqualToThreshold",
      }),
    );
    const canary = startPhoenix(
      APP,
      ENV,
      ["swap", "--steps", "10,50,100", "--settle", "10s", "--alarm", ALARM],
      project,
    );
    // moto never evaluates alarms (it keeps the state it is given): fire it once the listener is at 50 %.
    while ((await weights()).green !== 50) {
      const ended = await Promise.race([
        canary.done.then(() => true),
        new Promise((r) => setTimeout(() => r(false), 200)),
      ]);
      if (ended) assert.fail(`the canary ended before reaching 50 %: ${(await canary.done).stderr}`);
    }
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "ALARM", StateReason: "test" }),
    );
    const failed = await canary.done;
    assert.notEqual(failed.code, 0, "the canary must fail");
    assert.match(String(failed.json.error?.message), new RegExp(ALARM));
    const seen = await expectWorld({ blue: 100, green: 0 }, { blue: "v1", green: "v2" }, "swap:failed");
    assert.equal(seen.live, "blue");
  });

  it("swaps to v2 once the alarm is quiet, rolls back to v1, and destroys v2", async () => {
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: ALARM, StateValue: "OK", StateReason: "test" }),
    );
    await run(["swap", "--steps", "50,100", "--alarm", ALARM]);
    await expectWorld({ blue: 0, green: 100 }, { blue: "v1", green: "v2" }, "swap:ok");
    await run(["rollback"]);
    await expectWorld({ blue: 100, green: 0 }, { blue: "v1", green: "v2" }, "rollback:ok");
    await run(["destroy", "--colour", "green", "--force"]);
    const seen = await expectWorld({ blue: 100, green: 0 }, { blue: "v1" }, "destroy:ok");
    assert.equal(seen.live, "blue");
    assert.deepEqual(await history(), [
      "bootstrap:ok",
      "up:ok",
      "swap:ok",
      "up:ok",
      "swap:failed",
      "swap:ok",
      "rollback:ok",
      "destroy:ok",
    ]);
  });
});
