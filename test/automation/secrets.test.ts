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
