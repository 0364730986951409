// The in-place update guard's decision table (pure: no mocks).
import { strict as assert } from "assert";
import fc from "fast-check";
import {
  AUTO_SCALING_GROUP_TYPE,
  LAUNCH_TEMPLATE_TYPE,
  MUTABLE_KEYS,
  decideUpdate,
  isGuardedType,
  launchTemplateMovedVersionOnly,
  sameValue,
} from "../../components/immutability/updateGuard";
import { UNKNOWN_SENTINEL } from "../../components/immutability/identity";

function launchTemplateInputs(): Record<string, unknown> {
  return {
    name: "web-r1-abcdefghij",
    imageId: "ami-0123456789abcdef0",
    instanceType: "t3.micro",
    userData: "IyEvYmluL3No",
    vpcSecurityGroupIds: ["sg-1"],
    metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
    blockDeviceMappings: [{ deviceName: "/dev/xvda", ebs: { encrypted: "true", volumeSize: 20 } }],
    tags: { "phoenix:release": "r1" },
    tagSpecifications: [{ resourceType: "instance", tags: { team: "a" } }],
    description: "release r1",
  };
}

function groupInputs(): Record<string, unknown> {
  return {
    name: "web-r1-abcdefghij",
    launchTemplate: { name: "web-r1-abcdefghij", version: "1" },
    vpcZoneIdentifiers: ["subnet-1", "subnet-2"],
    targetGroupArns: ["arn:aws:elasticloadbalancing:tg/blue"],
    minSize: 1,
    maxSize: 3,
    desiredCapacity: 2,
    waitForElbCapacity: 2,
    healthCheckType: "ELB",
    healthCheckGracePeriod: 120,
    tags: [{ key: "phoenix:release", value: "r1", propagateAtLaunch: true }],
  };
}

