// cidrReach against an independent oracle: a CIDR is private exactly when its whole address range lies
// inside one private range, whatever the spelling of the address.
import { strict as assert } from "assert";
import * as fc from "fast-check";
import { cidrReach } from "../../policies/lib/cidr";

const V4_PRIVATE: Array<[number, number]> = [
  [0x0a000000, 8],
  [0xac100000, 12],
  [0xc0a80000, 16],
];

/** The oracle, on numbers: [network, network + size) inside [base, base + 2^(32-bits)). */
function v4Private(address: number, prefix: number): boolean {
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  return V4_PRIVATE.some(([base, bits]) => {
    const rangeSize = 2 ** (32 - bits);
    return network >= base && network + size <= base + rangeSize;
  });
}

const dotted = (n: number) => [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join(".");

describe("cidrReach", () => {
  it("agrees with the range oracle on random IPv4 CIDRs", () => {
    // Bias addresses towards the private ranges and their edges, where mistakes hide.
    const address = fc.oneof(
      fc.integer({ min: 0, max: 2 ** 32 - 1 }),
      ...V4_PRIVATE.map(([base, bits]) =>
        fc
          .integer({ min: base - 2 ** (32 - bits), max: base + 2 * 2 ** (32 - bits) - 1 })
          .map((n) => Math.min(Math.max(n, 0), 2 ** 32 - 1)),
      ),
    );
    fc.assert(
      fc.property(address, fc.integer({ min: 0, max: 32 }), (n, prefix) => {
        const expected = v4Private(n, prefix) ? "private" : "public";
        assert.equal(cidrReach(`${dotted(n)}/${prefix}`).kind, expected, `${dotted(n)}/${prefix}`);
      }),
      { numRuns: 5000 },
    );
  });

  it("agrees with the oracle on IPv4-mapped IPv6 spellings of the same blocks", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 32 - 1 }), fc.integer({ min: 0, max: 32 }), (n, prefix) => {
        const expected = v4Private(n, prefix) ? "private" : "public";
        assert.equal(cidrReach(`::ffff:${dotted(n)}/${prefix + 96}`).kind, expected);
      }),
      { numRuns: 2000 },
    );
  });

  const table: Array<[string, "private" | "public" | "invalid"]> = [
    ["::/0", "public"],
    ["0:0:0:0:0:0:0:0/0", "public"],
    ["::0.0.0.0/0", "public"],
    ["::ffff:0.0.0.0/96", "public"],
    ["::ffff:0:0/96", "public"],
    ["2001:DB8::/32", "public"],
    ["fc00::/7", "private"],
    ["FC00:0000:0000:0000:0000:0000:0000:0000/7", "private"],
    ["fdff:ffff::/32", "private"],
    ["fe00::/7", "public"],
    ["fc00::/6", "public"],
    ["::ffff:192.168.0.0/112", "private"],
    ["::ffff:c0a8:0/112", "private"],
    ["::ffff:192.168.0.0/100", "public"],
    ["10.0.0.0", "invalid"],
    ["10.0.0.0/", "invalid"],
    ["10.0.0/8", "invalid"],
    ["0x0a.0.0.0/8", "invalid"],
    ["fe80::1%eth0/64", "public"], // a zone id is read and ignored: link-local is not private
    ["sg-123", "invalid"],
    ["", "invalid"],
  ];
  for (const [cidr, kind] of table) {
    it(`${JSON.stringify(cidr)} is ${kind}`, () => {
      assert.equal(cidrReach(cidr).kind, kind);
    });
  }
});
