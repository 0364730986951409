// The route53 router through the `phoenix` command: bootstrap --router route53, a canary swap whose steps
// change two records and wait --dns-settle, rollback, and the refusals (bad flags, another mode later).
import { strict as assert } from "assert";
import { EXIT } from "../../../cli/exitCodes";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness } from "./harness";

const ROUTE53 = ["--router", "route53", "--zone-id", "Z0123456789ABC", "--record-name", "shop.example.com"];

describe("phoenix with the route53 router", function () {
  this.timeout(120_000);
  let h: CliHarness;
  beforeEach(() => (h = cliHarness()));
  afterEach(() => h.cleanup());

  it("bootstrap, two releases, a canary swap of two records per step, rollback", async () => {
    const bootstrap = await h.phoenix(["bootstrap", ...TARGET, ...ROUTE53]);
    assert.equal(bootstrap.code, EXIT.ok, bootstrap.err);
    assert.equal((await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1])).code, EXIT.ok);
    assert.equal((await h.phoenix(["swap", ...TARGET, "--yes"])).code, EXIT.ok);
    assert.equal((await h.phoenix(["up", ...TARGET, "--release", "v2", "--image-id", AMI_2])).code, EXIT.ok);
    const swap = await h.phoenix([
      "swap",
      ...TARGET,
      "--steps",
      "10,100",
      "--dns-settle",
      "2m",
      "--yes",
      "--json",
    ]);
    assert.equal(swap.code, EXIT.ok, swap.err);
    const { result } = JSON.parse(swap.out) as {
      result: { steps: Array<{ weight: number; changedResources: number; durationMs: number }> };
    };
    assert.deepEqual(
      result.steps.map((s) => [s.weight, s.changedResources]),
      [
        [10, 2],
        [100, 2],
      ],
    );
    assert.ok(
      result.steps.every((s) => s.durationMs >= 120_000),
      JSON.stringify(result.steps),
    );
    assert.deepEqual(h.weights(), { blue: 0, green: 100 });
    const status = await h.phoenix(["status", ...TARGET]);
    assert.equal(status.code, EXIT.ok, status.err);
    assert.match(status.out, /clients ──▶ Route 53 shop\.example\.com/);
    assert.match(status.out, /100% ──▶ green {2}ALB of green/);
    assert.doesNotMatch(status.out, /listener/);
    const rollback = await h.phoenix(["rollback", ...TARGET, "--yes"]);
    assert.equal(rollback.code, EXIT.ok, rollback.err);
    assert.deepEqual(h.weights(), { blue: 100, green: 0 });
  });

  it("refuses bad router flags with exit 2, naming each, before any stack exists", async () => {
    const run = await h.phoenix([
      "bootstrap",
      ...TARGET,
      "--router",
      "route53",
      "--zone-id",
      "zone1",
      "--stickiness",
      "1h",
    ]);
    assert.equal(run.code, EXIT.badInput);
    assert.match(run.err, /`--zone-id` \("zone1"\) must be a Route 53 hosted zone id/);
    assert.match(run.err, /`--record-name` is required with --router route53/);
    assert.match(run.err, /`--stickiness` \(3600\) cannot be used with route53/);
    assert.equal(h.ups("shop-prod-network"), 0);
  });

  it("another mode on an existing app/env is refused (exit 2) and changes nothing", async () => {
    assert.equal((await h.phoenix(["bootstrap", ...TARGET, ...ROUTE53])).code, EXIT.ok);
    const ups = h.ups("shop-prod-network");
    const again = await h.phoenix(["bootstrap", ...TARGET, "--router", "alb"]);
    assert.equal(again.code, EXIT.badInput);
    assert.match(again.err, /differs from the mode shop-prod-network was bootstrapped with \(route53\)/);
    assert.equal(h.ups("shop-prod-network"), ups);
  });
});
