// The package's entry points, resolved as a user's project resolves them (Node's self-reference through the
// `exports` map of package.json): each one loads from the build and offers what the docs say; anything else
// inside the package is not importable.
import { NOT_BUILT } from "./built";
import { skipSuite } from "../integration/support";
import assert from "node:assert/strict";
import { existsSync } from "fs";
import { join } from "path";

const ROOT = join(__dirname, "..", "..");
const built = existsSync(join(ROOT, "dist", "index.js"));

const ENTRY_POINTS: Record<string, string[]> = {
  "phoenix-fleet": ["BlueGreenDeployment", "ImmutableFleet", "DynamoDbRecordStore", "LockedError"],
  "phoenix-fleet/components": ["GoldenAmi", "ImmutableFleet", "BlueGreenRouter", "Network"],
  "phoenix-fleet/automation": ["BlueGreenDeployment", "createLocalWorkspaceEngine", "createAwsCloudProbe"],
  "phoenix-fleet/testing": ["setPhoenixMocks", "valueOf", "MemoryEngine", "MemoryCloudProbe"],
  "phoenix-fleet/policies": ["policyPackDir"],
};

describe("package entry points (exports map)", function () {
  before(function () {
    if (!built) skipSuite(this, NOT_BUILT);
  });

  for (const [specifier, names] of Object.entries(ENTRY_POINTS)) {
    it(`${specifier} resolves into dist/ and exports ${names.join(", ")}`, () => {
      const file = require.resolve(specifier, { paths: [ROOT] });
      assert.ok(file.startsWith(join(ROOT, "dist")), file);
      assert.ok(existsSync(file.replace(/\.js$/, ".d.ts")), `no type declarations beside ${file}`);
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loading the built file itself is the point
      const loaded = require(file) as Record<string, unknown>;
      for (const name of names) assert.ok(loaded[name] !== undefined, `${specifier} does not export ${name}`);
    });
  }

  it("phoenix-fleet/policies names the pack directory, not the pack", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the built entry point, as users load it
    const { policyPackDir } = require(require.resolve("phoenix-fleet/policies", { paths: [ROOT] })) as {
      policyPackDir: string;
    };
    assert.equal(policyPackDir, join(ROOT, "policies"));
    assert.ok(existsSync(join(policyPackDir, "PulumiPolicy.yaml")));
  });

  it("refuses paths the package does not export", () => {
    for (const specifier of [
      "phoenix-fleet/dist/index.js",
      "phoenix-fleet/programs",
      "phoenix-fleet/cli/main",
    ])
      assert.throws(
        () => require.resolve(specifier, { paths: [ROOT] }),
        /ERR_PACKAGE_PATH_NOT_EXPORTED|not exported/,
        specifier,
      );
  });
});
