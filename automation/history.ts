// The journal as one record per workflow (what `history()` and `status()` show).
import type { JournalEntry } from "./journal";
import type { HistoryRecord } from "./types";

export function toHistory(entries: JournalEntry[]): HistoryRecord[] {
  const records = new Map<string, HistoryRecord>();
  for (const entry of entries) {
    if (entry.type === "begin") {
      records.set(entry.id, {
        id: entry.id,
        workflow: entry.workflow,
        startedAt: entry.at,
        status: "interrupted",
        params: entry.params,
        steps: [],
      });
      continue;
    }
    const record = records.get(entry.id);
    if (!record) continue;
    if (entry.type === "step") {
      if (entry.status === "started") record.steps.push({ step: entry.step, status: "started" });
      else {
        const open = [...record.steps].reverse().find((s) => s.step === entry.step && s.status === "started");
        if (open)
          Object.assign(open, { status: entry.status, durationMs: entry.durationMs, error: entry.error });
        else
          record.steps.push({
            step: entry.step,
            status: entry.status,
            durationMs: entry.durationMs,
            error: entry.error,
          });
      }
      continue;
    }
    // A `recovered` end after a `failed` one keeps both facts: the failure and what recovery did.
    record.status = entry.status;
    record.endedAt = entry.at;
    record.durationMs = record.durationMs ?? entry.durationMs;
    if (entry.error) record.error = entry.error;
    if (entry.recovery) record.recovery = entry.recovery;
  }
  return [...records.values()];
}
