// canonicalJson feeds every release identity: a faster replacer must give exactly the strings the first
// one gave, or every fleet's identity changes. The first implementation is kept here as the oracle.
import { strict as assert } from "assert";
import fc from "fast-check";
import { canonicalJson, hashProjection } from "../../components/immutability/identity";

/** canonicalJson as first written: every object copied with its keys sorted. */
function copyingCanonicalJson(value: unknown): string | undefined {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v && typeof v === "object" && !Array.isArray(v)) {
      const sorted: Record<string, unknown> = {};
      for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
      return sorted;
    }
    return v;
  });
}

// Keys that sort differently as strings and as array indices ("10" < "2"), which objects enumerate first.
const key = fc.oneof(fc.string(), fc.constantFrom("0", "1", "2", "10", "a", "B", "_", "__defaults"));
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.array(tie("value"), { maxLength: 4 }),
    fc.dictionary(key, tie("value"), { maxKeys: 5 }),
  ),
})).value;

describe("canonicalJson", () => {
  it("gives the string the copying implementation gave, for any JSON-like value", () => {
    fc.assert(fc.property(json, (value) => assert.equal(canonicalJson(value), copyingCanonicalJson(value))));
  });

  it("sorts keys at every level, integer-like keys by string order too", () => {
    const value = { b: { z: 1, a: [{ y: 2, x: 1 }] }, 10: "ten", 2: "two", a: true };
    assert.equal(canonicalJson(value), copyingCanonicalJson(value));
    assert.equal(canonicalJson(value), '{"2":"two","10":"ten","a":true,"b":{"a":[{"x":1,"y":2}],"z":1}}');
  });

  it("serialises objects with toJSON, and objects already in key order, as before", () => {
    const value = { when: new Date(0), nested: { a: 1, b: 2 }, list: [undefined, () => 1] };
    assert.equal(canonicalJson(value), copyingCanonicalJson(value));
  });

  it("keeps the identities of existing projections", () => {
    assert.equal(hashProjection({}), "iqjw7i2vwn");
    assert.equal(hashProjection({ a: 1 }), "afnl2724yv");
    assert.equal(hashProjection({ b: 1, a: 1 }), hashProjection({ a: 1, b: 1 }));
  });
});
