// canonicalJson feeds every release identity: a faster replacer must give exactly the strings the first
// one gave, or every fleet's identity changes. The first implementation is kept here as the oracle.
import { strict as assert } from "assert";
import fc from "fast-check";
import { createHash } from "crypto";
import {
  canonicalJson,
  hashProjection,
  launchTemplateIdentity,
  launchTemplateProjection,
} from "../../components/immutability/identity";

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

  // launchTemplateIdentity hashes its projection with plain JSON.stringify (no replacer) and base32-encodes
  // only the bytes the identity needs: it must give what hashing the projection as first written gave.
  it("launchTemplateIdentity is the first implementation's hash of the projection, for any inputs", () => {
    const firstIdentity = (projection: Record<string, unknown>) =>
      base32(createHash("sha256").update(copyingCanonicalJson(projection)!).digest()).slice(0, 10);
    const inputs = fc.dictionary(
      fc.constantFrom(
        "imageId",
        "instanceType",
        "keyName",
        "iamInstanceProfile",
        "metadataOptions",
        "blockDeviceMappings",
        "networkInterfaces",
        "vpcSecurityGroupIds",
        "securityGroupNames",
        "placement",
        "tags",
        "name",
      ),
      json,
      { maxKeys: 8 },
    );
    // Metadata options, whose AWS defaults the projection drops: defaults, other values, other keys.
    const metadataOptions = fc.dictionary(
      fc.constantFrom(
        "httpEndpoint",
        "httpTokens",
        "httpPutResponseHopLimit",
        "instanceMetadataTags",
        "0",
        "x",
      ),
      fc.oneof(fc.constantFrom("enabled", "disabled", "optional", "required", "1", 1, 2, "true"), json),
      { maxKeys: 5 },
    );
    const launchTemplates = fc
      .tuple(inputs, fc.option(fc.oneof(metadataOptions, json), { nil: undefined }))
      .map(([rest, metadata]) => (metadata === undefined ? rest : { ...rest, metadataOptions: metadata }));
    fc.assert(
      fc.property(launchTemplates, (given) => {
        let projection: Record<string, unknown>;
        try {
          projection = launchTemplateProjection(given);
        } catch (error) {
          // Inputs the projection refuses (a \`blockDeviceMappings\` that is no list) are refused alike.
          assert.throws(() => launchTemplateIdentity(given), { message: (error as Error).message });
          return;
        }
        assert.equal(launchTemplateIdentity(given), firstIdentity(projection));
        assert.equal(launchTemplateIdentity(given), hashProjection(projection));
      }),
    );
  });
  it("drops metadata options at their AWS defaults as the first implementation did (by delete), for any value", () => {
    const defaults: Record<string, unknown> = {
      httpEndpoint: "enabled",
      httpTokens: "optional",
      httpProtocolIpv6: "disabled",
      httpPutResponseHopLimit: 1,
      instanceMetadataTags: "disabled",
    };
    /** The first implementation, on the canonical value (kernelId is canonicalised and nothing else). */
    const firstRule = (value: unknown): unknown => {
      const metadata = launchTemplateProjection({ kernelId: value }).kernelId as Record<string, unknown>;
      if (metadata) {
        for (const [key, fallback] of Object.entries(defaults)) {
          if (metadata[key] === fallback) delete metadata[key];
        }
        if (Object.keys(metadata).length === 0) return undefined;
      }
      return metadata;
    };
    const metadataOptions = fc.oneof(
      fc.dictionary(
        fc.constantFrom(...Object.keys(defaults), "0", "10", "x", "toString"),
        fc.oneof(fc.constantFrom("enabled", "disabled", "optional", "required", 1, "1", 2, true), json),
        { maxKeys: 6 },
      ),
      json,
    );
    fc.assert(
      fc.property(metadataOptions, (value) => {
        const expected = firstRule(value);
        const projection = launchTemplateProjection({ metadataOptions: value });
        assert.equal("metadataOptions" in projection, expected !== undefined);
        assert.equal(JSON.stringify(projection.metadataOptions), JSON.stringify(expected));
        assert.deepEqual(projection.metadataOptions, expected);
      }),
    );
  });
});

/** RFC 4648 base32, lower case, no padding: the identity's alphabet, written out for the oracle. */
function base32(bytes: Buffer): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz234567";
  const bits = [...bytes].map((b) => b.toString(2).padStart(8, "0")).join("");
  let out = "";
  for (let i = 0; i + 5 <= bits.length; i += 5) out += alphabet[parseInt(bits.slice(i, i + 5), 2)];
  return out;
}
