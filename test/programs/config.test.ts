import { strict as assert } from "assert";
import {
  ConfigError,
  parseFleetConfig,
  parseGoldenAmiConfig,
  parseNetworkConfig,
  parseRole,
  parseRouterConfig,
  routerWeights,
  type ConfigLookup,
} from "../../programs/config";

/** A lookup over `{ key: value }` (keys without the `phoenix:` namespace, values as pulumi stores them). */
function lookup(values: Record<string, unknown>): ConfigLookup {
  return (key) => {
    const v = values[key];
    return v === undefined ? undefined : typeof v === "string" ? v : JSON.stringify(v);
  };
}

function problemsOf(parse: () => unknown): string[] {
  try {
    parse();
  } catch (e) {
    if (e instanceof ConfigError) return e.problems;
    throw e;
  }
  assert.fail("expected a ConfigError");
}

const fleetHappy = {
  role: "fleet",
  app: "shop",
  env: "prod",
  colour: "blue",
  release: "v1.2.3",
  imageId: "ami-0123456789abcdef0",
};

describe("stack config", () => {
  describe("phoenix:role", () => {
    it("names the key and the allowed roles when missing", () => {
      const [problem] = problemsOf(() => parseRole(lookup({})));
      assert.match(problem, /`phoenix:role` is required/);
    });
    it("names the value and the allowed roles when unknown", () => {
      const [problem] = problemsOf(() => parseRole(lookup({ role: "database" })));
      assert.match(
        problem,
        /`phoenix:role` \("database"\) must be one of network, fleet, router, golden-ami/,
      );
    });
    it("accepts every role", () => {
      for (const role of ["network", "fleet", "router", "golden-ami"])
        assert.equal(parseRole(lookup({ role })), role);
    });
  });

  describe("fleet", () => {
    it("parses a complete config", () => {
      const config = parseFleetConfig(
        lookup({ ...fleetHappy, minSize: "2", maxSize: "6", desiredCapacity: "4" }),
      );
      assert.deepEqual(
        {
          min: config.minSize,
          max: config.maxSize,
          desired: config.desiredCapacity,
          release: config.release,
        },
        { min: 2, max: 6, desired: 4, release: "v1.2.3" },
      );
    });

    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ["missing app", { app: undefined }, /`phoenix:app` is required/],
      ["bad app", { app: "Shop_1" }, /`phoenix:app` \("Shop_1"\) must be 2–32 lower-case/],
      ["bad env", { env: "-x" }, /`phoenix:env` \("-x"\)/],
      ["bad colour", { colour: "red" }, /`phoenix:colour` \("red"\) must be one of blue, green/],
      ["missing release", { release: undefined }, /`phoenix:release` is required/],
      ["bad release", { release: "V1 beta" }, /`phoenix:release` \("V1 beta"\)/],
      ["bad AMI id", { imageId: "ami-123" }, /`phoenix:imageId` \("ami-123"\) must be an AMI id/],
      [
        "capacity not an integer",
        { desiredCapacity: "two" },
        /`phoenix:desiredCapacity` \("two"\) must be an integer/,
      ],
      [
        "desired outside min..max",
        { minSize: "1", maxSize: "4", desiredCapacity: "7" },
        /`phoenix:desiredCapacity` \(7\) must be between `phoenix:minSize` \(1\) and `phoenix:maxSize` \(4\)/,
      ],
      [
        "min above max",
        { minSize: "5", maxSize: "2" },
        /`phoenix:minSize` \(5\) must not exceed `phoenix:maxSize` \(2\)/,
      ],
    ];
    for (const [title, change, message] of cases) {
      it(`refuses ${title}`, () => {
        const problems = problemsOf(() => parseFleetConfig(lookup({ ...fleetHappy, ...change })));
        assert.ok(
          problems.some((p) => message.test(p)),
          `no problem matched ${message}: ${problems.join(" | ")}`,
        );
      });
    }

    it("reports every problem at once", () => {
      const problems = problemsOf(() =>
        parseFleetConfig(lookup({ role: "fleet", colour: "red", imageId: "x" })),
      );
      assert.equal(problems.length, 5, problems.join("\n"));
    });
  });

  describe("network", () => {
    const happy = { role: "network", app: "shop", env: "prod" };
    it("defaults everything but app and env", () => {
      const config = parseNetworkConfig(lookup(happy));
      assert.equal(config.appPort, undefined);
      assert.equal(config.vpcId, undefined);
    });
    it("accepts an existing VPC with both subnet lists", () => {
      const config = parseNetworkConfig(
        lookup({
          ...happy,
          vpcId: "vpc-0abc1234",
          publicSubnetIds: ["subnet-0abc1234"],
          privateSubnetIds: ["subnet-0abc5678"],
        }),
      );
      assert.deepEqual(config.privateSubnetIds, ["subnet-0abc5678"]);
    });
    it("refuses an existing VPC without its subnets", () => {
      const [problem] = problemsOf(() => parseNetworkConfig(lookup({ ...happy, vpcId: "vpc-0abc1234" })));
      assert.match(
        problem,
        /`phoenix:vpcId`, `phoenix:publicSubnetIds` and `phoenix:privateSubnetIds` go together/,
      );
    });
    it("refuses a subnet list that is not JSON", () => {
      const [problem] = problemsOf(() =>
        parseNetworkConfig(lookup({ ...happy, publicSubnetIds: "subnet-1,subnet-2" })),
      );
      assert.match(problem, /`phoenix:publicSubnetIds` .* must be a JSON list of strings/);
    });
    it("refuses a port out of range", () => {
      const [problem] = problemsOf(() => parseNetworkConfig(lookup({ ...happy, appPort: "70000" })));
      assert.match(problem, /`phoenix:appPort` \("70000"\) must be an integer from 1 to 65535/);
    });
  });

  describe("router", () => {
    const happy = { role: "router", app: "shop", env: "prod" };
    it("sends nothing anywhere by default: no release is live yet (0/0)", () => {
      assert.deepEqual(routerWeights(parseRouterConfig(lookup(happy))), { blue: 0, green: 0 });
    });
    it("accepts both weights at 0", () => {
      assert.deepEqual(
        routerWeights(parseRouterConfig(lookup({ ...happy, blueWeight: "0", greenWeight: "0" }))),
        { blue: 0, green: 0 },
      );
    });
    it("derives the other weight from either one", () => {
      assert.deepEqual(routerWeights(parseRouterConfig(lookup({ ...happy, greenWeight: "10" }))), {
        blue: 90,
        green: 10,
      });
      assert.deepEqual(routerWeights(parseRouterConfig(lookup({ ...happy, blueWeight: "100" }))), {
        blue: 100,
        green: 0,
      });
      assert.deepEqual(routerWeights(parseRouterConfig(lookup({ ...happy, blueWeight: "0" }))), {
        blue: 0,
        green: 100,
      });
    });
    it("refuses weights that do not add up to 100", () => {
      const [problem] = problemsOf(() =>
        parseRouterConfig(lookup({ ...happy, blueWeight: "50", greenWeight: "60" })),
      );
      assert.match(
        problem,
        /`phoenix:blueWeight` \(50\) and `phoenix:greenWeight` \(60\) must add up to 100, or both be 0/,
      );
    });
    it("refuses a single 0 with a non-zero partner that does not add up", () => {
      const [problem] = problemsOf(() =>
        parseRouterConfig(lookup({ ...happy, blueWeight: "0", greenWeight: "40" })),
      );
      assert.match(problem, /`phoenix:blueWeight` \(0\) and `phoenix:greenWeight` \(40\) must add up to 100/);
    });
    it("refuses a weight above 100", () => {
      const problems = problemsOf(() => parseRouterConfig(lookup({ ...happy, blueWeight: "150" })));
      assert.ok(
        problems.some((p) => /`phoenix:blueWeight` \("150"\) must be an integer from 0 to 100/.test(p)),
      );
    });
  });

  describe("golden-ami", () => {
    const happy = { role: "golden-ami", app: "shop", env: "prod", parentImage: "ami-0123456789abcdef0" };
    it("parses build steps", () => {
      assert.deepEqual(parseGoldenAmiConfig(lookup({ ...happy, buildSteps: ["dnf -y update"] })).buildSteps, [
        "dnf -y update",
      ]);
    });
    it("requires a parent image", () => {
      const [problem] = problemsOf(() => parseGoldenAmiConfig(lookup({ ...happy, parentImage: undefined })));
      assert.match(problem, /`phoenix:parentImage` is required/);
    });
    it("refuses a schedule that is not a cron expression", () => {
      const [problem] = problemsOf(() => parseGoldenAmiConfig(lookup({ ...happy, schedule: "daily" })));
      assert.match(problem, /`phoenix:schedule` \("daily"\) must be an Image Builder cron expression/);
    });
  });
});
