// Keeping the file journal bounded. Every workflow reads the journal, so it must not grow without end: once
// it holds more than ACTIVE_MAX workflows, the oldest finished ones move to an archive file, down to
// ACTIVE_KEEP. What the workflows read never moves: an unfinished workflow (recovery completes or undoes it),
// and per colour the newest deployment and the newest traffic move off it (the keep-warm window, the rollback
// target and which colour `up` replaces are read from those). So recovery and the workflows never need an
// archive; `history` reads the archives when asked for more than the active file holds.
import { isHealthWaitStep } from "../events";
import type { JournalEntry } from "../journal";

/** Workflows the active file keeps after archiving. */
export const ACTIVE_KEEP = 100;
/** Workflows the active file may hold before the oldest are archived (a margin, so that not every end rewrites it). */
export const ACTIVE_MAX = 120;

/** Workflow ids in the order they first appear. */
function workflowIds(entries: JournalEntry[]): string[] {
  return [...new Set(entries.map((entry) => entry.id))];
}

/** The workflows readers of the newest facts need, whatever their age (see the head of this file). */
function pinned(entries: JournalEntry[]): Set<string> {
  const ended = new Set(entries.filter((e) => e.type === "end").map((e) => e.id));
  const keep = new Set(entries.filter((e) => e.type === "begin" && !ended.has(e.id)).map((e) => e.id));
  const newest = new Map<string, string>();
  for (const entry of entries) {
    if (entry.type === "step" && entry.status === "ok" && entry.colour) {
      if (entry.deployed) newest.set(`deployed:${entry.colour}`, entry.id);
      if (isHealthWaitStep(entry.step)) newest.set(`healthy:${entry.colour}`, entry.id);
    }
    if (entry.type === "end" && entry.retired) newest.set(`retired:${entry.retired.colour}`, entry.id);
  }
  for (const id of newest.values()) keep.add(id);
  return keep;
}

/** What to move to an archive, or undefined while the active file is within bounds. */
export function planArchive(
  entries: JournalEntry[],
): { archived: JournalEntry[]; kept: JournalEntry[] } | undefined {
  const ids = workflowIds(entries);
  if (ids.length <= ACTIVE_MAX) return undefined;
  const keep = pinned(entries);
  for (const id of ids.slice(-ACTIVE_KEEP)) keep.add(id);
  const archived = entries.filter((entry) => !keep.has(entry.id));
  if (archived.length === 0) return undefined;
  return { archived, kept: entries.filter((entry) => keep.has(entry.id)) };
}

/**
 * Archived entries and the active file's, as one history: archives oldest first, then the active file. A
 * workflow found in both (a crash after an archive was written, before the active file was rewritten) is
 * taken from the active file only.
 */
export function joinArchives(archives: JournalEntry[][], active: JournalEntry[]): JournalEntry[] {
  const inActive = new Set(active.map((entry) => entry.id));
  return [...archives.flat().filter((entry) => !inActive.has(entry.id)), ...active];
}
