// The AWS CloudProbe revokes heal's stray security group rules through EC2: one call per group and
// direction, each rule as an exact IpPermission, a rule already gone tolerated.
import * as assert from "assert";
import {
  EC2Client,
  RevokeSecurityGroupEgressCommand,
  RevokeSecurityGroupIngressCommand,
} from "@aws-sdk/client-ec2";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { AwsCloudProbe } from "../../../automation/aws/cloudProbe";
import { ProbeRequestError } from "../../../automation/aws/errors";
import type { SecurityGroupRule } from "../../../automation/securityGroupRules";

const OFFLINE = {
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
};

const ssh: SecurityGroupRule = {
  groupId: "sg-fleet",
  direction: "ingress",
  protocol: "tcp",
  fromPort: 22,
  toPort: 22,
  cidrIpv4: "0.0.0.0/0",
};

describe("AWS CloudProbe: revoking stray security group rules", () => {
  // Stubbed only while this suite runs: a stub made when the file loads would be replaced by the next
  // file's stub of the same prototype, and this suite's calls would reach neither.
  let ec2: AwsClientStub<EC2Client>;
  before(() => (ec2 = mockClient(EC2Client)));
  afterEach(() => ec2.reset());
  after(() => ec2.restore());

  it("sends one revoke per group and direction with the exact permissions", async () => {
    ec2.on(RevokeSecurityGroupIngressCommand).resolves({ Return: true });
    ec2.on(RevokeSecurityGroupEgressCommand).resolves({ Return: true });
    const probe = new AwsCloudProbe({ ...OFFLINE, clients: { ec2: new EC2Client(OFFLINE) } });
    await probe.revokeSecurityGroupRules([
      ssh,
      { ...ssh, fromPort: 3389, toPort: 3389, cidrIpv4: undefined, cidrIpv6: "::/0" },
      { groupId: "sg-fleet", direction: "egress", protocol: "-1", referencedSecurityGroupId: "sg-other" },
    ]);
    assert.deepStrictEqual(
      ec2.commandCalls(RevokeSecurityGroupIngressCommand).map((c) => c.args[0].input),
      [
        {
          GroupId: "sg-fleet",
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
            { IpProtocol: "tcp", FromPort: 3389, ToPort: 3389, Ipv6Ranges: [{ CidrIpv6: "::/0" }] },
          ],
        },
      ],
    );
    assert.deepStrictEqual(
      ec2.commandCalls(RevokeSecurityGroupEgressCommand).map((c) => c.args[0].input),
      [
        {
          GroupId: "sg-fleet",
          IpPermissions: [{ IpProtocol: "-1", UserIdGroupPairs: [{ GroupId: "sg-other" }] }],
        },
      ],
    );
  });

  it("takes a rule already gone as revoked, and reports any other error typed", async () => {
    const probe = new AwsCloudProbe({ ...OFFLINE, clients: { ec2: new EC2Client(OFFLINE) } });
    ec2.on(RevokeSecurityGroupIngressCommand).rejects(
      Object.assign(new Error("The specified rule does not exist in this security group."), {
        name: "InvalidPermission.NotFound",
      }),
    );
    await probe.revokeSecurityGroupRules([ssh]);
    ec2
      .on(RevokeSecurityGroupIngressCommand)
      .rejects(Object.assign(new Error("You are not authorized"), { name: "UnauthorizedOperation" }));
    await assert.rejects(
      probe.revokeSecurityGroupRules([ssh]),
      (error: unknown) => error instanceof ProbeRequestError && /UnauthorizedOperation/.test(String(error)),
    );
  });
});
