// The image workflows' options refused before any engine or AWS call: bake's parent image and lists, up's
// image choice (`imageFromEnv`), prune's `keep` and delay; each message names the option, the value received
// and what is allowed, every problem of a call at once.
import { strict as assert } from "assert";
import { InvalidInputError } from "../../automation/errors";
import type { BakeOptions, PruneOptions } from "../../automation/images/types";
import { checkBakeOptions } from "../../automation/images/validate";
import { Problems } from "../../automation/validate";
import { AMI_1, harness, type Harness } from "../automation/harness";

const PARENT = "ami-0c02fb55956c7d316";

/** The problems of a refused call, after checking that nothing reached the engine or the probe. */
async function refused(h: Harness, call: Promise<unknown>): Promise<string[]> {
  const engineCalls = h.engine.callCount;
  const probeCalls = h.probe.calls.length;
  const error = await call.then(
    () => assert.fail("the call was accepted"),
    (e: unknown) => e,
  );
  assert.ok(error instanceof InvalidInputError, String(error));
  assert.equal(h.engine.callCount, engineCalls, "no engine call");
  assert.equal(h.probe.calls.length, probeCalls, "no probe call");
  return error.problems;
}

describe("image options are refused before any call", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  describe("bake", () => {
    const cases: [string, BakeOptions, string[]][] = [
      [
        "a parent image that is no AMI, image ARN or SSM parameter",
        { parentImage: "ubuntu-22.04" },
        ['`parentImage` ("ubuntu-22.04") must be an AMI id, an Image Builder image ARN or ssm:<parameter>'],
      ],
      [
        "a parent image given as a list (even of one good AMI id)",
        { parentImage: [PARENT] as never },
        [`\`parentImage\` (["${PARENT}"]) must be an AMI id, an Image Builder image ARN or ssm:<parameter>`],
      ],
      [
        "build steps given as one string",
        { buildSteps: "dnf install -y nginx" as never },
        ['`buildSteps` ("dnf install -y nginx") must be a list of non-empty strings'],
      ],
      [
        "a blank test step among good ones",
        { testSteps: ["nginx -t", "   "] },
        ['`testSteps` (["nginx -t","   "]) must be a list of non-empty strings'],
      ],
      [
        "a build step that is not a string",
        { buildSteps: ["make", 3 as never] },
        ['`buildSteps` (["make",3]) must be a list of non-empty strings'],
      ],
      [
        "an instance type that is not one, by its index",
        { instanceTypes: ["t3.small", "large"] },
        ['`instanceTypes[1]` ("large") must be an EC2 instance type such as `t3.small`'],
      ],
      [
        "a region that is not one, by its index",
        { distributionRegions: ["eu-west-1", "mars"] },
        ['`distributionRegions[1]` ("mars") must be an AWS region such as `eu-west-1`'],
      ],
      [
        "no distribution region at all",
        { distributionRegions: [] },
        ["`distributionRegions` ([]) must list at least one region, or be left out for the stack's"],
      ],
    ];
    for (const [what, options, problems] of cases) {
      it(`refuses ${what}`, async () => {
        assert.deepEqual(await refused(h, h.deployment.bake(options)), problems);
      });
    }

    it("reports every problem of one bake at once, in the order of the options", async () => {
      const problems = await refused(
        h,
        h.deployment.bake({
          parentImage: "ami-1",
          buildSteps: [""],
          testSteps: "x" as never,
          instanceTypes: ["T3.SMALL"],
          distributionRegions: ["us-east-1", "EU"],
        }),
      );
      assert.deepEqual(
        problems.map((p) => /^`([^`]+)`/.exec(p)?.[1]),
        ["parentImage", "buildSteps", "testSteps", "instanceTypes[0]", "distributionRegions[1]"],
      );
    });

    it("takes every form of parent image, and good lists", () => {
      for (const parentImage of [
        "ami-0c02fb55",
        PARENT,
        "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x",
        "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
      ]) {
        const problems = new Problems();
        checkBakeOptions(problems, {
          parentImage,
          buildSteps: ["dnf install -y nginx"],
          testSteps: ["nginx -t"],
          instanceTypes: ["t3.small", "m7g.large"],
          distributionRegions: ["us-east-1", "eu-west-1", "ap-southeast-2"],
        });
        assert.deepEqual(problems.list, [], parentImage);
      }
    });
  });

  describe("the image choice of up", () => {
    beforeEach(() => h.deployment.bootstrap());

    it("refuses imageFromEnv together with imageId: one AMI", async () => {
      assert.deepEqual(
        await refused(h, h.deployment.up({ release: "v1", imageId: AMI_1, imageFromEnv: "staging" })),
        ['`imageFromEnv` ("staging") cannot be given with `imageId`: choose one AMI'],
      );
    });

    it("refuses imageFromEnv naming the env deployed to", async () => {
      assert.deepEqual(await refused(h, h.deployment.up({ release: "v1", imageFromEnv: "prod" })), [
        '`imageFromEnv` ("prod") must be another env than prod, the one deployed to',
      ]);
    });

    it("refuses an imageFromEnv that cannot be an env name", async () => {
      const [problem] = await refused(h, h.deployment.up({ release: "v1", imageFromEnv: "Staging_1" }));
      assert.match(problem, /^`imageFromEnv` \("Staging_1"\) must be 2–32 lower-case letters/);
    });
  });

  describe("prune", () => {
    const cases: [string, PruneOptions, string[]][] = [
      ["keep above 1000", { keep: 1001 }, ["`keep` (1001) must be an integer from 1 to 1000"]],
      ["keep left out", {} as PruneOptions, ["`keep` (undefined) must be an integer from 1 to 1000"]],
      [
        "a delay above a year",
        { keep: 1, deregisterAfterMs: 365 * 24 * 3600 * 1000 + 1 },
        ["`deregisterAfterMs` (31536000001) must be an integer from 0 to 31536000000"],
      ],
      [
        "a negative delay",
        { keep: 1, deregisterAfterMs: -1 },
        ["`deregisterAfterMs` (-1) must be an integer from 0 to 31536000000"],
      ],
    ];
    for (const [what, options, problems] of cases) {
      it(`refuses ${what}`, async () => {
        assert.deepEqual(await refused(h, h.deployment.pruneAmis(options)), problems);
      });
    }

    it("refuses a call without options (JavaScript) by naming keep, not with a TypeError", async () => {
      assert.deepEqual(await refused(h, h.deployment.pruneAmis(undefined as never)), [
        "`keep` (undefined) must be an integer from 1 to 1000",
      ]);
    });
  });
});
