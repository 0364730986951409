// Route53 router mode through the workflows on the in-memory engine (the real programs under the mock runtime):
// bootstrap in route53 mode, two releases, swap steps that change the two weighted records and wait for the
// resolvers before verifying, rollback, and the mode fixed for the life of the app/env.
import { strict as assert } from "assert";
import { InvalidInputError } from "../../automation/errors";
import { RouterModeError } from "../../automation/routers/bootstrap";
import { DEFAULT_DNS_SETTLE_MS } from "../../automation/routers";
import { stackName } from "../../programs/contract";
import { AMI_1, AMI_2, APP, ENV, harness, weights, type Harness } from "./harness";

const ROUTE53 = { mode: "route53" as const, zoneId: "Z0123456789ABC", recordName: "shop.example.com" };
const RECORD = "aws:route53/record:Record";

/** The deployed weighted records, by set identifier. */
function records(h: Harness): Record<string, number> {
  const router = h.engine.inspect(stackName(APP, ENV, "router"));
  const found = (router?.resources ?? []).filter((r) => r.type === RECORD);
  return Object.fromEntries(
    found.map((r) => [
      String(r.inputs.setIdentifier),
      (r.inputs.weightedRoutingPolicies as Array<{ weight: number }>)[0].weight,
    ]),
  );
}

