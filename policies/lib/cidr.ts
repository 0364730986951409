// CIDR arithmetic for `no-ssh-access`: does a CIDR reach any address outside the private ranges?
//
// CIDRs are parsed, never string-compared: `0.0.0.0/0`, `1.0.0.0/0`, `::/0` and `0:0:0:0:0:0:0:0/0` are
// all the whole internet, and `10.1.2.3/8` is 10/8. Parsing uses ipaddr.js (the parser behind Express's
// proxy-addr: small, dependency-free, handles every IPv6 spelling including embedded IPv4), with IPv4
// held to strict four-part decimal so that `010.0.0.0/8` (octal in some parsers) is not read as private.
import * as ipaddr from "ipaddr.js";

/** The private ranges of DESIGN.md: RFC 1918 for IPv4, unique local addresses (RFC 4193) for IPv6. */
const PRIVATE_V4: Array<[string, number]> = [
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
];
const PRIVATE_V6: Array<[string, number]> = [["fc00::", 7]];

export type CidrReach =
  { kind: "private" } | { kind: "public"; cidr: string } | { kind: "invalid"; cidr: string; reason: string };

/**
 * Whether a CIDR stays inside the private ranges. Anything that is not a valid CIDR is `invalid`, and the
 * caller treats it as reaching anywhere: a policy can't prove an unreadable source private.
 */
export function cidrReach(text: string): CidrReach {
  const cidr = text.trim();
  let parsed: [ipaddr.IPv4 | ipaddr.IPv6, number];
  try {
    parsed = ipaddr.parseCIDR(cidr);
  } catch (error) {
    return { kind: "invalid", cidr: text, reason: (error as Error).message };
  }
  let [address, prefix] = parsed;
  if (address.kind() === "ipv4") {
    const dotted = cidr.slice(0, cidr.indexOf("/"));
    if (!ipaddr.IPv4.isValidFourPartDecimal(dotted)) {
      return { kind: "invalid", cidr: text, reason: "IPv4 must be four decimal parts" };
    }
  } else {
    const v6 = address as ipaddr.IPv6;
    // An IPv4-mapped IPv6 block (::ffff:10.0.0.0/104) is the IPv4 block it maps.
    // Stryker disable next-line ConditionalExpression,EqualityOperator: a mapped block of /96 or shorter is public both ways (0.0.0.0/0, or outside fc00::/7)
    if (v6.isIPv4MappedAddress() && prefix >= 96) {
      address = v6.toIPv4Address();
      prefix -= 96;
    }
  }
  const ranges = address.kind() === "ipv4" ? PRIVATE_V4 : PRIVATE_V6;
  const inside = ranges.some(([base, bits]) => prefix >= bits && address.match(ipaddr.parse(base), bits));
  return inside ? { kind: "private" } : { kind: "public", cidr: text };
}
