// What a failed DynamoDB call means for a conditional write. A condition that failed is an answer (someone
// else wrote first). Anything else (throttling after the SDK's own retries, a timeout, a reset connection)
// leaves the write's outcome unknown: it may have taken effect. Callers then read back to find out before
// they try again, so a retried write is never applied twice nor counted as lost.

export type CallFailure =
  { kind: "condition-failed"; reasons: (string | undefined)[] } | { kind: "unknown-outcome"; error: unknown };

export function classify(error: unknown): CallFailure {
  const name = (error as { name?: string })?.name;
  if (name === "ConditionalCheckFailedException") return { kind: "condition-failed", reasons: [] };
  if (name === "TransactionCanceledException") {
    const reasons = (error as { CancellationReasons?: { Code?: string }[] }).CancellationReasons ?? [];
    const codes = reasons.map((reason) => reason.Code);
    // Only conditions failed (others are "None"): an answer. A conflict with a concurrent transaction or
    // throttling inside the transaction is not: nothing was written, but nothing was decided either.
    if (codes.length === 0 || codes.every((code) => code === "ConditionalCheckFailed" || code === "None"))
      return { kind: "condition-failed", reasons: codes };
  }
  return { kind: "unknown-outcome", error };
}

/** Attempts of a write whose outcome was unknown, each after a read-back showed it had not taken effect. */
export const WRITE_ATTEMPTS = 3;

/** Pause before attempt `n` (1-based) of a write retried after an unknown outcome. */
export const backoffMs = (attempt: number): number => 200 * 2 ** (attempt - 1);
