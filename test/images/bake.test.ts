// `bake` on the in-memory engine: the first bake needs a parent image, the options become the golden-ami
// stack's config and a later bake keeps the stack's values for what it leaves out; its steps, engine events and
// phases; a bake whose stack outputs name another bake, a failed image and a failed program record nothing and
// say why (the provider's last error, the engine's error kept as the cause).
import { strict as assert } from "assert";
import { InvalidInputError } from "../../automation/errors";
import type { ProgressEvent } from "../../automation/events";
import { bakeFailureReason } from "../../automation/images/bake";
import { BakeFailedError } from "../../automation/images/errors";
import { goldenAmiProgram } from "../../automation/memory/fakePrograms";
import { harness, type Harness } from "../automation/harness";

const PARENT = "ami-0c02fb55956c7d316";
const STACK = "shop-prod-ami";

/** The golden-ami stack's `phoenix:*` config, without the namespace and the keys every stack has. */
function bakeConfig(h: Harness): Record<string, unknown> {
  const config = { ...h.engine.inspect(STACK)?.config } as Record<string, unknown>;
  for (const key of ["role", "app", "env"]) delete config[`phoenix:${key}`];
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k.replace(/^phoenix:/, ""), v]));
}

const bakeRecords = async (h: Harness) => (await h.journal()).filter((e) => e.type === "step" && e.baked);

