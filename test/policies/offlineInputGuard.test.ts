// Inputs as `phoenix check` hands them to policies (policies/lib/guard.ts): as Pulumi serialises them in a stack
// export, unknowns as the engine's sentinels and secrets as `{ <sig>, ciphertext }`, or opened as
// `pulumi stack export --show-secrets` writes them, `{ <sig>, plaintext: <JSON text> }`
// (pkg/resource/stack/deployment.go:885-896 in Pulumi 3.274), or in the wire form `{ <sig>, value }`.
import { strict as assert } from "assert";
import { UndecidableInputError } from "../../components/immutability/identity";
import { readableInputs, serializedInputs } from "../../policies/lib/guard";
import { UNKNOWN } from "./harness";

const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const ENCRYPTED = { [SIG]: SECRET_SIG, ciphertext: "v1:abc" };

/** The error reading `read()` throws, or "read" when it reads. */
function outcome(read: () => unknown): string {
  try {
    read();
    return "read";
  } catch (error) {
    assert.ok(error instanceof UndecidableInputError, String(error));
    return error.message;
  }
}

describe("offline inputs: what a policy reads", () => {
  it("inputs holding no unknown and no secret are handed over as they are (no guard to pay for)", () => {
    const plain = {
      name: "web",
      ports: [22, 3389],
      enabled: true,
      count: 0,
      none: null,
      nested: { a: ["x"] },
    };
    assert.equal(readableInputs(plain), plain);
    const empty = {};
    assert.equal(readableInputs(empty), empty);
  });

  const guarded: Array<[string, Record<string, unknown>]> = [
    ["an unknown at the top", { userData: UNKNOWN }],
    ["an unknown deep in a list", { ingress: [{ cidrBlocks: ["10.0.0.0/8", UNKNOWN] }] }],
    ["a number's unknown sentinel", { ingress: [{ fromPort: "3eeb2bf0-c639-47a8-9e75-3b44932eb421" }] }],
    ["an encrypted secret", { userData: ENCRYPTED }],
    ["a secret inside an object", { tags: { team: ENCRYPTED } }],
  ];
  for (const [title, inputs] of guarded) {
    it(`inputs holding ${title} are guarded`, () => {
      assert.notEqual(readableInputs(inputs), inputs);
      assert.equal(serializedInputs(readableInputs(inputs)), inputs, "the serialised inputs under the guard");
    });
  }

  it("a string of a sentinel's length that is no sentinel is a plain value", () => {
    const inputs = { id: "0123456789abcdef0123456789abcdef0123" };
    assert.equal(readableInputs(inputs), inputs);
  });

  it("reading an unknown or an encrypted value throws, naming its path; other values read as they are", () => {
    const inputs = readableInputs({
      name: "web",
      none: null,
      userData: ENCRYPTED,
      ingress: [{ fromPort: 22, cidrBlocks: ["10.0.0.0/8", UNKNOWN] }],
    });
    assert.equal(inputs.name, "web");
    assert.equal(inputs.none, null);
    assert.equal(inputs.ingress[0].fromPort, 22);
    assert.equal(inputs.ingress[0].cidrBlocks[0], "10.0.0.0/8");
    assert.equal(
      outcome(() => inputs.ingress[0].cidrBlocks[1]),
      "input `ingress[0].cidrBlocks[1]` is not known until apply",
    );
    assert.equal(
      outcome(() => inputs.userData),
      "input `userData` is an encrypted secret",
    );
  });

  it("a list of a guarded resource can be spread and iterated (symbol keys are read as they are)", () => {
    const inputs = readableInputs({ ports: [22, 3389], userData: UNKNOWN });
    assert.deepEqual([...inputs.ports], [22, 3389]);
    assert.equal(String(inputs.ports), "22,3389");
  });

  it("opens a secret that carries its plaintext: JSON text parsed, any other text as it is", () => {
    const inputs = readableInputs({
      json: { [SIG]: SECRET_SIG, plaintext: '{"Statement":[]}' },
      text: { [SIG]: SECRET_SIG, plaintext: "#!/bin/sh" },
      wire: { [SIG]: SECRET_SIG, value: "#cloud-config" },
    });
    assert.deepEqual(inputs.json, { Statement: [] });
    assert.equal(inputs.text, "#!/bin/sh");
    assert.equal(inputs.wire, "#cloud-config");
  });

  it("frozen inputs read as they are (a proxy must give a frozen property itself), and still guard a secret", () => {
    const frozen = Object.freeze({ meta: Object.freeze({ team: "web" }), userData: ENCRYPTED });
    const inputs = readableInputs(frozen);
    assert.equal(inputs.meta, frozen.meta);
    assert.equal(inputs.meta.team, "web");
  });

  it("a property that is only sealed, or only read-only, is still guarded", () => {
    const sealed = readableInputs(Object.seal({ userData: UNKNOWN }));
    assert.equal(
      outcome(() => sealed.userData),
      "input `userData` is not known until apply",
    );
    const readOnly: Record<string, unknown> = {};
    Object.defineProperty(readOnly, "userData", {
      value: ENCRYPTED,
      writable: false,
      configurable: true,
      enumerable: true,
    });
    const inputs = readableInputs(readOnly);
    assert.equal(
      outcome(() => inputs.userData),
      "input `userData` is an encrypted secret",
    );
  });
});
