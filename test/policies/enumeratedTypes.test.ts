// The types the enumeration brought in (docs/policies.md, "Coverage by enumeration"): each with a passing and
// a failing shape, called as the engine calls the policies.
import { strict as assert } from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { noKeyPairs } from "../../policies/keyPairs";
import { AWS } from "../../policies/lib/types";
import { imdsv2Required } from "../../policies/metadata";
import { noSshAccess } from "../../policies/ssh";
import { runPolicy } from "./harness";

type Row = [title: string, type: string, props: Record<string, unknown>, violation: RegExp | undefined];

function table(policy: ResourceValidationPolicy, rows: Row[]) {
  for (const [title, type, props, violation] of rows) {
    it(`${violation ? "refuses" : "passes"} ${title}`, () => {
      const { violations, unknown } = runPolicy(policy, type, props, { name: "subject" });
      assert.equal(unknown, undefined);
      if (!violation) assert.deepEqual(violations, []);
      else {
        assert.equal(violations.length >= 1, true, `no violation for ${title}`);
        assert.match(violations[0], violation);
      }
    });
  }
}

describe("no-ssh-access on the enumerated types", () => {
  const ssh = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
  table(noSshAccess, [
    [
      "a default security group admitting SSH",
      AWS.defaultSecurityGroup,
      { ingress: [ssh] },
      /^Default security group "subject" must not admit remote access: ingress\[0\]/,
    ],
    [
      "a default security group admitting HTTPS",
      AWS.defaultSecurityGroup,
      { ingress: [{ ...ssh, fromPort: 443, toPort: 443 }] },
      undefined,
    ],
    [
      "a GameLift fleet opening 22",
      AWS.gameLiftFleet,
      { ec2InboundPermissions: [{ protocol: "TCP", fromPort: 22, toPort: 22, ipRange: "0.0.0.0/0" }] },
      /ec2InboundPermissions\[0\] \(protocol TCP\) admits port 22 from 0\.0\.0\.0\/0/,
    ],
    [
      "a GameLift fleet opening its game port",
      AWS.gameLiftFleet,
      { ec2InboundPermissions: [{ protocol: "UDP", fromPort: 7777, toPort: 7777, ipRange: "0.0.0.0/0" }] },
      undefined,
    ],
    [
      "Lightsail public ports opening all ports to an alias",
      AWS.lightsailPublicPorts,
      {
        instanceName: "box",
        portInfos: [{ protocol: "all", fromPort: 0, toPort: 65535, cidrListAliases: ["lightsail-connect"] }],
      },
      /portInfos\[0\] \(protocol all\) admits port 22, 3389 from CIDR alias lightsail-connect/,
    ],
    [
      "Lightsail public ports opening 80",
      AWS.lightsailPublicPorts,
      {
        instanceName: "box",
        portInfos: [{ protocol: "tcp", fromPort: 80, toPort: 80, cidrs: ["0.0.0.0/0"] }],
      },
      undefined,
    ],
    [
      "an EKS node group with an SSH key and no source security groups (AWS opens 22 to the internet)",
      AWS.eksNodeGroup,
      { remoteAccess: { ec2SshKey: "ops" } },
      /remoteAccess \(port 22, or 3389 on Windows nodes\) \(protocol tcp\) admits port 22 from 0\.0\.0\.0\/0 \(no `sourceSecurityGroupIds`/,
    ],
    [
      "an EKS node group with an SSH key from a security group",
      AWS.eksNodeGroup,
      { remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-1"] } },
      /admits port 22 from security group sg-1/,
    ],
    [
      "an EKS node group without remote access",
      AWS.eksNodeGroup,
      { nodeRoleArn: "arn:aws:iam::1:role/n" },
      undefined,
    ],
  ]);
  it("with private sources allowed, passes the node group whose SSH is from a security group", () => {
    const props = { remoteAccess: { ec2SshKey: "ops", sourceSecurityGroupIds: ["sg-1"] } };
    assert.deepEqual(
      runPolicy(noSshAccess, AWS.eksNodeGroup, props, { config: { allowPrivateSources: true } }).violations,
      [],
    );
  });
});

describe("no-key-pairs on the enumerated types", () => {
  table(noKeyPairs, [
    [
      "a Batch compute environment with ec2KeyPair",
      AWS.batchComputeEnvironment,
      { computeResources: { ec2KeyPair: "ops" } },
      /`computeResources\.ec2KeyPair` is "ops"/,
    ],
    [
      "a Batch compute environment without",
      AWS.batchComputeEnvironment,
      { computeResources: { maxVcpus: 4 } },
      undefined,
    ],
    [
      "an EKS node group with remoteAccess.ec2SshKey",
      AWS.eksNodeGroup,
      { remoteAccess: { ec2SshKey: "ops" } },
      /`remoteAccess\.ec2SshKey` is "ops"/,
    ],
    [
      "an EMR cluster with ec2Attributes.keyName",
      AWS.emrCluster,
      { ec2Attributes: { keyName: "ops" } },
      /`ec2Attributes\.keyName`/,
    ],
    ["an EMR cluster without", AWS.emrCluster, { ec2Attributes: { subnetId: "subnet-1" } }, undefined],
    [
      "Image Builder build instances with a key pair",
      AWS.imageBuilderInfrastructure,
      { keyPair: "ops" },
      /`keyPair` is "ops"/,
    ],
    [
      "a Lightsail instance with a key pair",
      AWS.lightsailInstance,
      { keyPairName: "ops" },
      /`keyPairName` is "ops"/,
    ],
    ["a Lightsail instance without", AWS.lightsailInstance, { blueprintId: "amazon_linux_2023" }, undefined],
  ]);
});

describe("imdsv2-required on the enumerated types", () => {
  table(imdsv2Required, [
    [
      "a launch configuration without metadata options",
      AWS.launchConfiguration,
      { imageId: "ami-1" },
      /^Launch configuration "subject" must require IMDSv2/,
    ],
    [
      "a launch configuration requiring tokens",
      AWS.launchConfiguration,
      { imageId: "ami-1", metadataOptions: { httpTokens: "required" } },
      undefined,
    ],
    [
      "a spot instance request with optional tokens",
      AWS.spotInstanceRequest,
      { ami: "ami-1", metadataOptions: { httpTokens: "optional" } },
      /"optional"/,
    ],
    [
      "Image Builder build instances with optional tokens",
      AWS.imageBuilderInfrastructure,
      { instanceMetadataOptions: { httpTokens: "optional" } },
      /`instanceMetadataOptions\.httpTokens`/,
    ],
    [
      "Image Builder build instances requiring tokens",
      AWS.imageBuilderInfrastructure,
      { instanceMetadataOptions: { httpTokens: "required" } },
      undefined,
    ],
  ]);
});
