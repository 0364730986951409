// Route53 mode of the network and router programs under Pulumi's mock runtime: one load balancer per colour,
// two weighted alias records with health checks, and the router mode fixed for the life of the app/env.
import { strict as assert } from "assert";
import type { Program } from "../../programs";
import { parseNetworkConfig, parseRouterConfig, ConfigError } from "../../programs/config";
import { withMocks } from "../helpers/mocks";

const common = { "phoenix:app": "shop", "phoenix:env": "prod" };
const ZONE = "Z0123456789ABCDEFGHIJ";
const lb = (colour: string) => ({
  arn: `arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/app/shop-prod-alb-${colour}/1`,
  dnsName: `shop-prod-alb-${colour}-1.us-east-1.elb.amazonaws.com`,
  zoneId: "Z35SXDOTRQ7X7K",
});
const route53Network = {
  vpcId: "vpc-0a1b2c3d4e5f60718",
  albArn: lb("blue").arn,
  albDnsName: lb("blue").dnsName,
  blueTargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-blue/1",
  greenTargetGroupArn: "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-green/2",
  routerMode: "route53",
  colourLoadBalancers: { blue: lb("blue"), green: lb("green") },
  listenerPort: 80,
  listenerProtocol: "HTTP",
  healthCheckPath: "/ready",
};
const route53Router = {
  "phoenix:role": "router",
  "phoenix:router": "route53",
  "phoenix:zoneId": ZONE,
  "phoenix:recordName": "shop.example.com",
};

async function run(config: Record<string, unknown>, stacks: Record<string, Record<string, unknown>> = {}) {
  const mocks = await withMocks({ stack: "under-test", config: { ...common, ...config }, stacks });
  const { runConfiguredRole } = await import("../../programs");
  const outputs = await mocks.run(runConfiguredRole as Program);
  return { mocks, outputs };
}

async function failure(config: Record<string, unknown>, stacks: Record<string, Record<string, unknown>>) {
  try {
    await run(config, stacks);
  } catch (e) {
    return e as Error;
  }
  assert.fail("expected the program to fail");
}

const RECORD = "aws:route53/record:Record";
const HEALTH = "aws:route53/healthCheck:HealthCheck";
const LB = "aws:lb/loadBalancer:LoadBalancer";
const LISTENER = "aws:lb/listener:Listener";

describe("programs in route53 mode", function () {
  this.timeout(120_000);

  it("network: one load balancer per colour, each with a listener forwarding to its colour's target group", async () => {
    const { mocks, outputs } = await run({ "phoenix:role": "network", "phoenix:router": "route53" });
    const balancers = mocks.ofType(LB);
    assert.deepEqual(
      balancers.map((b) => b.inputs.name),
      ["shop-prod-alb-blue", "shop-prod-alb-green"],
    );
    const listeners = mocks.ofType(LISTENER);
    assert.equal(listeners.length, 2);
    const groups = mocks.ofType("aws:lb/targetGroup:TargetGroup");
    for (const [i, colour] of ["blue", "green"].entries()) {
      const listener = listeners.find((l) => l.name === `shop-prod-${colour}-listener`)!;
      assert.equal(listener.inputs.port, 80);
      assert.equal(listener.inputs.protocol, "HTTP");
      const actions = listener.inputs.defaultActions as Array<{ type: string; targetGroupArn: string }>;
      assert.equal(actions.length, 1);
      assert.equal(actions[0].type, "forward");
      assert.equal(actions[0].targetGroupArn, outputs[`${colour}TargetGroupArn`]);
      assert.ok(groups[i].name.endsWith(colour));
    }
    assert.equal(outputs.routerMode, "route53");
    const colours = outputs.colourLoadBalancers as Record<
      string,
      { arn: string; dnsName: string; zoneId: string }
    >;
    assert.notEqual(colours.blue.dnsName, colours.green.dnsName);
    assert.equal(colours.blue.zoneId, "Z35SXDOTRQ7X7K");
    assert.equal(outputs.albArn, colours.blue.arn);
    assert.equal(outputs.listenerProtocol, "HTTP");
    assert.equal(outputs.healthCheckPath, "/health");
  });

  it("network: alb mode (the default) keeps one load balancer and no listener, and no route53 outputs", async () => {
    const { mocks, outputs } = await run({ "phoenix:role": "network" });
    assert.equal(mocks.ofType(LB).length, 1);
    assert.equal(mocks.one(LB).inputs.name, "shop-prod-alb");
    assert.equal(mocks.ofType(LISTENER).length, 0);
    assert.equal(outputs.routerMode, undefined);
    assert.equal(outputs.colourLoadBalancers, undefined);
  });

  it("router: two weighted alias records under one name, one per colour's load balancer, with health checks", async () => {
    const { mocks, outputs } = await run(
      { ...route53Router, "phoenix:blueWeight": "90", "phoenix:greenWeight": "10" },
      { "shop-prod-network": route53Network },
    );
    assert.equal(mocks.ofType(LISTENER).length, 0);
    const checks = mocks.ofType(HEALTH);
    assert.equal(checks.length, 2);
    for (const check of checks) {
      assert.equal(check.inputs.type, "HTTP");
      assert.equal(check.inputs.port, 80);
      assert.equal(check.inputs.resourcePath, "/ready");
    }
    const records = mocks.ofType(RECORD);
    assert.equal(records.length, 2);
    for (const [colour, weight] of [
      ["blue", 90],
      ["green", 10],
    ] as const) {
      const record = records.find((r) => r.inputs.setIdentifier === colour)!;
      assert.equal(record.inputs.zoneId, ZONE);
      assert.equal(record.inputs.name, "shop.example.com");
      assert.equal(record.inputs.type, "A");
      assert.equal(record.inputs.ttl, undefined, "an alias record has no TTL of its own");
      assert.deepEqual(record.inputs.weightedRoutingPolicies, [{ weight }]);
      assert.deepEqual(record.inputs.aliases, [
        { name: lb(colour).dnsName, zoneId: lb(colour).zoneId, evaluateTargetHealth: true },
      ]);
      const check = checks.find((c) => c.inputs.fqdn === lb(colour).dnsName)!;
      assert.ok(check, `a health check of the ${colour} load balancer`);
      assert.equal(
        record.inputs.healthCheckId,
        check.outputs?.id ?? check.outputs?.arn?.toString().split("/").pop(),
      );
    }
    assert.deepEqual(outputs.weights, { blue: 90, green: 10 });
    assert.equal(outputs.routerMode, "route53");
    assert.equal(outputs.url, "http://shop.example.com/");
    assert.equal(outputs.listenerArn, undefined);
  });

  it("router: at 0/0 (nothing live) no record exists, so no colour gets an answer; the health checks stand", async () => {
    const { mocks, outputs } = await run(route53Router, { "shop-prod-network": route53Network });
    assert.equal(mocks.ofType(RECORD).length, 0);
    assert.equal(mocks.ofType(HEALTH).length, 2);
    assert.deepEqual(outputs.weights, { blue: 0, green: 0 });
  });

  it("router: HTTPS on a non-default port shows in the health checks and the url", async () => {
    const { mocks, outputs } = await run(
      { ...route53Router, "phoenix:blueWeight": "100" },
      { "shop-prod-network": { ...route53Network, listenerProtocol: "HTTPS", listenerPort: 443 } },
    );
    assert.ok(mocks.ofType(HEALTH).every((c) => c.inputs.type === "HTTPS" && c.inputs.port === 443));
    assert.equal(outputs.url, "https://shop.example.com/");
  });

  it("router: a router mode that differs from the network's fails before any record, naming both", async () => {
    const albNetwork = { ...route53Network, routerMode: undefined, colourLoadBalancers: undefined };
    const error = await failure(
      { ...route53Router, "phoenix:blueWeight": "100" },
      { "shop-prod-network": albNetwork },
    );
    assert.match(
      error.message,
      /`phoenix:router` \(route53\) differs from the network stack's router mode \(alb\)/,
    );
    const back = await failure(
      { "phoenix:role": "router", "phoenix:blueWeight": "100" },
      { "shop-prod-network": route53Network },
    );
    assert.match(
      back.message,
      /`phoenix:router` \(alb\) differs from the network stack's router mode \(route53\)/,
    );
  });
});

