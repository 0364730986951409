// The fleet's and the golden AMI's settings at their edges: instance types (families of several characters,
// nothing around them), required ids, the launch template's fixed metadata and volume settings, user data
// encoded as UTF-8, a required parent image, cron spellings, a component with test steps only, AMI names and
// the AMI of a region.
import { strict as assert } from "assert";
import type { ImmutableFleetArgs } from "../../components/immutableFleet";
import type { GoldenAmiArgs } from "../../components/goldenAmi";
import {
  encodeUserData,
  launchTemplateImmutableArgs,
  resolveFleetSettings,
} from "../../components/fleetSettings";
import {
  amiName,
  amiOfRegion,
  componentDocument,
  resolveGoldenAmiSettings,
} from "../../components/goldenAmiSettings";
import { ComponentArgsError } from "../../components/validation";

function problemsOf(resolve: () => unknown): string[] {
  try {
    resolve();
    return [];
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError, String(e));
    return [...e.problems];
  }
}

const fleet = (change: Record<string, unknown>): ImmutableFleetArgs =>
  ({
    release: "r1",
    imageId: "ami-0123456789abcdef0",
    subnetIds: ["subnet-0a"],
    securityGroupIds: ["sg-0a"],
    ...change,
  }) as ImmutableFleetArgs;
const golden = (change: Record<string, unknown>): GoldenAmiArgs =>
  ({ parentImage: "ami-0123456789abcdef0", buildSteps: ["make"], ...change }) as GoldenAmiArgs;

describe("settings at their edges", () => {
  it("instance types: a family of any length, a dot, a size; nothing around them", () => {
    for (const [type, ok] of [
      ["t3.micro", true],
      ["m7g.large", true],
      ["c6in.32xlarge", true],
      [" t3.micro", false],
      ["t3.micro ", false],
      ["T3.micro", false],
      ["t3micro", false],
    ] as const) {
      assert.equal(
        problemsOf(() => resolveFleetSettings("web", fleet({ instanceType: type }))).length === 0,
        ok,
        type,
      );
      assert.equal(
        problemsOf(() => resolveGoldenAmiSettings("web", golden({ instanceTypes: [type] }))).length === 0,
        ok,
        type,
      );
    }
  });

  it("a fleet requires its security groups, and says so by name", () => {
    for (const securityGroupIds of [undefined, null])
      assert.deepEqual(
        problemsOf(() => resolveFleetSettings("web", fleet({ securityGroupIds }))),
        ['`securityGroupIds` is required: a list of "sg-…" ids'],
      );
    assert.deepEqual(
      problemsOf(() => resolveFleetSettings("web", fleet({ targetGroupArns: undefined }))),
      [],
    );
  });

  it("the launch template's fixed parts: IMDSv2 only, endpoint on, no tags in metadata, volumes deleted with it", () => {
    const args = launchTemplateImmutableArgs({
      imageId: "ami-1",
      instanceType: "t3.micro",
      instanceProfileArn: "arn:aws:iam::1:instance-profile/x",
      securityGroupIds: ["sg-1"],
      rootVolume: { sizeGiB: 20, type: "gp3", deviceName: "/dev/xvda" },
    });
    assert.deepEqual(args.metadataOptions, {
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 2,
      instanceMetadataTags: "disabled",
    });
    assert.deepEqual(args.blockDeviceMappings, [
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
  });

  it("user data is base64 of its UTF-8 bytes", () => {
    assert.equal(encodeUserData("é"), "w6k=");
  });

  it("a golden AMI requires its parent image", () => {
    for (const parentImage of [undefined, null, ""])
      assert.equal(
        problemsOf(() => resolveGoldenAmiSettings("web", golden({ parentImage }))).length,
        1,
        String(parentImage),
      );
  });

  it("cron: six fields, bare or wrapped, spaces anywhere", () => {
    const schedule = (cron: string) =>
      resolveGoldenAmiSettings("web", golden({ schedule: { cron } })).scheduleExpression;
    assert.equal(schedule("0 4 ? * MON *"), "cron(0 4 ? * MON *)");
    assert.equal(schedule("cron(0 4 ? * MON *)"), "cron(0 4 ? * MON *)");
    assert.equal(schedule("  cron( 0 4 ? * MON * )  "), "cron(0 4 ? * MON *)");
    assert.equal(schedule("0  4 ? * MON *"), "cron(0  4 ? * MON *)");
    for (const cron of ["0 4 ? * MON", "0 4 ? * MON * *", "xcron(0 4 ? * MON *)", "cron(0 4 ? * MON *)x"])
      assert.equal(
        problemsOf(() => resolveGoldenAmiSettings("web", golden({ schedule: { cron } }))).length,
        1,
        cron,
      );
  });

  it("a lifecycle with an invalid retention is refused, not half kept", () => {
    const problems = problemsOf(() =>
      resolveGoldenAmiSettings("web", golden({ lifecycle: { deprecateAfterDays: 30, retainAtLeast: 0 } })),
    );
    assert.equal(problems.length, 1);
    assert.match(problems[0], /`lifecycle.retainAtLeast` \(0\)/);
  });

  it("keeps only the string steps, and a component with test steps only has no build phase", () => {
    assert.equal(
      problemsOf(() => resolveGoldenAmiSettings("web", golden({ buildSteps: ["make", 7] }))).length,
      1,
    );
    const document = componentDocument("web", [], ["curl -f localhost"]);
    assert.doesNotMatch(document, /name: build/);
    assert.match(document, / {2}- name: test\n {4}steps:\n {6}- name: PhoenixTest\n/);
  });

  it("AMI names keep the characters AWS allows and cut the base at 90", () => {
    assert.equal(
      amiName("web (v1) [x] a.b/c-d'e@f_g"),
      "web (v1) [x] a.b/c-d'e@f_g-{{ imagebuilder:buildDate }}",
    );
    assert.equal(amiName("web:v1"), "web-v1-{{ imagebuilder:buildDate }}");
    assert.equal(amiName("a".repeat(100)), `${"a".repeat(90)}-{{ imagebuilder:buildDate }}`);
  });

  it("the AMI of a region, or the first one when no region is asked for", () => {
    const outputs = [
      {
        amis: [
          { image: "ami-eu", region: "eu-west-1" },
          { image: "ami-us", region: "us-east-1" },
        ],
      },
      {},
    ];
    assert.equal(amiOfRegion(outputs, "us-east-1"), "ami-us");
    assert.equal(amiOfRegion(outputs, undefined), "ami-eu");
    assert.throws(() => amiOfRegion(outputs, "ap-south-1"), /produced no AMI in ap-south-1 \(AMIs: \[/);
    assert.throws(
      () => amiOfRegion(undefined, undefined),
      /^Error: the Image Builder image produced no AMI \(AMIs: \[\]\)$/,
    );
  });
});
