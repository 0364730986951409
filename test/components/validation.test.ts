// The shared validators (pure).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import {
  AMI_ID_PATTERN,
  ComponentArgsError,
  NAME_PATTERN,
  RELEASE_PATTERN,
  Problems,
  checkAmiId,
  checkInteger,
  isIpv4Cidr,
  show,
} from "../../components/validation";

describe("validation helpers", () => {
  it("show: numbers plain, strings and lists as JSON, and never throws", () => {
    assert.equal(show(7), "7");
    assert.equal(show(undefined), "undefined");
    assert.equal(show("x"), '"x"');
    assert.equal(show([]), "[]");
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    assert.equal(show(circular), "[object Object]");
    assert.equal(show(10n), "10");
    assert.equal(show(NaN), "NaN");
    assert.equal(show(-Infinity), "-Infinity");
    assert.equal(show(false), "false");
  });

  it("show: an Output or a promise named for what it is, not JSON's {}", () => {
    assert.equal(show(pulumi.output("shop.example.com")), "an Output, known only when the program runs");
    assert.equal(show(Promise.resolve("shop.example.com")), "a promise");
    // Only the SDK's marker, true, and a callable `then` make one.
    assert.equal(show({ __pulumiOutput: "yes" }), '{"__pulumiOutput":"yes"}');
    assert.equal(show({ then: 1 }), '{"then":1}');
    assert.equal(show(null), "null");
  });

  it("NAME_PATTERN and AMI_ID_PATTERN", () => {
    for (const ok of ["ab", "r2026-11-01", "a".repeat(32)]) assert.ok(NAME_PATTERN.test(ok), ok);
    for (const bad of ["a", "-ab", "ab-", "Ab", "a_b", "a".repeat(33), "1ab"])
      assert.ok(!NAME_PATTERN.test(bad), bad);
    for (const ok of ["ami-12345678", "ami-0123456789abcdef0"]) assert.ok(AMI_ID_PATTERN.test(ok), ok);
    for (const bad of ["ami-1234567", "ami-0123456789ABCDEF0", "img-12345678", "ami-123456789"]) {
      assert.ok(!AMI_ID_PATTERN.test(bad), bad);
    }
  });

  it("isIpv4Cidr: four octets up to 255 and a prefix up to 32", () => {
    assert.ok(isIpv4Cidr("10.0.0.0/16"));
    assert.ok(isIpv4Cidr("0.0.0.0/0"));
    for (const bad of ["10.0.0.0", "10.0.0/16", "256.0.0.0/8", "10.0.0.0/33", 42])
      assert.ok(!isIpv4Cidr(bad), String(bad));
  });

  it("checkInteger accepts absence and names the range", () => {
    const problems = new Problems();
    assert.equal(checkInteger(problems, "n", undefined, 0), true);
    assert.equal(checkInteger(problems, "n", "3", 0), false);
    assert.equal(checkInteger(problems, "m", 11, 0, 10), false);
    assert.throws(
      () => problems.throwIfAny("Thing", "x"),
      (e: ComponentArgsError) => {
        assert.deepEqual(e.problems, [
          '`n` ("3") must be an integer ≥ 0',
          "`m` (11) must be an integer from 0 to 10",
        ]);
        assert.equal(e.component, "Thing");
        assert.equal(e.resourceName, "x");
        assert.equal(e.name, "ComponentArgsError");
        return true;
      },
    );
  });

  it("checkAmiId leaves outputs alone and says one problem in the singular", () => {
    const problems = new Problems();
    checkAmiId(problems, "imageId", Promise.resolve("anything"));
    problems.throwIfAny("Thing", "x");
    checkAmiId(problems, "imageId", "ami-zz");
    assert.throws(() => problems.throwIfAny("Thing", "x"), /\(1 problem\):\n {2}- `imageId` \("ami-zz"\)/);
  });
});

describe("release names", () => {
  it("RELEASE_PATTERN takes dotted versions and build numbers, not upper case or edge punctuation", () => {
    for (const ok of ["v1.2.3", "2026.11.22-1", "build-481", "7"]) assert.ok(RELEASE_PATTERN.test(ok), ok);
    for (const bad of ["V1", ".v1", "v1-", "v1_2", "r".repeat(41), ""])
      assert.ok(!RELEASE_PATTERN.test(bad), bad);
  });
});
