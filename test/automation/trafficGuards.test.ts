// The traffic guards (docs/workflows.md): `up` never deploys over a colour with weight > 0; a swap step must
// change exactly one resource (the listener) and the router must report the weights it was given, or the
// step fails and the traffic goes back; a swap that finds the traffic split refuses before any change.
// The router is bent with an engine wrapper (the engine itself stays honest), or split by hand through the
// engine, as a console edit or a canary that recovery could not undo would leave it.
import assert from "assert";
import { SwapFailedError, WorkflowError } from "../../automation/errors";
import type { Engine, EngineStack } from "../../automation/seams";
import {
  AMI_1,
  AMI_2,
  APP,
  ENV,
  deployedOnce,
  harness,
  releaseOf,
  splitByHand,
  weights,
  type Harness,
} from "./harness";

const ROUTER = `${APP}-${ENV}-router`;

/** The engine with the router stack's `setAllConfig` and `up` bent by `bend`; every other stack as it is. */
function bentRouter(
  engine: Engine,
  bend: {
    config?: (config: Parameters<EngineStack["setAllConfig"]>[0]) => typeof config;
    up?: EngineStack["up"];
  },
): Engine {
  return {
    listStacks: () => engine.listStacks(),
    removeStack: (name) => engine.removeStack(name),
    createOrSelectStack: async (name, role) => {
      const stack = await engine.createOrSelectStack(name, role);
      if (name !== ROUTER) return stack;
      return {
        name: stack.name,
        setAllConfig: (config) => stack.setAllConfig(bend.config ? bend.config(config) : config),
        getAllConfig: () => stack.getAllConfig(),
        preview: (opts) => stack.preview(opts),
        up: (opts) => (bend.up ? bend.up.call(stack, opts) : stack.up(opts)),
        refresh: (opts) => stack.refresh(opts),
        destroy: (opts) => stack.destroy(opts),
        outputs: () => stack.outputs(),
      };
    },
  };
}

/** Config with both router weights at 0: a router that ignores the weights it is given. */
function weightsIgnored(config: Parameters<EngineStack["setAllConfig"]>[0]) {
  const keys = Object.keys(config).filter((key) => /(blue|green)Weight$/.test(key));
  assert.strictEqual(keys.length, 2, `the router's weight keys in ${Object.keys(config).join(", ")}`);
  return { ...config, ...Object.fromEntries(keys.map((key) => [key, { value: "0" }])) };
}

const changingCalls = (h: Harness) =>
  h.engine.calls.filter((c) => c.method === "up" || c.method === "destroy").length;

describe("traffic guards", () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(() => h.cleanup());

  it("up refuses to deploy when no colour is idle (traffic split 90/10), changing nothing", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await splitByHand(h, 90, 10);
    const before = changingCalls(h);
    await assert.rejects(h.deployment.up({ release: "v3", imageId: AMI_1 }), (error: unknown) => {
      assert.ok(error instanceof WorkflowError, String(error));
      assert.match(error.message, /The traffic is split \(blue 90 % \/ green 10 %\), so no colour is idle/);
      return true;
    });
    assert.strictEqual(changingCalls(h), before, "no engine call changed anything");
    assert.strictEqual(releaseOf(h.engine, "green"), "v2", "the colour with 10 % still holds its fleet");
    assert.deepStrictEqual(weights(h.engine), { blue: 90, green: 10 });
  });

  it("swap refuses to start from split traffic, before any change (docs/workflows.md)", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await splitByHand(h, 50, 50);
    const before = changingCalls(h);
    await assert.rejects(h.deployment.swap(), (error: unknown) => {
      assert.ok(error instanceof WorkflowError, String(error));
      assert.match(error.message, /The traffic is split \(blue 50 % \/ green 50 %\)/);
      return true;
    });
    assert.strictEqual(changingCalls(h), before);
    assert.deepStrictEqual(weights(h.engine), { blue: 50, green: 50 });
  });

  it("a swap step whose router update changed no resource fails and puts the traffic back", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    const deployment = h.another({
      engine: bentRouter(h.engine, {
        // The engine says it changed nothing (every resource `same`), though the outputs show the weights.
        async up(this: EngineStack, opts) {
          const result = await this.up(opts);
          const total = Object.values(result.summary.resourceChanges ?? {}).reduce((a, n) => a + (n ?? 0), 0);
          return { ...result, summary: { ...result.summary, resourceChanges: { same: total } } };
        },
      }),
    });
    await assert.rejects(deployment.swap({ steps: [10, 100] }), (error: unknown) => {
      assert.ok(error instanceof SwapFailedError, String(error));
      assert.match(error.message, /the router update changed 0 resources; a swap step must change exactly 1/);
      return true;
    });
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("a first swap (from 0/0) whose router stayed at 0/0 fails and leaves the router at 0/0", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    const deployment = h.another({ engine: bentRouter(h.engine, { config: weightsIgnored }) });
    await assert.rejects(deployment.swap(), (error: unknown) => {
      assert.ok(error instanceof SwapFailedError, String(error));
      assert.match(
        error.message,
        /the router stack reports weights \{"blue":0,"green":0\} after an update to blue 100 %/,
      );
      return true;
    });
    assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
    // Nothing is left open: the next workflow has nothing to recover, and an honest router swaps.
    await h.deployment.swap();
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });
});
