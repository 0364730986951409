// Redacting secret config values from errors (automation/secrets.ts).
import { strict as assert } from "assert";
import { redact, redactError, secretValuesOf, withSecretsRedacted } from "../../automation/secrets";

const SCRIPT = '#!/bin/sh\nexport TOKEN="abc123-secret"\nexec /opt/app/run\n';

describe("secret config values in errors", () => {
  it("takes the values of secret entries only, blanked ones left out", () => {
    const config = {
      "phoenix:userData": { value: SCRIPT, secret: true },
      "phoenix:release": { value: "v1" },
      "phoenix:old": { value: "", secret: true },
    };
    assert.deepEqual(secretValuesOf(config), [SCRIPT]);
  });

  it("redacts the value, its base64, its JSON-escaped form and each of its lines", () => {
    const spellings = [
      `--secret phoenix:userData=${SCRIPT}`,
      Buffer.from(SCRIPT).toString("base64"),
      JSON.stringify(SCRIPT),
      'line 2 quoted alone: export TOKEN="abc123-secret"',
    ];
    for (const text of spellings) {
      const out = redact(text, [SCRIPT]);
      assert.ok(!out.includes("abc123-secret") && !out.includes(Buffer.from(SCRIPT).toString("base64")), out);
      assert.ok(out.includes("[secret]"), out);
    }
    assert.equal(redact("nothing secret here", [SCRIPT]), "nothing secret here");
  });

  it("replaces the JSON-escaped form inside its quotes, and a whole value before any part of it", () => {
    assert.equal(redact(`set-all ${JSON.stringify("a\tb-c")}`, ["a\tb-c"]), 'set-all "[secret]"');
    // Two secrets, one the start of the other: the longer one goes first, nothing of it is left.
    assert.equal(redact("token=abcdefgh", ["abcd", "abcdefgh"]), "token=[secret]");
    assert.equal(redact("ab", [""]), "ab");
  });

  it("redacts lines of 4 characters or more (not counting spaces), and leaves shorter ones", () => {
    const secret = "abcd\n  xy  \nxyz\n  wxyz";
    assert.equal(redact("abcd|  xy  |xyz|  wxyz", [secret]), "[secret]|  xy  |xyz|[secret]");
  });

  it("redacts strings down to four objects below the error, and survives null and throwing properties", () => {
    const error = Object.assign(new Error("failed"), {
      code: null,
      result: {
        stderr: `deep 1 ${SCRIPT}`,
        a: { b: { c: { d: `deep 4 ${SCRIPT}`, e: { f: `deep 5 ${SCRIPT}` } } } },
      },
    });
    Object.defineProperty(error, "broken", {
      enumerable: true,
      get() {
        throw new Error("unreadable");
      },
    });
    assert.equal(redactError(error, [SCRIPT]), error);
    assert.equal(error.result.stderr, "deep 1 [secret]");
    assert.equal(error.result.a.b.c.d, "deep 4 [secret]");
    // The walk stops there: an error's object graph can be large (an SDK client hangs off some).
    assert.equal(error.result.a.b.c.e.f, `deep 5 ${SCRIPT}`);
  });

  it("redacts an error-like whose message, stack and cause are accessors (not own properties)", () => {
    class RemoteFailure {
      #message = `remote ${SCRIPT}`;
      #stack = `at ${SCRIPT}`;
      #cause = `because ${SCRIPT}`;
      get message() {
        return this.#message;
      }
      set message(value: string) {
        this.#message = value;
      }
      get stack() {
        return this.#stack;
      }
      set stack(value: string) {
        this.#stack = value;
      }
      get cause() {
        return this.#cause;
      }
      set cause(value: string) {
        this.#cause = value;
      }
    }
    const failure = new RemoteFailure();
    redactError(failure, [SCRIPT]);
    assert.deepEqual(
      [failure.message, failure.stack, failure.cause],
      ["remote [secret]", "at [secret]", "because [secret]"],
    );
  });

  it("redacts an error in place, its type, stdout/stderr and cause included", async () => {
    class CommandError extends Error {
      stderr = `Command failed: pulumi config set-all --secret phoenix:userData=${SCRIPT}`;
    }
    const cause = new Error(`inner ${SCRIPT}`);
    const error = new CommandError(`code: 255 ${SCRIPT}`, { cause });
    const thrown = await withSecretsRedacted([SCRIPT], () => Promise.reject(error)).catch((e: unknown) => e);
    assert.ok(thrown instanceof CommandError);
    for (const text of [thrown.message, thrown.stack, thrown.stderr, cause.message]) {
      assert.ok(!String(text).includes("abc123-secret"), text);
    }
    assert.equal(redactError(error, []), error);
  });
});
