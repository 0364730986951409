// What cidrReach says of the spellings cidr.test.ts's oracles leave out: an IPv6 block long enough to look
// like a mapped IPv4 one but not mapped, and why a CIDR is not valid (no-ssh-access treats it as reaching
// anywhere: a policy can't prove an unreadable source private).
import { strict as assert } from "assert";
import { cidrReach } from "../../policies/lib/cidr";

describe("cidrReach: spellings at the edges", () => {
  it("a unique local IPv6 block of /96 or longer is private, not read as a mapped IPv4 block", () => {
    assert.deepEqual(cidrReach("fd12:3456::1/128"), { kind: "private" });
    assert.deepEqual(cidrReach("fc00::/96"), { kind: "private" });
    assert.deepEqual(cidrReach("2001:db8::1/128"), { kind: "public", cidr: "2001:db8::1/128" });
  });

  it("an IPv4 address in other than four decimal parts is invalid, and says so", () => {
    assert.deepEqual(cidrReach("010.0.0.0/8"), {
      kind: "invalid",
      cidr: "010.0.0.0/8",
      reason: "IPv4 must be four decimal parts",
    });
  });

  it("keeps the text as given (spaces and all) in what it reports", () => {
    assert.deepEqual(cidrReach(" 8.8.8.8/32 "), { kind: "public", cidr: " 8.8.8.8/32 " });
  });
});
