import { strict as assert } from "assert";
import { AWS } from "../../policies/lib/types";
import { imdsv2Required } from "../../policies/metadata";
import { UNKNOWN, engineArgs, runPolicy } from "./harness";

describe("imdsv2-required", () => {
  function happyPathArgs(): Record<string, unknown> {
    return { imageId: "ami-123", metadataOptions: { httpEndpoint: "enabled", httpTokens: "required" } };
  }

  for (const type of [AWS.launchTemplate, AWS.instance]) {
    describe(type, () => {
      it("passes httpTokens: required", () => {
        assert.deepEqual(runPolicy(imdsv2Required, type, happyPathArgs()).violations, []);
      });
      it("passes a disabled endpoint without tokens", () => {
        const props = { ...happyPathArgs(), metadataOptions: { httpEndpoint: "disabled" } };
        assert.deepEqual(runPolicy(imdsv2Required, type, props).violations, []);
      });
      it("fails a disabled endpoint when allowDisabledEndpoint is false", () => {
        const props = { ...happyPathArgs(), metadataOptions: { httpEndpoint: "disabled" } };
        const result = runPolicy(imdsv2Required, type, props, { config: { allowDisabledEndpoint: false } });
        assert.equal(result.violations.length, 1);
      });
      it("fails httpTokens: optional, quoting it", () => {
        const props = { ...happyPathArgs(), metadataOptions: { httpTokens: "optional" } };
        const { violations } = runPolicy(imdsv2Required, type, props, { name: "web" });
        assert.equal(violations.length, 1);
        assert.match(violations[0], /"web" must require IMDSv2: .*\(it is "optional"\)/);
      });
      it("fails when metadataOptions is unset", () => {
        const props = { ...happyPathArgs(), metadataOptions: undefined };
        assert.match(
          runPolicy(imdsv2Required, type, props).violations[0],
          /unset, which AWS reads as optional/,
        );
      });
    });
  }

  it("gives no verdict when httpTokens is unknown", () => {
    const props = { ...happyPathArgs(), metadataOptions: { httpTokens: UNKNOWN } };
    const result = runPolicy(imdsv2Required, AWS.launchTemplate, props);
    assert.deepEqual(result.violations, []);
    assert.ok(result.unknown);
  });

  describe("remediation", () => {
    const remediate = imdsv2Required.remediateResource!;
    it("sets httpTokens: required and keeps the other options and inputs", () => {
      const props = {
        imageId: UNKNOWN,
        metadataOptions: { httpPutResponseHopLimit: 2, httpTokens: "optional" },
      };
      const result = remediate(engineArgs(AWS.launchTemplate, props)) as Record<string, unknown>;
      assert.deepEqual(result.metadataOptions, { httpPutResponseHopLimit: 2, httpTokens: "required" });
      // The unknown AMI id is passed back as it came (the proxy's raw target), not read and rejected.
      assert.equal(
        (result as { __getSpecialProxyTarget: Record<string, unknown> }).__getSpecialProxyTarget.imageId,
        UNKNOWN,
      );
    });
    it("changes nothing when IMDSv2 is already required", () => {
      assert.equal(remediate(engineArgs(AWS.instance, happyPathArgs())), undefined);
    });
    it("is not applicable to other types", () => {
      assert.throws(() => remediate(engineArgs(AWS.securityGroup, {})), /only applies to/);
    });
  });
});
