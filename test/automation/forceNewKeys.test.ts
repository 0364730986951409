// Which changed inputs replace a resource (automation/memory/forceNew.ts replaceOnKeys), as the Terraform AWS
// provider decides: the type's ForceNew row, plus, for the VPC security group rules, the source keys when
// the kind of source changes (ModifyPlan). Lists spelled out here, not read from the table.
import assert from "assert";
import { replaceOnKeys } from "../../automation/memory/forceNew";

const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";

describe("replaceOnKeys (the ForceNew decision)", () => {
  it("gives a type's ForceNew row", () => {
    assert.deepStrictEqual(replaceOnKeys("aws:lb/listener:Listener", {}, {}), ["loadBalancerArn"]);
    assert.deepStrictEqual(replaceOnKeys("aws:autoscaling/group:Group", { maxSize: 1 }, { maxSize: 2 }), [
      "initialLifecycleHooks",
      "name",
      "namePrefix",
    ]);
  });

  it("gives none for a type it does not know (it updates in place)", () => {
    assert.deepStrictEqual(replaceOnKeys("aws:s3/bucket:Bucket", { a: 1 }, { a: 2 }), []);
    assert.deepStrictEqual(replaceOnKeys("phoenix:aws:ImmutableFleet", {}, {}), []);
  });

  it("adds the source keys a rule had or has when its kind of source changes (CIDR to security group)", () => {
    assert.deepStrictEqual(
      replaceOnKeys(INGRESS, { cidrIpv4: "10.0.0.0/8" }, { referencedSecurityGroupId: "sg-1" }),
      ["securityGroupId", "cidrIpv4", "referencedSecurityGroupId"],
    );
    assert.deepStrictEqual(replaceOnKeys(EGRESS, { cidrIpv6: "::/0" }, { prefixListId: "pl-1" }), [
      "securityGroupId",
      "cidrIpv6",
      "prefixListId",
    ]);
  });

  it("adds nothing when the source changes within its kind", () => {
    assert.deepStrictEqual(replaceOnKeys(INGRESS, { cidrIpv4: "10.0.0.0/8" }, { cidrIpv4: "10.1.0.0/16" }), [
      "securityGroupId",
    ]);
  });

  it("reads an empty or null source as none: gaining a source is a change of kind", () => {
    assert.deepStrictEqual(replaceOnKeys(INGRESS, { cidrIpv4: "" }, { cidrIpv4: "10.0.0.0/8" }), [
      "securityGroupId",
      "cidrIpv4",
    ]);
    assert.deepStrictEqual(replaceOnKeys(INGRESS, { cidrIpv6: null }, { cidrIpv6: "::/0" }), [
      "securityGroupId",
      "cidrIpv6",
    ]);
    assert.deepStrictEqual(replaceOnKeys(INGRESS, {}, {}), ["securityGroupId"]);
  });

  it("takes the first kind present when a rule names two (the provider's order)", () => {
    assert.deepStrictEqual(
      replaceOnKeys(INGRESS, { cidrIpv4: "10.0.0.0/8", prefixListId: "pl-1" }, { cidrIpv4: "10.0.0.0/8" }),
      ["securityGroupId"],
    );
  });

  it("does not apply the source rule to the EC2 rule type, whose every source key is ForceNew anyway", () => {
    assert.deepStrictEqual(
      replaceOnKeys("aws:ec2/securityGroupRule:SecurityGroupRule", { cidrIpv4: "a" }, { prefixListId: "b" }),
      [
        "cidrBlocks",
        "fromPort",
        "ipv6CidrBlocks",
        "prefixListIds",
        "protocol",
        "securityGroupId",
        "self",
        "sourceSecurityGroupId",
        "toPort",
        "type",
      ],
    );
  });

  it("hands out a fresh list each time (a caller may add to it)", () => {
    replaceOnKeys("aws:lb/listener:Listener", {}, {}).push("changed");
    assert.deepStrictEqual(replaceOnKeys("aws:lb/listener:Listener", {}, {}), ["loadBalancerArn"]);
  });
});
