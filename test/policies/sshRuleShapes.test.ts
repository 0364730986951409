// no-ssh-access on every shape of ingress rule it reads, field by field: which field is a CIDR (judged by
// reach when private sources are allowed) and which is another kind of source (always allowed then), what
// the message names, and which unreadable field leaves the verdict open. Expected messages are literals.
import { strict as assert } from "assert";
import { AWS } from "../../policies/lib/types";
import { ingressRulesOf, noSshAccess } from "../../policies/ssh";
import { UNKNOWN } from "./harness";
import { ENCRYPTED, inEngine, offline } from "./verdicts";

const PRIVATE = { allowPrivateSources: true };
const group = (rule: Record<string, unknown>) => ({ ingress: [rule] });
const ssh = { protocol: "tcp", fromPort: 22, toPort: 22 };

describe("no-ssh-access: the shapes of ingress rules", () => {
  describe("inline security group rules", () => {
    it("reads a protocol with blanks around it (' TCP ') as tcp", () => {
      const { messages } = inEngine(
        noSshAccess,
        AWS.securityGroup,
        group({ ...ssh, protocol: " TCP ", cidrBlocks: ["10.0.0.0/8"] }),
      );
      assert.deepEqual(messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol  TCP ) admits port 22 from 10.0.0.0/8.',
      ]);
    });

    it("shows a protocol given as a number as that number", () => {
      const { messages } = inEngine(
        noSshAccess,
        AWS.securityGroup,
        group({ ...ssh, protocol: 6, cidrBlocks: ["10.0.0.0/8"] }),
      );
      assert.deepEqual(messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol 6) admits port 22 from 10.0.0.0/8.',
      ]);
    });

    it("names every source, comma-separated: CIDRs, IPv6 CIDRs, groups, prefix lists, self", () => {
      const rule = {
        ...ssh,
        cidrBlocks: ["10.0.0.0/8"],
        ipv6CidrBlocks: ["fd00::/8"],
        securityGroups: ["sg-1"],
        prefixListIds: ["pl-1"],
        self: true,
      };
      assert.deepEqual(inEngine(noSshAccess, AWS.securityGroup, group(rule)).messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol tcp) admits port 22 from ' +
          "10.0.0.0/8, fd00::/8, security group sg-1, prefix list pl-1, self.",
      ]);
    });

    it("reads self: 'true' (a string, as the provider may pass it) as self", () => {
      assert.deepEqual(inEngine(noSshAccess, AWS.securityGroup, group({ ...ssh, self: "true" })).messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol tcp) admits port 22 from self.',
      ]);
    });

    it("counts no source for empty strings and nulls in the source lists", () => {
      const rule = { ...ssh, cidrBlocks: ["", null], securityGroups: [" "], self: false };
      assert.deepEqual(inEngine(noSshAccess, AWS.securityGroup, group(rule)), {
        verdict: "pass",
        messages: [],
      });
    });

    it("with private sources allowed, names a CIDR it cannot parse as not provably private", () => {
      const outcome = inEngine(
        noSshAccess,
        AWS.securityGroup,
        group({ ...ssh, cidrBlocks: ["10.0.0.0/33"] }),
        PRIVATE,
      );
      assert.deepEqual(outcome.messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol tcp) admits port 22 from ' +
          "10.0.0.0/33 (not a valid CIDR, so not provably private).",
      ]);
    });
  });

  describe("values that cannot be read", () => {
    it("decides a rule whose start port is above every remote-access port though its end is unknown", () => {
      const rule = { protocol: "tcp", fromPort: 4000, toPort: UNKNOWN, cidrBlocks: ["0.0.0.0/0"] };
      assert.equal(inEngine(noSshAccess, AWS.securityGroup, group(rule)).verdict, "pass");
    });

    it("decides a rule with an unknown protocol when no port is configured", () => {
      const rule = { protocol: UNKNOWN, fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
      assert.equal(inEngine(noSshAccess, AWS.securityGroup, group(rule), { ports: [] }).verdict, "pass");
      assert.equal(inEngine(noSshAccess, AWS.securityGroup, group(rule)).verdict, "undecided");
    });

    it("by default, a readable source decides whatever an unknown source list holds", () => {
      const rule = { ...ssh, cidrBlocks: ["10.0.0.0/8"], ipv6CidrBlocks: UNKNOWN };
      assert.deepEqual(inEngine(noSshAccess, AWS.securityGroup, group(rule)).messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol tcp) admits port 22 from 10.0.0.0/8.',
      ]);
    });

    it("by default, an unknown `self` alone leaves the verdict open", () => {
      assert.equal(
        inEngine(noSshAccess, AWS.securityGroup, group({ ...ssh, self: UNKNOWN })).verdict,
        "undecided",
      );
    });

    it("with private sources allowed, an unknown `self` (not a CIDR) does not matter", () => {
      const rule = { ...ssh, cidrBlocks: ["10.0.0.0/8"], self: UNKNOWN };
      assert.equal(inEngine(noSshAccess, AWS.securityGroup, group(rule), PRIVATE).verdict, "pass");
    });

    it("with private sources allowed, an unknown CIDR list leaves the verdict open", () => {
      const rule = { ...ssh, cidrBlocks: UNKNOWN };
      assert.equal(inEngine(noSshAccess, AWS.securityGroup, group(rule), PRIVATE).verdict, "undecided");
    });

    it("with private sources allowed, a public CIDR decides whatever an unknown CIDR beside it is", () => {
      const rule = { ...ssh, cidrBlocks: ["0.0.0.0/0", UNKNOWN] };
      assert.deepEqual(inEngine(noSshAccess, AWS.securityGroup, group(rule), PRIVATE).messages, [
        'Security group "subject" must not admit remote access: ingress[0] (protocol tcp) admits port 22 from 0.0.0.0/0.',
      ]);
    });
  });

  describe("aws.ec2.SecurityGroupRule", () => {
    const rule = (fields: Record<string, unknown>) => ({
      type: "ingress",
      ...ssh,
      securityGroupId: "sg-1",
      ...fields,
    });

    it("with private sources allowed, a source security group is allowed (it is not a CIDR)", () => {
      const outcome = inEngine(
        noSshAccess,
        AWS.securityGroupRule,
        rule({ sourceSecurityGroupId: "sg-2" }),
        PRIVATE,
      );
      assert.equal(outcome.verdict, "pass");
    });

    it("an unknown rule type (ingress or egress) leaves the verdict open", () => {
      const props = rule({ type: UNKNOWN, cidrBlocks: ["0.0.0.0/0"] });
      assert.equal(inEngine(noSshAccess, AWS.securityGroupRule, props).verdict, "undecided");
    });

    it("names a prefix list source, labelling the rule 'the rule'", () => {
      assert.deepEqual(
        inEngine(noSshAccess, AWS.securityGroupRule, rule({ prefixListIds: ["pl-9"] })).messages,
        [
          'Security group rule "subject" must not admit remote access: the rule (protocol tcp) admits port 22 from prefix list pl-9.',
        ],
      );
    });
  });

  describe("aws.vpc.SecurityGroupIngressRule", () => {
    const rule = (fields: Record<string, unknown>) => ({
      securityGroupId: "sg-1",
      ipProtocol: "tcp",
      fromPort: 22,
      toPort: 22,
      ...fields,
    });
    const message = (source: string) =>
      `Security group ingress rule "subject" must not admit remote access: the rule (protocol tcp) admits port 22 from ${source}.`;

    for (const [field, value] of [
      ["cidrIpv4", "0.0.0.0/0"],
      ["cidrIpv6", "::/0"],
    ]) {
      it(`with private sources allowed, a public ${field} is a violation`, () => {
        const outcome = inEngine(
          noSshAccess,
          AWS.securityGroupIngressRule,
          rule({ [field]: value }),
          PRIVATE,
        );
        assert.deepEqual(outcome.messages, [message(value)]);
      });
    }

    it("with private sources allowed, a referenced security group or a prefix list is allowed", () => {
      for (const source of [{ referencedSecurityGroupId: "sg-2" }, { prefixListId: "pl-2" }]) {
        assert.equal(
          inEngine(noSshAccess, AWS.securityGroupIngressRule, rule(source), PRIVATE).verdict,
          "pass",
        );
      }
    });

    it("by default, names a prefix list source", () => {
      const outcome = inEngine(noSshAccess, AWS.securityGroupIngressRule, rule({ prefixListId: "pl-2" }));
      assert.deepEqual(outcome.messages, [message("prefix list pl-2")]);
    });
  });

  describe("aws.gamelift.Fleet inbound permissions", () => {
    const fleet = (permission: Record<string, unknown>) => ({
      ec2InboundPermissions: [
        { protocol: "TCP", fromPort: 22, toPort: 22, ipRange: "10.0.0.0/8", ...permission },
      ],
    });

    it("names the permission, the port and its IP range", () => {
      assert.deepEqual(inEngine(noSshAccess, AWS.gameLiftFleet, fleet({})).messages, [
        'GameLift fleet "subject" must not admit remote access: ec2InboundPermissions[0] (protocol TCP) admits port 22 from 10.0.0.0/8.',
      ]);
    });

    it("reads the start port: 23..3388 admits neither 22 nor 3389", () => {
      assert.equal(
        inEngine(noSshAccess, AWS.gameLiftFleet, fleet({ fromPort: 23, toPort: 3388 })).verdict,
        "pass",
      );
    });

    it("judges the IP range as a CIDR when private sources are allowed", () => {
      assert.equal(inEngine(noSshAccess, AWS.gameLiftFleet, fleet({}), PRIVATE).verdict, "pass");
      assert.equal(
        inEngine(noSshAccess, AWS.gameLiftFleet, fleet({ ipRange: "0.0.0.0/0" }), PRIVATE).verdict,
        "violation",
      );
    });

    it("leaves the verdict open when the permission list is unknown", () => {
      assert.equal(
        inEngine(noSshAccess, AWS.gameLiftFleet, { ec2InboundPermissions: UNKNOWN }).verdict,
        "undecided",
      );
    });
  });

  describe("aws.lightsail.InstancePublicPorts", () => {
    const ports = (info: Record<string, unknown>) => ({
      instanceName: "web",
      portInfos: [{ protocol: "tcp", fromPort: 22, toPort: 22, ...info }],
    });
    const message = (source: string) =>
      `Lightsail public ports "subject" must not admit remote access: portInfos[0] (protocol tcp) admits port 22 from ${source}.`;

    it("names IPv4 CIDRs, IPv6 CIDRs and CIDR aliases", () => {
      for (const [info, source] of [
        [{ cidrs: ["0.0.0.0/0"] }, "0.0.0.0/0"],
        [{ ipv6Cidrs: ["::/0"] }, "::/0"],
        [{ cidrListAliases: ["lightsail-connect"] }, "CIDR alias lightsail-connect"],
      ] as const) {
        assert.deepEqual(inEngine(noSshAccess, AWS.lightsailPublicPorts, ports(info)).messages, [
          message(source),
        ]);
      }
    });
  });

  describe("aws.eks.NodeGroup remote access", () => {
    const nodes = (remoteAccess: unknown) => ({ clusterName: "c", remoteAccess });

    it("names both ports AWS opens for an SSH key with no source groups, from the internet", () => {
      const internet = "0.0.0.0/0 (no `sourceSecurityGroupIds`: AWS opens it to the internet)";
      assert.deepEqual(inEngine(noSshAccess, AWS.eksNodeGroup, nodes({ ec2SshKey: "ops" })).messages, [
        `EKS node group "subject" must not admit remote access: remoteAccess (port 22, or 3389 on Windows nodes) (protocol tcp) admits port 22 from ${internet}.`,
        `EKS node group "subject" must not admit remote access: remoteAccess (port 3389 on Windows nodes) (protocol tcp) admits port 3389 from ${internet}.`,
      ]);
    });

    it("leaves the verdict open when remoteAccess, its key or its source groups are unknown", () => {
      assert.equal(inEngine(noSshAccess, AWS.eksNodeGroup, nodes(UNKNOWN)).verdict, "undecided");
      assert.equal(
        inEngine(noSshAccess, AWS.eksNodeGroup, nodes({ ec2SshKey: UNKNOWN })).verdict,
        "undecided",
      );
      const groups = nodes({ ec2SshKey: "ops", sourceSecurityGroupIds: UNKNOWN });
      assert.equal(inEngine(noSshAccess, AWS.eksNodeGroup, groups).verdict, "undecided");
    });

    it("offline, an encrypted key is a key: a violation", () => {
      assert.equal(
        offline(noSshAccess, AWS.eksNodeGroup, nodes({ ec2SshKey: ENCRYPTED })).verdict,
        "violation",
      );
    });
  });

  it("maps a rule resource to the common shape (ingressRulesOf)", () => {
    const props = {
      type: "ingress",
      ...ssh,
      cidrBlocks: ["10.0.0.0/8"],
      prefixListIds: ["pl-1"],
      securityGroupId: "sg-1",
    };
    assert.deepEqual(ingressRulesOf(AWS.securityGroupRule, props), [
      {
        label: "the rule",
        protocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrs: ["10.0.0.0/8"],
        otherSources: ["prefix list pl-1"],
        unreadableSources: [],
      },
    ]);
  });

  it("reads no ingress rule from a type that has none, an egress rule, or a node group without a key (ingressRulesOf)", () => {
    assert.deepEqual(ingressRulesOf(AWS.instance, { ...ssh, cidrIpv4: "0.0.0.0/0" }), []);
    const egress = { type: "egress", ...ssh, cidrBlocks: ["0.0.0.0/0"], securityGroupId: "sg-1" };
    assert.deepEqual(ingressRulesOf(AWS.securityGroupRule, egress), []);
    assert.deepEqual(
      ingressRulesOf(AWS.eksNodeGroup, { remoteAccess: { sourceSecurityGroupIds: ["sg-1"] } }),
      [],
    );
  });
});
