// The component validators at their edges, one value either side of each bound (table-driven; each row is one
// value and whether it passes). Written from the documented limits: AWS's CIDR, health-check and name rules.
import { strict as assert } from "assert";
import { ELB_NAME_MAX, elbName, resolveNetworkSettings } from "../../components/networkSettings";
import type { NetworkArgs } from "../../components/network";
import { ComponentArgsError, checkAmiId, isIpv4Cidr, Problems, show } from "../../components/validation";

function networkProblems(args: NetworkArgs): string[] {
  try {
    resolveNetworkSettings("demo", args);
    return [];
  } catch (e) {
    assert.ok(e instanceof ComponentArgsError, String(e));
    assert.match(e.message, /^Invalid arguments for Network "demo" \(\d+ problems?\):\n {2}- /);
    return [...e.problems];
  }
}

describe("validators at their edges", () => {
  it("IPv4 CIDRs: four octets up to 255, a prefix up to 32, nothing around them", () => {
    const table: [unknown, boolean][] = [
      ["10.0.0.0/16", true],
      ["255.255.255.255/32", true],
      ["0.0.0.0/0", true],
      ["256.0.0.0/16", false],
      ["10.256.0.0/16", false],
      ["10.0.0.256/16", false],
      ["10.0.0.0/33", false],
      ["x10.0.0.0/16", false],
      ["10.0.0.0/16x", false],
      ["10.0.0/16", false],
      ["1000.0.0.0/16", false],
      [42, false],
      [undefined, false],
    ];
    for (const [value, ok] of table) assert.equal(isIpv4Cidr(value), ok, String(value));
  });

  it("the VPC CIDR's prefix goes from /16 to /24", () => {
    for (const [cidr, ok] of [
      ["10.0.0.0/15", false],
      ["10.0.0.0/16", true],
      ["10.0.0.0/24", true],
      ["10.0.0.0/25", false],
    ] as const) {
      const problems = networkProblems({ vpcCidr: cidr });
      assert.equal(problems.length === 0, ok, `${cidr}: ${problems.join("; ")}`);
    }
  });

  it("NAT gateways: Single, OnePerAz or None", () => {
    for (const strategy of ["Single", "OnePerAz", "None"])
      assert.deepEqual(
        networkProblems({ natGateways: strategy as NetworkArgs["natGateways"] }),
        [],
        strategy,
      );
    assert.equal(networkProblems({ natGateways: "Two" as NetworkArgs["natGateways"] }).length, 1);
  });

  it("ALB ingress CIDRs: IPv4, or IPv6 with a prefix up to /128", () => {
    for (const [cidr, ok] of [
      ["::/0", true],
      ["2001:db8::/128", true],
      ["2001:db8::/129", false],
      ["2001:db8::", false],
      ["x::/0", false],
      ["::/0x", false],
      ["10.0.0.0/8", true],
    ] as const) {
      const problems = networkProblems({ albIngressCidrs: [cidr] });
      assert.equal(problems.length === 0, ok, `${cidr}: ${problems.join("; ")}`);
    }
  });

  it("health-check path: starts with /, no spaces, at most 1024 characters", () => {
    for (const [path, ok] of [
      ["/", true],
      ["/health", true],
      [`/${"a".repeat(1023)}`, true],
      [`/${"a".repeat(1024)}`, false],
      ["health", false],
      ["/he alth", false],
      ["x/health", false],
    ] as const) {
      const problems = networkProblems({ healthCheck: { path } });
      assert.equal(problems.length === 0, ok, `${path.slice(0, 20)}: ${problems.join("; ")}`);
      if (!ok) assert.match(problems[0], /^`healthCheck.path` \(.*\) must be a URL path starting with "\/"/);
    }
  });

  it("health-check matcher: HTTP codes, ranges and lists of them", () => {
    for (const [matcher, ok] of [
      ["200", true],
      ["200-399", true],
      ["200,302", true],
      ["200-299,302-399", true],
      ["20", false],
      ["200-", false],
      ["200,30", false],
      ["200,302-30", false],
      ["x200", false],
      ["200x", false],
      ["200,abc", false],
    ] as const) {
      const problems = networkProblems({ healthCheck: { matcher } });
      assert.equal(problems.length === 0, ok, `${matcher}: ${problems.join("; ")}`);
    }
  });

  it("load balancer names: letters, digits and single inner dashes, at most 32, long ones hashed", () => {
    assert.equal(elbName("my_app..demo", "alb"), "my-app-demo-alb");
    assert.equal(elbName("-demo-", "alb"), "demo-alb");
    assert.equal(elbName("a".repeat(28), "alb"), `${"a".repeat(28)}-alb`, "exactly 32 fits");
    const long = elbName("a".repeat(29), "alb");
    assert.equal(long.length, ELB_NAME_MAX);
    assert.match(long, /^a{21}-[a-z2-7]{6}-alb$/);
    const cut = elbName(`${"a".repeat(20)}-b${"c".repeat(20)}`, "alb");
    assert.match(cut, /^a{20}-[a-z2-7]{6}-alb$/, "a cut that ends on a dash loses it");
    assert.notEqual(elbName(`${"a".repeat(29)}x`, "alb"), long, "two long names differ by their hash");
  });

  it("an AMI id is required, and checked when it is a plain string", () => {
    const amiProblems = (value: unknown): string[] => {
      const problems = new Problems();
      checkAmiId(problems, "imageId", value);
      try {
        problems.throwIfAny("Test", "t");
        return [];
      } catch (e) {
        return [...(e as ComponentArgsError).problems];
      }
    };
    for (const value of [undefined, null, ""])
      assert.deepEqual(amiProblems(value), ['`imageId` is required: an AMI id like "ami-0123456789abcdef0"']);
    assert.deepEqual(amiProblems(Promise.resolve("ami-1")), [], "an output is left to AWS");
    assert.equal(amiProblems("ami-1").length, 1);
  });

  it("show: numbers, booleans and undefined plain, the rest as JSON", () => {
    assert.equal(show(7), "7");
    assert.equal(show(false), "false");
    assert.equal(show(undefined), "undefined");
    assert.equal(show("x"), '"x"');
    assert.equal(show(["a"]), '["a"]');
    assert.equal(show(null), "null");
  });
});
