// Golden AMIs through the `phoenix` command on the in-memory engine (the real golden-ami and fleet programs
// under mocks): bake, up without --image-id, promotion to a second env, a failing bake, the AMI list with a
// scheduled pipeline's AMI, and prune's dry run.
import { strict as assert } from "assert";
import type { WorkflowDocument } from "../../../cli/workflows/command";
import type { BakedAmi, BakeResult } from "../../../automation/images/types";
import type { DeployResult } from "../../../automation/types";
import { EXIT } from "../../../cli/exitCodes";
import { cliHarness, type CliHarness } from "./harness";

const HOUR = 3_600_000;
/** The harness's workflow clock starts here; the simulated account's AMIs are made 3 h earlier. */
const START = Date.parse("2026-01-01T00:00:00Z");
const PARENT = "ami-0c02fb55956c7d316";
const STAGING = ["--app", "shop", "--env", "staging"];
const PROD = ["--app", "shop", "--env", "prod"];

function result<R>(out: string): R {
  const document = JSON.parse(out) as WorkflowDocument<R>;
  assert.equal(document.ok, true, out);
  return (document as Extract<WorkflowDocument<R>, { ok: true }>).result;
}

describe("phoenix bake, up without --image-id, promotion, ami list and prune", () => {
  let h: CliHarness;
  let accountNow = START - 3 * HOUR;
  beforeEach(() => {
    accountNow = START - 3 * HOUR;
    h = cliHarness({ engine: { now: () => accountNow } });
  });
  afterEach(() => h.cleanup());

  async function ok(argv: string[]) {
    const run = await h.phoenix(argv);
    assert.equal(run.code, EXIT.ok, `${argv.join(" ")}\n${run.err}\n${run.out}`);
    return run;
  }

  async function bake(extra: string[] = []): Promise<BakeResult> {
    return result<BakeResult>((await ok(["bake", ...STAGING, "--json", ...extra])).out);
  }

  it("bakes, deploys the newest bake, and promotes the AMI live in staging to prod", async () => {
    await ok(["bootstrap", ...STAGING]);
    await ok(["bootstrap", ...PROD]);

    const baked = await h.phoenix([
      "bake",
      ...STAGING,
      "--parent-image",
      PARENT,
      "--build-step",
      "dnf install -y nginx",
      "--test-step",
      "nginx -t",
    ]);
    assert.equal(baked.code, EXIT.ok, baked.err);
    const first = /Baked shop\/staging \(bake [0-9a-z-]+\): us-east-1 (ami-[0-9a-f]{17})\./.exec(
      baked.out,
    )?.[1];
    assert.ok(first, baked.out);
    assert.match(baked.out, new RegExp(`Recipe 1\\.0\\.0 from parent image ${PARENT}`));
    // The phases, in order, from the engine's events.
    const phases = [...baked.err.matchAll(/bake: (prepare|build-test-distribute|distributed|failed)\b/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(phases, ["prepare", "build-test-distribute", "distributed"]);
    assert.equal(h.engine.inspect("shop-staging-ami")?.config["phoenix:testSteps"], '["nginx -t"]');

    // A second bake of the same recipe: a new image version, a new AMI; the parent image is the stack's.
    accountNow += HOUR;
    const second = await bake();
    assert.notEqual(second.imageId, first);
    assert.equal(second.parentImage, PARENT);

    const up = await ok(["up", ...STAGING, "--release", "v1"]);
    assert.match(
      up.out,
      new RegExp(
        `^AMI ${second.imageId}: the newest baked AMI of shop/staging, baked 2 h ago, recipe 1\\.0\\.0\\.$`,
        "m",
      ),
    );
    assert.equal(h.engine.inspect("shop-staging-blue")?.config["phoenix:imageId"], second.imageId);
    assert.equal(h.engine.images.get(second.imageId)?.tags["phoenix:in-use"], "true", "tagged in use");
    await ok(["swap", ...STAGING, "--yes"]);

    const promoted = await ok(["up", ...PROD, "--release", "v1", "--image-from-env", "staging", "--json"]);
    const deploy = result<DeployResult>(promoted.out);
    assert.equal(deploy.imageId, second.imageId);
    assert.deepEqual(
      { source: deploy.image?.source, fromEnv: deploy.image?.fromEnv, colour: deploy.image?.fromColour },
      { source: "promoted", fromEnv: "staging", colour: "blue" },
    );
    assert.equal(deploy.image?.recipeVersion, "1.0.0");
    assert.equal(h.engine.inspect("shop-prod-blue")?.config["phoenix:imageId"], second.imageId);
  });

  it("a failing image test fails the bake and records no AMI: up keeps taking the last good one", async () => {
    await ok(["bootstrap", ...STAGING]);
    const good = await bake(["--parent-image", PARENT]);
    h.engine.failImageTests(true);
    accountNow += HOUR;
    const failed = await h.phoenix(["bake", ...STAGING]);
    assert.equal(failed.code, EXIT.failed);
    assert.match(
      failed.err,
      /The bake of shop-staging-ami failed: the image ended FAILED: Image tests failed\. No AMI was recorded/,
    );
    assert.match(failed.err, /bake: failed/);
    const amis = result<BakedAmi[]>((await ok(["ami", "list", ...STAGING, "--json"])).out);
    assert.deepEqual(
      amis.map((a) => a.imageId),
      [good.imageId],
    );
    const history = (await ok(["history", ...STAGING, "--json"])).out;
    assert.equal(history.match(/"baked"/g), null, "history shows no bake record");
    h.engine.failImageTests(false);
    const up = result<DeployResult>((await ok(["up", ...STAGING, "--release", "v1", "--json"])).out);
    assert.equal(up.imageId, good.imageId);
  });

  it("ami list shows a scheduled pipeline's AMI, and up takes it when it is the newest", async () => {
    await ok(["bootstrap", ...STAGING]);
    const baked = await bake(["--parent-image", PARENT]);
    accountNow += HOUR;
    h.engine.images.register({
      imageId: "ami-0aaaaaaaaaaaaaaaa",
      region: "us-east-1",
      tags: {
        "phoenix:golden-ami": "shop-staging",
        Ec2ImageBuilderArn: "arn:aws:imagebuilder:us-east-1:123456789012:image/shop-staging-r/1.2.0/4",
      },
    });
    const list = await ok(["ami", "list", ...STAGING]);
    const lines = list.out.trim().split("\n");
    assert.equal(lines[0], "AMIs of shop/staging, newest first:");
    assert.match(lines[1], /^ {2}ami-0aaaaaaaaaaaaaaaa .* recipe 1\.2\.0 {2}pipeline run$/);
    assert.match(lines[2], new RegExp(`^  ${baked.imageId} .* recipe 1\\.0\\.0  bake ${baked.bakeId}$`));
    const up = await ok(["up", ...STAGING, "--release", "v1"]);
    assert.match(
      up.out,
      /AMI ami-0aaaaaaaaaaaaaaaa: the newest baked AMI of shop\/staging, baked 2 h ago, recipe 1\.2\.0\./,
    );
  });

  it("release without --image-id deploys the newest bake too", async () => {
    await ok(["bootstrap", ...STAGING]);
    const baked = await bake(["--parent-image", PARENT]);
    await ok(["release", ...STAGING, "--strategy", "blue-green", "--release", "v1", "--yes"]);
    assert.equal(h.engine.inspect("shop-staging-blue")?.config["phoenix:imageId"], baked.imageId);
    assert.deepEqual(h.engine.inspect("shop-staging-router")?.outputs.weights, { blue: 100, green: 0 });
  });

  it("up without an image and nothing baked says to bake first; --image-id with --image-from-env is refused", async () => {
    await ok(["bootstrap", ...STAGING]);
    const none = await h.phoenix(["up", ...STAGING, "--release", "v1"]);
    assert.equal(none.code, EXIT.failed);
    assert.match(
      none.err,
      /No baked AMI of shop\/staging .*run `phoenix bake --app shop --env staging` first, or pass --image-id/,
    );
    const both = await h.phoenix([
      "up",
      ...STAGING,
      "--release",
      "v1",
      "--image-id",
      PARENT,
      "--image-from-env",
      "prod",
    ]);
    assert.equal(both.code, EXIT.badInput);
    assert.match(both.err, /`--image-from-env` \("prod"\) cannot be given with --image-id/);
    assert.equal(h.ups("shop-staging-blue"), 0, "nothing deployed");
  });

  it("ami prune --dry-run lists what would go and why each survivor is kept, changing nothing", async () => {
    await ok(["bootstrap", ...STAGING]);
    const images: string[] = [];
    for (let i = 0; i < 4; i++) {
      accountNow += HOUR;
      images.push((await bake(i === 0 ? ["--parent-image", PARENT] : [])).imageId);
    }
    await ok(["up", ...STAGING, "--release", "v1", "--image-id", images[0]]);
    const dry = await ok(["ami", "prune", ...STAGING, "--keep", "2", "--dry-run"]);
    const line = (ami: string) => dry.out.split("\n").find((l) => l.includes(ami)) ?? "";
    assert.match(
      dry.out,
      /^Dry run: nothing changed\. AMIs of shop\/staging, keeping the newest 2, deregistering 7 d after deprecation:/,
    );
    assert.match(
      line(images[3]),
      /kept: one of the newest 2 baked AMIs \(#1\); the current bake of stack shop-staging-ami$/,
    );
    assert.match(line(images[2]), /kept: one of the newest 2 baked AMIs \(#2\)$/);
    assert.match(line(images[1]), /would deprecate: older than the newest 2 and used by no stack$/);
    assert.match(line(images[0]), /kept: warm on blue of shop\/staging \(release v1\)$/);
    assert.equal(h.engine.images.get(images[1])?.deprecationTime, undefined, "nothing deprecated");
  });
});