describe("updateGuard.decideUpdate", () => {
  const table: {
    title: string;
    type: string;
    base: () => Record<string, unknown>;
    change: Record<string, unknown>;
    allowed: boolean;
    refused?: string[];
  }[] = [
    {
      title: "LT: nothing changed",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: {},
      allowed: true,
    },
    {
      title: "LT: tags only",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: { tags: { "phoenix:release": "r1", team: "b" } },
      allowed: true,
    },
    {
      title: "LT: tag specifications and description",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: { tagSpecifications: [{ resourceType: "instance", tags: { team: "b" } }], description: "x" },
      allowed: true,
    },
    {
      title: "LT: AMI",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: { imageId: "ami-0fedcba9876543210" },
      allowed: false,
      refused: ["imageId"],
    },
    {
      title: "LT: user data and instance type together",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: { userData: "ZWNobyBoaQ==", instanceType: "t3.large", tags: {} },
      allowed: false,
      refused: ["instanceType", "userData"],
    },
    {
      title: "LT: a key added (keyName)",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: { keyName: "ops" },
      allowed: false,
      refused: ["keyName"],
    },
    {
      title: "LT: metadata options loosened",
      type: LAUNCH_TEMPLATE_TYPE,
      base: launchTemplateInputs,
      change: { metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: 2 } },
      allowed: false,
      refused: ["metadataOptions"],
    },
    {
      title: "ASG: capacity",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: { minSize: 2, maxSize: 6, desiredCapacity: 4, waitForElbCapacity: 4 },
      allowed: true,
    },
    {
      title: "ASG: tags and wait timeout",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: { tags: [], waitForCapacityTimeout: "20m" },
      allowed: true,
    },
    {
      title: "ASG: same template, newer version",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: { launchTemplate: { name: "web-r1-abcdefghij", version: "2" } },
      allowed: true,
    },
    {
      title: "ASG: another template",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: { launchTemplate: { name: "web-r2-bcdefghijk", version: "1" } },
      allowed: false,
      refused: ["launchTemplate"],
    },
    {
      title: "ASG: subnets and target groups",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: {
        vpcZoneIdentifiers: ["subnet-3"],
        targetGroupArns: ["arn:aws:elasticloadbalancing:tg/green"],
      },
      allowed: false,
      refused: ["targetGroupArns", "vpcZoneIdentifiers"],
    },
    {
      title: "ASG: health check grace period",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: { healthCheckGracePeriod: 300, desiredCapacity: 3 },
      allowed: false,
      refused: ["healthCheckGracePeriod"],
    },
    {
      title: "ASG: a value that is unknown during preview counts as changed",
      type: AUTO_SCALING_GROUP_TYPE,
      base: groupInputs,
      change: { vpcZoneIdentifiers: UNKNOWN_SENTINEL },
      allowed: false,
      refused: ["vpcZoneIdentifiers"],
    },
    {
      title: "unguarded type: anything goes",
      type: "aws:lb/listener:Listener",
      base: () => ({ port: 80, defaultActions: [{ type: "forward" }] }),
      change: { port: 443 },
      allowed: true,
    },
  ];

  for (const row of table) {
    it(row.title, () => {
      const before = row.base();
      const decision = decideUpdate(row.type, before, { ...before, ...row.change }, "web");
      assert.equal(decision.allowed, row.allowed);
      assert.deepEqual(decision.refusedKeys, row.refused ?? []);
      if (row.allowed) {
        assert.equal(decision.message, undefined);
      } else {
        for (const key of row.refused!) assert.match(decision.message!, new RegExp(`\`${key}\``));
        assert.match(decision.message!, /"web" in place/);
        assert.match(decision.message!, /Deploy a new release/);
      }
    });
  }

  it("lists every changed key, allowed or not, sorted", () => {
    const before = groupInputs();
    const decision = decideUpdate(AUTO_SCALING_GROUP_TYPE, before, {
      ...before,
      desiredCapacity: 3,
      healthCheckType: "EC2",
    });
    assert.deepEqual(decision.changedKeys, ["desiredCapacity", "healthCheckType"]);
    assert.deepEqual(decision.refusedKeys, ["healthCheckType"]);
  });

  it("treats the engine's spellings (strings for numbers and booleans, __defaults) as equal", () => {
    const before = launchTemplateInputs();
    const engine = {
      ...before,
      __defaults: ["name"],
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { encrypted: true, volumeSize: "20", __defaults: [] } },
      ],
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: "2", httpEndpoint: null },
    };
    const decision = decideUpdate(LAUNCH_TEMPLATE_TYPE, before, engine);
    assert.deepEqual(decision.changedKeys, []);
    assert.equal(decision.allowed, true);
  });

  it("handles missing old or new inputs (a key that appears is a change)", () => {
    const decision = decideUpdate(LAUNCH_TEMPLATE_TYPE, undefined, { imageId: "ami-12345678" });
    assert.deepEqual(decision.refusedKeys, ["imageId"]);
    assert.equal(decideUpdate(LAUNCH_TEMPLATE_TYPE, {}, undefined).allowed, true);
  });

  it("exports the mutable keys per guarded type for the automation preview guard", () => {
    assert.deepEqual([...MUTABLE_KEYS[AUTO_SCALING_GROUP_TYPE]].sort(), [
      "desiredCapacity",
      "maxSize",
      "minElbCapacity",
      "minSize",
      "tags",
      "waitForCapacityTimeout",
      "waitForElbCapacity",
    ]);
    assert.ok(MUTABLE_KEYS[LAUNCH_TEMPLATE_TYPE].includes("tags"));
    assert.ok(!MUTABLE_KEYS[LAUNCH_TEMPLATE_TYPE].includes("imageId"));
    assert.equal(isGuardedType(LAUNCH_TEMPLATE_TYPE), true);
    assert.equal(isGuardedType("aws:ec2/instance:Instance"), false);
  });
});

