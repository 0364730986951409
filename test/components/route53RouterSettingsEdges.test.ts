// Route53Router's arguments at their edges: each limit accepted and refused one step past it, each message
// word for word, outputs (not plain values) left to AWS, and the settings returned as given.
import { strict as assert } from "assert";
import type { Route53RouterArgs } from "../../components/route53Router";
import { resolveRoute53RouterSettings } from "../../components/route53RouterSettings";
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

function problemsOf(change: Partial<Route53RouterArgs> | Record<string, unknown>): string[] {
  try {
    resolveRoute53RouterSettings("demo", { ...happyPathArgs(), ...change } as Route53RouterArgs);
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError);
    return [...e.problems];
  }
  return [];
}

const label63 = "a".repeat(63);

describe("resolveRoute53RouterSettings edges", () => {
  it("accepts each limit", () => {
    const accepted: [string, Partial<Route53RouterArgs>][] = [
      ["0/0", { weights: { blue: 0, green: 0 } }],
      ["0/100", { weights: { blue: 0, green: 100 } }],
      ["a 32-character zone id", { zoneId: "Z".repeat(32) }],
      ["a one-character zone id", { zoneId: "Z" }],
      ["a zone id given as an output", { zoneId: Promise.resolve("anything") as unknown as string }],
      [
        "a health check path given as an output",
        { healthCheck: { path: Promise.resolve("no slash") as unknown as string } },
      ],
      ["a 63-character label", { recordName: `${label63}.example.com` }],
      ["an underscore label", { recordName: "_acme.shop.example.com" }],
      ["a digit-led first label", { recordName: "1shop.example.com" }],
      [
        "a 253-character name",
        { recordName: `${"a".repeat(61)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}` },
      ],
      ["HTTPS", { healthCheck: { protocol: "HTTPS" } }],
      [
        "a protocol given as an output",
        { healthCheck: { protocol: Promise.resolve("x") as unknown as "HTTP" } },
      ],
      ["the root path", { healthCheck: { path: "/" } }],
      ["a 255-character path", { healthCheck: { path: "/" + "p".repeat(254) } }],
      ["port 1", { healthCheck: { port: 1 } }],
      ["port 65535", { healthCheck: { port: 65535 } }],
      ["a port given as an output", { healthCheck: { port: Promise.resolve(1) as unknown as number } }],
      ["1 failure", { healthCheck: { failureThreshold: 1 } }],
      ["10 failures", { healthCheck: { failureThreshold: 10 } }],
      ["a 10 s interval", { healthCheck: { requestInterval: 10 } }],
    ];
    for (const [what, change] of accepted) assert.deepEqual(problemsOf(change), [], what);
  });

  it("refuses one step past each limit, word for word", () => {
    const refused: [string, Partial<Route53RouterArgs> | Record<string, unknown>, string[]][] = [
      [
        "99 in all",
        { weights: { blue: 99, green: 0 } },
        ["`weights` (blue 99 + green 0 = 99) must sum to 100, or both be 0 while no release is live"],
      ],
      [
        "a negative weight",
        { weights: { blue: -1, green: 100 } },
        ["`weights.blue` (-1) must be an integer from 0 to 100"],
      ],
      ["no blue weight", { weights: { green: 0 } }, ["`weights.blue` is required: an integer from 0 to 100"]],
      [
        "a missing green weight",
        { weights: { blue: 100 } },
        ["`weights.green` is required: an integer from 0 to 100"],
      ],
      [
        "no zone id",
        { zoneId: undefined },
        ["`zoneId` is required: the id of an existing Route 53 hosted zone"],
      ],
      [
        "a null zone id",
        { zoneId: null },
        ["`zoneId` is required: the id of an existing Route 53 hosted zone"],
      ],
      [
        "a lower-case zone id",
        { zoneId: "z0123" },
        [
          '`zoneId` ("z0123") must be a Route 53 hosted zone id: upper-case letters and digits, like "Z0123456789ABC" (without "/hostedzone/")',
        ],
      ],
      [
        "a 33-character zone id",
        { zoneId: "Z".repeat(33) },
        [
          `\`zoneId\` ("${"Z".repeat(33)}") must be a Route 53 hosted zone id: upper-case letters and digits, like "Z0123456789ABC" (without "/hostedzone/")`,
        ],
      ],
      [
        "an upper-case name",
        { recordName: "Shop.example.com" },
        [
          '`recordName` ("Shop.example.com") must be a lower-case DNS name without the trailing dot, like "shop.example.com"',
        ],
      ],
      [
        "a name given as an output",
        { recordName: Promise.resolve("shop.example.com") },
        [
          '`recordName` (a promise) must be a lower-case DNS name without the trailing dot, like "shop.example.com"',
        ],
      ],
    ];
    for (const [what, change, expected] of refused) assert.deepEqual(problemsOf(change), expected, what);
  });

  it("reports both weights when both are wrong (every problem at once)", () => {
    assert.deepEqual(problemsOf({ weights: undefined }), [
      "`weights.blue` is required: an integer from 0 to 100",
      "`weights.green` is required: an integer from 0 to 100",
    ]);
    assert.deepEqual(problemsOf({ weights: { blue: 101, green: -1 } }), [
      "`weights.blue` (101) must be an integer from 0 to 100",
      "`weights.green` (-1) must be an integer from 0 to 100",
    ]);
  });

  it("refuses names DNS does not allow", () => {
    for (const name of [
      "localhost",
      `${"a".repeat(64)}.example.com`,
      "shop.example.1com",
      "shop.example.c",
      "-shop.example.com",
      "shop-.example.com",
      "shop..example.com",
      "shop.example.com-",
      `${"a".repeat(62)}.${"b".repeat(63)}.${"c".repeat(63)}.${"d".repeat(63)}`,
      "shop example.com",
    ])
      assert.equal(problemsOf({ recordName: name }).length, 1, name);
  });

  it("requires each colour's load balancer with its DNS name and zone", () => {
    assert.deepEqual(problemsOf({ loadBalancers: undefined }), [
      "`loadBalancers.blue` is required: the blue load balancer's `dnsName` and `zoneId`",
      "`loadBalancers.green` is required: the green load balancer's `dnsName` and `zoneId`",
    ]);
    assert.deepEqual(problemsOf({ loadBalancers: { blue: { zoneId: "Z1" }, green: target("green") } }), [
      "`loadBalancers.blue` is required: the blue load balancer's `dnsName` and `zoneId`",
    ]);
    assert.deepEqual(problemsOf({ loadBalancers: { blue: target("blue"), green: { dnsName: "g" } } }), [
      "`loadBalancers.green` is required: the green load balancer's `dnsName` and `zoneId`",
    ]);
  });

  it("checks the health check word for word", () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ protocol: "http" }, '`healthCheck.protocol` ("http") must be "HTTP" or "HTTPS"'],
      [{ protocol: "TCP" }, '`healthCheck.protocol` ("TCP") must be "HTTP" or "HTTPS"'],
      [
        { path: "/a b" },
        '`healthCheck.path` ("/a b") must be a URL path starting with "/" of at most 255 characters',
      ],
      [
        { path: "/" + "p".repeat(255) },
        `\`healthCheck.path\` ("/${"p".repeat(255)}") must be a URL path starting with "/" of at most 255 characters`,
      ],
      [
        { path: "x/" },
        '`healthCheck.path` ("x/") must be a URL path starting with "/" of at most 255 characters',
      ],
      [{ port: 0 }, "`healthCheck.port` (0) must be an integer from 1 to 65535"],
      [{ port: 65536 }, "`healthCheck.port` (65536) must be an integer from 1 to 65535"],
      [{ port: "80" }, '`healthCheck.port` ("80") must be an integer from 1 to 65535'],
      [{ failureThreshold: 0 }, "`healthCheck.failureThreshold` (0) must be an integer from 1 to 10"],
      [{ requestInterval: 0 }, "`healthCheck.requestInterval` (0) must be 10 or 30 (seconds)"],
    ];
    for (const [healthCheck, message] of cases)
      assert.deepEqual(problemsOf({ healthCheck }), [message], JSON.stringify(healthCheck));
  });

  it("says how many problems, for which router, one per line", () => {
    assert.throws(
      () =>
        resolveRoute53RouterSettings("shop-router", {
          ...happyPathArgs(),
          zoneId: "",
          weights: { blue: 50, green: 0 },
        }),
      (error: Error) => {
        assert.equal(
          error.message,
          'Invalid arguments for Route53Router "shop-router" (2 problems):\n' +
            "  - `weights` (blue 50 + green 0 = 50) must sum to 100, or both be 0 while no release is live\n" +
            "  - `zoneId` is required: the id of an existing Route 53 hosted zone",
        );
        return true;
      },
    );
  });

  it("returns the arguments as given, defaults filled in", () => {
    const settings = resolveRoute53RouterSettings("demo", {
      ...happyPathArgs(),
      weights: { blue: 10, green: 90 },
      recordName: "api.example.org",
      healthCheck: {
        path: "/ready",
        port: 8443,
        protocol: "HTTPS",
        failureThreshold: 5,
        requestInterval: 10,
      },
    });
    assert.deepEqual(settings, {
      weights: { blue: 10, green: 90 },
      recordName: "api.example.org",
      healthCheck: {
        path: "/ready",
        port: 8443,
        protocol: "HTTPS",
        failureThreshold: 5,
        requestInterval: 10,
      },
      records: true,
    });
    assert.equal(
      resolveRoute53RouterSettings("demo", { ...happyPathArgs(), weights: { blue: 0, green: 100 } }).records,
      true,
    );
  });
});
