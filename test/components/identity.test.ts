// The release identity's projection, rule by rule: what is kept, how values are normalised, what is dropped,
// what cannot be decided. Expected values are literals worked out by hand (digests and hashes with Python's
// hashlib and base32, not with this module), so the tests do not trust the code they check.
import { strict as assert } from "assert";
import {
  UndecidableInputError,
  autoScalingGroupIdentity,
  canonicalJson,
  hashProjection,
  identityOfName,
  isSerializedSecret,
  launchTemplateProjection,
  nameWithIdentity,
  tryLaunchTemplateIdentity,
  userDataDigest,
  userDataDigestOf,
} from "../../components/immutability/identity";

const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
const SECRET_KEY = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
/** sha256 of the base64 text "IyEvYmluL3NoCmVjaG8gaGkK" (`#!/bin/sh\necho hi\n`), by hashlib. */
const USER_DATA = "IyEvYmluL3NoCmVjaG8gaGkK";
const USER_DATA_SHA256 = "f4adc3ff58e83257a97557e4605ae7637b9e69a7faf3a5164dab8477505c9ed4";

const encrypted = { [SECRET_KEY]: SECRET_SIG, ciphertext: "v1:abc" };
const decrypted = (plaintext: string) => ({ [SECRET_KEY]: SECRET_SIG, plaintext });

function undecidable(inputs: Record<string, unknown>, path: string, reason: "unknown" | "secret"): void {
  assert.throws(
    () => launchTemplateProjection(inputs),
    (e: unknown) => {
      assert.ok(e instanceof UndecidableInputError, String(e));
      assert.equal(e.path, path);
      assert.equal(e.reason, reason);
      assert.equal(e.name, "UndecidableInputError");
      const says = reason === "unknown" ? "not known until apply" : "an encrypted secret";
      assert.equal(e.message, `input \`${path}\` is ${says}`);
      return true;
    },
  );
  assert.equal(tryLaunchTemplateIdentity(inputs), undefined);
}

