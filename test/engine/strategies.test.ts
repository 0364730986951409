// Release strategies through the real CLI, the real role programs and the emulator: a rolling release (capacity
// moving between the colours' auto scaling groups in batches, the listener's weights following), a rollback
// after it (the old colour scaled back up before it gets the traffic), then a recreate (the listener's
// fixed-response 503 while no colour exists, never a forward to an empty target group). What the tests check
// is read from the emulator with the AWS SDK, not from Phoenix's own account.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeAutoScalingGroupsCommand } from "@aws-sdk/client-auto-scaling";
import { DescribeListenersCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { autoscaling, elbv2, listenerWeights, registerImage } from "./support/emulator";
import { phoenix, startPhoenix } from "./support/phoenix";
import { stackOutputs } from "./support/stacks";
import { requireLanguageHost } from "./rigHooks";

const APP = "shop";
const ENV = "strat";

/** Desired capacity of the auto scaling group attached to each target group, by target group ARN. */
async function desiredByTargetGroup(): Promise<Record<string, number>> {
  const client = autoscaling();
  try {
    const { AutoScalingGroups = [] } = await client.send(new DescribeAutoScalingGroupsCommand({}));
    const byGroup: Record<string, number> = {};
    for (const group of AutoScalingGroups)
      for (const arn of group.TargetGroupARNs ?? []) byGroup[arn] = group.DesiredCapacity ?? 0;
    return byGroup;
  } finally {
    client.destroy();
  }
}

/** The listener's default action types, in order (`forward`, `fixed-response`). */
async function defaultActionTypes(listenerArn: string): Promise<string[]> {
  const client = elbv2();
  try {
    const { Listeners } = await client.send(new DescribeListenersCommand({ ListenerArns: [listenerArn] }));
    return (Listeners?.[0]?.DefaultActions ?? []).map((action) => String(action.Type));
  } finally {
    client.destroy();
  }
}

describe("release strategies through the real engine", function () {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-strategies-"));
  let network: Record<string, unknown>;
  let listenerArn: string;
  const images: Record<string, string> = {};

  const run = (args: string[]) => phoenix(APP, ENV, args, project);
  const arn = (colour: "blue" | "green") => String(network[`${colour}TargetGroupArn`]);
  /** Weights and desired capacities by colour, as the emulator has them. */
  const world = async () => {
    const weights = await listenerWeights(listenerArn);
    const desired = await desiredByTargetGroup();
    return {
      weights: { blue: weights[arn("blue")] ?? 0, green: weights[arn("green")] ?? 0 },
      desired: { blue: desired[arn("blue")], green: desired[arn("green")] },
    };
  };

  before(function () {
    requireLanguageHost(this);
  });

  after(() => fs.rmSync(project, { recursive: true, force: true }));

  it("bootstraps, and v1 goes live on blue with 4 instances", async () => {
    await run(["bootstrap"]);
    network = stackOutputs(project, `${APP}-${ENV}-network`);
    listenerArn = String(stackOutputs(project, `${APP}-${ENV}-router`).listenerArn);
    images.v1 = await registerImage("strat-v1");
    images.v2 = await registerImage("strat-v2");
    images.v3 = await registerImage("strat-v3");
    await run([
      "up",
      "--release",
      "v1",
      "--image-id",
      images.v1,
      "--min",
      "1",
      "--max",
      "6",
      "--desired",
      "4",
    ]);
    await run(["swap"]);
    assert.deepEqual(await world(), {
      weights: { blue: 100, green: 0 },
      desired: { blue: 4, green: undefined },
    });
  });

  it("rolling in batches of 2: green grows as blue shrinks, weights following, blue kept at zero", async () => {
    const release = startPhoenix(
      APP,
      ENV,
      ["release", "--strategy", "rolling", "--batch", "2", "--release", "v2", "--image-id", images.v2],
      project,
    );
    // Watch the emulator while it runs: every split must have capacity on both sides.
    const seen: Awaited<ReturnType<typeof world>>[] = [];
    let ended = false;
    void release.done.then(() => (ended = true));
    while (!ended) {
      const now = await world();
      if (JSON.stringify(now) !== JSON.stringify(seen.at(-1))) seen.push(now);
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await release.done;
    assert.equal(result.code, 0, result.stderr);
    assert.deepEqual(
      (result.json.result?.batches as { newDesired: number; oldDesired: number; weight: number }[]).map(
        (b) => [b.newDesired, b.oldDesired, b.weight],
      ),
      [
        [2, 2, 50],
        [4, 0, 100],
      ],
    );
    for (const state of seen) {
      for (const colour of ["blue", "green"] as const) {
        if (state.weights[colour] > 0)
          assert.ok(
            (state.desired[colour] ?? 0) > 0,
            `weight on ${colour} without capacity: ${JSON.stringify(state)}`,
          );
      }
    }
    assert.ok(
      seen.some((s) => s.weights.green === 50 && s.weights.blue === 50),
      `the 50/50 split was seen: ${JSON.stringify(seen)}`,
    );
    assert.deepEqual(await world(), { weights: { blue: 0, green: 100 }, desired: { blue: 0, green: 4 } });
    const status = (await run(["status"])).json.result as {
      rollback: { available: boolean; release: string };
    };
    assert.deepEqual([status.rollback.available, status.rollback.release], [true, "v1"]);
  });

  it("a rollback after it scales blue back up to 4, then moves the traffic", async () => {
    const rollback = await run(["rollback"]);
    assert.equal(rollback.json.result?.to, "blue");
    assert.deepEqual(await world(), { weights: { blue: 100, green: 0 }, desired: { blue: 4, green: 4 } });
  });

  it("recreate: the listener answers 503 (fixed response) while no colour serves, then v3 is live", async () => {
    await run(["destroy", "--colour", "green", "--force"]);
    const release = startPhoenix(
      APP,
      ENV,
      ["release", "--strategy", "recreate", "--accept-downtime", "--release", "v3", "--image-id", images.v3],
      project,
    );
    const actions = new Set<string>();
    let ended = false;
    void release.done.then(() => (ended = true));
    while (!ended) {
      const types = await defaultActionTypes(listenerArn);
      const { weights, desired } = await world();
      actions.add(types.join(","));
      for (const colour of ["blue", "green"] as const)
        if (weights[colour] > 0)
          assert.ok(desired[colour] !== undefined, `a forward to ${colour}, which has no auto scaling group`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const result = await release.done;
    assert.equal(result.code, 0, result.stderr);
    assert.ok(actions.has("fixed-response"), `the 503 was seen: ${[...actions].join(" | ")}`);
    const to = result.json.result?.to as "blue" | "green";
    const now = await world();
    assert.equal(now.weights[to], 100);
    assert.equal(now.desired[to === "blue" ? "green" : "blue"], undefined, "the old colour is gone");
    const history = (await run(["history"])).json.result as unknown as { workflow: string; status: string }[];
    assert.deepEqual(
      history.filter((r) => r.workflow === "release").map((r) => r.status),
      ["ok", "ok"],
    );
  });
});
