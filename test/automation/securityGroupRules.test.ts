// Security group rules read as single permissions (automation/securityGroupRules.ts): what drift reports as a
// stray or missing rule, what heal names in its refusal and revokes, and what the in-memory engine leaves on a
// group after a revoke. Every expected value is spelled out.
import { strict as assert } from "assert";
import {
  blocksWithout,
  describeRule,
  inlineRules,
  ruleKey,
  ruleResourceRules,
  rulesMissingFrom,
  type SecurityGroupRule,
} from "../../automation/securityGroupRules";

const VPC_INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const VPC_EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const EC2_RULE = "aws:ec2/securityGroupRule:SecurityGroupRule";

describe("security group rules as single permissions", () => {
  describe("inlineRules (a SecurityGroup's ingress/egress blocks)", () => {
    it("makes one permission per source, in the order cidr, ipv6, prefix list, group, self", () => {
      const rules = inlineRules("sg-1", "ingress", [
        {
          protocol: "tcp",
          fromPort: 80,
          toPort: 81,
          cidrBlocks: ["10.0.0.0/8", "", 7],
          ipv6CidrBlocks: ["::/0"],
          prefixListIds: ["pl-1"],
          securityGroups: ["sg-2"],
          self: true,
        },
      ]);
      const base = { groupId: "sg-1", direction: "ingress", protocol: "tcp", fromPort: 80, toPort: 81 };
      assert.deepEqual(rules, [
        { ...base, cidrIpv4: "10.0.0.0/8" },
        { ...base, cidrIpv6: "::/0" },
        { ...base, prefixListId: "pl-1" },
        { ...base, referencedSecurityGroupId: "sg-2" },
        { ...base, referencedSecurityGroupId: "sg-1" },
      ]);
    });

    it("keeps a block without any source as one bare permission; self must be exactly true", () => {
      assert.deepEqual(
        inlineRules("sg-1", "egress", [{ protocol: "udp", fromPort: 53, toPort: 53, self: "yes" }]),
        [{ groupId: "sg-1", direction: "egress", protocol: "udp", fromPort: 53, toPort: 53 }],
      );
    });

    it("reads protocol numbers and `all` by name, in any case, and drops the ports of protocol -1", () => {
      const protocols = ["6", "17", "1", "58", "ALL", "-1", "TCP", 6, undefined, null].map(
        (protocol) => inlineRules("sg-1", "ingress", [{ protocol, fromPort: 0, toPort: 0 }])[0],
      );
      assert.deepEqual(
        protocols.map((r) => r.protocol),
        ["tcp", "udp", "icmp", "icmpv6", "-1", "-1", "tcp", "tcp", "", ""],
      );
      assert.deepEqual(protocols[4], { groupId: "sg-1", direction: "ingress", protocol: "-1" });
      assert.deepEqual(protocols[0], {
        groupId: "sg-1",
        direction: "ingress",
        protocol: "tcp",
        fromPort: 0,
        toPort: 0,
      });
    });

    it("reads ports given as strings as numbers, and missing or empty ones as no port", () => {
      const [rule] = inlineRules("sg-1", "ingress", [{ protocol: "tcp", fromPort: "8080", toPort: "" }]);
      assert.deepEqual(rule, {
        groupId: "sg-1",
        direction: "ingress",
        protocol: "tcp",
        fromPort: 8080,
        toPort: undefined,
      });
      const [bare] = inlineRules("sg-1", "ingress", [{ protocol: "tcp", fromPort: null }]);
      assert.equal(bare.fromPort, undefined);
      assert.equal(bare.toPort, undefined);
    });

    it("reads anything but a list of blocks as no rules", () => {
      assert.deepEqual(inlineRules("sg-1", "ingress", undefined), []);
      assert.deepEqual(inlineRules("sg-1", "ingress", { protocol: "tcp" }), []);
    });
  });

  describe("ruleResourceRules (rule resources' state)", () => {
    it("reads a VPC ingress rule with each of its sources", () => {
      assert.deepEqual(
        ruleResourceRules(VPC_INGRESS, {
          securityGroupId: "sg-1",
          ipProtocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrIpv4: "10.0.0.0/16",
          cidrIpv6: "fd00::/8",
          prefixListId: "pl-9",
          referencedSecurityGroupId: "sg-alb",
        }),
        [
          {
            groupId: "sg-1",
            direction: "ingress",
            protocol: "tcp",
            fromPort: 443,
            toPort: 443,
            cidrIpv4: "10.0.0.0/16",
            cidrIpv6: "fd00::/8",
            prefixListId: "pl-9",
            referencedSecurityGroupId: "sg-alb",
          },
        ],
      );
    });

    it("reads a VPC egress rule as egress, and leaves out sources that are not strings", () => {
      assert.deepEqual(
        ruleResourceRules(VPC_EGRESS, {
          securityGroupId: "sg-1",
          ipProtocol: "-1",
          cidrIpv4: 7,
          cidrIpv6: null,
          prefixListId: {},
          referencedSecurityGroupId: ["sg-2"],
        }),
        [{ groupId: "sg-1", direction: "egress", protocol: "-1" }],
      );
    });

    it("reads an EC2 rule: its type gives the direction, its source group and CIDRs each a permission", () => {
      assert.deepEqual(
        ruleResourceRules(EC2_RULE, {
          securityGroupId: "sg-1",
          type: "egress",
          protocol: "tcp",
          fromPort: 5432,
          toPort: 5432,
          sourceSecurityGroupId: "sg-db",
          cidrBlocks: ["10.1.0.0/16"],
        }),
        [
          {
            groupId: "sg-1",
            direction: "egress",
            protocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            cidrIpv4: "10.1.0.0/16",
          },
          {
            groupId: "sg-1",
            direction: "egress",
            protocol: "tcp",
            fromPort: 5432,
            toPort: 5432,
            referencedSecurityGroupId: "sg-db",
          },
        ],
      );
      assert.deepEqual(
        ruleResourceRules(EC2_RULE, {
          securityGroupId: "sg-1",
          type: "ingress",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
        }),
        [{ groupId: "sg-1", direction: "ingress", protocol: "tcp", fromPort: 22, toPort: 22 }],
      );
      // Any type other than "egress" is ingress (the provider's default).
      assert.equal(
        ruleResourceRules(EC2_RULE, { securityGroupId: "sg-1", protocol: "tcp", sourceSecurityGroupId: 5 })[0]
          .direction,
        "ingress",
      );
      assert.deepEqual(
        ruleResourceRules(EC2_RULE, { securityGroupId: "sg-1", protocol: "tcp", sourceSecurityGroupId: 5 }),
        [{ groupId: "sg-1", direction: "ingress", protocol: "tcp", fromPort: undefined, toPort: undefined }],
      );
    });

    it("reads no rules from other types, from no state, or without a group id", () => {
      assert.deepEqual(
        ruleResourceRules("aws:ec2/securityGroup:SecurityGroup", { securityGroupId: "sg-1" }),
        [],
      );
      assert.deepEqual(ruleResourceRules(VPC_INGRESS, undefined), []);
      assert.deepEqual(ruleResourceRules(VPC_INGRESS, { securityGroupId: 1, ipProtocol: "tcp" }), []);
    });
  });

  describe("ruleKey and rulesMissingFrom", () => {
    const ssh: SecurityGroupRule = {
      groupId: "sg-1",
      direction: "ingress",
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrIpv4: "0.0.0.0/0",
    };

    it("spells a rule's key with every field in a fixed order, absent ones as null", () => {
      assert.equal(ruleKey(ssh), '["sg-1","ingress","tcp",22,22,"0.0.0.0/0",null,null,null]');
      assert.equal(
        ruleKey({
          groupId: "g",
          direction: "egress",
          protocol: "-1",
          cidrIpv6: "::/0",
          prefixListId: "p",
          referencedSecurityGroupId: "r",
        }),
        '["g","egress","-1",null,null,null,"::/0","p","r"]',
      );
    });

    it("lists the live rules nothing declares, whatever order the fields were written in", () => {
      const reordered = {
        cidrIpv4: "0.0.0.0/0",
        toPort: 22,
        fromPort: 22,
        protocol: "tcp",
        direction: "ingress",
        groupId: "sg-1",
      } as const;
      const rdp = { ...ssh, fromPort: 3389, toPort: 3389 };
      assert.deepEqual(rulesMissingFrom([ssh, rdp], [reordered]), [rdp]);
      assert.deepEqual(rulesMissingFrom([ssh], []), [ssh]);
    });
  });

  describe("describeRule (heal's refusal, drift's report)", () => {
    const cases: [SecurityGroupRule, string][] = [
      [
        {
          groupId: "g",
          direction: "ingress",
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrIpv4: "0.0.0.0/0",
        },
        "ingress tcp 22 from 0.0.0.0/0",
      ],
      [
        { groupId: "g", direction: "egress", protocol: "-1", cidrIpv4: "0.0.0.0/0" },
        "egress all to 0.0.0.0/0",
      ],
      [
        {
          groupId: "g",
          direction: "ingress",
          protocol: "tcp",
          fromPort: 8080,
          toPort: 8090,
          referencedSecurityGroupId: "sg-0123",
        },
        "ingress tcp 8080-8090 from sg-0123",
      ],
      [{ groupId: "g", direction: "ingress", protocol: "", cidrIpv6: "::/0" }, "ingress ? ? from ::/0"],
      [
        {
          groupId: "g",
          direction: "ingress",
          protocol: "udp",
          fromPort: 53,
          toPort: 53,
          prefixListId: "pl-1",
        },
        "ingress udp 53 from pl-1",
      ],
      [
        { groupId: "g", direction: "egress", protocol: "tcp", fromPort: 1, toPort: 2 },
        "egress tcp 1-2 to anywhere",
      ],
      // A rule resource may carry one port only: the missing end shows as "?", not "undefined".
      [
        { groupId: "g", direction: "ingress", protocol: "tcp", fromPort: 22, cidrIpv4: "10.0.0.0/8" },
        "ingress tcp 22-? from 10.0.0.0/8",
      ],
      [
        { groupId: "g", direction: "ingress", protocol: "tcp", toPort: 22, cidrIpv4: "10.0.0.0/8" },
        "ingress tcp ?-22 from 10.0.0.0/8",
      ],
    ];
    for (const [rule, text] of cases) it(`describes ${text}`, () => assert.equal(describeRule(rule), text));
  });

  describe("blocksWithout (what a revoke leaves on a group)", () => {
    const block = {
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      cidrBlocks: ["0.0.0.0/0", "10.0.0.0/8"],
      ipv6CidrBlocks: ["::/0", "fd00::/8"],
      prefixListIds: ["pl-1", "pl-2"],
      securityGroups: ["sg-2", "sg-3"],
      description: "kept as is",
    };
    const revoke = (source: Partial<SecurityGroupRule>): SecurityGroupRule => ({
      groupId: "sg-1",
      direction: "ingress",
      protocol: "tcp",
      fromPort: 22,
      toPort: 22,
      ...source,
    });

    it("removes each revoked source from its block and keeps the rest of the block", () => {
      const left = blocksWithout(
        "sg-1",
        "ingress",
        [block],
        [
          revoke({ cidrIpv4: "0.0.0.0/0" }),
          revoke({ cidrIpv6: "::/0" }),
          revoke({ prefixListId: "pl-2" }),
          revoke({ referencedSecurityGroupId: "sg-3" }),
        ],
      );
      assert.deepEqual(left, [
        {
          protocol: "tcp",
          fromPort: 22,
          toPort: 22,
          cidrBlocks: ["10.0.0.0/8"],
          ipv6CidrBlocks: ["fd00::/8"],
          prefixListIds: ["pl-1"],
          securityGroups: ["sg-2"],
          description: "kept as is",
        },
      ]);
    });

    it("drops a block whose every source is revoked, and a bare block that matches; keeps other blocks whole", () => {
      const other = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] };
      const bare = { protocol: "udp", fromPort: 53, toPort: 53 };
      const onlyPrefix = { protocol: "tcp", fromPort: 22, toPort: 22, prefixListIds: ["pl-1"] };
      assert.deepEqual(
        blocksWithout(
          "sg-1",
          "ingress",
          [onlyPrefix, other, bare],
          [revoke({ prefixListId: "pl-1" }), revoke({ protocol: "udp", fromPort: 53, toPort: 53 })],
        ),
        [other],
      );
    });

    it("leaves source fields that are not lists as they were, and reads no blocks from anything else", () => {
      const odd = {
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrBlocks: ["0.0.0.0/0", "10.0.0.0/8"],
        securityGroups: "sg-x",
      };
      assert.deepEqual(blocksWithout("sg-1", "ingress", [odd], [revoke({ cidrIpv4: "0.0.0.0/0" })]), [
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"], securityGroups: "sg-x" },
      ]);
      // A block without some source field gets none added.
      const groupsOnly = { protocol: "tcp", fromPort: 22, toPort: 22, securityGroups: ["sg-2", "sg-3"] };
      assert.deepEqual(
        blocksWithout("sg-1", "ingress", [groupsOnly], [revoke({ referencedSecurityGroupId: "sg-2" })]),
        [{ protocol: "tcp", fromPort: 22, toPort: 22, securityGroups: ["sg-3"] }],
      );
      assert.deepEqual(blocksWithout("sg-1", "ingress", undefined, []), []);
    });
  });
});
