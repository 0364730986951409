// The integration suite's cloudless programs, run here under the mock runtime so that they are checked
// on every machine (the suite itself needs a `pulumi` CLI): config is read, what each real role program
// registers (as MemoryEngine runs it) becomes components, sibling outputs come through the reader engine,
// and the listener's dynamic provider serializes (the SDK serializes it when the resource is constructed).
import * as assert from "assert";
import { FAKE_PROGRAMS } from "../../automation/memory/fakePrograms";
import type { Engine, EngineStack } from "../../automation/seams";
import { withMocks } from "../helpers/mocks";

const NETWORK_OUTPUTS = {
  albArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/itest-dev/0123456789abcdef",
  albDnsName: "itest-dev-abc123.us-east-1.elb.amazonaws.com",
  blueTargetGroupArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/itest-dev-blue/0000000000000001",
  greenTargetGroupArn:
    "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/itest-dev-green/0000000000000002",
};

/** A reader engine holding one network stack; counts the stacks it was asked for. */
function readerWithNetwork(): { engine: Engine; selected: string[] } {
  const selected: string[] = [];
  const engine: Engine = {
    listStacks: async () => ["itest-dev-network"],
    createOrSelectStack: async (name) => {
      selected.push(name);
      const outputs = Object.fromEntries(
        Object.entries(NETWORK_OUTPUTS).map(([key, value]) => [key, { value, secret: false }]),
      );
      return { name, outputs: async () => outputs } as unknown as EngineStack;
    },
    removeStack: async () => undefined,
  };
  return { engine, selected };
}

describe("integration support: cloudless programs (under the mock runtime)", () => {
  it("the network program registers the real program's resources as components and returns its outputs", async () => {
    const mocks = await withMocks({
      stack: "itest-dev-network",
      config: { "phoenix:role": "network", "phoenix:app": "itest", "phoenix:env": "dev" },
    });
    const { cloudlessPrograms } = await import("./support");
    const { engine, selected } = readerWithNetwork();
    const outputs = await mocks.run(cloudlessPrograms(() => engine).network);
    assert.match(String(outputs.vpcId), /^vpc-[0-9a-f]{17}$/);
    assert.match(String(outputs.greenTargetGroupArn), /:targetgroup\/itest-dev-green-/);
    assert.strictEqual(mocks.ofType("phoenixtest:aws:Network").length, 1);
    assert.strictEqual(mocks.ofType("phoenixtest:lb/targetGroup:TargetGroup").length, 2);
    const real = FAKE_PROGRAMS.network({
      stack: "itest-dev-network",
      config: { role: "network", app: "itest", env: "dev" },
      stackOutputs: () => undefined,
    });
    assert.deepStrictEqual(outputs, real.outputs);
    const registered = mocks.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
    assert.deepStrictEqual(
      registered.map((r) => r.name),
      real.resources.map((r) => r.name),
    );
    assert.deepStrictEqual(selected, [], "the network role reads no sibling");
  });

  it("the router program reads the network outputs and makes the listener a dynamic resource with the weights", async () => {
    const mocks = await withMocks({
      stack: "itest-dev-router",
      config: {
        "phoenix:role": "router",
        "phoenix:app": "itest",
        "phoenix:env": "dev",
        "phoenix:blueWeight": "10",
        "phoenix:greenWeight": "90",
      },
    });
    const { cloudlessPrograms } = await import("./support");
    const { engine, selected } = readerWithNetwork();
    const outputs = await mocks.run(cloudlessPrograms(() => engine).router);
    assert.deepStrictEqual(outputs.weights, { blue: 10, green: 90 });
    assert.deepStrictEqual(selected, ["itest-dev-network"]);
    const listener = mocks.one("pulumi-nodejs:dynamic:Resource");
    assert.strictEqual(listener.name, "itest-dev-listener");
    const forward = (
      listener.inputs.defaultActions as { forward: { targetGroups: { weight: number }[] } }[]
    )[0];
    assert.deepStrictEqual(
      forward.forward.targetGroups.map((group) => group.weight),
      [10, 90],
    );
    assert.match(
      String(listener.inputs.__provider),
      /cloudless-/,
      "the provider (its create) was serialized",
    );
  });
});
