// BlueGreenRouter: validation (table-driven), the listener's inputs, and "a swap changes one resource".
import { strict as assert } from "assert";
import { withMocks, outputOf, type RecordedResource } from "../helpers/mocks";
import type { BlueGreenRouterArgs } from "../../components/blueGreenRouter";
import {
  DEFAULT_SSL_POLICY,
  listenerDefaultAction,
  NO_RELEASE_RESPONSE,
  resolveRouterSettings,
  weightedForwardAction,
} from "../../components/routerSettings";
import { ComponentArgsError } from "../../components/validation";

const LISTENER = "aws:lb/listener:Listener";
const ALB = "arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/demo/1";
const BLUE = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-blue/1";
const GREEN = "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/demo-green/2";

function happyPathArgs(): BlueGreenRouterArgs {
  return {
    loadBalancerArn: ALB,
    targetGroupArns: { blue: BLUE, green: GREEN },
    weights: { blue: 100, green: 0 },
  };
}

function problemsOf(args: BlueGreenRouterArgs): string[] {
  try {
    resolveRouterSettings("demo", args);
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError);
    return [...e.problems];
  }
  return [];
}

describe("resolveRouterSettings", () => {
  it("HTTP on 80 by default, HTTPS on 443 with a certificate and a TLS 1.3 policy", () => {
    assert.deepEqual(resolveRouterSettings("demo", happyPathArgs()), {
      weights: { blue: 100, green: 0 },
      port: 80,
      protocol: "HTTP",
      sslPolicy: undefined,
      stickinessSeconds: 0,
    });
    const https = resolveRouterSettings("demo", { ...happyPathArgs(), certificateArn: "arn:aws:acm:cert" });
    assert.equal(https.port, 443);
    assert.equal(https.protocol, "HTTPS");
    assert.equal(https.sslPolicy, DEFAULT_SSL_POLICY);
  });

  const invalid: [string, Partial<BlueGreenRouterArgs>, RegExp][] = [
    [
      "weights that do not sum to 100",
      { weights: { blue: 60, green: 60 } },
      /`weights` \(blue 60 \+ green 60 = 120\) must sum to 100, or both be 0 while no release is live/,
    ],
    [
      "one weight 0 and the other short of 100",
      { weights: { blue: 0, green: 40 } },
      /`weights` \(blue 0 \+ green 40 = 40\) must sum to 100, or both be 0/,
    ],
    [
      "weights below 100 that are not both 0",
      { weights: { blue: 10, green: 0 } },
      /`weights` \(blue 10 \+ green 0 = 10\) must sum to 100, or both be 0/,
    ],
    [
      "a negative weight",
      { weights: { blue: -10, green: 100 } },
      /`weights.blue` \(-10\) must be an integer from 0 to 100/,
    ],
    [
      "a fractional weight",
      { weights: { blue: 50.5, green: 50 } },
      /`weights.blue` \(50.5\) must be an integer/,
    ],
    [
      "a missing weight",
      { weights: { blue: 100 } as BlueGreenRouterArgs["weights"] },
      /`weights.green` is required/,
    ],
    [
      "no green target group",
      { targetGroupArns: { blue: BLUE, green: "" } },
      /`targetGroupArns.green` is required/,
    ],
    ["no load balancer", { loadBalancerArn: "" }, /`loadBalancerArn` is required/],
    ["a port out of range", { port: 70000 }, /`port` \(70000\) must be an integer from 1 to 65535/],
    ["443 without a certificate", { port: 443 }, /`port` \(443\) needs `certificateArn`/],
    [
      "a TLS policy without a certificate",
      { sslPolicy: "ELBSecurityPolicy-2016-08" },
      /`sslPolicy` \("ELBSecurityPolicy-2016-08"\) applies only to HTTPS/,
    ],
    [
      "stickiness over 7 days",
      { stickinessSeconds: 604801 },
      /`stickinessSeconds` \(604801\) must be an integer from 0 to 604800/,
    ],
  ];
  for (const [title, change, message] of invalid) {
    it(`rejects ${title}`, () => {
      const problems = problemsOf({ ...happyPathArgs(), ...change });
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0], message);
    });
  }

  it("accepts weights 0/0: no release is live yet", () => {
    assert.deepEqual(
      resolveRouterSettings("demo", { ...happyPathArgs(), weights: { blue: 0, green: 0 } }).weights,
      {
        blue: 0,
        green: 0,
      },
    );
  });

  it("listenerDefaultAction: a fixed 503 at 0/0 (stickiness or not), a weighted forward otherwise", () => {
    const fixed = {
      type: "fixed-response",
      fixedResponse: { contentType: "text/plain", messageBody: "no release is live yet", statusCode: "503" },
    };
    assert.deepEqual(listenerDefaultAction({ blue: "b", green: "g" }, { blue: 0, green: 0 }, 0), fixed);
    assert.deepEqual(listenerDefaultAction({ blue: "b", green: "g" }, { blue: 0, green: 0 }, 3600), fixed);
    assert.deepEqual(
      listenerDefaultAction({ blue: "b", green: "g" }, { blue: 0, green: 100 }, 0),
      weightedForwardAction({ blue: "b", green: "g" }, { blue: 0, green: 100 }, 0),
    );
    assert.equal(NO_RELEASE_RESPONSE.statusCode, "503");
  });

  it("weightedForwardAction: sticky only when asked", () => {
    const plain = weightedForwardAction({ blue: "b", green: "g" }, { blue: 90, green: 10 }, 0);
    assert.deepEqual(plain, {
      type: "forward",
      forward: {
        targetGroups: [
          { arn: "b", weight: 90 },
          { arn: "g", weight: 10 },
        ],
      },
    });
    const sticky = weightedForwardAction({ blue: "b", green: "g" }, { blue: 90, green: 10 }, 3600);
    assert.deepEqual(sticky.forward.stickiness, { enabled: true, duration: 3600 });
  });
});

