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
const key = fc.oneof(
  fc.string(),
  fc.string({ unit: "binary" }), // lone surrogates and control characters, escaped in keys
  fc.constantFrom("0", "1", "2", "10", "a", "B", "_", "__defaults", "toJSON"),
);
const json = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: "small" },
    fc.string(),
    fc.string({ unit: "binary" }),
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

  it("serialises what is not plain data as before: toJSON, other prototypes, omitted values, deep nesting", () => {
    class Point {
      constructor(
        readonly y: number,
        readonly x: number,
      ) {}
    }
    const nullPrototype = Object.assign(Object.create(null) as object, { b: 1, a: 2 });
    let deep: unknown = { leaf: true };
    for (let i = 0; i < 100; i++) deep = { z: deep, a: [i] };
    const values: unknown[] = [
      { when: new Date(0), nested: { a: 1, b: 2 }, list: [undefined, () => 1, Symbol("s")] },
      { point: new Point(2, 1), nullPrototype, boxed: [new String("s"), new Number(1), new Boolean(false)] },
      { toJSON: () => ({ b: 1, a: 2 }) },
      { numbers: [-0, NaN, Infinity, -Infinity, 1e21, 5e-7, 0.1], omitted: undefined, fn: () => 1 },
      { buffer: Buffer.from("ab"), map: new Map([["a", 1]]) },
      { "\ud800": "\udfff", 'quote"': "\u0000\n" },
      deep,
      [[[]], {}, [{}]],
      "text",
      12,
      null,
    ];
    for (const value of values) assert.equal(canonicalJson(value), copyingCanonicalJson(value));
    assert.equal(canonicalJson(undefined), undefined);
  });

  it("refuses what JSON.stringify refuses: a cycle, a BigInt", () => {
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = { back: cyclic };
    assert.throws(() => canonicalJson(cyclic), TypeError);
    assert.throws(() => canonicalJson({ big: 1n }), TypeError);
  });

  it("keeps the identities of existing projections", () => {
    assert.equal(hashProjection({}), "iqjw7i2vwn");
    assert.equal(hashProjection({ a: 1 }), "afnl2724yv");
    assert.equal(hashProjection({ b: 1, a: 1 }), hashProjection({ a: 1, b: 1 }));
  });
});
