// Route53Router's children one by one: each health check's inputs (names, tags, protocol and its default port,
// thresholds) and each record's, parented to the router; none of the records at 0/0.
import { strict as assert } from "assert";
import { withMocks, type MockedStack } from "../helpers/mocks";
import type { Route53RouterArgs } from "../../components/route53Router";

const HEALTH = "aws:route53/healthCheck:HealthCheck";
const RECORD = "aws:route53/record:Record";
const target = (colour: string) => ({
  dnsName: `${colour}.elb.amazonaws.com`,
  zoneId: `Z${colour.toUpperCase()}`,
});

describe("Route53Router children", function () {
  this.timeout(60_000);

  async function build(change: Partial<Route53RouterArgs> = {}): Promise<MockedStack> {
    const mocks = await withMocks();
    const { Route53Router } = await import("../../components/route53Router");
    await mocks.run(async () => {
      new Route53Router("shop", {
        zoneId: "Z0123456789ABC",
        recordName: "shop.example.com",
        loadBalancers: { blue: target("blue"), green: target("green") },
        weights: { blue: 70, green: 30 },
        ...change,
      });
    });
    return mocks;
  }

  it("one HTTP health check per colour's load balancer, named, tagged, with the thresholds given", async () => {
    const mocks = await build({
      tags: { team: "web" },
      healthCheck: { failureThreshold: 5, requestInterval: 10 },
    });
    const checks = mocks.ofType(HEALTH);
    assert.deepEqual(
      checks.map((c) => c.name),
      ["shop-blue-health", "shop-green-health"],
    );
    for (const colour of ["blue", "green"]) {
      const check = checks.find((c) => c.name === `shop-${colour}-health`)!;
      assert.deepEqual(check.inputs, {
        type: "HTTP",
        fqdn: `${colour}.elb.amazonaws.com`,
        port: 80,
        resourcePath: "/health",
        failureThreshold: 5,
        requestInterval: 10,
        tags: { team: "web", Name: `shop-${colour}`, "phoenix:colour": colour },
      });
      assert.match(check.parentUrn ?? "", /::phoenix:aws:Route53Router::shop$/);
    }
  });

  it("HTTPS checks port 443 unless told another port", async () => {
    const https = await build({ healthCheck: { protocol: "HTTPS" } });
    assert.deepEqual(
      https.ofType(HEALTH).map((c) => [c.inputs.type, c.inputs.port]),
      [
        ["HTTPS", 443],
        ["HTTPS", 443],
      ],
    );
    const custom = await build({ healthCheck: { protocol: "HTTPS", port: 8443, path: "/ready" } });
    assert.deepEqual(
      custom.ofType(HEALTH).map((c) => [c.inputs.port, c.inputs.resourcePath]),
      [
        [8443, "/ready"],
        [8443, "/ready"],
      ],
    );
  });

  it("one weighted alias record per colour, its weight, its load balancer and its health check", async () => {
    const mocks = await build();
    const records = mocks.ofType(RECORD);
    assert.deepEqual(
      records.map((r) => r.name),
      ["shop-blue", "shop-green"],
    );
    for (const [colour, weight] of [
      ["blue", 70],
      ["green", 30],
    ] as const) {
      const record = records.find((r) => r.name === `shop-${colour}`)!;
      const { healthCheckId, ...rest } = record.inputs;
      assert.deepEqual(rest, {
        zoneId: "Z0123456789ABC",
        name: "shop.example.com",
        type: "A",
        setIdentifier: colour,
        weightedRoutingPolicies: [{ weight }],
        aliases: [
          {
            name: `${colour}.elb.amazonaws.com`,
            zoneId: `Z${colour.toUpperCase()}`,
            evaluateTargetHealth: true,
          },
        ],
      });
      const check = mocks.ofType(HEALTH).find((c) => c.name === `shop-${colour}-health`)!;
      assert.equal(check.outputs?.arn, `arn:aws:route53:::healthcheck/${String(healthCheckId)}`);
      assert.match(record.parentUrn ?? "", /::phoenix:aws:Route53Router::shop$/);
    }
    const router = mocks.one("phoenix:aws:Route53Router");
    assert.equal(
      mocks.resources.filter((r) => r.parentUrn === router.urn).length,
      4,
      "two health checks, two records",
    );
  });

  it("at 0/0 the health checks stand and no record exists", async () => {
    const mocks = await build({ weights: { blue: 0, green: 0 } });
    assert.equal(mocks.ofType(RECORD).length, 0);
    assert.equal(mocks.ofType(HEALTH).length, 2);
  });
});
