// Reading an app/env's state from its stacks on the in-memory engine: which stacks exist (the AMI stack
// included), a stack that exists but has no outputs (created, never deployed, or destroyed) counts as no router
// or no fleet, reading creates no stack, and the user data in a fleet's config is a secret.
import assert from "assert";
import { AppStacks } from "../../automation/deploymentState";
import { MemoryEngine } from "../../automation/memoryEngine";

describe("the deployment state, read from the stacks", () => {
  it("before bootstrap: no stack, no router, 0/0, no fleet, and reading creates no stack", async () => {
    const engine = new MemoryEngine();
    const state = await new AppStacks(engine, "shop", "prod").read();
    assert.deepStrictEqual([...state.existing], []);
    assert.strictEqual(state.router, undefined);
    assert.deepStrictEqual(state.weights, { blue: 0, green: 0 });
    assert.deepStrictEqual(state.fleets, {});
    assert.deepStrictEqual(engine.stackNames(), []);
  });

  it("stacks that exist without outputs are no router and no fleet; the AMI stack is listed", async () => {
    const engine = new MemoryEngine();
    await engine.createOrSelectStack("shop-prod-router", "router");
    await engine.createOrSelectStack("shop-prod-blue", "fleet");
    await engine.createOrSelectStack("shop-prod-ami", "golden-ami");
    await engine.createOrSelectStack("shop-test-green", "fleet");
    const state = await new AppStacks(engine, "shop", "prod").read();
    assert.deepStrictEqual([...state.existing].sort(), ["ami", "blue", "router"]);
    assert.strictEqual(state.router, undefined);
    assert.deepStrictEqual(state.weights, { blue: 0, green: 0 });
    assert.deepStrictEqual(state.fleets, {});
    assert.deepStrictEqual(engine.stackNames(), [
      "shop-prod-ami",
      "shop-prod-blue",
      "shop-prod-router",
      "shop-test-green",
    ]);
  });

  it("the config of a part: phoenix keys, user data secret, undefined values left out", () => {
    const stacks = new AppStacks(new MemoryEngine(), "shop", "prod");
    assert.deepStrictEqual(
      stacks.config("blue", { release: "v1", userData: "#!/bin/sh", imageId: undefined }),
      {
        "phoenix:role": { value: "fleet" },
        "phoenix:app": { value: "shop" },
        "phoenix:env": { value: "prod" },
        "phoenix:release": { value: "v1" },
        "phoenix:userData": { value: "#!/bin/sh", secret: true },
      },
    );
  });
});
