// ImmutableFleet's pure logic: every validation error (table-driven), defaults, names and tags. No mocks.
import { strict as assert } from "assert";
import fc from "fast-check";
import type { ImmutableFleetArgs } from "../../components/immutableFleet";
import {
  FLEET_DEFAULTS,
  encodeUserData,
  fleetPhysicalNames,
  fleetTags,
  launchTemplateImmutableArgs,
  physicalNameBase,
  resolveFleetSettings,
} from "../../components/fleetSettings";
import { ComponentArgsError } from "../../components/validation";
import { identityOfName, launchTemplateIdentity } from "../../components/immutability/identity";

function happyPathArgs(): ImmutableFleetArgs {
  return {
    release: "r2026-11-01",
    imageId: "ami-0123456789abcdef0",
    subnetIds: ["subnet-0a", "subnet-0b"],
    securityGroupIds: ["sg-0a"],
    targetGroupArns: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1"],
  };
}

function problemsOf(args: ImmutableFleetArgs): string[] {
  try {
    resolveFleetSettings("web", args);
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError, `expected ComponentArgsError, got ${e}`);
    return [...e.problems];
  }
  return [];
}

describe("resolveFleetSettings", () => {
  it("accepts the happy path and applies the documented defaults", () => {
    const settings = resolveFleetSettings("web", happyPathArgs());
    assert.equal(settings.app, "web");
    assert.equal(settings.minSize, 1);
    assert.equal(settings.maxSize, 3);
    assert.equal(settings.desiredCapacity, 2);
    assert.deepEqual(settings.rootVolume, { sizeGiB: 20, type: "gp3", deviceName: "/dev/xvda" });
    assert.equal(settings.waitForCapacityTimeout, "10m");
    assert.equal(settings.healthCheckGracePeriod, FLEET_DEFAULTS.healthCheckGracePeriod);
  });

  const invalid: {
    title: string;
    change: Partial<ImmutableFleetArgs> & Record<string, unknown>;
    message: RegExp;
  }[] = [
    {
      title: "desiredCapacity above maxSize",
      change: { desiredCapacity: 7, maxSize: 4 },
      message: /^`desiredCapacity` \(7\) must be between `minSize` \(1\) and `maxSize` \(4\)$/,
    },
    {
      title: "desiredCapacity below minSize",
      change: { desiredCapacity: 1, minSize: 2 },
      message: /`desiredCapacity` \(1\) must be between `minSize` \(2\) and `maxSize` \(3\)/,
    },
    {
      title: "minSize above maxSize",
      change: { minSize: 5, maxSize: 2, desiredCapacity: 2 },
      message: /`minSize` \(5\) must not be greater than `maxSize` \(2\)/,
    },
    {
      title: "negative minSize",
      change: { minSize: -1 },
      message: /`minSize` \(-1\) must be an integer ≥ 0/,
    },
    { title: "zero maxSize", change: { maxSize: 0 }, message: /`maxSize` \(0\) must be an integer ≥ 1/ },
    {
      title: "fractional desiredCapacity",
      change: { desiredCapacity: 1.5 },
      message: /`desiredCapacity` \(1.5\) must be an integer ≥ 0/,
    },
    {
      title: "empty subnetIds",
      change: { subnetIds: [] },
      message: /`subnetIds` \(\[\]\) must list at least one/,
    },
    {
      title: "a subnet id that is not one",
      change: { subnetIds: ["vpc-1"] },
      message: /`subnetIds\[0\]` \("vpc-1"\) must start with "subnet-"/,
    },
    {
      title: "missing securityGroupIds",
      change: { securityGroupIds: undefined },
      message: /`securityGroupIds` is required/,
    },
    {
      title: "a target group that is not an ARN",
      change: { targetGroupArns: ["blue"] },
      message: /`targetGroupArns\[0\]` \("blue"\) must start with "arn:"/,
    },
    {
      title: "malformed imageId",
      change: { imageId: "ami-xyz" },
      message: /`imageId` \("ami-xyz"\) must be an AMI id: "ami-" and 8 or 17/,
    },
    {
      title: "imageId with 12 hex digits",
      change: { imageId: "ami-0123456789ab" },
      message: /`imageId` \("ami-0123456789ab"\) must be an AMI id/,
    },
    { title: "empty imageId", change: { imageId: "" }, message: /`imageId` is required/ },
    {
      title: "release with upper case",
      change: { release: "Release_1" },
      message: /`release` \("Release_1"\) must be 1–40 characters of lower-case letters, digits, dots/,
    },
    {
      title: "release too long",
      change: { release: "r".repeat(41) },
      message: /`release` \("r{41}"\) must be 1–40/,
    },
    { title: "bad app", change: { app: "-web" }, message: /`app` \("-web"\) must be 2–32/ },
    {
      title: "bad instance type",
      change: { instanceType: "large" },
      message: /`instanceType` \("large"\) must be an EC2 instance type/,
    },
    {
      title: "root volume too small",
      change: { rootVolume: { sizeGiB: 0 } },
      message: /`rootVolume.sizeGiB` \(0\) must be an integer from 1 to 16384/,
    },
    {
      title: "root volume of a type that cannot boot",
      change: { rootVolume: { type: "st1" } },
      message: /`rootVolume.type` \("st1"\) must be one of gp3, gp2, io1, io2, standard/,
    },
    {
      title: "root device name",
      change: { rootVolume: { deviceName: "xvda" } },
      message: /`rootVolume.deviceName` \("xvda"\) must be a device path/,
    },
    {
      title: "negative grace period",
      change: { healthCheckGracePeriod: -5 },
      message: /`healthCheckGracePeriod` \(-5\) must be an integer from 0 to 7200/,
    },
    {
      title: "wait timeout that is not a duration",
      change: { waitForCapacityTimeout: "ten minutes" },
      message: /`waitForCapacityTimeout` \("ten minutes"\) must be a duration/,
    },
    {
      title: "a key name smuggled in",
      change: { keyName: "ops" },
      message: /`keyName` is not supported: Phoenix fleets have no SSH access/,
    },
    {
      title: "tags that set the release",
      change: { tags: { "phoenix:release": "other" } },
      message: /`tags` must not set "phoenix:release"/,
    },
    {
      title: "tags that set the identity",
      change: { tags: { "phoenix:identity": "x" } },
      message: /`tags` must not set "phoenix:identity"/,
    },
    {
      title: "tags that contradict app",
      change: { app: "web", tags: { "phoenix:app": "api" } },
      message: /`tags` sets "phoenix:app" to "api" but `app` is "web"/,
    },
  ];

  for (const row of invalid) {
    it(`rejects ${row.title}`, () => {
      const problems = problemsOf({ ...happyPathArgs(), ...row.change } as ImmutableFleetArgs);
      assert.equal(problems.length, 1, `expected one problem, got ${JSON.stringify(problems)}`);
      assert.match(problems[0], row.message);
    });
  }

  it("reports every problem at once, naming the component and the resource", () => {
    const args = { ...happyPathArgs(), release: "BAD", imageId: "ami-1", subnetIds: [], desiredCapacity: 9 };
    assert.throws(
      () => resolveFleetSettings("web", args),
      (e: ComponentArgsError) => {
        assert.equal(e.problems.length, 4);
        assert.match(e.message, /^Invalid arguments for ImmutableFleet "web" \(4 problems\):/);
        for (const arg of ["release", "imageId", "subnetIds", "desiredCapacity"]) {
          assert.ok(e.message.includes(`\`${arg}\``), `message names ${arg}`);
        }
        return true;
      },
    );
  });

  it("leaves outputs (values not known until apply) to AWS", () => {
    const unknownLater = Promise.resolve("ami-whatever");
    const args = { ...happyPathArgs(), imageId: unknownLater, subnetIds: Promise.resolve([]) };
    // Settled as if they were valid: the defaults apply, and the empty subnet list is not judged.
    const settings = resolveFleetSettings("web", args as unknown as ImmutableFleetArgs);
    assert.deepEqual([settings.app, settings.release, settings.desiredCapacity], ["web", "r2026-11-01", 2]);
    // The same plain values are judged: the checks are live for these args.
    assert.ok(problemsOf({ ...happyPathArgs(), imageId: "whatever", subnetIds: [] }).length >= 2);
  });

  it("accepts tags that agree with app, and an 8-digit AMI id", () => {
    const args = { ...happyPathArgs(), app: "web", imageId: "ami-12345678", tags: { "phoenix:app": "web" } };
    assert.deepEqual(problemsOf(args), []);
  });
});

