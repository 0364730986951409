// GoldenAmi: validation (table-driven), the component document, and its children under mocks.
import { strict as assert } from "assert";
import { withMocks, outputOf, type MockedStack } from "../helpers/mocks";
import type { GoldenAmiArgs } from "../../components/goldenAmi";
import {
  GOLDEN_AMI_TAG,
  IN_USE_TAG,
  amiName,
  amiOfRegion,
  componentDocument,
  contentHash,
  resolveGoldenAmiSettings,
  updateLinuxComponentArn,
} from "../../components/goldenAmiSettings";
import { ComponentArgsError } from "../../components/validation";

const IB = "aws:imagebuilder";

function happyPathArgs(): GoldenAmiArgs {
  return {
    parentImage: "ami-0123456789abcdef0",
    buildSteps: ["dnf install -y nginx", "systemctl enable nginx"],
  };
}

function problemsOf(args: GoldenAmiArgs): string[] {
  try {
    resolveGoldenAmiSettings("web", args);
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError);
    return [...e.problems];
  }
  return [];
}

describe("resolveGoldenAmiSettings", () => {
  it("applies the documented defaults", () => {
    const s = resolveGoldenAmiSettings("web", happyPathArgs());
    assert.deepEqual(s.instanceTypes, ["t3.small"]);
    assert.equal(s.version, "1.0.0");
    assert.equal(s.updateOs, true);
    assert.equal(s.distributionRegions, undefined);
    assert.equal(s.scheduleExpression, undefined);
    assert.equal(s.lifecycle, undefined);
    assert.deepEqual(s.tags, { [GOLDEN_AMI_TAG]: "web" });
  });

  it("takes an AMI id, an image ARN or an SSM parameter as parent image", () => {
    for (const parentImage of [
      "ami-12345678",
      "arn:aws:imagebuilder:us-east-1:aws:image/amazon-linux-2023-x86/x.x.x",
      "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    ]) {
      assert.deepEqual(problemsOf({ ...happyPathArgs(), parentImage }), [], parentImage);
    }
  });

  it("wraps a six-field cron and defaults retainAtLeast", () => {
    const s = resolveGoldenAmiSettings("web", {
      ...happyPathArgs(),
      schedule: { cron: "0 4 ? * MON *" },
      lifecycle: { deprecateAfterDays: 30 },
    });
    assert.equal(s.scheduleExpression, "cron(0 4 ? * MON *)");
    assert.deepEqual(s.lifecycle, { deprecateAfterDays: 30, retainAtLeast: 1 });
    const wrapped = resolveGoldenAmiSettings("web", {
      ...happyPathArgs(),
      schedule: { cron: "cron(0 4 ? * MON *)" },
    });
    assert.equal(wrapped.scheduleExpression, "cron(0 4 ? * MON *)");
  });

  const invalid: [string, Partial<GoldenAmiArgs> & Record<string, unknown>, RegExp][] = [
    ["no parent image", { parentImage: "" }, /`parentImage` is required/],
    [
      "a parent image name",
      { parentImage: "amazon-linux" },
      /`parentImage` \("amazon-linux"\) must be an AMI id/,
    ],
    [
      "an empty build step",
      { buildSteps: ["ok", " "] },
      /`buildSteps\[1\]` \(" "\) must be a non-empty shell command/,
    ],
    [
      "build steps that are not a list",
      { buildSteps: "make" as unknown as string[] },
      /`buildSteps` \("make"\)/,
    ],
    ["an empty test step", { testSteps: [""] }, /`testSteps\[0\]` \(""\) must be a non-empty/],
    [
      "nothing to bake",
      { buildSteps: [], updateOs: false },
      /`buildSteps` \(\[\]\) must list at least one command/,
    ],
    ["no instance types", { instanceTypes: [] }, /`instanceTypes` \(\[\]\) must list at least one/],
    ["a bad instance type", { instanceTypes: ["small"] }, /`instanceTypes\[0\]` \("small"\) must be an EC2/],
    [
      "no regions",
      { distributionRegions: [] },
      /`distributionRegions` \(\[\]\) must list at least one region/,
    ],
    [
      "a bad region",
      { distributionRegions: ["Europe"] },
      /`distributionRegions\[0\]` \("Europe"\) must be an AWS region/,
    ],
    ["a bad version", { version: "1.0" }, /`version` \("1.0"\) must be a semantic version/],
    [
      "a tiny root volume",
      { rootVolume: { sizeGiB: 0 } },
      /`rootVolume.sizeGiB` \(0\) must be an integer from 1/,
    ],
    ["a root volume type", { rootVolume: { type: "sc1" } }, /`rootVolume.type` \("sc1"\) must be one of/],
    [
      "a root device that is not a path",
      { rootVolume: { deviceName: "xvda" } },
      /`rootVolume.deviceName` \("xvda"\) must be a device path/,
    ],
    [
      "a short test timeout",
      { imageTestsTimeoutMinutes: 10 },
      /`imageTestsTimeoutMinutes` \(10\) must be an integer from 60 to 1440/,
    ],
    [
      "a subnet without security groups",
      { subnetId: "subnet-1" },
      /`securityGroupIds` is required with `subnetId`/,
    ],
    [
      "a five-field cron",
      { schedule: { cron: "0 4 * * 1" } },
      /`schedule.cron` \("0 4 \* \* 1"\) must be an AWS cron expression of six fields/,
    ],
    [
      "a lifecycle of 0 days",
      { lifecycle: { deprecateAfterDays: 0 } },
      /`lifecycle.deprecateAfterDays` \(0\) must be an integer from 1 to 1000/,
    ],
    [
      "a lifecycle with no days",
      { lifecycle: {} as { deprecateAfterDays: number } },
      /`lifecycle.deprecateAfterDays` is required/,
    ],
    [
      "a lifecycle keeping 0",
      { lifecycle: { deprecateAfterDays: 9, retainAtLeast: 0 } },
      /`lifecycle.retainAtLeast` \(0\) must be an integer from 1 to 10/,
    ],
  ];
  for (const [title, change, message] of invalid) {
    it(`rejects ${title}`, () => {
      const problems = problemsOf({ ...happyPathArgs(), ...change } as GoldenAmiArgs);
      assert.equal(problems.length, 1, JSON.stringify(problems));
      assert.match(problems[0], message);
    });
  }

  it("reports every problem at once", () => {
    const problems = problemsOf({ parentImage: "", version: "x", instanceTypes: [] });
    assert.equal(problems.length, 3);
  });
});

describe("GoldenAmi pure helpers", () => {
  it("componentDocument: one ExecuteBash step per phase, commands quoted, stops at the first failure", () => {
    const doc = componentDocument("web", ['echo "hi: there"', "make"], ["curl -f localhost/health"]);
    assert.equal(
      doc,
      [
        'name: "web"',
        'description: "Phoenix golden AMI build steps for web"',
        "schemaVersion: 1.0",
        "phases:",
        "  - name: build",
        "    steps:",
        "      - name: PhoenixBuild",
        "        action: ExecuteBash",
        "        inputs:",
        "          commands:",
        '            - "set -euo pipefail"',
        '            - "echo \\"hi: there\\""',
        '            - "make"',
        "  - name: test",
        "    steps:",
        "      - name: PhoenixTest",
        "        action: ExecuteBash",
        "        inputs:",
        "          commands:",
        '            - "set -euo pipefail"',
        '            - "curl -f localhost/health"',
        "",
      ].join("\n"),
    );
    assert.doesNotMatch(componentDocument("web", ["make"]), /name: test/);
  });

  it("contentHash: stable, and different for different content", () => {
    assert.equal(contentHash({ a: 1, b: 2 }), contentHash({ b: 2, a: 1 }));
    assert.notEqual(contentHash({ a: 1 }), contentHash({ a: 2 }));
    assert.equal(contentHash({ a: 1 }).length, 8);
  });

  it("amiName carries the build date and only allowed characters", () => {
    assert.equal(amiName("web:demo"), "web-demo-{{ imagebuilder:buildDate }}");
  });

  it("updateLinuxComponentArn is the AWS-managed component of the partition and region", () => {
    assert.equal(
      updateLinuxComponentArn("aws-us-gov", "us-gov-west-1"),
      "arn:aws-us-gov:imagebuilder:us-gov-west-1:aws:component/update-linux/x.x.x",
    );
  });

  it("amiOfRegion picks the region's AMI, or fails saying none was produced", () => {
    const resources = [
      {
        amis: [
          { image: "ami-1", region: "us-east-1" },
          { image: "ami-2", region: "eu-west-1" },
        ],
      },
    ];
    assert.equal(amiOfRegion(resources, "eu-west-1"), "ami-2");
    assert.equal(amiOfRegion(resources, undefined), "ami-1");
    assert.throws(() => amiOfRegion(resources, "ap-south-1"), /produced no AMI in ap-south-1/);
    assert.throws(() => amiOfRegion(undefined, undefined), /produced no AMI \(AMIs: \[\]\)/);
  });
});

describe("GoldenAmi", () => {
  async function plan(args: GoldenAmiArgs) {
    const mocks = await withMocks();
    const { GoldenAmi } = await import("../../components/goldenAmi");
    let ami: InstanceType<typeof GoldenAmi> | undefined;
    await mocks.run(async () => {
      ami = new GoldenAmi("web", args);
      // The image's AMI and the optional children's ARNs: the run waits for all of them.
      return {
        imageId: ami.imageId,
        ...(ami.pipeline ? { pipeline: ami.pipeline.arn } : {}),
        ...(ami.lifecyclePolicy ? { lifecycle: ami.lifecyclePolicy.arn } : {}),
      };
    });
    return { mocks, ami: ami! };
  }

  let mocks: MockedStack;
  let ami: Awaited<ReturnType<typeof plan>>["ami"];
  // In beforeEach, not before: Stryker's per-test coverage counts only what runs in a test and its beforeEach.
  beforeEach(async () => {
    ({ mocks, ami } = await plan(happyPathArgs()));
  });

  it("creates the build role, two policies, a profile, a component, recipe, infra, distribution and image", () => {
    const types = mocks.resources.filter((r) => r.type.startsWith("aws:")).map((r) => r.type);
    assert.equal(types.length, 9);
    for (const t of ["component:Component", "imageRecipe:ImageRecipe", "image:Image"]) {
      assert.equal(mocks.ofType(`${IB}/${t}`).length, 1, t);
    }
    assert.equal(mocks.ofType(`${IB}/imagePipeline:ImagePipeline`).length, 0);
    assert.equal(mocks.ofType(`${IB}/lifecyclePolicy:LifecyclePolicy`).length, 0);
    assert.equal(ami.pipeline, undefined);
  });

  it("gives the build instance the Image Builder and SSM policies", () => {
    const arns = mocks
      .ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .map((a) => a.inputs.policyArn);
    assert.deepEqual(arns.sort(), [
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
      "arn:aws:iam::aws:policy/EC2InstanceProfileForImageBuilder",
    ]);
  });

  it("component: the build steps as a Linux document, named after its content", () => {
    const component = mocks.one(`${IB}/component:Component`).inputs;
    assert.equal(component.platform, "Linux");
    assert.equal(component.version, "1.0.0");
    assert.equal(component.data, componentDocument("web", happyPathArgs().buildSteps!));
    assert.equal(component.name, `web-build-${contentHash({ data: component.data as string })}`);
  });

  it("recipe: the parent image, update-linux then the build component, an encrypted root volume", () => {
    const recipe = mocks.one(`${IB}/imageRecipe:ImageRecipe`).inputs;
    assert.equal(recipe.parentImage, "ami-0123456789abcdef0");
    const components = (recipe.components as { componentArn: string }[]).map((c) => c.componentArn);
    assert.equal(components.length, 2);
    assert.equal(components[0], "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x");
    assert.match(components[1], /component\/web-build-/);
    const devices = recipe.blockDeviceMappings as { ebs: { encrypted: string } }[];
    assert.equal(devices[0].ebs.encrypted, "true");
  });

  it("infrastructure: no key pair, terminate on failure, IMDSv2", () => {
    const infra = mocks.one(`${IB}/infrastructureConfiguration:InfrastructureConfiguration`).inputs;
    assert.equal("keyPair" in infra, false);
    assert.equal(infra.terminateInstanceOnFailure, true);
    assert.deepEqual(infra.instanceTypes, ["t3.small"]);
    assert.equal((infra.instanceMetadataOptions as { httpTokens: string }).httpTokens, "required");
    assert.match(infra.instanceProfileName as string, /^web-build-profile-/);
  });

  it("distribution: the current region, an AMI name with the build date, tagged AMIs", () => {
    const dist = mocks.one(`${IB}/distributionConfiguration:DistributionConfiguration`).inputs;
    const distributions = dist.distributions as {
      region: string;
      amiDistributionConfiguration: Record<string, unknown>;
    }[];
    assert.equal(distributions.length, 1);
    assert.equal(distributions[0].region, "us-east-1");
    assert.match(
      distributions[0].amiDistributionConfiguration.name as string,
      /\{\{ imagebuilder:buildDate \}\}/,
    );
    assert.deepEqual(distributions[0].amiDistributionConfiguration.amiTags, { [GOLDEN_AMI_TAG]: "web" });
  });

  it("image: tests enabled; imageId is its AMI", async () => {
    const image = mocks.one(`${IB}/image:Image`).inputs;
    assert.deepEqual(image.imageTestsConfiguration, { imageTestsEnabled: true, timeoutMinutes: 60 });
    assert.match(await outputOf(ami.imageId), /^ami-[0-9a-f]{17}$/);
    assert.match(
      await outputOf(ami.imageArn),
      /^arn:aws:imagebuilder:us-east-1:123456789012:image\/web-image\//,
    );
  });

  it("adds a scheduled pipeline and a lifecycle policy when asked", async () => {
    const { mocks: m, ami: a } = await plan({
      ...happyPathArgs(),
      schedule: { cron: "0 4 ? * MON *" },
      lifecycle: { deprecateAfterDays: 30, retainAtLeast: 3 },
      distributionRegions: ["us-east-1", "eu-west-1"],
    });
    const pipeline = m.one(`${IB}/imagePipeline:ImagePipeline`).inputs;
    assert.equal(
      (pipeline.schedule as { scheduleExpression: string }).scheduleExpression,
      "cron(0 4 ? * MON *)",
    );
    assert.deepEqual(pipeline.imageTestsConfiguration, { imageTestsEnabled: true, timeoutMinutes: 60 });
    assert.ok(a.pipeline);
    const lifecycle = m.one(`${IB}/lifecyclePolicy:LifecyclePolicy`).inputs;
    assert.equal(lifecycle.resourceType, "AMI_IMAGE");
    assert.deepEqual(lifecycle.policyDetails, [
      {
        action: { type: "DEPRECATE" },
        exclusionRules: { amis: { tagMap: { [IN_USE_TAG]: "true" } } },
        filter: { type: "AGE", value: 30, unit: "DAYS", retainAtLeast: 3 },
      },
    ]);
    assert.deepEqual(lifecycle.resourceSelection, { tagMap: { [GOLDEN_AMI_TAG]: "web" } });
    const roles = m.ofType("aws:iam/role:Role").map((r) => JSON.parse(r.inputs.assumeRolePolicy as string));
    assert.deepEqual(roles.map((r) => r.Statement[0].Principal.Service).sort(), [
      "ec2.amazonaws.com",
      "imagebuilder.amazonaws.com",
    ]);
    const dist = m.one(`${IB}/distributionConfiguration:DistributionConfiguration`).inputs;
    assert.deepEqual(
      (dist.distributions as { region: string }[]).map((d) => d.region),
      ["us-east-1", "eu-west-1"],
    );
    assert.match(await outputOf(a.imageId), /^ami-/);
  });

  it("with updateOs false: only the user's component", async () => {
    const { mocks: m } = await plan({
      ...happyPathArgs(),
      updateOs: false,
      subnetId: "subnet-1",
      securityGroupIds: ["sg-1"],
    });
    const recipe = m.one(`${IB}/imageRecipe:ImageRecipe`).inputs;
    assert.equal((recipe.components as unknown[]).length, 1);
    const infra = m.one(`${IB}/infrastructureConfiguration:InfrastructureConfiguration`).inputs;
    assert.equal(infra.subnetId, "subnet-1");
    assert.deepEqual(infra.securityGroupIds, ["sg-1"]);
  });

  it("with no steps: update-linux alone, no component of ours", async () => {
    const { mocks: m } = await plan({ parentImage: "ami-12345678" });
    assert.equal(m.ofType(`${IB}/component:Component`).length, 0);
    const recipe = m.one(`${IB}/imageRecipe:ImageRecipe`).inputs;
    assert.equal((recipe.components as unknown[]).length, 1);
  });

  it("a new build step gives new component and recipe names (their versions are immutable)", async () => {
    const { mocks: m } = await plan({ ...happyPathArgs(), buildSteps: ["dnf install -y nginx", "echo v2"] });
    const name = (r: MockedStack, t: string) => r.one(`${IB}/${t}`).inputs.name;
    assert.notEqual(name(m, "component:Component"), name(mocks, "component:Component"));
    assert.notEqual(name(m, "imageRecipe:ImageRecipe"), name(mocks, "imageRecipe:ImageRecipe"));
  });
});
