// The rig itself: the CLI it runs is the stamped build it says, the emulator answers, and the default network
// that bootstrap is given exists in it.
import { strict as assert } from "assert";
import { execFileSync } from "child_process";
import { DescribeSubnetsCommand, EC2Client } from "@aws-sdk/client-ec2";
import { rig } from "./rigHooks";

describe("the rig", () => {
  it("runs the pulumi it reports, stamped with its version", () => {
    const printed = execFileSync("pulumi", ["version"], { env: rig().env }).toString().trim();
    assert.equal(printed, rig().pulumiVersion);
    assert.match(printed, /^v3\.\d+\.\d+$/);
  });

  it("hands bootstrap the emulator's default VPC, two public and two private subnets in two zones each", async () => {
    const { network } = rig();
    const ec2 = new EC2Client({});
    const subnets = await ec2.send(
      new DescribeSubnetsCommand({ SubnetIds: [...network.publicSubnetIds, ...network.privateSubnetIds] }),
    );
    ec2.destroy();
    const zones = (ids: string[]) =>
      new Set(subnets.Subnets?.filter((s) => ids.includes(String(s.SubnetId))).map((s) => s.AvailabilityZone))
        .size;
    assert.ok(subnets.Subnets?.every((s) => s.VpcId === network.vpcId));
    assert.equal(zones(network.publicSubnetIds), 2);
    assert.equal(zones(network.privateSubnetIds), 2);
  });
});
