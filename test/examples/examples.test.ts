// The examples as their users get them: the packed tarball installed (test/package/tarball.ts), each example
// copied beside it, type-checked with its own tsconfig.json and tested with its own mocha config. One install and
// one `tsc --build` for all of them (the build shares the parsed Pulumi declarations between the projects).
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "child_process";
import { join } from "path";
import { skipSuite } from "../integration/support";
import { readFileSync } from "fs";
import { isBuilt, NOT_BUILT, ROOT } from "../package/tarball";
import { EXAMPLES, examplesScratch, inRange, manifestOf } from "./scratch";

const VERSION = (JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string }).version;

/** Child processes run without c8's coverage variable: the examples' code is not this repository's. */
function childEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  delete env.NODE_V8_COVERAGE;
  delete env.NODE_OPTIONS;
  return env;
}

function run(cwd: string, script: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [script, ...args], {
    cwd,
    encoding: "utf8",
    env: childEnv(),
    timeout: 180_000,
  });
}

describe("examples/ against the packed tarball", function () {
  this.timeout(6 * 60_000);
  let scratch: string;
  let typecheck: SpawnSyncReturns<string>;

  before(function () {
    if (!isBuilt) skipSuite(this, NOT_BUILT);
    scratch = examplesScratch();
    typecheck = run(scratch, join(scratch, "node_modules", "typescript", "bin", "tsc"), [
      "--build",
      ...EXAMPLES,
    ]);
  });

  it("has the three examples, each depending on phoenix-fleet as a user's project does", () => {
    assert.deepEqual(EXAMPLES, ["org-pack", "program", "service"]);
    for (const example of EXAMPLES) {
      const range = manifestOf(example).dependencies?.["phoenix-fleet"];
      assert.ok(
        range && inRange(range, VERSION),
        `${example}: phoenix-fleet ${range}, the package is ${VERSION}`,
      );
    }
  });

  for (const example of EXAMPLES) {
    describe(`examples/${example}`, () => {
      it("type-checks with its own tsconfig.json", () => {
        const output = `${typecheck.stdout}${typecheck.stderr}`;
        const own = output.split("\n").filter((line) => line.startsWith(`${example}/`));
        assert.deepEqual(own, []);
        assert.equal(typecheck.status, 0, output);
      });

      it("passes its own tests", () => {
        const dir = join(scratch, example);
        const tests = run(dir, join(scratch, "node_modules", "mocha", "bin", "mocha.js"), [
          "--reporter",
          "dot",
        ]);
        const output = `${tests.stdout}${tests.stderr}`;
        assert.equal(tests.status, 0, output);
        const passing = Number(/(\d+) passing/.exec(output)?.[1] ?? 0);
        assert.ok(passing > 0, output);
        assert.doesNotMatch(output, /\d+ (pending|failing)/);
      });
    });
  }
});

describe("inRange (the examples' dependency ranges)", () => {
  const cases: [string, string, boolean][] = [
    ["^3.182.0", "3.270.0", true],
    ["^3.182.0", "3.181.9", false],
    ["^3.182.0", "4.0.0", false],
    ["^0.1.0", "0.1.5", true],
    ["^0.1.0", "0.2.0", false],
    ["~5.9.3", "5.9.4", true],
    ["~5.9.3", "5.10.0", false],
    ["^1.21.0", "v1.21.0", true],
  ];
  for (const [range, version, expected] of cases)
    it(`${version} ${expected ? "is" : "is not"} in ${range}`, () =>
      assert.equal(inRange(range, version), expected));
});