describe("bake", function () {
  this.timeout(120_000);
  let h: Harness;
  afterEach(() => h.cleanup());

  it("refuses the first bake without a parent image, naming the option and the stack, with nothing set", async () => {
    h = harness();
    const error = await h.deployment.bake().catch((e: unknown) => e);
    assert.ok(error instanceof InvalidInputError, String(error));
    assert.deepEqual(error.problems, [
      "`parentImage` is required on the first bake of shop/prod (its stack shop-prod-ami has none): an AMI " +
        "id, an Image Builder image ARN or ssm:<parameter>",
    ]);
    assert.deepEqual(bakeConfig(h), {}, "no config set");
    assert.deepEqual(
      h.engine.calls.map((c) => c.method),
      ["createOrSelectStack", "getAllConfig"],
      "the stack's config read, nothing set or deployed",
    );
  });

  it("sets the options and a new bake id as the stack's config; a later bake keeps what it leaves out", async () => {
    h = harness();
    const first = await h.deployment.bake({
      parentImage: PARENT,
      buildSteps: ["dnf install -y nginx"],
      testSteps: ["nginx -t"],
      instanceTypes: ["t3.small"],
      distributionRegions: ["us-east-1", "eu-west-1"],
    });
    assert.deepEqual(bakeConfig(h), {
      parentImage: PARENT,
      buildSteps: '["dnf install -y nginx"]',
      testSteps: '["nginx -t"]',
      instanceTypes: '["t3.small"]',
      distributionRegions: '["us-east-1","eu-west-1"]',
      bakeId: first.bakeId,
    });
    assert.equal(h.engine.inspect(STACK)?.config["phoenix:role"], "golden-ami");
    assert.equal(first.stack, STACK);
    assert.deepEqual(Object.keys(first.imageIds), ["us-east-1", "eu-west-1"]);
    assert.ok((first.changes.create ?? 0) > 0, `the first bake creates the stack: ${JSON.stringify(first)}`);

    h.clock.now += 3_600_000;
    const second = await h.deployment.bake({ buildSteps: ["dnf install -y nginx", "dnf clean all"] });
    assert.notEqual(second.bakeId, first.bakeId);
    assert.deepEqual(bakeConfig(h), {
      parentImage: PARENT,
      buildSteps: '["dnf install -y nginx","dnf clean all"]',
      testSteps: '["nginx -t"]',
      instanceTypes: '["t3.small"]',
      distributionRegions: '["us-east-1","eu-west-1"]',
      bakeId: second.bakeId,
    });
    assert.equal(second.parentImage, PARENT);
    assert.deepEqual(
      (await bakeRecords(h)).map((e) => e.type === "step" && e.baked?.bakeId),
      [first.bakeId, second.bakeId],
    );
  });

  it("journals configure then bake, reports the stack's up and the phases as they begin", async () => {
    h = harness();
    const seen: ProgressEvent[] = [];
    h.deployment = h.another({ onProgress: (e) => seen.push(e) });
    const baked = await h.deployment.bake({ parentImage: PARENT });
    const detail = `bake ${baked.bakeId}`;
    assert.deepEqual(
      seen.flatMap((e) => (e.kind === "step-start" ? [[e.step, e.detail]] : [])),
      [
        ["configure", detail],
        ["bake", detail],
      ],
    );
    const steps = (await h.journal()).flatMap((e) =>
      e.type === "step" && e.status === "ok" ? [[e.step, e.baked?.bakeId]] : [],
    );
    assert.deepEqual(steps, [
      ["configure", undefined],
      ["bake", baked.bakeId],
    ]);
    const engine = seen.flatMap((e) => (e.kind === "engine" ? [`${e.stack} ${e.operation}`] : []));
    assert.ok(engine.length > 0);
    assert.deepEqual([...new Set(engine)], [`${STACK} up`]);
    assert.deepEqual(
      seen.flatMap((e) => (e.kind === "bake-phase" ? [[e.phase, e.detail]] : [])).slice(0, 2),
      [
        ["prepare", "recipe, components, build infrastructure, distribution"],
        [
          "build-test-distribute",
          `image shop-prod-image-${baked.bakeId}: Image Builder builds, tests, distributes`,
        ],
      ],
    );
  });

  it("fails a bake whose stack outputs name another bake, and records nothing", async () => {
    h = harness({
      engine: {
        programs: {
          "golden-ami": (context) => {
            const run = goldenAmiProgram(context);
            return { ...run, outputs: { ...run.outputs, bakeId: "20250101t000000000z-1" } };
          },
        },
      },
    });
    const error = await h.deployment.bake({ parentImage: PARENT }).catch((e: unknown) => e);
    assert.ok(error instanceof BakeFailedError, String(error));
    const bakeId = bakeConfig(h).bakeId;
    assert.equal(
      error.message,
      `The bake of shop-prod-ami failed: the stack's outputs name bake "20250101t000000000z-1", not this ` +
        `bake's ${String(bakeId)}. No AMI was recorded; the previous baked AMI stays the newest. Fix the ` +
        "build or test steps and run `phoenix bake` again.",
    );
    assert.equal("cause" in error, false, "no engine error to point at");
    assert.deepEqual(await bakeRecords(h), []);
  });

  it("a failed image test: the reason is the provider's last error, the engine's error is the cause", async () => {
    h = harness();
    h.engine.failImageTests(true);
    const error = await h.deployment.bake({ parentImage: PARENT }).catch((e: unknown) => e);
    assert.ok(error instanceof BakeFailedError, String(error));
    assert.equal(error.reason, "the image ended FAILED: Image tests failed");
    assert.ok(error.cause instanceof Error && /update failed/.test(error.cause.message), String(error.cause));
    assert.deepEqual(await bakeRecords(h), []);
  });

  it("a program that fails: the reason is the engine's error line", async () => {
    h = harness({
      engine: {
        programs: {
          "golden-ami": () => {
            throw new Error("recipe component arn:aws:imagebuilder:x not found");
          },
        },
      },
    });
    const error = await h.deployment.bake({ parentImage: PARENT }).catch((e: unknown) => e);
    assert.ok(error instanceof BakeFailedError, String(error));
    assert.equal(
      error.reason,
      "stderr: error: an unhandled error occurred: program failed: recipe component arn:aws:imagebuilder:x not found",
    );
  });
});

describe("bakeFailureReason", () => {
  const cases: [string, string, string][] = [
    [
      "the waiter's end state and last error",
      "code: 255\n stderr: error: update failed\n  creating urn:pulumi:shop-prod-ami::phoenix::aws:imagebuilder/image:Image::i: " +
        "waiting for Image Builder Image (shop) to become available: unexpected state 'CANCELLED', wanted " +
        "target 'AVAILABLE'. last error: Build cancelled by the account  \n",
      "the image ended CANCELLED: Build cancelled by the account",
    ],
    [
      "a last error without an end state",
      "code: 255\n stderr: error: update failed\n  waiting for Image Builder Image: last error: throttled",
      "the image ended FAILED: throttled",
    ],
    [
      "the first error line that is not the engine's update failed",
      "code: 255\n stderr: error: update failed\n    error: creating Image Recipe: InvalidParameterValueException: bad\n",
      "error: creating Image Recipe: InvalidParameterValueException: bad",
    ],
    ["a message without an error line, trimmed", "  connection reset \n", "connection reset"],
    ["only the engine's update failed: the message", "error: update failed", "error: update failed"],
  ];
  for (const [what, message, reason] of cases) {
    it(what, () => assert.equal(bakeFailureReason(new Error(message)), reason));
  }
});