describe("fleet names, tags and the launch template's immutable part", () => {
  const source = {
    imageId: "ami-0123456789abcdef0",
    instanceType: "t3.micro",
    userDataBase64: encodeUserData("#!/bin/sh\necho hi\n"),
    instanceProfileArn: "arn:aws:iam::123456789012:instance-profile/web",
    securityGroupIds: ["sg-1"],
    rootVolume: { sizeGiB: 20, type: "gp3", deviceName: "/dev/xvda" },
  };

  it("never has keyName, requires IMDSv2 and encrypts the root volume", () => {
    const args = launchTemplateImmutableArgs(source);
    assert.equal("keyName" in args, false);
    assert.equal(args.metadataOptions.httpTokens, "required");
    assert.equal(args.blockDeviceMappings[0].ebs.encrypted, "true");
    assert.equal(args.userData, "IyEvYmluL3NoCmVjaG8gaGkK");
  });

  it("leaves userData out when there is none", () => {
    const args = launchTemplateImmutableArgs({ ...source, userDataBase64: undefined });
    assert.equal("userData" in args, false);
  });

  it("puts the identity at the end of both names, so the policy can read it back", () => {
    const identity = launchTemplateIdentity(launchTemplateImmutableArgs(source));
    const names = fleetPhysicalNames("web-demo-blue", "r1", identity);
    assert.equal(names.launchTemplate, `web-demo-blue-r1-${identity}`);
    assert.equal(identityOfName(names.launchTemplate), identity);
    assert.equal(identityOfName(names.autoScalingGroup), identity);
  });

  it("keeps long names within the launch template limit and replaces characters AWS refuses", () => {
    const names = fleetPhysicalNames("x".repeat(200), "r1", "abcdefghij");
    assert.equal(names.launchTemplate.length, 128);
    assert.ok(names.launchTemplate.endsWith("-abcdefghij"));
    assert.equal(physicalNameBase("my app:blue", "r1"), "my-app-blue-r1");
    assert.equal(physicalNameBase("web", "v1.2.3"), "web-v1.2.3", "dots are valid in template names");
  });

  it("tags: the user's, then Phoenix's three, which win", () => {
    const tags = fleetTags(
      { app: "web", release: "r1", tags: { team: "a", "phoenix:app": "web" } },
      "id12345678",
    );
    assert.deepEqual(tags, {
      team: "a",
      "phoenix:app": "web",
      "phoenix:release": "r1",
      "phoenix:identity": "id12345678",
    });
  });

  it("property: names, descriptions and tags added to the template never change its identity", () => {
    const identity = launchTemplateIdentity(launchTemplateImmutableArgs(source));
    const tags = fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 8 }));
    fc.assert(
      fc.property(fc.string(), fc.string(), tags, tags, (name, description, templateTags, instanceTags) => {
        const withExtras = {
          ...launchTemplateImmutableArgs(source),
          name,
          description,
          tags: templateTags,
          tagSpecifications: [{ resourceType: "instance", tags: instanceTags }],
        };
        return launchTemplateIdentity(withExtras) === identity;
      }),
    );
  });

  it("property: any other AMI, instance type or root volume size gives another identity", () => {
    const identity = launchTemplateIdentity(launchTemplateImmutableArgs(source));
    fc.assert(
      fc.property(
        fc.stringMatching(/^ami-[0-9a-f]{17}$/),
        fc.constantFrom("t3.micro", "t3.small", "m7g.large"),
        fc.integer({ min: 8, max: 64 }),
        (imageId, instanceType, sizeGiB) => {
          fc.pre(imageId !== source.imageId || instanceType !== source.instanceType || sizeGiB !== 20);
          const changed = { ...source, imageId, instanceType, rootVolume: { ...source.rootVolume, sizeGiB } };
          return launchTemplateIdentity(launchTemplateImmutableArgs(changed)) !== identity;
        },
      ),
    );
  });
});
