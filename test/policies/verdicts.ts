// One policy's verdict on one resource, both ways a pack user meets it: in the engine (the SDK's
// unknown-checking proxy, the harness) and offline (`phoenix check`'s evaluateResources, where an encrypted
// secret is what cannot be read). Tests compare the verdict and the messages with literals.
import { strict as assert } from "assert";
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { evaluateResources } from "../../policies/offline";
import { runPolicy } from "./harness";

export type Verdict = "pass" | "violation" | "undecided";

export interface Outcome {
  verdict: Verdict;
  /** The violation messages, in order. */
  messages: string[];
}

/** An encrypted secret as a stack export holds it (the plaintext is not there). */
export const ENCRYPTED = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:abc",
};

/** The verdict in the engine's shape (a value may be the UNKNOWN sentinel); the resource is named "subject". */
export function inEngine(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Outcome {
  const result = runPolicy(policy, type, props, { config });
  if (result.violations.length > 0) {
    assert.equal(result.unknown, undefined, "a violation and a 'can't run' at once");
    return { verdict: "violation", messages: result.violations };
  }
  return { verdict: result.unknown ? "undecided" : "pass", messages: [] };
}

/** The verdict offline (`phoenix check`); the resource is named "subject". */
export function offline(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  config: Record<string, unknown> = {},
): Outcome {
  const verdicts = evaluateResources(
    [{ urn: `urn:pulumi:dev::phoenix::${type}::subject`, type, inputs: props }],
    {
      policies: [policy],
      config: { [policy.name]: { enforcementLevel: "mandatory", ...config } },
    },
  );
  const kinds = new Set(verdicts.map((v) => v.kind));
  assert.ok(kinds.size <= 1, `both a violation and no verdict: ${JSON.stringify(verdicts)}`);
  if (kinds.has("violation")) return { verdict: "violation", messages: verdicts.map((v) => v.message) };
  return { verdict: kinds.has("undecided") ? "undecided" : "pass", messages: [] };
}
