// Every child of a GoldenAmi with every option on (build and test steps, a subnet, a schedule, a lifecycle),
// input by input, each parented to the component; and which children go with the options off.
import { strict as assert } from "assert";
import { withMocks, type MockedStack } from "../helpers/mocks";

const TAGS = { "phoenix:golden-ami": "web", team: "platform" };

async function plan(args: Record<string, unknown>): Promise<MockedStack> {
  const mocks = await withMocks();
  const { GoldenAmi } = await import("../../components/goldenAmi");
  await mocks.run(async () => ({ id: new GoldenAmi("web", args as never).imageId }));
  return mocks;
}

describe("GoldenAmi children, input by input", () => {
  let mocks: MockedStack;
  const byName = (name: string) => {
    const found = mocks.resources.filter((r) => r.name === name);
    assert.equal(found.length, 1, `one resource named ${name}`);
    return found[0];
  };
  const policy = (json: unknown) => JSON.parse(String(json));

  // Planned for each test, not once in `before`: Stryker's per-test coverage counts only what runs inside a
  // test and its beforeEach hooks, so a plan made once would leave these tests out of every mutant's run.
  beforeEach(async () => {
    mocks = await plan({
      parentImage: "ami-0123456789abcdef0",
      buildSteps: ["dnf install -y nginx"],
      testSteps: ["curl -f localhost"],
      subnetId: "subnet-0a",
      securityGroupIds: ["sg-0a"],
      schedule: { cron: "0 4 ? * MON *" },
      lifecycle: { deprecateAfterDays: 30 },
      tags: { team: "platform" },
    });
  });

  it("the build role: EC2 may assume it; Image Builder's instance policies, in the stack's partition", () => {
    const role = byName("web-build-role");
    assert.deepEqual(policy(role.inputs.assumeRolePolicy), {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    assert.equal(role.inputs.description, "Build instances of the Phoenix golden AMI web");
    assert.deepEqual(role.inputs.tags, TAGS);
    const roleName = byName("web-build-profile").inputs.role;
    assert.deepEqual(byName("web-build-profile").inputs, { role: roleName, tags: TAGS });
    for (const name of ["EC2InstanceProfileForImageBuilder", "AmazonSSMManagedInstanceCore"])
      assert.deepEqual(byName(`web-build-${name}`).inputs, {
        role: roleName,
        policyArn: `arn:aws:iam::aws:policy/${name}`,
      });
  });

  it("the build and test steps: one Linux component, strict bash", () => {
    const component = byName("web-build");
    assert.equal(component.inputs.platform, "Linux");
    assert.equal(component.inputs.description, "Phoenix build steps for web");
    assert.equal(component.inputs.version, "1.0.0");
    assert.deepEqual(component.inputs.tags, TAGS);
    assert.match(String(component.inputs.data), /- "set -euo pipefail"\n\s+- "dnf install -y nginx"/);
    assert.match(String(component.inputs.data), /- "set -euo pipefail"\n\s+- "curl -f localhost"/);
  });

  it("the recipe: the parent image, update-linux first then the steps, an encrypted root volume", () => {
    const recipe = byName("web-recipe");
    assert.equal(recipe.inputs.parentImage, "ami-0123456789abcdef0");
    assert.deepEqual(recipe.inputs.blockDeviceMappings, [
      {
        deviceName: "/dev/xvda",
        ebs: { deleteOnTermination: "true", encrypted: "true", volumeSize: 20, volumeType: "gp3" },
      },
    ]);
    const components = recipe.inputs.components as { componentArn: string }[];
    assert.equal(components.length, 2);
    assert.equal(
      components[0].componentArn,
      "arn:aws:imagebuilder:us-east-1:aws:component/update-linux/x.x.x",
    );
    assert.match(components[1].componentArn, /:component\/web-build-[a-z0-9]+\/1\.0\.0\/1$/);
  });

  it("the build infrastructure: IMDSv2, no key pair, terminated on failure, in the given subnet and groups", () => {
    const infra = byName("web-infra");
    assert.deepEqual(
      { ...infra.inputs, instanceProfileName: undefined },
      {
        description: "Build instances of the Phoenix golden AMI web: no key pair, IMDSv2",
        instanceMetadataOptions: { httpPutResponseHopLimit: 2, httpTokens: "required" },
        instanceProfileName: undefined,
        instanceTypes: ["t3.small"],
        resourceTags: TAGS,
        securityGroupIds: ["sg-0a"],
        subnetId: "subnet-0a",
        tags: TAGS,
        terminateInstanceOnFailure: true,
      },
    );
    assert.match(String(infra.inputs.instanceProfileName), /^web-build-profile/);
  });

  it("distribution, image and pipeline: tagged AMIs named by build date, tests on, scheduled on new updates", () => {
    assert.deepEqual(byName("web-distribution").inputs.distributions, [
      {
        amiDistributionConfiguration: { amiTags: TAGS, name: "web-{{ imagebuilder:buildDate }}" },
        region: "us-east-1",
      },
    ]);
    assert.deepEqual(byName("web-image").inputs.imageTestsConfiguration, {
      imageTestsEnabled: true,
      timeoutMinutes: 60,
    });
    const pipeline = byName("web-pipeline");
    assert.equal(pipeline.inputs.description, "Scheduled bakes of the Phoenix golden AMI web");
    assert.deepEqual(pipeline.inputs.schedule, {
      pipelineExecutionStartCondition: "EXPRESSION_MATCH_AND_DEPENDENCY_UPDATES_AVAILABLE",
      scheduleExpression: "cron(0 4 ? * MON *)",
    });
  });

  it("the lifecycle: its own role for Image Builder, deprecating this AMI's images after the given days, never one tagged in use", () => {
    const role = byName("web-lifecycle-role");
    assert.deepEqual(policy(role.inputs.assumeRolePolicy).Statement[0].Principal, {
      Service: "imagebuilder.amazonaws.com",
    });
    assert.equal(role.inputs.description, "Image Builder lifecycle of the Phoenix golden AMI web");
    assert.equal(
      byName("web-lifecycle-policy").inputs.policyArn,
      "arn:aws:iam::aws:policy/service-role/EC2ImageBuilderLifecycleExecutionPolicy",
    );
    const lifecycle = byName("web-lifecycle");
    assert.equal(lifecycle.inputs.description, "Deprecate AMIs of web after 30 days");
    assert.deepEqual(lifecycle.inputs.policyDetails, [
      {
        action: { type: "DEPRECATE" },
        exclusionRules: { amis: { tagMap: { "phoenix:in-use": "true" } } },
        filter: { retainAtLeast: 1, type: "AGE", unit: "DAYS", value: 30 },
      },
    ]);
  });

  it("every child is parented to the component", () => {
    const component = byName("web");
    assert.equal(component.type, "phoenix:aws:GoldenAmi");
    const children = mocks.resources
      .filter((r) => r.parentUrn === component.urn)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(children, [
      "web-build",
      "web-build-AmazonSSMManagedInstanceCore",
      "web-build-EC2InstanceProfileForImageBuilder",
      "web-build-profile",
      "web-build-role",
      "web-distribution",
      "web-image",
      "web-infra",
      "web-lifecycle",
      "web-lifecycle-policy",
      "web-lifecycle-role",
      "web-pipeline",
      "web-recipe",
    ]);
  });

  it("with no steps, subnet, schedule or lifecycle: update-linux alone, no component, pipeline or lifecycle", async () => {
    const bare = await plan({ parentImage: "ami-0123456789abcdef0" });
    const names = bare.resources.map((r) => r.name);
    for (const absent of ["web-build", "web-pipeline", "web-lifecycle", "web-lifecycle-role"])
      assert.ok(!names.includes(absent), absent);
    const recipe = bare.resources.find((r) => r.name === "web-recipe")!;
    assert.equal((recipe.inputs.components as unknown[]).length, 1);
    const infra = bare.resources.find((r) => r.name === "web-infra")!;
    assert.equal("subnetId" in infra.inputs, false);
  });
});
