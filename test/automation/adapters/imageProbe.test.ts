// The AWS CloudProbe's EC2 image calls: DescribeImages of the account's own AMIs by tag (all pages, deprecated
// included), the in-use tag on and off, deprecation at a time, and deregistration before each snapshot's delete.
import * as assert from "assert";
import {
  CreateTagsCommand,
  DeleteSnapshotCommand,
  DeleteTagsCommand,
  DeregisterImageCommand,
  DescribeImagesCommand,
  EC2Client,
  EnableImageDeprecationCommand,
} from "@aws-sdk/client-ec2";
import { mockClient, type AwsClientStub } from "aws-sdk-client-mock";
import { AwsCloudProbe } from "../../../automation/aws/cloudProbe";
import { ProbeRequestError } from "../../../automation/aws/errors";

const OFFLINE = {
  region: "eu-west-1",
  credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "not-a-secret" },
};

describe("AWS CloudProbe: EC2 image calls", () => {
  // Stubbed only while this suite runs: a stub made when the file loads would be replaced by the next
  // file's stub of the same prototype, and this suite's calls would reach neither.
  let ec2: AwsClientStub<EC2Client>;
  before(() => (ec2 = mockClient(EC2Client)));
  afterEach(() => ec2.reset());
  after(() => ec2.restore());
  const images = () => new AwsCloudProbe({ ...OFFLINE, maxAttempts: 1 }).images;

  it("describes the account's own AMIs carrying every tag, page by page, deprecated ones included", async () => {
    ec2
      .on(DescribeImagesCommand)
      .resolvesOnce({
        Images: [
          {
            ImageId: "ami-1",
            Name: "shop-prod-2026",
            CreationDate: "2026-01-01T00:00:00.000Z",
            State: "available",
            DeprecationTime: "2026-02-01T00:00:00.000Z",
            Tags: [{ Key: "phoenix:in-use", Value: "true" }],
            BlockDeviceMappings: [
              { DeviceName: "/dev/xvda", Ebs: { SnapshotId: "snap-1" } },
              { DeviceName: "/dev/sdb" },
            ],
          },
        ],
        NextToken: "page-2",
      })
      .resolvesOnce({ Images: [{ ImageId: "ami-2", State: "available" }] });
    const found = await images().describeImages({ "phoenix:golden-ami": "shop-prod", team: "web" });
    assert.deepEqual(
      found.map((a) => [a.imageId, a.deprecationTime, a.tags, a.snapshotIds]),
      [
        ["ami-1", "2026-02-01T00:00:00.000Z", { "phoenix:in-use": "true" }, ["snap-1"]],
        ["ami-2", undefined, {}, []],
      ],
    );
    const calls = ec2.commandCalls(DescribeImagesCommand).map((c) => c.args[0].input);
    assert.deepEqual(calls[0], {
      Owners: ["self"],
      Filters: [
        { Name: "tag:phoenix:golden-ami", Values: ["shop-prod"] },
        { Name: "tag:team", Values: ["web"] },
      ],
      IncludeDeprecated: true,
      MaxResults: 1000,
      NextToken: undefined,
    });
    assert.equal(calls[1].NextToken, "page-2");
  });

  it("tags, untags and deprecates one AMI", async () => {
    ec2.on(CreateTagsCommand).resolves({});
    ec2.on(DeleteTagsCommand).resolves({});
    ec2.on(EnableImageDeprecationCommand).resolves({ Return: true });
    const probe = images();
    await probe.tagImage("ami-1", { "phoenix:in-use": "true" });
    await probe.untagImage("ami-1", ["phoenix:in-use"]);
    const at = new Date("2026-03-01T00:01:00.000Z");
    await probe.deprecateImage("ami-1", at);
    assert.deepEqual(ec2.commandCalls(CreateTagsCommand)[0].args[0].input, {
      Resources: ["ami-1"],
      Tags: [{ Key: "phoenix:in-use", Value: "true" }],
    });
    assert.deepEqual(ec2.commandCalls(DeleteTagsCommand)[0].args[0].input, {
      Resources: ["ami-1"],
      Tags: [{ Key: "phoenix:in-use" }],
    });
    assert.deepEqual(ec2.commandCalls(EnableImageDeprecationCommand)[0].args[0].input, {
      ImageId: "ami-1",
      DeprecateAt: at,
    });
  });

  it("deregisters first, then deletes each snapshot; a failed deregistration deletes none", async () => {
    const order: string[] = [];
    ec2.on(DeregisterImageCommand).callsFake(() => (order.push("deregister"), {}));
    ec2
      .on(DeleteSnapshotCommand)
      .callsFake((input: { SnapshotId: string }) => (order.push(input.SnapshotId), {}));
    await images().deregisterImage("ami-1", ["snap-1", "snap-2"]);
    assert.deepEqual(order, ["deregister", "snap-1", "snap-2"]);

    ec2.reset();
    ec2
      .on(DeregisterImageCommand)
      .rejects(Object.assign(new Error("not yours"), { name: "UnauthorizedOperation" }));
    await assert.rejects(images().deregisterImage("ami-1", ["snap-1"]), ProbeRequestError);
    assert.equal(ec2.commandCalls(DeleteSnapshotCommand).length, 0);
  });
});
