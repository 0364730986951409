// Integration: the LocalWorkspace engine with the real `pulumi` CLI, a file backend in a throw-away
// project, and cloudless programs (see support.ts) — everything but a cloud. Skipped, with the reason
// printed, where no `pulumi` is on PATH.
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError } from "@pulumi/pulumi/automation";
import { createLocalWorkspaceEngine, type LocalWorkspaceEngine } from "../../automation/localWorkspace";
import { FAKE_PROGRAMS } from "../../automation/memory/fakePrograms";
import {
  CloudlessResource,
  cloudlessPrograms,
  removeThrowAwayProjects,
  requirePulumi,
  throwAwayProject,
} from "./support";

const DENY_PACK = path.join(__dirname, "fixtures", "denyMarkerPack");
const NETWORK = "itest-dev-network";
/** How many resources the real network program registers (as the cloudless programs and MemoryEngine run it). */
const networkResources = () =>
  FAKE_PROGRAMS.network({
    stack: NETWORK,
    config: { role: "network", app: "itest", env: "dev" },
    stackOutputs: () => undefined,
  }).resources.length;

function findFile(dir: string, name: string): string | undefined {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isFile() && entry.name === name) return full;
    if (entry.isDirectory()) {
      const found = findFile(full, name);
      if (found) return found;
    }
  }
  return undefined;
}

describe("integration: LocalWorkspace engine with the real pulumi CLI and a file backend", function () {
  this.timeout(300_000);
  let engine: LocalWorkspaceEngine;

  before(function () {
    requirePulumi(this);
    const projectDir = throwAwayProject();
    const options = {
      projectDir,
      policyPacks: [DENY_PACK],
      envVars: { PULUMI_CONFIG_PASSPHRASE: "phoenix-integration" },
    };
    const reader = createLocalWorkspaceEngine({ ...options, programs: cloudlessPrograms(() => reader) });
    engine = createLocalWorkspaceEngine({ ...options, programs: cloudlessPrograms(() => reader) });
  });
  after(() => removeThrowAwayProjects());

  it("creates, configures, previews, deploys, refresh-previews, destroys and removes a stack", async () => {
    const stack = await engine.createOrSelectStack(NETWORK, "network");
    await stack.setAllConfig({
      "phoenix:role": { value: "network" },
      "phoenix:app": { value: "itest" },
      "phoenix:env": { value: "dev" },
    });
    assert.strictEqual((await stack.getAllConfig())["phoenix:app"]?.value, "itest");

    const events: EngineEvent[] = [];
    const preview = await stack.preview({ onEvent: (event) => events.push(event) });
    // The component and its children, plus the stack resource itself.
    assert.strictEqual(preview.changeSummary.create, networkResources() + 1);
    const vpc = events.find((event) => event.resourcePreEvent?.metadata.type === "phoenixtest:ec2/vpc:Vpc");
    assert.strictEqual(vpc?.resourcePreEvent?.metadata.op, "create");

    const up = await stack.up();
    assert.strictEqual(up.summary.kind, "update");
    assert.strictEqual(up.summary.result, "succeeded");
    assert.match(String(up.outputs.vpcId?.value), /^vpc-[0-9a-f]{17}$/);
    assert.match(String(up.outputs.blueTargetGroupArn?.value), /:targetgroup\/itest-dev-blue\//);
    assert.ok(
      findFile(path.join(engine.workDir, "state"), `${NETWORK}.json`),
      "the stack's checkpoint is in the file backend under <projectDir>/.phoenix/state",
    );
    assert.ok((await engine.listStacks()).includes(NETWORK));

    const again = await stack.preview();
    assert.deepStrictEqual(again.changeSummary, { same: networkResources() + 1 });
    await stack.refresh({ previewOnly: true, expectNoChanges: true });

    const destroyed = await stack.destroy();
    assert.strictEqual(destroyed.summary.kind, "destroy");
    assert.deepStrictEqual(await stack.outputs(), {});
    await engine.removeStack(NETWORK);
    assert.ok(!(await engine.listStacks()).includes(NETWORK));
  });

  it("runs the policy pack on every preview and up: a mandatory violation stops the operation", async () => {
    const stack = await engine.createOrSelectStack("itest-dev-policy", "golden-ami");
    const allowed = async () => {
      new CloudlessResource("marker", { marker: "allow" });
      return {};
    };
    const denied = async () => {
      new CloudlessResource("marker", { marker: "deny" });
      return {};
    };
    const events: EngineEvent[] = [];
    await stack.preview({ program: allowed, onEvent: (event) => events.push(event) });
    const marker = events.find((event) => event.resourcePreEvent?.metadata.urn.endsWith("::marker"));
    assert.strictEqual(marker?.resourcePreEvent?.metadata.op, "create", "an allowed marker passes the pack");

    for (const attempt of [() => stack.preview({ program: denied }), () => stack.up({ program: denied })]) {
      await assert.rejects(attempt(), (error: unknown) => {
        assert.ok(error instanceof CommandError, String(error));
        assert.match(String(error), /integration-no-denied-marker/);
        return true;
      });
    }
    assert.deepStrictEqual(await stack.outputs(), {}, "the denied up created nothing");
    await stack.destroy();
    await engine.removeStack("itest-dev-policy");
  });
});
