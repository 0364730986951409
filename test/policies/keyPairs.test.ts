import { strict as assert } from "assert";
import { noKeyPairs } from "../../policies/keyPairs";
import { AWS } from "../../policies/lib/types";
import { UNKNOWN, runPolicy } from "./harness";

describe("no-key-pairs", () => {
  function happyPathArgs(): Record<string, unknown> {
    return { imageId: "ami-123", instanceType: "t3.micro", metadataOptions: { httpTokens: "required" } };
  }

  for (const type of [AWS.launchTemplate, AWS.launchConfiguration, AWS.instance, AWS.spotInstanceRequest]) {
    describe(type, () => {
      it("passes without a key name", () => {
        assert.deepEqual(runPolicy(noKeyPairs, type, happyPathArgs()).violations, []);
      });
      it("passes an empty key name", () => {
        assert.deepEqual(runPolicy(noKeyPairs, type, { ...happyPathArgs(), keyName: "" }).violations, []);
      });
      it("fails a key name, naming it", () => {
        const { violations } = runPolicy(
          noKeyPairs,
          type,
          { ...happyPathArgs(), keyName: "ops" },
          { name: "web" },
        );
        assert.equal(violations.length, 1);
        assert.match(violations[0], /"web" must not set a key pair: `keyName` is "ops"\./);
      });
    });
  }

  describe("spot fleet launch specifications", () => {
    const spec = { ami: "ami-1", instanceType: "t3.micro" };
    it("passes specifications without a key", () => {
      const props = { launchSpecifications: [spec, spec] };
      assert.deepEqual(runPolicy(noKeyPairs, AWS.spotFleetRequest, props).violations, []);
    });
    it("fails each specification with a key", () => {
      const props = { launchSpecifications: [spec, { ...spec, keyName: "ops" }] };
      assert.deepEqual(runPolicy(noKeyPairs, AWS.spotFleetRequest, props, { name: "sf" }).violations, [
        'Spot fleet request "sf" must not set a key pair: `launchSpecifications[1].keyName` is "ops".',
      ]);
    });
  });

  describe("aws.ec2.KeyPair", () => {
    it("fails any key pair", () => {
      const { violations } = runPolicy(
        noKeyPairs,
        AWS.keyPair,
        { publicKey: "ssh-ed25519 AAA" },
        { name: "ops" },
      );
      assert.deepEqual(violations, ['Key pair "ops" must not exist: immutable servers have no SSH login.']);
    });
    it("passes with forbidKeyPairResources: false", () => {
      const result = runPolicy(
        noKeyPairs,
        AWS.keyPair,
        { publicKey: "x" },
        { config: { forbidKeyPairResources: false } },
      );
      assert.deepEqual(result.violations, []);
    });
  });

  it("is not applicable to a security group", () => {
    const result = runPolicy(noKeyPairs, AWS.securityGroup, { keyName: "ops" });
    assert.deepEqual(result.violations, []);
    assert.ok(result.notApplicable.length > 0);
  });

  it("gives no verdict on an unknown key name", () => {
    const result = runPolicy(noKeyPairs, AWS.instance, { ...happyPathArgs(), keyName: UNKNOWN });
    assert.deepEqual(result.violations, []);
    assert.ok(result.unknown);
  });
});
