// The packed package in the projects users write: the package tests' one install (the tarball, the lowest required
// peers, @types/node: tarball.ts), then a consumer of all five entry points type-checked by this repository's
// TypeScript as CommonJS and as ESM (`"type": "module"`), each with `module`/`moduleResolution` node16 and nodenext,
// and under `moduleResolution: bundler`; the CommonJS (node16) and ESM (nodenext) builds run with node. Each
// setting needs the `exports` map (node10 resolution would not), and a `@ts-expect-error` proves the declarations
// carry real types (were they `any`, the directive itself would be the error).
import { isBuilt, NOT_BUILT, ROOT, toolEnv, userProject } from "./tarball";
import { skipSuite } from "../integration/support";
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "child_process";
import { mkdirSync, rmSync, writeFileSync } from "fs";
import { join } from "path";

const TSC = join(ROOT, "node_modules", "typescript", "bin", "tsc");

/** One user program importing every entry point; valid as CommonJS and as ESM source. */
const CONSUMER = `
import {
  BlueGreenDeployment,
  ImmutableFleet,
  LocalWorkspaceEngineError,
  type ImmutableFleetArgs,
} from "phoenix-fleet";
import { ComponentArgsError, ImmutableFleet as FleetOfComponents, resolveFleetSettings } from "phoenix-fleet/components";
import { MemoryCloudProbe, MemoryEngine, PassphraseMissingError } from "phoenix-fleet/automation";
import { setPhoenixMocks, valueOf } from "phoenix-fleet/testing";
import { policyPackDir } from "phoenix-fleet/policies";
import * as pulumi from "@pulumi/pulumi";

const fleetArgs: ImmutableFleetArgs = {
  release: "v1",
  app: "web",
  imageId: "ami-0123456789abcdef0",
  subnetIds: ["subnet-0a"],
  securityGroupIds: ["sg-0a"],
};
// @ts-expect-error -- minSize is a number: the declarations are real types, not any
const wrongArgs: ImmutableFleetArgs = { ...fleetArgs, minSize: "two" };

async function main(): Promise<void> {
  await setPhoenixMocks();
  const fleet = new ImmutableFleet("web-blue", fleetArgs);
  let invalid = "";
  try {
    resolveFleetSettings("web-bad", { ...fleetArgs, release: "" }); // what the constructor validates with
  } catch (error) {
    invalid = error instanceof ComponentArgsError ? error.name : String(error);
  }
  const engine = new MemoryEngine();
  const probe = new MemoryCloudProbe(engine);
  const deployment = new BlueGreenDeployment({ app: "web", env: "dev", engine, probe, stateDir: ".phoenix" });
  const status = await deployment.status();
  const asgName = await valueOf(fleet.autoScalingGroupName);
  await pulumi.runtime.disconnect(); // every registration done (else Pulumi fails the exit over "leaked" promises)
  const passphrase = new PassphraseMissingError("file://./state");
  console.log(
    JSON.stringify({
      root: asgName,
      components: invalid,
      automation: status.bootstrapped ? "bootstrapped" : "not bootstrapped: " + status.missingStacks.join(", "),
      automationError: passphrase instanceof LocalWorkspaceEngineError ? passphrase.code : "another class",
      testing: typeof setPhoenixMocks,
      policies: policyPackDir,
      oneModule: ImmutableFleet === FleetOfComponents,
      wrongArgs: typeof wrongArgs,
    }),
  );
}
main().catch((error) => {
  console.error(error);
  process.exit(1);
});
`;

interface Scenario {
  /** Its folder in the project, with a package.json of its own for the module format. */
  folder: string;
  type: "commonjs" | "module";
  module: string;
  moduleResolution: string;
  /** Run the build with node (the others only type-check: the same JavaScript, or a bundler's to build). */
  run: boolean;
}

