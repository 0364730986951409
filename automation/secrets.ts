// Secret config values (user data) must not leave through an error: the SDK's error for a failed
// `pulumi config set-all` quotes the whole command line, `--secret phoenix:userData=<value>` included, and
// the workflows put error messages into the records, the progress events and the CLI's output.
import type { ConfigMap } from "@pulumi/pulumi/automation";

const SHOWN = "[secret]";

/** The values of a config's secret entries (blanked ones left out). */
export function secretValuesOf(config: ConfigMap): string[] {
  return Object.values(config)
    .filter((entry) => entry.secret && entry.value !== "")
    .map((entry) => entry.value);
}

/**
 * Every spelling of a secret an error message may carry: the value, its base64, its JSON-escaped form (a
 * quoted command line), and each of its lines of 4 characters or more (a multi-line script, quoted line by
 * line). Longest first, so a whole value is replaced before its parts.
 */
function spellingsOf(secrets: string[]): string[] {
  const spellings = new Set<string>();
  for (const secret of secrets) {
    spellings.add(secret);
    // Stryker disable next-line StringLiteral: Buffer.from reads an empty encoding as utf8, its default
    spellings.add(Buffer.from(secret, "utf8").toString("base64"));
    spellings.add(JSON.stringify(secret).slice(1, -1));
    for (const line of secret.split(/\r?\n/)) if (line.trim().length >= 4) spellings.add(line);
  }
  return [...spellings].filter((s) => s.length > 0).sort((a, b) => b.length - a.length);
}

/** `text` with every spelling of the secrets shown as "[secret]". */
export function redact(text: string, secrets: string[]): string {
  let out = text;
  for (const spelling of spellingsOf(secrets)) out = out.split(spelling).join(SHOWN);
  return out;
}

/**
 * Redact an error in place (its type stays, so typed errors are still recognised): its message and stack,
 * every string property (the SDK's `stdout`/`stderr`), and the same of its `cause` and of nested objects such
 * as the SDK's `commandResult`.
 */
export function redactError(error: unknown, secrets: string[]): unknown {
  const seen = new Set<unknown>();
  const visit = (value: unknown, depth: number) => {
    if (value === null || typeof value !== "object" || seen.has(value) || depth > 4) return;
    seen.add(value);
    const record = value as Record<string, unknown>;
    for (const key of [...Object.getOwnPropertyNames(value), "message", "stack", "cause"]) {
      let current: unknown;
      try {
        current = record[key];
      } catch /* Stryker disable next-line BlockStatement: without `continue`, current stays undefined and is skipped anyway */ {
        continue;
      }
      if (typeof current === "string") {
        const redacted = redact(current, secrets);
        // Stryker disable next-line ConditionalExpression: writing back the same text changes nothing (a read-only property's throw is caught)
        if (redacted !== current) {
          try {
            record[key] = redacted;
          } catch {
            // a read-only property: nothing more to do for it
          }
        }
      } else visit(current, depth + 1);
    }
  };
  visit(error, 0);
  return error;
}

/** Run `action`; any error it throws leaves with the secrets redacted. */
export async function withSecretsRedacted<T>(secrets: string[], action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    throw redactError(error, secrets);
  }
}
