// The golden-ami role's bake keys: test steps, distribution regions and the bake id that `phoenix bake` sets.
import { strict as assert } from "assert";
import { ConfigError, parseGoldenAmiConfig } from "../../programs/config";

const HAPPY: Record<string, string> = {
  role: "golden-ami",
  app: "shop",
  env: "prod",
  parentImage: "ami-0123456789abcdef0",
};

const parse = (values: Record<string, string>) =>
  parseGoldenAmiConfig((key) => ({ ...HAPPY, ...values })[key]);

function problemsOf(values: Record<string, string>): string[] {
  try {
    parse(values);
  } catch (error) {
    assert.ok(error instanceof ConfigError);
    return error.problems;
  }
  return [];
}

describe("golden-ami config: the bake keys", () => {
  it("reads test steps, distribution regions and the bake id", () => {
    const config = parse({
      testSteps: '["nginx -t"]',
      distributionRegions: '["us-east-1","eu-west-1"]',
      bakeId: "20260101t000000000z-3",
    });
    assert.deepEqual(config.testSteps, ["nginx -t"]);
    assert.deepEqual(config.distributionRegions, ["us-east-1", "eu-west-1"]);
    assert.equal(config.bakeId, "20260101t000000000z-3");
  });

  it("leaves them out when unset", () => {
    const config = parse({});
    assert.deepEqual(
      [config.testSteps, config.distributionRegions, config.bakeId],
      [undefined, undefined, undefined],
    );
  });

  it("names the key, the value and what is allowed", () => {
    const problems = problemsOf({ distributionRegions: '["mars-1"]', bakeId: "Bake_1" });
    assert.ok(
      problems.some((p) => /`phoenix:distributionRegions`.*mars-1.*AWS regions/.test(p)),
      problems.join("\n"),
    );
    assert.ok(
      problems.some((p) => p.startsWith('`phoenix:bakeId` ("Bake_1") must be 1 to 40 lower-case letters')),
      problems.join("\n"),
    );
  });
});