describe("updateGuard helpers", () => {
  it("launchTemplateMovedVersionOnly: only a version move of the same template", () => {
    assert.equal(
      launchTemplateMovedVersionOnly({ name: "a", version: "1" }, { name: "a", version: "3" }),
      true,
    );
    assert.equal(
      launchTemplateMovedVersionOnly({ name: "a", version: "1" }, { name: "b", version: "1" }),
      false,
    );
    assert.equal(
      launchTemplateMovedVersionOnly({ id: "lt-1", version: "1" }, { name: "a", version: "1" }),
      false,
    );
    assert.equal(launchTemplateMovedVersionOnly(undefined, { name: "a", version: "1" }), false);
    assert.equal(launchTemplateMovedVersionOnly("a", "a"), false);
  });

  it("sameValue: empties equal, order of keys irrelevant, order of lists relevant", () => {
    assert.equal(sameValue(undefined, []), true);
    assert.equal(sameValue(null, {}), true);
    assert.equal(sameValue({ a: 1, b: 2 }, { b: 2, a: 1 }), true);
    assert.equal(sameValue(["a", "b"], ["b", "a"]), false);
    assert.equal(sameValue("007", 7), false);
    assert.equal(sameValue("1.5", 1.5), true);
    assert.equal(sameValue("false", false), true);
    assert.equal(sameValue(1, 2), false);
  });
});

describe("updateGuard properties", () => {
  // fast-check: any mix of mutable changes passes; adding any one immutable change is refused, and named.
  const value = fc.oneof(
    fc.integer({ min: 0, max: 50 }),
    fc.string({ maxLength: 6 }),
    fc.constant(undefined),
  );

  // Spelled out here, not read from MUTABLE_KEYS: the property must not trust the lists it checks.
  const keys = {
    [LAUNCH_TEMPLATE_TYPE]: {
      mutable: ["tags", "tagsAll", "tagSpecifications", "description"],
      immutable: [
        "name",
        "imageId",
        "instanceType",
        "userData",
        "vpcSecurityGroupIds",
        "metadataOptions",
        "blockDeviceMappings",
      ],
    },
    [AUTO_SCALING_GROUP_TYPE]: {
      mutable: [
        "minSize",
        "maxSize",
        "desiredCapacity",
        "waitForElbCapacity",
        "minElbCapacity",
        "waitForCapacityTimeout",
        "tags",
      ],
      immutable: [
        "name",
        "launchTemplate",
        "vpcZoneIdentifiers",
        "targetGroupArns",
        "healthCheckType",
        "healthCheckGracePeriod",
      ],
    },
  };

  for (const type of [LAUNCH_TEMPLATE_TYPE, AUTO_SCALING_GROUP_TYPE] as const) {
    const base = type === LAUNCH_TEMPLATE_TYPE ? launchTemplateInputs : groupInputs;
    const { mutable, immutable: immutableKeys } = keys[type];

    it(`${type}: the base inputs hold every immutable key listed here`, () => {
      for (const key of immutableKeys) assert.ok(key in base(), key);
    });

    it(`${type}: changes to mutable keys only are always allowed`, () => {
      fc.assert(
        fc.property(fc.dictionary(fc.constantFrom(...mutable), value), (changes) => {
          const before = base();
          return decideUpdate(type, before, { ...before, ...changes }).allowed;
        }),
      );
    });

    it(`${type}: one changed immutable key is always refused, by name`, () => {
      fc.assert(
        fc.property(
          fc.dictionary(fc.constantFrom(...mutable), value),
          fc.constantFrom(...immutableKeys),
          fc.string({ minLength: 1, maxLength: 8 }),
          (changes, key, marker) => {
            const before = base();
            const decision = decideUpdate(type, before, {
              ...before,
              ...changes,
              [key]: `changed-${marker}`,
            });
            return (
              !decision.allowed &&
              decision.refusedKeys.includes(key) &&
              decision.message!.includes(`\`${key}\``)
            );
          },
        ),
      );
    });
  }
});