const SCENARIOS: Scenario[] = [
  { folder: "cjs-node16", type: "commonjs", module: "node16", moduleResolution: "node16", run: true },
  { folder: "cjs-nodenext", type: "commonjs", module: "nodenext", moduleResolution: "nodenext", run: false },
  { folder: "esm-node16", type: "module", module: "node16", moduleResolution: "node16", run: false },
  { folder: "esm-nodenext", type: "module", module: "nodenext", moduleResolution: "nodenext", run: true },
  { folder: "bundler", type: "module", module: "esnext", moduleResolution: "bundler", run: false },
];

describe("consumers compile and run against the packed package", function () {
  this.timeout(10 * 60_000);
  let project: string;
  /** tsc's diagnostics, each prefixed with its scenario's folder (`cjs-node16/consumer.ts(3,1): error …`). */
  let diagnostics: string[];

  before(function () {
    if (!isBuilt) skipSuite(this, NOT_BUILT);
    project = userProject();
    for (const scenario of SCENARIOS) {
      const dir = join(project, scenario.folder);
      rmSync(dir, { recursive: true, force: true });
      mkdirSync(dir);
      writeFileSync(join(dir, "package.json"), JSON.stringify({ type: scenario.type }));
      writeFileSync(join(dir, "consumer.ts"), CONSUMER);
      const { module, moduleResolution } = scenario;
      const compilerOptions = {
        target: "ES2022",
        module,
        moduleResolution,
        strict: true,
        skipLibCheck: true,
      };
      writeFileSync(
        join(dir, "tsconfig.json"),
        JSON.stringify({
          compilerOptions: { ...compilerOptions, types: ["node"], outDir: "out" },
          files: ["consumer.ts"],
        }),
      );
    }
    // One `tsc --build` for every scenario: it parses the declarations they share (@pulumi/aws's are most of the
    // work) once, where a `tsc -p` each would parse them again each time.
    const build = spawnSync(process.execPath, [TSC, "--build", ...SCENARIOS.map(({ folder }) => folder)], {
      cwd: project,
      encoding: "utf8",
      env: toolEnv(),
    });
    diagnostics = `${build.stdout}${build.stderr}`.split("\n").filter((line) => line.trim());
    const unattributed = diagnostics.filter(
      (line) => !SCENARIOS.some(({ folder }) => line.startsWith(`${folder}/`)),
    );
    if (build.status !== 0 && unattributed.length > 0)
      assert.fail(`tsc --build failed (exit ${build.status}):\n${diagnostics.join("\n")}`);
  });

  it("installs one @pulumi/pulumi: the project's own", () => {
    const copies = execFileSync("npm", ["ls", "@pulumi/pulumi", "--all", "--parseable"], {
      cwd: project,
      encoding: "utf8",
    })
      .trim()
      .split("\n");
    assert.deepEqual(copies, [join(project, "node_modules", "@pulumi", "pulumi")]);
  });

  for (const scenario of SCENARIOS) {
    const what = `${scenario.type === "module" ? "ESM" : "CommonJS"} with module ${scenario.module}, moduleResolution ${scenario.moduleResolution}`;
    it(`${what}: type-checks${scenario.run ? ", and its build runs, printing from every entry point" : ""}`, () => {
      const mine = diagnostics.filter((line) => line.startsWith(`${scenario.folder}/`));
      assert.deepEqual(mine, [], `tsc finds errors in the consumer for ${what}`);
      if (!scenario.run) return;
      const printed = JSON.parse(
        execFileSync(process.execPath, [join("out", "consumer.js")], {
          cwd: join(project, scenario.folder),
          encoding: "utf8",
          stdio: ["ignore", "pipe", "pipe"], // the mock runtime's notes on stderr: shown only when the run fails
        }),
      ) as Record<string, unknown>;
      assert.match(String(printed.root), /web-blue/);
      assert.equal(printed.components, "ComponentArgsError");
      assert.equal(printed.automation, "not bootstrapped: web-dev-network, web-dev-router");
      assert.equal(printed.automationError, "PASSPHRASE_MISSING");
      assert.equal(printed.testing, "function");
      assert.equal(printed.policies, join(project, "node_modules", "phoenix-fleet", "policies"));
      assert.equal(
        printed.oneModule,
        true,
        "the root and phoenix-fleet/components gave two ImmutableFleet classes",
      );
    });
  }
});
