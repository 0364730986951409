// Boundaries of the components' pure helpers (issue 12): a fixed-size fleet (desired = max) is accepted; the
// release identity does not depend on the order of security groups, nor on the bridge's `__defaults`
// bookkeeping at any depth. Identities are pinned literals computed once from the inputs below, so a change
// of the hash or of the projection shows here instead of being recomputed by the code under test.
import { strict as assert } from "assert";
import type { ImmutableFleetArgs } from "../../components/immutableFleet";
import { resolveFleetSettings } from "../../components/fleetSettings";
import { ComponentArgsError } from "../../components/validation";
import { launchTemplateIdentity } from "../../components/immutability/identity";

/** A launch template's inputs as the engine hands them over (what the fleet component declares). */
const TEMPLATE = {
  imageId: "ami-0123456789abcdef0",
  instanceType: "t3.micro",
  userData: "IyEvYmluL3NoCmVjaG8gaGkK",
  iamInstanceProfile: { arn: "arn:aws:iam::123456789012:instance-profile/web" },
  vpcSecurityGroupIds: ["sg-0a", "sg-0b"],
  metadataOptions: {
    httpEndpoint: "enabled",
    httpTokens: "required",
    httpPutResponseHopLimit: 2,
    instanceMetadataTags: "disabled",
  },
  blockDeviceMappings: [
    {
      deviceName: "/dev/xvda",
      ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
    },
  ],
};
const TEMPLATE_IDENTITY = "jln4bi2a52";

describe("boundaries", () => {
  describe("release identity", () => {
    it("of the reference template is the pinned literal", () => {
      assert.equal(launchTemplateIdentity(TEMPLATE), TEMPLATE_IDENTITY);
    });

    it("is the same with the security groups in another order", () => {
      assert.equal(
        launchTemplateIdentity({ ...TEMPLATE, vpcSecurityGroupIds: ["sg-0b", "sg-0a"] }),
        TEMPLATE_IDENTITY,
      );
    });

    it("is the same with a non-empty __defaults at the top and nested in a block device", () => {
      const [root] = TEMPLATE.blockDeviceMappings;
      const withDefaults = {
        ...TEMPLATE,
        __defaults: ["name"],
        blockDeviceMappings: [{ ...root, ebs: { ...root.ebs, __defaults: ["throughput", "iops"] } }],
        metadataOptions: { ...TEMPLATE.metadataOptions, __defaults: ["httpProtocolIpv6"] },
      };
      assert.equal(launchTemplateIdentity(withDefaults), TEMPLATE_IDENTITY);
    });

    it("changes with another security group (the order is all that does not count)", () => {
      assert.notEqual(
        launchTemplateIdentity({ ...TEMPLATE, vpcSecurityGroupIds: ["sg-0a", "sg-0c"] }),
        TEMPLATE_IDENTITY,
      );
    });
  });

  describe("fleet capacity", () => {
    const fleet = (capacity: Partial<ImmutableFleetArgs>): ImmutableFleetArgs => ({
      release: "r1",
      imageId: "ami-0123456789abcdef0",
      subnetIds: ["subnet-0a"],
      securityGroupIds: ["sg-0a"],
      ...capacity,
    });

    it("accepts a fixed-size fleet (min = desired = max)", () => {
      const settings = resolveFleetSettings("web", fleet({ minSize: 3, desiredCapacity: 3, maxSize: 3 }));
      assert.deepEqual([settings.minSize, settings.desiredCapacity, settings.maxSize], [3, 3, 3]);
    });

    it("accepts desired = max and desired = min", () => {
      assert.equal(
        resolveFleetSettings("web", fleet({ minSize: 1, desiredCapacity: 4, maxSize: 4 })).desiredCapacity,
        4,
      );
      assert.equal(
        resolveFleetSettings("web", fleet({ minSize: 2, desiredCapacity: 2, maxSize: 4 })).desiredCapacity,
        2,
      );
    });

    it("refuses desired one above max, naming the arg", () => {
      assert.throws(
        () => resolveFleetSettings("web", fleet({ minSize: 1, desiredCapacity: 5, maxSize: 4 })),
        (e: unknown) =>
          e instanceof ComponentArgsError &&
          e.problems.some((p) =>
            /^`desiredCapacity` \(5\) must be between `minSize` \(1\) and `maxSize` \(4\)$/.test(p),
          ),
      );
    });

    it("accepts min = max (no room to scale)", () => {
      const settings = resolveFleetSettings("web", fleet({ minSize: 2, maxSize: 2 }));
      assert.deepEqual([settings.minSize, settings.desiredCapacity, settings.maxSize], [2, 2, 2]);
    });
  });
});