describe("BlueGreenRouter", () => {
  async function plan(args: BlueGreenRouterArgs) {
    const mocks = await withMocks();
    const { BlueGreenRouter } = await import("../../components/blueGreenRouter");
    let router: InstanceType<typeof BlueGreenRouter> | undefined;
    await mocks.run(async () => {
      router = new BlueGreenRouter("demo", args);
      return { listenerArn: router.listenerArn };
    });
    return { mocks, router: router! };
  }
  const children = (resources: RecordedResource[]) =>
    resources.filter((r) => r.type !== "pulumi:pulumi:Stack");

  /**
   * Plan the router at `from`, then at `to`: asserts the same children were planned and exactly one of them
   * changed, and returns it (as planned at `to`) with the input keys that changed.
   */
  async function onlyChange(from: BlueGreenRouterArgs["weights"], to: BlueGreenRouterArgs["weights"]) {
    const before = children((await plan({ ...happyPathArgs(), weights: from })).mocks.resources);
    const after = children((await plan({ ...happyPathArgs(), weights: to })).mocks.resources);
    assert.deepEqual(
      after.map((r) => r.urn),
      before.map((r) => r.urn),
    );
    const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
    const changed = after.filter((r, i) => !same(r.inputs, before[i].inputs));
    assert.equal(changed.length, 1, `changed: ${changed.map((r) => r.urn).join(", ")}`);
    const old = before[after.indexOf(changed[0])].inputs;
    const changedKeys = Object.keys(changed[0].inputs).filter((k) => !same(changed[0].inputs[k], old[k]));
    return { listener: changed[0], changedKeys };
  }

  it("creates one listener that forwards to both colours by weight", async () => {
    const { mocks, router } = await plan({ ...happyPathArgs(), weights: { blue: 90, green: 10 } });
    assert.equal(mocks.resources.filter((r) => r.type.startsWith("aws:")).length, 1);
    const listener = mocks.one(LISTENER);
    assert.equal(listener.name, "demo-listener");
    assert.equal(listener.inputs.loadBalancerArn, ALB);
    assert.equal(listener.inputs.port, 80);
    assert.equal(listener.inputs.protocol, "HTTP");
    assert.equal("certificateArn" in listener.inputs, false);
    assert.deepEqual(listener.inputs.defaultActions, [
      {
        type: "forward",
        forward: {
          targetGroups: [
            { arn: BLUE, weight: 90 },
            { arn: GREEN, weight: 10 },
          ],
        },
      },
    ]);
    assert.deepEqual(router.weights, { blue: 90, green: 10 });
    assert.match(
      await outputOf(router.listenerArn),
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:listener\//,
    );
  });

  it("HTTPS with a certificate, a TLS policy and stickiness", async () => {
    const { mocks } = await plan({
      ...happyPathArgs(),
      certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/1",
      stickinessSeconds: 300,
    });
    const listener = mocks.one(LISTENER).inputs;
    assert.equal(listener.port, 443);
    assert.equal(listener.protocol, "HTTPS");
    assert.equal(listener.certificateArn, "arn:aws:acm:us-east-1:123456789012:certificate/1");
    assert.equal(listener.sslPolicy, DEFAULT_SSL_POLICY);
    const action = (listener.defaultActions as { forward: { stickiness: unknown } }[])[0];
    assert.deepEqual(action.forward.stickiness, { enabled: true, duration: 300 });
  });

  it("a swap changes exactly one resource: the same children, only the listener's inputs differ", async () => {
    const { listener, changedKeys } = await onlyChange({ blue: 100, green: 0 }, { blue: 50, green: 50 });
    assert.equal(listener.type, LISTENER);
    assert.deepEqual(changedKeys, ["defaultActions"]);
  });

  it("at 0/0 the one listener answers 503 itself and forwards to no target group", async () => {
    const { mocks, router } = await plan({
      ...happyPathArgs(),
      weights: { blue: 0, green: 0 },
      stickinessSeconds: 300,
    });
    assert.equal(mocks.resources.filter((r) => r.type.startsWith("aws:")).length, 1);
    const listener = mocks.one(LISTENER);
    assert.equal(listener.name, "demo-listener");
    assert.equal(listener.inputs.loadBalancerArn, ALB);
    assert.deepEqual(listener.inputs.defaultActions, [
      {
        type: "fixed-response",
        fixedResponse: {
          contentType: "text/plain",
          messageBody: "no release is live yet",
          statusCode: "503",
        },
      },
    ]);
    assert.equal(JSON.stringify(listener.inputs).includes(BLUE), false, "no target group is referenced");
    assert.deepEqual(router.weights, { blue: 0, green: 0 });
  });

  it("the first release (0/0 → 100/0) changes only the listener's default action", async () => {
    const { listener, changedKeys } = await onlyChange({ blue: 0, green: 0 }, { blue: 100, green: 0 });
    assert.equal(listener.type, LISTENER);
    assert.deepEqual(changedKeys, ["defaultActions"]);
    assert.equal((listener.inputs.defaultActions as { type: string }[])[0].type, "forward");
  });

  it("fails before creating the listener when the weights are invalid", async () => {
    const mocks = await withMocks();
    const { BlueGreenRouter } = await import("../../components/blueGreenRouter");
    // In one program with a valid router: once the run has registered that one's listener, one the invalid
    // router had started would be registered too (no wall-clock wait).
    await mocks.run(async () => {
      assert.throws(
        () => new BlueGreenRouter("demo", { ...happyPathArgs(), weights: { blue: 70, green: 70 } }),
        /must sum to 100/,
      );
      return { listener: new BlueGreenRouter("control", happyPathArgs()).listenerArn };
    });
    assert.deepEqual(
      mocks.ofType(LISTENER).map((r) => r.name),
      ["control-listener"],
    );
  });
});
