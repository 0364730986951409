// Golden AMIs through the real engine: bake (the golden-ami program's Image Builder resources, kept by the
// test provider, which registers a real AMI in the emulator per image), up without an image (the newest bake,
// found with EC2 DescribeImages in the emulator), promotion of staging's live AMI to prod, a bake whose image
// tests fail (no AMI recorded), and prune's dry run over what the emulator holds.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DescribeImagesCommand } from "@aws-sdk/client-ec2";
import { BlueGreenDeployment, createAwsCloudProbe } from "../../automation";
import { BakeFailedError } from "../../automation/images/errors";
import { createLocalWorkspaceEngine, type LocalWorkspaceEngine } from "../../automation/localWorkspace";
import { FAIL_TESTS_FILE } from "./provider/resources/imageBuilder";
import { ec2, registerImage } from "./support/emulator";

const APP = "shop";

describe("golden AMIs through the real engine: bake, up without an image, promotion", function () {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-images-"));
  let engine: LocalWorkspaceEngine;
  const deployments: Record<string, BlueGreenDeployment> = {};
  const failFile = () => path.join(process.env.PHOENIX_RIG_STATE_DIR ?? "", FAIL_TESTS_FILE);

  before(async () => {
    engine = createLocalWorkspaceEngine({ projectDir, policyPacks: false });
    for (const env of ["staging", "prod"]) {
      deployments[env] = new BlueGreenDeployment({
        app: APP,
        env,
        engine,
        probe: createAwsCloudProbe({}),
        stateDir: engine.localStateDir,
        healthPollMs: 500,
      });
    }
  });
  after(() => {
    fs.rmSync(failFile(), { force: true });
    fs.rmSync(projectDir, { recursive: true, force: true });
  });

  it("bootstraps staging and prod into the emulator's default VPC", async () => {
    for (const deployment of Object.values(deployments)) {
      await deployment.bootstrap({
        network: {
          vpcId: process.env.PHOENIX_VPC_ID,
          publicSubnetIds: process.env.PHOENIX_PUBLIC_SUBNETS?.split(","),
          privateSubnetIds: process.env.PHOENIX_PRIVATE_SUBNETS?.split(","),
        },
      });
    }
  });

  let baked: Awaited<ReturnType<BlueGreenDeployment["bake"]>>;

  it("bakes staging's golden AMI: an AMI in the emulator, tagged for the app/env, with its bake record", async () => {
    const parentImage = await registerImage("al2023-parent");
    const phases: string[] = [];
    baked = await deployments.staging.bake({
      parentImage,
      buildSteps: ["dnf install -y nginx"],
      testSteps: ["nginx -t"],
      onProgress: (event) => void (event.kind === "bake-phase" && phases.push(event.phase)),
    });
    assert.deepEqual(phases, ["prepare", "build-test-distribute", "distributed"]);
    assert.match(baked.imageId, /^ami-[0-9a-f]+$/);
    assert.deepEqual(baked.imageIds, { "us-east-1": baked.imageId });
    assert.equal(baked.parentImage, parentImage);
    assert.equal(baked.recipeVersion, "1.0.0");
    const { Images } = await ec2().send(new DescribeImagesCommand({ ImageIds: [baked.imageId] }));
    const tags = Object.fromEntries((Images?.[0]?.Tags ?? []).map((t) => [t.Key, t.Value]));
    assert.equal(tags["phoenix:golden-ami"], "shop-staging");
    assert.match(String(tags.Ec2ImageBuilderArn), /:image\/.+\/1\.0\.0\/\d+$/);
    const history = await deployments.staging.history();
    assert.equal(history.at(-1)?.workflow, "bake");
    assert.equal(history.at(-1)?.status, "ok");
  });

  it("a second bake of the same recipe is a new image version and a new AMI; up without an image takes it", async () => {
    const second = await deployments.staging.bake();
    assert.notEqual(second.imageId, baked.imageId);
    assert.equal(second.parentImage, baked.parentImage, "the stack's parent image is kept");
    const listed = await deployments.staging.amis();
    assert.deepEqual(
      listed.map((a) => a.imageId),
      [second.imageId, baked.imageId],
      "newest first, both still in EC2 (deleting the old Image leaves its AMI)",
    );
    baked = second;
    const up = await deployments.staging.up({ release: "v1", capacity: 1 });
    assert.equal(up.imageId, baked.imageId);
    assert.equal(up.image?.source, "newest-bake");
    assert.equal(up.image?.recipeVersion, "1.0.0");
    assert.equal(up.taggedInUse, true);
    const { Images } = await ec2().send(new DescribeImagesCommand({ ImageIds: [baked.imageId] }));
    assert.ok(Images?.[0]?.Tags?.some((t) => t.Key === "phoenix:in-use" && t.Value === "true"));
    await deployments.staging.swap();
  });

  it("promotes the AMI staging has live to prod", async () => {
    const up = await deployments.prod.up({ release: "v1", capacity: 1, imageFromEnv: "staging" });
    assert.equal(up.imageId, baked.imageId);
    assert.deepEqual(
      { source: up.image?.source, fromEnv: up.image?.fromEnv, fromColour: up.image?.fromColour },
      { source: "promoted", fromEnv: "staging", fromColour: "blue" },
    );
    assert.equal(up.image?.recipeVersion, "1.0.0");
  });

  it("a bake whose image tests fail fails with BakeFailedError and records no AMI", async () => {
    const before = (await deployments.staging.amis()).map((a) => a.imageId);
    fs.writeFileSync(failFile(), "");
    const phases: string[] = [];
    try {
      const failing = deployments.staging.bake({
        onProgress: (event) => void (event.kind === "bake-phase" && phases.push(event.phase)),
      });
      await assert.rejects(failing, (error: unknown) => {
        assert.ok(error instanceof BakeFailedError, String(error));
        assert.match(error.message, /Image tests failed/);
        return true;
      });
    } finally {
      fs.rmSync(failFile(), { force: true });
    }
    // The real engine's resource-operationfailed event for the Image (what MemoryEngine.failImageTests mimics).
    assert.deepEqual(phases, ["prepare", "build-test-distribute", "failed"]);
    assert.deepEqual(
      (await deployments.staging.amis()).map((a) => a.imageId),
      before,
    );
    const history = await deployments.staging.history();
    assert.equal(history.at(-1)?.status, "failed");
  });

  it("prune's dry run keeps the AMIs in use, naming each user, and would deprecate none of them", async () => {
    const result = await deployments.staging.pruneAmis({ keep: 1, dryRun: true });
    const inUse = result.decisions.find((d) => d.imageId === baked.imageId);
    assert.ok(inUse);
    assert.equal(inUse.action, undefined);
    assert.ok(
      inUse.reasons.some((r) => /^live on blue of shop\/staging/.test(r)),
      inUse.reasons.join("; "),
    );
    assert.ok(
      inUse.reasons.some((r) => /^used by stack shop-prod-blue/.test(r)),
      inUse.reasons.join("; "),
    );
    const older = result.decisions.filter((d) => d.imageId !== baked.imageId);
    assert.deepEqual(
      older.map((d) => d.action),
      ["deprecate"],
    );
    assert.deepEqual(result.deprecated, [], "a dry run changes nothing");
  });
});