describe("route53 config", () => {
  const lookup = (values: Record<string, string>) => (key: string) =>
    ({ role: "router", app: "shop", env: "prod", ...values })[key];
  const problems = (parse: () => unknown): string[] => {
    try {
      parse();
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.problems;
    }
    return [];
  };

  it("route53 needs a zone and a record name", () => {
    assert.deepEqual(
      problems(() => parseRouterConfig(lookup({ router: "route53" }))),
      [
        "`phoenix:zoneId` is required with `phoenix:router` route53",
        "`phoenix:recordName` is required with `phoenix:router` route53",
      ],
    );
  });

  const invalid: [string, Record<string, string>, RegExp][] = [
    ["an unknown mode", { router: "nlb" }, /`phoenix:router` \("nlb"\) must be one of alb, route53/],
    [
      "a zone id with its prefix",
      { router: "route53", zoneId: "/hostedzone/Z1", recordName: "a.example.com" },
      /`phoenix:zoneId` \("\/hostedzone\/Z1"\) must be a Route 53 hosted zone id/,
    ],
    [
      "an upper-case name",
      { router: "route53", zoneId: "Z1", recordName: "Shop.Example.com" },
      /`phoenix:recordName` \("Shop.Example.com"\) must be a lower-case DNS name/,
    ],
    ["a zone in alb mode", { zoneId: "Z1" }, /`phoenix:zoneId` need `phoenix:router` route53/],
    [
      "stickiness in route53 mode",
      { router: "route53", zoneId: "Z1", recordName: "a.example.com", stickinessSeconds: "60" },
      /`phoenix:stickinessSeconds` cannot be used with `phoenix:router` route53/,
    ],
  ];
  for (const [what, values, message] of invalid) {
    it(`refuses ${what}`, () => {
      const found = problems(() => parseRouterConfig(lookup(values)));
      assert.ok(
        found.some((p) => message.test(p)),
        found.join("\n"),
      );
    });
  }

  it("network: listener keys only in route53 mode", () => {
    const found = problems(() =>
      parseNetworkConfig((key) => ({ role: "network", app: "shop", env: "prod", listenerPort: "443" })[key]),
    );
    assert.match(
      found.join("\n"),
      /`phoenix:listenerPort` and `phoenix:certificateArn` of the network stack serve only/,
    );
    assert.equal(
      parseNetworkConfig(
        (key) => ({ role: "network", app: "a1", env: "e1", router: "route53", listenerPort: "443" })[key],
      ).listenerPort,
      443,
    );
  });
});