describe("route53 router mode (memory engine)", function () {
  this.timeout(120_000);
  let h: Harness;
  let sleeps: number[];

  beforeEach(() => {
    sleeps = [];
    h = harness({
      deployment: {
        sleep: async (ms, signal) => {
          signal?.throwIfAborted();
          sleeps.push(ms);
          h.clock.now += ms;
        },
      },
    });
  });
  afterEach(() => h.cleanup());

  it("bootstrap: a load balancer per colour in the network, health checks and no record while nothing is live", async () => {
    await h.deployment.bootstrap({ router: ROUTE53 });
    const network = h.engine.inspect(stackName(APP, ENV, "network"))!;
    assert.equal(network.resources.filter((r) => r.type === "aws:lb/loadBalancer:LoadBalancer").length, 2);
    assert.equal(network.outputs.routerMode, "route53");
    const router = h.engine.inspect(stackName(APP, ENV, "router"))!;
    assert.equal(router.resources.filter((r) => r.type === "aws:route53/healthCheck:HealthCheck").length, 2);
    assert.deepEqual(records(h), {});
    assert.equal(router.outputs.url, "http://shop.example.com/");
  });

  it("two releases: each swap step changes the two records and waits the DNS settle time before verifying; rollback puts v1 back", async () => {
    await h.deployment.bootstrap({ router: ROUTE53 });
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    const first = await h.deployment.swap();
    assert.deepEqual(
      first.steps.map((s) => s.changedResources),
      [2],
      "0/0 → 100/0 creates the two records",
    );
    assert.deepEqual(records(h), { blue: 100, green: 0 });

    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    sleeps = [];
    const swap = await h.deployment.swap({ steps: [10, 50, 100], verify: { dnsSettleMs: 90_000 } });
    assert.deepEqual(
      swap.steps.map((s) => [s.weight, s.changedResources]),
      [
        [10, 2],
        [50, 2],
        [100, 2],
      ],
    );
    for (const step of swap.steps)
      assert.ok(step.durationMs >= 90_000, `step ${step.weight}: ${step.durationMs} ms`);
    assert.deepEqual(
      sleeps.filter((ms) => ms === 90_000).length,
      3,
      "one DNS settle wait per step, before its verification",
    );
    assert.deepEqual(records(h), { blue: 0, green: 100 });
    assert.deepEqual(weights(h.engine), { blue: 0, green: 100 });

    const rollback = await h.deployment.rollback();
    assert.equal(rollback.to, "blue");
    assert.equal(rollback.release, "v1");
    assert.deepEqual(records(h), { blue: 100, green: 0 });
    assert.deepEqual(h.violations, []);
  });

  it("the settle wait defaults to 60 s and a longer verify.settleMs wins", async () => {
    await h.deployment.bootstrap({ router: ROUTE53 });
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
    assert.ok(sleeps.includes(DEFAULT_DNS_SETTLE_MS), `sleeps: ${sleeps.join(", ")}`);
    assert.equal(DEFAULT_DNS_SETTLE_MS, 60_000);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    sleeps = [];
    await h.deployment.swap({ verify: { settleMs: 120_000 } });
    assert.ok(sleeps.includes(120_000) && !sleeps.includes(60_000), `sleeps: ${sleeps.join(", ")}`);
  });

  it("an unhealthy new colour after the settle wait puts both records back", async () => {
    await h.deployment.bootstrap({ router: ROUTE53 });
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    // Healthy at the traffic guard, unhealthy at the verification after the wait.
    let polls = 0;
    h.probe.failWhen((method) => {
      if (method !== "targetGroupHealth") return undefined;
      polls++;
      if (polls > 1) h.probe.setHealthy(APP, ENV, "green", false);
      return undefined;
    });
    sleeps = [];
    await assert.rejects(h.deployment.swap({ steps: [50, 100] }), /Swap failed at step 1 \(50 %\)/);
    assert.ok(sleeps.includes(DEFAULT_DNS_SETTLE_MS), "it verified after the settle wait");
    assert.deepEqual(records(h), { blue: 100, green: 0 });
  });

  it("drift finds a record changed by hand and heal puts its recorded weight back", async () => {
    await h.deployment.bootstrap({ router: ROUTE53 });
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
    h.engine.simulateDrift(stackName(APP, ENV, "router"), "shop-prod-green", {
      weightedRoutingPolicies: [{ weight: 40 }],
    });
    const drift = await h.deployment.drift();
    assert.match(JSON.stringify(drift), /shop-prod-green/);
    const healed = await h.deployment.heal();
    assert.deepEqual(healed.routerRestored, { blue: 100, green: 0 });
    assert.doesNotMatch(JSON.stringify(await h.deployment.drift()), /shop-prod-green/, "no drift left");
  });

  for (const strategy of ["blue-green", "canary", "rolling", "recreate"] as const) {
    it(`release --strategy ${strategy} ends with v2 live on both records and nothing unsafe on the way`, async () => {
      await h.deployment.bootstrap({ router: ROUTE53 });
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
      await h.deployment.swap();
      const result = await h.deployment.release({
        strategy,
        release: "v2",
        imageId: AMI_2,
        ...(strategy === "rolling" ? { batch: "50%" as const } : {}),
        ...(strategy === "recreate" ? { acceptDowntime: true } : {}),
      });
      assert.equal(result.release, "v2");
      const live = result.to;
      assert.deepEqual(records(h), live === "blue" ? { blue: 100, green: 0 } : { blue: 0, green: 100 });
      assert.deepEqual(h.violations, []);
    });
  }

  it("the mode is fixed: bootstrap in the other mode is refused before any change, naming both modes", async () => {
    await h.deployment.bootstrap({ router: ROUTE53 });
    const before = JSON.stringify(h.engine.inspect(stackName(APP, ENV, "network")));
    const error = await h.deployment.bootstrap({ router: { mode: "alb" } }).catch((e: unknown) => e);
    assert.ok(error instanceof RouterModeError, String(error));
    assert.ok(error instanceof InvalidInputError);
    assert.match(
      error.message,
      /`router.mode` \(alb\) differs from the mode shop-prod-network was bootstrapped with \(route53\)/,
    );
    assert.equal(JSON.stringify(h.engine.inspect(stackName(APP, ENV, "network"))), before);
    // No mode given: the deployed one stands, nothing changes.
    assert.deepEqual(await h.deployment.bootstrap(), { created: [], existing: ["network", "router"] });
  });

  it("refuses route53 without a zone, with stickiness, or a zone in alb mode, before any engine call", async () => {
    const error = await h.deployment
      .bootstrap({ router: { mode: "route53", recordName: "shop.example.com", stickinessSeconds: 60 } })
      .catch((e: unknown) => e);
    assert.ok(error instanceof InvalidInputError);
    assert.match(error.message, /`router.zoneId` is required with router.mode route53/);
    assert.match(error.message, /`router.stickinessSeconds` \(60\) cannot be used with route53/);
    const alb = await h.deployment.bootstrap({ router: { zoneId: "Z1" } }).catch((e: unknown) => e);
    assert.match(String(alb), /`router.zoneId` \("Z1"\) needs router.mode route53/);
    assert.deepEqual(await h.engine.listStacks(), []);
  });
});
