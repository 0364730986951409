// Route53Router: validation (table-driven), the records' and health checks' inputs, 0/0 without records, and
// "a swap changes the two records and nothing else". Network's route53 validation too.
import { strict as assert } from "assert";
import { withMocks } from "../helpers/mocks";
import type { Route53RouterArgs } from "../../components/route53Router";
import { resolveRoute53RouterSettings } from "../../components/route53RouterSettings";
import { resolveNetworkSettings } from "../../components/networkSettings";
import { ComponentArgsError } from "../../components/validation";

const target = (colour: string) => ({ dnsName: `${colour}.elb.amazonaws.com`, zoneId: "Z35SXDOTRQ7X7K" });

function happyPathArgs(): Route53RouterArgs {
  return {
    zoneId: "Z0123456789ABC",
    recordName: "shop.example.com",
    loadBalancers: { blue: target("blue"), green: target("green") },
    weights: { blue: 100, green: 0 },
  };
}

function problemsOf(resolve: () => unknown): string[] {
  try {
    resolve();
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError);
    return [...e.problems];
  }
  return [];
}

describe("resolveRoute53RouterSettings", () => {
  it("HTTP health checks of /health every 30 s, 3 failures; records unless 0/0", () => {
    const settings = resolveRoute53RouterSettings("demo", happyPathArgs());
    assert.deepEqual(settings.healthCheck, {
      path: "/health",
      port: undefined,
      protocol: "HTTP",
      failureThreshold: 3,
      requestInterval: 30,
    });
    assert.equal(settings.records, true);
    assert.equal(
      resolveRoute53RouterSettings("demo", { ...happyPathArgs(), weights: { blue: 0, green: 0 } }).records,
      false,
    );
  });

  const invalid: [string, Partial<Route53RouterArgs>, RegExp][] = [
    [
      "weights short of 100",
      { weights: { blue: 30, green: 30 } },
      /`weights` \(blue 30 \+ green 30 = 60\) must sum to 100/,
    ],
    [
      "a weight over 100",
      { weights: { blue: 101, green: 0 } },
      /`weights.blue` \(101\) must be an integer from 0 to 100/,
    ],
    ["no zone", { zoneId: "" }, /`zoneId` is required: the id of an existing Route 53 hosted zone/],
    [
      "a zone with its prefix",
      { zoneId: "/hostedzone/Z1" },
      /`zoneId` \("\/hostedzone\/Z1"\) must be a Route 53 hosted zone id/,
    ],
    [
      "a trailing dot",
      { recordName: "shop.example.com." },
      /`recordName` \("shop.example.com."\) must be a lower-case DNS name/,
    ],
    [
      "a missing colour",
      { loadBalancers: { blue: target("blue") } as Route53RouterArgs["loadBalancers"] },
      /`loadBalancers.green` is required/,
    ],
    [
      "a 20 s interval",
      { healthCheck: { requestInterval: 20 } },
      /`healthCheck.requestInterval` \(20\) must be 10 or 30/,
    ],
    [
      "a relative path",
      { healthCheck: { path: "health" } },
      /`healthCheck.path` \("health"\) must be a URL path/,
    ],
    [
      "11 failures",
      { healthCheck: { failureThreshold: 11 } },
      /`healthCheck.failureThreshold` \(11\) must be an integer from 1 to 10/,
    ],
  ];
  for (const [what, change, message] of invalid) {
    it(`refuses ${what}, naming the arg`, () => {
      const found = problemsOf(() => resolveRoute53RouterSettings("demo", { ...happyPathArgs(), ...change }));
      assert.ok(
        found.some((p) => message.test(p)),
        found.join("\n"),
      );
    });
  }

  it("reports every problem at once", () => {
    const found = problemsOf(() =>
      resolveRoute53RouterSettings("demo", {
        ...happyPathArgs(),
        zoneId: "",
        recordName: "X",
        weights: { blue: 1, green: 1 },
      }),
    );
    assert.equal(found.length, 3);
  });
});

describe("Network in route53 mode: validation", () => {
  it("colourListener only with route53, on 80 or 443, HTTPS needs a certificate", () => {
    assert.match(
      problemsOf(() => resolveNetworkSettings("n", { colourListener: { port: 80 } })).join(),
      /`colourListener` applies only with `router: "route53"`/,
    );
    assert.match(
      problemsOf(() =>
        resolveNetworkSettings("n", { router: "route53", colourListener: { port: 8443 } }),
      ).join(),
      /`colourListener.port` \(8443\) must be 80 or 443/,
    );
    assert.match(
      problemsOf(() =>
        resolveNetworkSettings("n", { router: "route53", colourListener: { port: 443 } }),
      ).join(),
      /`colourListener.port` \(443\) needs `colourListener.certificateArn`/,
    );
    const https = resolveNetworkSettings("n", {
      router: "route53",
      colourListener: { certificateArn: "arn:aws:acm:x" },
    });
    assert.deepEqual(https.colourListener, {
      port: 443,
      protocol: "HTTPS",
      sslPolicy: "ELBSecurityPolicy-TLS13-1-2-2021-06",
    });
    assert.equal(resolveNetworkSettings("n", {}).colourListener, undefined);
  });
});

describe("Route53Router", function () {
  this.timeout(60_000);

  async function build(weights: { blue: number; green: number }) {
    const mocks = await withMocks();
    const { Route53Router } = await import("../../components/route53Router");
    await mocks.run(async () => {
      new Route53Router("demo", { ...happyPathArgs(), weights });
    });
    return mocks;
  }

  it("a swap step changes the two records' weights and nothing else", async () => {
    const before = await build({ blue: 100, green: 0 });
    const after = await build({ blue: 50, green: 50 });
    const changed = after.resources.filter((r) => {
      const old = before.resources.find((b) => b.urn === r.urn);
      return JSON.stringify(old?.inputs) !== JSON.stringify(r.inputs);
    });
    assert.deepEqual(changed.map((r) => r.name).sort(), ["demo-blue", "demo-green"]);
    for (const record of changed)
      assert.deepEqual(
        Object.keys(record.inputs).sort(),
        Object.keys(before.resources.find((b) => b.urn === record.urn)!.inputs).sort(),
      );
  });
});