describe("release identity, rule by rule", () => {
  it("projects the immutable inputs: user data as its digest, groups merged, metadata defaults dropped", () => {
    const projection = launchTemplateProjection({
      name: "web-r1",
      description: "not part of it",
      tags: { team: "a" },
      imageId: "ami-0123456789abcdef0",
      instanceType: "t3.micro",
      userData: USER_DATA,
      iamInstanceProfile: { arn: "arn:aws:iam::123456789012:instance-profile/web" },
      vpcSecurityGroupIds: ["sg-0b", "sg-0a"],
      securityGroupNames: ["legacy", "sg-0a"],
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "required",
        httpPutResponseHopLimit: 2,
        instanceMetadataTags: "disabled",
        httpProtocolIpv6: "disabled",
      },
      blockDeviceMappings: [
        { deviceName: "/dev/xvdb", ebs: { volumeSize: "100" } },
        { deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: "true", deleteOnTermination: "false" } },
      ],
    });
    assert.deepEqual(projection, {
      imageId: "ami-0123456789abcdef0",
      instanceType: "t3.micro",
      userData: `sha256:${USER_DATA_SHA256}`,
      iamInstanceProfile: { arn: "arn:aws:iam::123456789012:instance-profile/web" },
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 2 },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: 20, encrypted: true, deleteOnTermination: false } },
        { deviceName: "/dev/xvdb", ebs: { volumeSize: 100 } },
      ],
      securityGroups: ["legacy", "sg-0a", "sg-0b"],
    });
  });

  it("drops metadata options that are all at their AWS defaults", () => {
    const projection = launchTemplateProjection({
      imageId: "ami-1",
      metadataOptions: {
        httpEndpoint: "enabled",
        httpTokens: "optional",
        httpProtocolIpv6: "disabled",
        httpPutResponseHopLimit: "1",
        instanceMetadataTags: "disabled",
      },
    });
    assert.deepEqual(projection, { imageId: "ami-1" });
  });

  it("keeps a metadata option that differs from its default", () => {
    for (const [key, value] of [
      ["httpEndpoint", "disabled"],
      ["httpTokens", "required"],
      ["httpProtocolIpv6", "enabled"],
      ["httpPutResponseHopLimit", 3],
      ["instanceMetadataTags", "enabled"],
    ] as const) {
      assert.deepEqual(launchTemplateProjection({ metadataOptions: { [key]: value } }), {
        metadataOptions: { [key]: value },
      });
    }
  });

  it("normalises strings the provider types loosely, and no others", () => {
    const cases: [unknown, unknown][] = [
      ["true", true],
      ["false", false],
      ["20", 20],
      ["-3", -3],
      ["0", 0],
      ["007", "007"],
      ["1.5", "1.5"],
      ["123456789012345", 123456789012345],
      ["1234567890123456", "1234567890123456"],
      ["t3.micro", "t3.micro"],
      [7, 7],
      [false, false],
    ];
    for (const [input, expected] of cases)
      assert.deepEqual(launchTemplateProjection({ kernelId: input }), { kernelId: expected }, String(input));
  });

  it("drops null, undefined and empty collections at any depth", () => {
    assert.deepEqual(
      launchTemplateProjection({
        imageId: null,
        kernelId: undefined,
        placement: {},
        licenseSpecifications: [],
        cpuOptions: { coreCount: null, threadsPerCore: [] },
        monitoring: { enabled: "true", extra: [null, undefined] },
      }),
      { monitoring: { enabled: true } },
    );
  });

  it("keeps the order of lists other than security groups and block devices", () => {
    const projection = launchTemplateProjection({ licenseSpecifications: ["b", "a"] });
    assert.deepEqual(projection, { licenseSpecifications: ["b", "a"] });
  });

  it("reads a single security group given as a string", () => {
    assert.deepEqual(launchTemplateProjection({ vpcSecurityGroupIds: "sg-1" }), { securityGroups: ["sg-1"] });
  });

  it("sorts block devices without a name first, whatever their order", () => {
    const three = launchTemplateProjection({
      blockDeviceMappings: [{ noDevice: "y" }, { deviceName: "/dev/b", noDevice: "x" }, { noDevice: "z" }],
    });
    assert.deepEqual(three.blockDeviceMappings, [
      { noDevice: "y" },
      { noDevice: "z" },
      { deviceName: "/dev/b", noDevice: "x" },
    ]);

    const projection = launchTemplateProjection({
      blockDeviceMappings: [{ deviceName: "/dev/b", noDevice: "x" }, { noDevice: "y" }],
    });
    assert.deepEqual(projection.blockDeviceMappings, [
      { noDevice: "y" },
      { deviceName: "/dev/b", noDevice: "x" },
    ]);
  });

  it("takes block device mappings that are not a list as they are (a broken export), without a TypeError", () => {
    assert.deepEqual(launchTemplateProjection({ blockDeviceMappings: { deviceName: "/dev/xvda" } }), {
      blockDeviceMappings: { deviceName: "/dev/xvda" },
    });
  });

  it("uses a secret's plaintext where the engine sent it decrypted", () => {
    assert.deepEqual(launchTemplateProjection({ instanceType: decrypted('"t3.micro"') }), {
      instanceType: "t3.micro",
    });
    assert.deepEqual(launchTemplateProjection({ placement: decrypted('{"tenancy":"dedicated"}') }), {
      placement: { tenancy: "dedicated" },
    });
    assert.deepEqual(
      launchTemplateProjection({ instanceType: { [SECRET_KEY]: SECRET_SIG, value: "t3.small" } }),
      { instanceType: "t3.small" },
    );
  });

  it("tryLaunchTemplateIdentity gives the identity, or rethrows an error that is not about decidability", () => {
    assert.equal(tryLaunchTemplateIdentity({}), "iqjw7i2vwn");
    // A BigInt has no JSON form: a programming error, not an undecidable input.
    assert.throws(() => tryLaunchTemplateIdentity({ kernelId: BigInt(10) }), TypeError);
  });

  it("cannot decide an unknown or an encrypted input, and says which", () => {
    undecidable({ securityGroupNames: [UNKNOWN] }, "securityGroupNames[0]", "unknown");
    undecidable({ userData: decrypted(UNKNOWN) }, "userData", "unknown");
    undecidable({ imageId: UNKNOWN }, "imageId", "unknown");
    undecidable(
      { blockDeviceMappings: [{ ebs: { volumeSize: UNKNOWN } }] },
      "blockDeviceMappings[0].ebs.volumeSize",
      "unknown",
    );
    undecidable({ instanceType: encrypted }, "instanceType", "secret");
    undecidable({ vpcSecurityGroupIds: [UNKNOWN] }, "vpcSecurityGroupIds[0]", "unknown");
    undecidable({ userData: UNKNOWN }, "userData", "unknown");
    undecidable({ userData: encrypted }, "userData", "secret");
  });

  describe("user data", () => {
    it("is hashed as the base64 text it is given", () => {
      assert.equal(userDataDigest(USER_DATA), USER_DATA_SHA256);
      assert.equal(userDataDigestOf({ userData: USER_DATA }), USER_DATA_SHA256);
      assert.equal(userDataDigestOf({ userData: decrypted(USER_DATA) }), USER_DATA_SHA256);
    });

    it("none, null or empty is no user data", () => {
      assert.equal(userDataDigestOf({}), undefined);
      assert.equal(userDataDigestOf({ userData: null }), undefined);
      assert.deepEqual(launchTemplateProjection({ userData: "" }), {});
      assert.deepEqual(launchTemplateProjection({ userData: null }), {});
    });

    it("encrypted, is read from the phoenix:user-data-sha256 tag (tags, then tagsAll, map or list)", () => {
      const tag = "phoenix:user-data-sha256";
      const digest = "a".repeat(64);
      assert.equal(userDataDigestOf({ userData: encrypted, tags: { [tag]: digest } }), digest);
      assert.equal(userDataDigestOf({ userData: encrypted, tagsAll: { [tag]: digest } }), digest);
      assert.equal(userDataDigestOf({ userData: encrypted, tags: [{ key: tag, value: digest }] }), digest);
      assert.equal(
        userDataDigestOf({
          userData: encrypted,
          tags: { [tag]: "b".repeat(64) },
          tagsAll: { [tag]: digest },
        }),
        "b".repeat(64),
        "tags first",
      );
      assert.deepEqual(launchTemplateProjection({ userData: encrypted, tags: { [tag]: digest } }), {
        userData: `sha256:${digest}`,
      });
    });

    it("encrypted with a malformed, secret or missing tag cannot be decided", () => {
      const tag = "phoenix:user-data-sha256";
      for (const tags of [
        { [tag]: "A".repeat(64) },
        { [tag]: "a".repeat(63) },
        { [tag]: encrypted },
        encrypted,
        {},
        null,
      ]) {
        assert.throws(
          () => userDataDigestOf({ userData: encrypted, tags }),
          UndecidableInputError,
          JSON.stringify(tags),
        );
      }
    });
  });

  describe("hash and names", () => {
    it("hashes the canonical JSON with sha256, base32, 10 characters (pinned by hashlib)", () => {
      assert.equal(hashProjection({}), "iqjw7i2vwn");
      assert.equal(hashProjection({ a: 1 }), "afnl2724yv");
    });

    it("a serialised secret is an object with the signature key, and nothing else is", () => {
      assert.equal(isSerializedSecret(encrypted), true);
      assert.equal(isSerializedSecret(null), false);
      assert.equal(isSerializedSecret(SECRET_KEY), false);
      assert.equal(isSerializedSecret({ ciphertext: "v1:abc" }), false);
    });

    it("canonical JSON sorts keys at every level and keeps list order", () => {
      assert.equal(canonicalJson({ b: 1, a: { d: [2, 1], c: null } }), '{"a":{"c":null,"d":[2,1]},"b":1}');
      assert.equal(canonicalJson([{ b: 1, a: 2 }]), '[{"a":2,"b":1}]');
      assert.equal(canonicalJson("x"), '"x"');
    });

    it("names carry the identity at the end, the base cut to fit, without trailing dashes", () => {
      assert.equal(nameWithIdentity("web-r1", "abcdefghij"), "web-r1-abcdefghij");
      assert.equal(nameWithIdentity("a".repeat(200), "abcdefghij").length, 128);
      assert.equal(nameWithIdentity("a".repeat(20), "abcdefghij", 20), "aaaaaaaaa-abcdefghij");
      assert.equal(nameWithIdentity("abcdefgh--xyz", "abcdefghij", 21), "abcdefgh-abcdefghij");
      assert.equal(nameWithIdentity("a".repeat(300), "abcdefghij", 255).length, 255);
    });

    it("reads an identity back only from a name that ends with one", () => {
      assert.equal(identityOfName("web-r1-abcdefghij"), "abcdefghij");
      assert.equal(identityOfName("web-r1-abcdefg234"), "abcdefg234");
      assert.equal(identityOfName("web-r1-abcdefghi"), undefined, "9 characters");
      assert.equal(identityOfName("web-r1-abcdefghijk"), undefined, "11 characters");
      assert.equal(identityOfName("web-r1-abcdefghi1"), undefined, "1 is not base32");
      assert.equal(identityOfName("web-r1-ABCDEFGHIJ"), undefined, "lower case only");
      assert.equal(identityOfName("web-r1-abcdefghij-x"), undefined, "at the end only");
      assert.equal(identityOfName("abcdefghij"), undefined, "after a dash");
      assert.equal(identityOfName(42), undefined);
      assert.equal(
        identityOfName(["web-r1-abcdefghij"]),
        undefined,
        "a list is not a name, whatever it prints as",
      );
    });

    it("an auto scaling group's identity is its launch template's, read from the template name", () => {
      assert.equal(autoScalingGroupIdentity({ launchTemplate: { name: "web-r1-abcdefghij" } }), "abcdefghij");
      assert.equal(autoScalingGroupIdentity({ launchTemplate: { name: UNKNOWN } }), undefined);
      assert.equal(autoScalingGroupIdentity({ launchTemplate: { id: "lt-1" } }), undefined);
      assert.equal(autoScalingGroupIdentity({}), undefined);
    });
  });
});
