// The "no release live yet" state: bootstrap leaves the router at 0/0 (its listener answers 503), and every
// workflow knows what to do before the first swap. No weight ever points at a colour without a stack.
import assert from "assert";
import {
  ColourMissingError,
  NothingLiveError,
  NothingToRollBackError,
  SwapFailedError,
} from "../../automation/errors";
import { AMI_1, AMI_2, APP, ENV, harness, releaseOf, weights, type Harness } from "./harness";

const routerUps = (h: Harness) =>
  h.engine.calls.filter((c) => c.method === "up" && c.stack === "shop-prod-router").length;

/** The listener's default action types, as the router stack holds them. */
function listenerActions(h: Harness): string[] {
  const listeners = h.engine
    .inspect("shop-prod-router")!
    .resources.filter((r) => r.type === "aws:lb/listener:Listener");
  assert.strictEqual(listeners.length, 1, "the router is exactly one listener");
  return (listeners[0].inputs.defaultActions as { type: string }[]).map((a) => a.type);
}

describe("no release live yet (router at 0/0)", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await h.deployment.bootstrap();
  });
  afterEach(() => h.cleanup());

  it("bootstrap leaves the router at 0/0 answering 503, and status says no colour is live", async () => {
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.deepStrictEqual(listenerActions(h), ["fixed-response"]);
    const status = await h.deployment.status();
    assert.deepStrictEqual(
      [status.bootstrapped, status.nothingLive, status.live, status.weights],
      [true, true, undefined, { blue: 0, green: 0 }],
    );
    assert.deepStrictEqual(
      [status.colours.blue.exists, status.colours.green.exists, status.colours.blue.weight],
      [false, false, 0],
    );
  });

  it("up deploys to blue when both colours are idle, then to the colour without a stack; traffic stays at 0/0", async () => {
    assert.strictEqual((await h.deployment.up({ release: "v1", imageId: AMI_1 })).colour, "blue");
    assert.strictEqual((await h.deployment.up({ release: "v2", imageId: AMI_2 })).colour, "green");
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.strictEqual(routerUps(h), 1, "only bootstrap touched the router");
    const again = await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: 3 });
    assert.deepStrictEqual([again.colour, again.changes], ["blue", { same: 6, update: 1 }]);
  });

  it("the first swap goes straight to 100 % after the health check, skipping canary steps, in one listener update", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    const before = routerUps(h);
    h.events.length = 0;
    const result = await h.deployment.swap({ steps: [10, 50, 100] });
    assert.deepStrictEqual(result, {
      from: undefined,
      to: "blue",
      release: "v1",
      steps: [{ weight: 100, changedResources: 1, durationMs: 0 }],
      skippedSteps: [10, 50],
    });
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    assert.deepStrictEqual(listenerActions(h), ["forward"]);
    assert.strictEqual(routerUps(h) - before, 1);
    const steps = h.events.filter((e) => e.kind === "step-start");
    assert.deepStrictEqual(
      steps.map((e) => e.kind === "step-start" && e.step),
      ["read-state", "check-health:100", "route:100", "verify:100"],
    );
    const route = steps.find((e) => e.kind === "step-start" && e.step === "route:100");
    assert.match(
      (route?.kind === "step-start" && route.detail) || "",
      /^blue 100 % \/ green 0 %; no release was live: straight to 100 %, steps 10, 50 % skipped$/,
    );
    // The first live release retires nothing: there is no rollback target.
    const status = await h.deployment.status();
    assert.deepStrictEqual([status.live, status.nothingLive], ["blue", false]);
    assert.strictEqual(status.colours.green.rollbackTargetUntil, undefined);
    await assert.rejects(h.deployment.rollback(), /green stack holds no fleet/);
  });

  it("a failed first swap puts the router back at 0/0, where it was", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    h.probe.setAlarm("shop-5xx", true);
    await assert.rejects(
      h.deployment.swap({ steps: [10, 100], verify: { alarmNames: ["shop-5xx"] } }),
      (error: Error) => {
        assert.ok(error instanceof SwapFailedError);
        assert.deepStrictEqual([error.step, error.weight, error.restoredTo], [1, 100, "none"]);
        assert.match(error.message, /The router is back at 0\/0: no colour serves, as before the swap/);
        return true;
      },
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    assert.deepStrictEqual(listenerActions(h), ["fixed-response"]);
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1", "the fleet stays for the next try");
  });

  it("never routes to an unhealthy colour: the first swap refuses before touching the router", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    h.probe.setHealthy(APP, ENV, "blue", false);
    const before = routerUps(h);
    await assert.rejects(
      h.deployment.swap(),
      (error: Error) => error instanceof SwapFailedError && error.restoredTo === undefined,
    );
    assert.strictEqual(routerUps(h), before);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
  });

  it("swap with no fleet anywhere names the colour to deploy", async () => {
    await assert.rejects(
      h.deployment.swap(),
      (error: Error) =>
        error instanceof ColourMissingError &&
        /blue colour has no fleet, so there is nothing to swap/.test(error.message),
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
  });

  it("with both colours deployed, the first swap puts the one deployed last live", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const result = await h.deployment.swap();
    assert.deepStrictEqual([result.from, result.to, result.release], [undefined, "green", "v2"]);
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 100 });
  });

  it("rollback with nothing live is a clear NothingToRollBackError", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await assert.rejects(
      h.deployment.rollback(),
      (error: Error) =>
        error instanceof NothingToRollBackError &&
        /No release has gone live yet \(the router is at 0\/0\)/.test(error.message),
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
  });

  it("destroy of the only fleet is allowed while nothing is live (no traffic, no rollback target)", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    assert.deepStrictEqual(await h.deployment.destroy({ colour: "blue" }), {
      colour: "blue",
      destroyed: true,
      release: "v1",
    });
    assert.ok(!h.engine.stackNames().includes("shop-prod-blue"));
    assert.deepStrictEqual(h.violations, []);
  });

  it("drift and heal need a live colour", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await assert.rejects(h.deployment.drift(), NothingLiveError);
    await assert.rejects(
      h.deployment.heal(),
      /No release is live yet \(the router is at 0\/0 and answers 503\)/,
    );
  });
});
