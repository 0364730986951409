// imdsv2-required's remediation (what it changes, what it leaves alone, where it applies) and
// launch-template-version-pinned's reading of versions and its message. Expected values are literals.
import { strict as assert } from "assert";
import { AWS } from "../../policies/lib/types";
import { imdsv2Required } from "../../policies/metadata";
import { launchTemplateVersionPinned } from "../../policies/versions";
import { UNKNOWN, engineArgs } from "./harness";
import { inEngine } from "./verdicts";

describe("imdsv2-required remediation", () => {
  const remediate = imdsv2Required.remediateResource!;
  const raw = (result: unknown) =>
    (result as { __getSpecialProxyTarget: Record<string, unknown> }).__getSpecialProxyTarget;

  it("leaves a disabled endpoint without tokens as it is (allowed by default)", () => {
    const props = { imageId: "ami-1", metadataOptions: { httpEndpoint: "disabled" } };
    assert.equal(remediate(engineArgs(AWS.launchTemplate, props)), undefined);
  });

  it("requires tokens on a disabled endpoint when config does not allow it", () => {
    const props = { imageId: "ami-1", metadataOptions: { httpEndpoint: "disabled" } };
    const result = remediate(
      engineArgs(AWS.launchTemplate, props, { config: { allowDisabledEndpoint: false } }),
    );
    assert.deepEqual(raw(result).metadataOptions, { httpEndpoint: "disabled", httpTokens: "required" });
  });

  it("keeps an option unknown during preview, untouched, beside the tokens it sets", () => {
    const props = {
      imageId: "ami-1",
      metadataOptions: { httpTokens: "optional", httpPutResponseHopLimit: UNKNOWN },
    };
    const result = remediate(engineArgs(AWS.instance, props));
    assert.deepEqual(raw(result).metadataOptions, {
      httpTokens: "required",
      httpPutResponseHopLimit: UNKNOWN,
    });
  });

  it("on any other type, is not applicable, naming every type it covers", () => {
    assert.throws(
      () => remediate(engineArgs(AWS.securityGroup, {})),
      (error: Error) => {
        assert.equal(
          error.message,
          "Policy only applies to aws:ec2/launchTemplate:LaunchTemplate, aws:ec2/instance:Instance, " +
            "aws:ec2/launchConfiguration:LaunchConfiguration, aws:ec2/spotInstanceRequest:SpotInstanceRequest, " +
            "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
        );
        return true;
      },
    );
  });
});

describe("launch-template-version-pinned: versions and messages", () => {
  it("reads a floating version with blanks around it as floating, showing it trimmed", () => {
    const props = { launchTemplate: { name: "lt", version: " $Latest " } };
    assert.deepEqual(inEngine(launchTemplateVersionPinned, AWS.autoScalingGroup, props).messages, [
      'Auto scaling group "subject" must pin an explicit launch template version: `launchTemplate.version` is "$Latest".',
    ]);
  });

  it("names the launch template that moves its default version", () => {
    const props = { imageId: "ami-1", updateDefaultVersion: true };
    assert.deepEqual(inEngine(launchTemplateVersionPinned, AWS.launchTemplate, props).messages, [
      'Launch template "subject" must not set `updateDefaultVersion`: moving the default version changes what ' +
        "`$Default` launches without a new release.",
    ]);
  });
});
