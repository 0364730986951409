// A release end to end with the `phoenix` command: bootstrap, up, a canary swap, the status picture,
// rollback, destroy; then drift and heal. In-memory engine and probe behind the real commands.
import { strict as assert } from "assert";
import type { WorkflowDocument } from "../../../cli/workflows/command";
import type { DeployResult, DeploymentStatus, HistoryRecord, SwapResult } from "../../../automation/types";
import { EXIT } from "../../../cli/exitCodes";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness } from "./harness";

function parse<R>(out: string): Extract<WorkflowDocument<R>, { ok: true }> {
  const document = JSON.parse(out) as WorkflowDocument<R>;
  assert.equal(document.ok, true, out);
  return document as Extract<WorkflowDocument<R>, { ok: true }>;
}

describe("phoenix workflow commands: a release end to end", () => {
  let h: CliHarness;
  beforeEach(() => (h = cliHarness()));
  afterEach(() => h.cleanup());

  /** bootstrap, up v1 (to blue), swap to it: blue serves v1. */
  async function firstRelease(): Promise<void> {
    assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
    assert.equal((await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1])).code, EXIT.ok);
    assert.equal((await h.phoenix(["swap", ...TARGET, "--yes"])).code, EXIT.ok);
  }

  it("bootstrap, up, canary swap, status, rollback, destroy", async () => {
    const bootstrap = await h.phoenix(["bootstrap", ...TARGET]);
    assert.equal(bootstrap.code, EXIT.ok, bootstrap.err);
    assert.match(bootstrap.out, /^Bootstrapped shop\/prod: created shop-prod-network, shop-prod-router\.\n/);
    assert.deepEqual(h.weights(), { blue: 0, green: 0 }, "no release is live yet");

    const up1 = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1]);
    assert.equal(up1.code, EXIT.ok, up1.err);
    assert.match(
      up1.out,
      /^Deployed release v1 \(ami-0123456789abcdef0, identity [a-z2-7]{10}\) to blue: 2\/2 targets healthy\.\n/,
    );
    assert.match(up1.out, /^Resources: create 7\.$/m);
    assert.deepEqual(h.weights(), { blue: 0, green: 0 }, "up never touches the traffic");
    const first = await h.phoenix(["swap", ...TARGET, "--steps", "10,100", "--yes"]);
    assert.equal(first.code, EXIT.ok, first.err);
    assert.equal(
      first.out,
      "First release of shop/prod live: 100 % on blue (release v1). Canary steps 10 % skipped: no live release to share the traffic with.\n" +
        "Resources changed: 1.\n" +
        "There is no rollback target yet: the next release goes to green (phoenix up --app shop --env prod …)\n",
    );
    assert.deepEqual(h.weights(), { blue: 100, green: 0 });

    // The second release goes to green, which holds nothing: no confirmation is needed without a terminal.
    const up2 = await h.phoenix([
      "up",
      ...TARGET,
      "--release",
      "v2",
      "--image-id",
      AMI_2,
      "--min",
      "2",
      "--max",
      "6",
      "--desired",
      "3",
    ]);
    assert.equal(up2.code, EXIT.ok, up2.err);
    assert.match(up2.out, /to green: 3\/3 targets healthy/);
    assert.equal(h.engine.inspect("shop-prod-green")?.config["phoenix:maxSize"], "6");

    const routerUps = h.ups("shop-prod-router");
    const swap = await h.phoenix(["swap", ...TARGET, "--steps", "10,50,100", "--alarm", "shop-5xx", "--yes"]);
    assert.equal(swap.code, EXIT.ok, swap.err);
    assert.equal(
      swap.out,
      "Traffic of shop/prod moved from blue to green (release v2): 10 % → 50 % → 100 %.\n" +
        "Resources changed per step: 1, 1, 1.\n" +
        "blue keeps its release as the rollback target: phoenix rollback --app shop --env prod\n",
    );
    assert.equal(h.ups("shop-prod-router") - routerUps, 3, "one router update per step");
    assert.deepEqual(h.weights(), { green: 100, blue: 0 });

    const status = await h.phoenix(["status", ...TARGET]);
    assert.equal(status.code, EXIT.ok, status.err);
    const lines = status.out.split("\n");
    assert.match(
      lines.find((l) => l.includes("clients ──▶ ALB"))!,
      /ALB http:\/\//,
    );
    assert.match(
      lines.find((l) => l.includes("── 100% ──▶ green"))!,
      /release v2 · ami-0fedcba9876543210 · 3\/3 healthy$/,
    );
    assert.match(
      lines.find((l) => l.includes("──   0% ──▶ blue"))!,
      /release v1 · ami-0123456789abcdef0 · 2\/2 healthy$/,
    );
    assert.match(status.out, /^ {2}live {6}green \(release v2\)$/m);
    assert.match(status.out, /^ {2}rollback {2}blue \(release v1\), kept warm until 2026-01-01T01:/m);
    assert.match(status.out, /^ {2}last {6}swap ok at /m);

    const rollback = await h.phoenix(["rollback", ...TARGET, "--yes"]);
    assert.equal(rollback.code, EXIT.ok, rollback.err);
    assert.match(
      rollback.out,
      /^Rolled shop\/prod back: 100 % on blue \(release v1\), green has no traffic\.\n/,
    );
    assert.deepEqual(h.weights(), { green: 0, blue: 100 });

    // green just lost the traffic: it is the rollback target, kept warm unless forced.
    const refused = await h.phoenix(["destroy", ...TARGET, "--colour", "green", "--yes"]);
    assert.equal(refused.code, EXIT.failed);
    assert.match(
      refused.err,
      /^phoenix: The green colour \(release v2\) is the rollback target for another 60 min/m,
    );
    assert.equal(h.releaseOf("green"), "v2");
    const destroy = await h.phoenix(["destroy", ...TARGET, "--colour", "green", "--force", "--yes"]);
    assert.equal(destroy.code, EXIT.ok, destroy.err);
    assert.equal(destroy.out, "Destroyed the green colour of shop/prod (release v2).\n");
    assert.equal(h.engine.inspect("shop-prod-green"), undefined, "the stack is removed");
    assert.deepEqual(h.weights(), { green: 0, blue: 100 });

    const history = await h.phoenix(["history", ...TARGET, "--limit", "3"]);
    assert.equal(history.code, EXIT.ok);
    assert.deepEqual(
      history.out
        .trim()
        .split("\n")
        .filter((l) => !l.startsWith("    "))
        .map((l) => l.split(/\s+/).slice(1, 3)),
      [
        ["rollback", "ok"],
        ["destroy", "failed"],
        ["destroy", "ok"],
      ],
    );
  });

  it("prints one stable --json document per command", async () => {
    await firstRelease();
    const up = parse<DeployResult>(
      (await h.phoenix(["up", ...TARGET, "--release", "v2", "--image-id", AMI_2, "--json"])).out,
    );
    assert.deepEqual(Object.keys(up), ["command", "app", "env", "ok", "result"]);
    assert.deepEqual([up.command, up.app, up.env], ["up", "shop", "prod"]);
    assert.deepEqual(
      [up.result.colour, up.result.release, up.result.changes],
      ["green", "v2", { create: 7 }],
    );

    const swap = parse<SwapResult>(
      (await h.phoenix(["swap", ...TARGET, "--steps", "50,100", "--yes", "--json"])).out,
    );
    assert.deepEqual(
      swap.result.steps.map((s) => [s.weight, s.changedResources]),
      [
        [50, 1],
        [100, 1],
      ],
    );

    const status = parse<DeploymentStatus>((await h.phoenix(["status", ...TARGET, "--json"])).out);
    assert.deepEqual(status.result.weights, { green: 100, blue: 0 });
    assert.deepEqual(status.result.colours.blue.health, { healthy: 2, desired: 2, byState: { healthy: 2 } });
    assert.equal(status.result.live, "green");

    const history = parse<HistoryRecord[]>((await h.phoenix(["history", ...TARGET, "--json"])).out);
    assert.deepEqual(
      history.result.map((r) => r.workflow),
      ["bootstrap", "up", "swap", "up", "swap"],
    );
  });

  it("drift exits 1 with the drifted resources; heal replaces the drifted colour", async () => {
    await firstRelease();
    const clean = await h.phoenix(["drift", ...TARGET]);
    assert.deepEqual(
      [clean.code, clean.out],
      [
        EXIT.ok,
        "No drift in shop/prod: checked shop-prod-network, shop-prod-router, shop-prod-blue (live, release v1).\n",
      ],
    );

    const group = h.engine
      .inspect("shop-prod-blue")!
      .resources.find((r) => r.type === "aws:autoscaling/group:Group")!;
    h.engine.simulateDrift("shop-prod-blue", group.name, { maxSize: 9 });
    const drift = await h.phoenix(["drift", ...TARGET, "--json"]);
    assert.equal(drift.code, EXIT.failed);
    const document = JSON.parse(drift.out) as {
      ok: boolean;
      problem: string;
      result: { drifted: { properties: string[] }[] };
    };
    assert.equal(document.ok, true, "the check itself worked");
    assert.deepEqual(
      document.result.drifted.map((d) => d.properties),
      [["maxSize"]],
    );
    assert.match(document.problem, /^drift found in shop-prod-blue: 1 resource\(s\) differ/);
    assert.match(drift.err, /phoenix heal --app shop --env prod/);

    const heal = await h.phoenix(["heal", ...TARGET, "--yes"]);
    assert.equal(heal.code, EXIT.ok, heal.err);
    assert.match(
      heal.out,
      /^Healed shop\/prod \(1 drifted resource\):\n {2}- release v1 was redeployed to green, the traffic moved there and the drifted blue was destroyed\n$/,
    );
    assert.deepEqual(
      [h.weights(), h.releaseOf("green"), h.releaseOf("blue")],
      [{ green: 100, blue: 0 }, "v1", undefined],
    );
  });

  it("drift names a stray security group rule and a changed listener; heal removes the rule, restores the weights", async () => {
    await firstRelease();
    const network = h.engine.inspect("shop-prod-network")!;
    const group = network.resources.find(
      (r) => r.type === "aws:ec2/securityGroup:SecurityGroup" && /fleet/.test(r.name),
    )!;
    const live = h.engine.liveOutputs("shop-prod-network", group.name)!;
    const ingress = Array.isArray(live.ingress) ? live.ingress : [];
    h.engine.simulateDrift("shop-prod-network", group.name, {
      ingress: [...ingress, { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
    });
    const listener = h.engine
      .inspect("shop-prod-router")!
      .resources.find((r) => r.type === "aws:lb/listener:Listener")!;
    h.engine.simulateDrift("shop-prod-router", listener.name, {
      defaultActions: [{ type: "fixed-response" }],
    });

    const drift = await h.phoenix(["drift", ...TARGET]);
    assert.equal(drift.code, EXIT.failed);
    assert.match(
      drift.out,
      /^2 drifted resources in shop\/prod:\n {2}shop-prod-network: 1 drifted resource\n/,
    );
    assert.match(
      drift.out,
      new RegExp(`- ${group.name} \\(aws:ec2/securityGroup:SecurityGroup\\): ingress\n`),
    );
    assert.match(
      drift.out,
      /stray rule ingress tcp 22 from 0\.0\.0\.0\/0 \(no Phoenix resource declares it\)/,
    );
    assert.match(
      drift.out,
      new RegExp(`shop-prod-router: 1 drifted resource\n {4}- ${listener.name} .*: defaultActions\n`),
    );
    assert.match(drift.out, /shop-prod-blue \(live, release v1\): no drift\n/);

    const heal = await h.phoenix(["heal", ...TARGET, "--yes"]);
    assert.equal(heal.code, EXIT.ok, heal.err);
    assert.match(heal.out, /revoked 1 stray security group rule\(s\): ingress tcp 22 from 0\.0\.0\.0\/0/);
    assert.match(heal.out, /restored the recorded router weights \(blue 100 % \/ green 0 %\)/);
    assert.deepEqual(
      [h.weights(), h.releaseOf("blue")],
      [{ blue: 100, green: 0 }, "v1"],
      "no fleet was replaced",
    );
    const again = await h.phoenix(["drift", ...TARGET]);
    assert.equal(again.code, EXIT.ok, again.out);
  });
});
