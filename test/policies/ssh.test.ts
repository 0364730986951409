import { strict as assert } from "assert";
import { cidrReach } from "../../policies/lib/cidr";
import { AWS } from "../../policies/lib/types";
import { noSshAccess } from "../../policies/ssh";
import { UNKNOWN, runPolicy } from "./harness";

describe("no-ssh-access", () => {
  /** A security group whose one ingress rule admits HTTPS from the internet: passes. */
  function happyPathArgs(): { ingress: Record<string, unknown>[]; egress: Record<string, unknown>[] } {
    return {
      ingress: [{ protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] }],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
    };
  }
  const withRule = (rule: Record<string, unknown>) => ({ ...happyPathArgs(), ingress: [rule] });

  it("passes the happy path", () => {
    assert.deepEqual(runPolicy(noSshAccess, AWS.securityGroup, happyPathArgs()).violations, []);
  });

  describe("inline ingress rules: ports and protocols", () => {
    const cases: Array<[string, Record<string, unknown>, boolean]> = [
      ["tcp 22", { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }, true],
      ["TCP in capitals", { protocol: "TCP", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }, true],
      ["protocol number 6", { protocol: "6", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }, true],
      ["a range around 22", { protocol: "tcp", fromPort: 20, toPort: 25, cidrBlocks: ["10.0.0.0/8"] }, true],
      ["every tcp port", { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["10.0.0.0/8"] }, true],
      ["RDP 3389", { protocol: "tcp", fromPort: 3389, toPort: 3389, cidrBlocks: ["10.0.0.0/8"] }, true],
      [
        "ports as strings",
        { protocol: "tcp", fromPort: "22", toPort: "22", cidrBlocks: ["10.0.0.0/8"] },
        true,
      ],
      [
        "-1 whatever the ports say",
        { protocol: "-1", fromPort: 443, toPort: 443, cidrBlocks: ["1.2.3.4/32"] },
        true,
      ],
      ["all", { protocol: "all", fromPort: 0, toPort: 0, cidrBlocks: ["1.2.3.4/32"] }, true],
      [
        "a range ending below 22",
        { protocol: "tcp", fromPort: 0, toPort: 21, cidrBlocks: ["0.0.0.0/0"] },
        false,
      ],
      [
        "a range starting above 22",
        { protocol: "tcp", fromPort: 23, toPort: 3388, cidrBlocks: ["0.0.0.0/0"] },
        false,
      ],
      // A tcp rule with a missing bound is read as open on that side (0 below, 65535 above).
      [
        "tcp from 3000 without toPort (open up to 65535)",
        { protocol: "tcp", fromPort: 3000, cidrBlocks: ["0.0.0.0/0"] },
        true,
      ],
      ["tcp from 3390 without toPort", { protocol: "tcp", fromPort: 3390, cidrBlocks: ["0.0.0.0/0"] }, false],
      [
        "tcp up to 22 without fromPort (open from 0)",
        { protocol: "tcp", toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
        true,
      ],
      ["tcp with neither bound", { protocol: "tcp", cidrBlocks: ["0.0.0.0/0"] }, true],
      ["udp 22", { protocol: "udp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }, false],
      ["icmp", { protocol: "icmp", fromPort: -1, toPort: -1, cidrBlocks: ["0.0.0.0/0"] }, false],
    ];
    for (const [label, rule, violates] of cases) {
      it(`${label}: ${violates ? "violation" : "passes"}`, () => {
        const { violations } = runPolicy(noSshAccess, AWS.securityGroup, withRule(rule), {
          name: "fleet-sg",
        });
        assert.equal(violations.length, violates ? 1 : 0, violations.join("\n"));
      });
    }
  });

  describe("sources, by default: every source is a violation", () => {
    const ssh = { protocol: "tcp", fromPort: 22, toPort: 22 };
    const cases: Array<[string, Record<string, unknown>, string | undefined]> = [
      ["a /32 inside 10/8", { cidrBlocks: ["10.1.2.3/32"] }, "10.1.2.3/32"],
      ["an IPv6 block", { ipv6CidrBlocks: ["2001:db8::/32"] }, "2001:db8::/32"],
      ["a security group", { securityGroups: ["sg-123"] }, "security group sg-123"],
      ["a prefix list", { prefixListIds: ["pl-1"] }, "prefix list pl-1"],
      ["self", { self: true }, "self"],
      ["no source at all", {}, undefined],
    ];
    for (const [label, sources, named] of cases) {
      it(`${label}: ${named ? "violation naming it" : "nothing admitted"}`, () => {
        const { violations } = runPolicy(noSshAccess, AWS.securityGroup, withRule({ ...ssh, ...sources }));
        assert.equal(violations.length, named ? 1 : 0);
        if (named)
          assert.match(violations[0], new RegExp(`from ${named.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}`));
      });
    }
  });

  describe("sources, with allowPrivateSources: only CIDRs reaching outside the private ranges", () => {
    const ssh = { protocol: "tcp", fromPort: 22, toPort: 22 };
    const config = { allowPrivateSources: true };
    const cases: Array<[string, Record<string, unknown>, boolean]> = [
      ["0.0.0.0/0", { cidrBlocks: ["0.0.0.0/0"] }, true],
      ["1.0.0.0/0 (host bits, still /0)", { cidrBlocks: ["1.0.0.0/0"] }, true],
      ["::/0", { ipv6CidrBlocks: ["::/0"] }, true],
      ["0:0:0:0:0:0:0:0/0", { ipv6CidrBlocks: ["0:0:0:0:0:0:0:0/0"] }, true],
      ["0000:0000::0/0", { ipv6CidrBlocks: ["0000:0000::0/0"] }, true],
      ["10.0.0.0/4 (wider than 10/8)", { cidrBlocks: ["10.0.0.0/4"] }, true],
      ["172.32.0.0/16 (just outside 172.16/12)", { cidrBlocks: ["172.32.0.0/16"] }, true],
      ["a public /32", { cidrBlocks: ["8.8.8.8/32"] }, true],
      ["fe80::/10 (link-local, not ULA)", { ipv6CidrBlocks: ["fe80::/10"] }, true],
      ["fc00::/6 (wider than fc00::/7)", { ipv6CidrBlocks: ["fc00::/6"] }, true],
      ["an unparseable CIDR", { cidrBlocks: ["10.0.0.0/33"] }, true],
      ["octal-looking 010.0.0.0/8", { cidrBlocks: ["010.0.0.0/8"] }, true],
      ["one private and one public CIDR", { cidrBlocks: ["10.0.0.0/8", "203.0.113.0/24"] }, true],
      ["10.0.0.0/8", { cidrBlocks: ["10.0.0.0/8"] }, false],
      ["10.1.2.3/8 (host bits)", { cidrBlocks: ["10.1.2.3/8"] }, false],
      ["172.16.0.0/12", { cidrBlocks: ["172.16.0.0/12"] }, false],
      ["172.31.255.0/24", { cidrBlocks: ["172.31.255.0/24"] }, false],
      ["192.168.1.0/24 with spaces", { cidrBlocks: [" 192.168.1.0/24 "] }, false],
      ["fd00::/8", { ipv6CidrBlocks: ["fd00::/8"] }, false],
      ["FD12:3456::/48 in capitals", { ipv6CidrBlocks: ["FD12:3456::/48"] }, false],
      ["::ffff:10.0.0.0/104 (IPv4-mapped 10/8)", { ipv6CidrBlocks: ["::ffff:10.0.0.0/104"] }, false],
      ["a security group", { securityGroups: ["sg-123"] }, false],
      ["self", { self: true }, false],
    ];
    for (const [label, sources, violates] of cases) {
      it(`${label}: ${violates ? "violation" : "passes"}`, () => {
        const { violations } = runPolicy(noSshAccess, AWS.securityGroup, withRule({ ...ssh, ...sources }), {
          config,
        });
        assert.equal(violations.length, violates ? 1 : 0, violations.join("\n"));
      });
    }
  });

  it("names the resource, the rule, the port and the source in the message", () => {
    const props = {
      ...happyPathArgs(),
      ingress: [
        happyPathArgs().ingress[0],
        { protocol: "tcp", fromPort: 0, toPort: 65535, cidrBlocks: ["0.0.0.0/0"] },
      ],
    };
    const { violations } = runPolicy(noSshAccess, AWS.securityGroup, props, { name: "fleet-sg" });
    assert.deepEqual(violations, [
      'Security group "fleet-sg" must not admit remote access: ingress[1] (protocol tcp) admits port 22, 3389 from 0.0.0.0/0.',
    ]);
  });

  it("never counts egress", () => {
    const props = {
      ...happyPathArgs(),
      egress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
    };
    assert.deepEqual(runPolicy(noSshAccess, AWS.securityGroup, props).violations, []);
  });

  it("takes its ports from config", () => {
    const props = withRule({ protocol: "tcp", fromPort: 5985, toPort: 5986, cidrBlocks: ["10.0.0.0/8"] });
    assert.equal(runPolicy(noSshAccess, AWS.securityGroup, props).violations.length, 0);
    assert.equal(
      runPolicy(noSshAccess, AWS.securityGroup, props, { config: { ports: [5985] } }).violations.length,
      1,
    );
  });

  describe("aws.ec2.SecurityGroupRule", () => {
    function happyPathArgs(): Record<string, unknown> {
      return {
        type: "ingress",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrBlocks: ["0.0.0.0/0"],
        securityGroupId: "sg-1",
      };
    }
    it("passes the happy path", () => {
      assert.deepEqual(runPolicy(noSshAccess, AWS.securityGroupRule, happyPathArgs()).violations, []);
    });
    it("fails an ingress rule on port 22", () => {
      const { violations } = runPolicy(
        noSshAccess,
        AWS.securityGroupRule,
        { ...happyPathArgs(), fromPort: 22, toPort: 22 },
        { name: "ssh" },
      );
      assert.deepEqual(violations, [
        'Security group rule "ssh" must not admit remote access: the rule (protocol tcp) admits port 22 from 0.0.0.0/0.',
      ]);
    });
    it("fails a rule whose source is another security group", () => {
      const props = {
        ...happyPathArgs(),
        protocol: "-1",
        cidrBlocks: undefined,
        sourceSecurityGroupId: "sg-bastion",
      };
      assert.match(
        runPolicy(noSshAccess, AWS.securityGroupRule, props).violations[0],
        /from security group sg-bastion/,
      );
    });
    it("never counts an egress rule", () => {
      const props = { ...happyPathArgs(), type: "egress", fromPort: 22, toPort: 22 };
      assert.deepEqual(runPolicy(noSshAccess, AWS.securityGroupRule, props).violations, []);
    });
  });

  describe("aws.vpc.SecurityGroupIngressRule", () => {
    function happyPathArgs(): Record<string, unknown> {
      return {
        securityGroupId: "sg-1",
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      };
    }
    it("passes the happy path", () => {
      assert.deepEqual(runPolicy(noSshAccess, AWS.securityGroupIngressRule, happyPathArgs()).violations, []);
    });
    it("fails ipProtocol -1 from an IPv6 /0", () => {
      const props = { ...happyPathArgs(), ipProtocol: "-1", cidrIpv4: undefined, cidrIpv6: "::/0" };
      assert.match(
        runPolicy(noSshAccess, AWS.securityGroupIngressRule, props).violations[0],
        /port 22, 3389 from ::\/0/,
      );
    });
    it("fails a referenced security group on port 3389", () => {
      const props = {
        ...happyPathArgs(),
        fromPort: 3389,
        toPort: 3389,
        cidrIpv4: undefined,
        referencedSecurityGroupId: "sg-9",
      };
      assert.match(
        runPolicy(noSshAccess, AWS.securityGroupIngressRule, props).violations[0],
        /port 3389 from security group sg-9/,
      );
    });
  });

  it("gives no verdict (the SDK's unknown-value error) when a CIDR is unknown during preview", () => {
    const props = withRule({ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: [UNKNOWN] });
    const result = runPolicy(noSshAccess, AWS.securityGroup, props, {
      config: { allowPrivateSources: true },
    });
    assert.deepEqual(result.violations, []);
    assert.match(String(result.unknown?.message), /ingress\.0\.cidrBlocks\.0/);
  });
});

describe("cidrReach", () => {
  it("reads every spelling of the whole IPv6 internet as public", () => {
    for (const cidr of [
      "::/0",
      "0:0:0:0:0:0:0:0/0",
      "0::/0",
      "::0/0",
      "0000:0000:0000:0000:0000:0000:0000:0000/0",
    ]) {
      assert.equal(cidrReach(cidr).kind, "public", cidr);
    }
  });
  it("calls a CIDR with a bad prefix invalid, with the reason", () => {
    const reach = cidrReach("10.0.0.0/40");
    assert.equal(reach.kind, "invalid");
  });
});
