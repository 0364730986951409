// The journal: an append-only JSON-lines file per app/env, next to the state. One line when a workflow
// begins (with the traffic it found), one per step (started, then ok/failed with its duration), one when
// it ends. The stacks stay the source of truth; the journal is the history, and it tells the next workflow
// what an interrupted one was doing so it can be completed or undone.
import { mkdir, open, readdir, readFile, rename } from "fs/promises";
import { basename, dirname, join } from "path";
import { joinArchives, planArchive } from "./records/journalArchive";
import type { Colour } from "../programs/contract";
import type { WorkflowName } from "./events";
import type { BakeRecord } from "./images/types";

/** The traffic and fleets a workflow found when it began. */
export interface JournalSnapshot {
  weights: Record<Colour, number>;
  releases: Partial<Record<Colour, string>>;
  /** Each colour's fleet identity (its `deploymentId` output), for fleets that have one. */
  deployments?: Partial<Record<Colour, string>>;
}

/**
 * A fleet stack's capacity config as it was (`phoenix:minSize`, `maxSize`, `desiredCapacity`): the raw values,
 * "" or absent meaning the fleet program's default.
 */
export interface CapacityConfig {
  minSize?: string;
  maxSize?: string;
  desiredCapacity?: string;
}

/** One deployed fleet, as the records name it: its colour, release and deployment id. */
export interface FleetRecord {
  colour: Colour;
  release: string;
  /** Absent in records written before Phoenix recorded fleet identities. */
  deploymentId?: string;
}

export type JournalEntry =
  | {
      type: "begin";
      id: string;
      workflow: WorkflowName;
      at: string;
      params: Record<string, unknown>;
      pid: number;
    }
  | {
      type: "step";
      id: string;
      workflow: WorkflowName;
      step: string;
      status: "started" | "ok" | "failed";
      at: string;
      durationMs?: number;
      detail?: string;
      error?: string;
      /** The colour the step acts on (what recovery undoes or completes). */
      colour?: Colour;
      /** On the `read-state` step: the traffic and fleets the workflow found (what recovery restores). */
      state?: JournalSnapshot;
      /** On the `deploy` step, once ok: the fleet it deployed (the deployment record, timed by `at`). */
      deployed?: FleetRecord;
      /** On the `bake` step, once ok: the AMIs it baked (the bake record). Never on a failed bake. */
      baked?: BakeRecord;
      /**
       * On a step that changes a fleet's capacity in place (rolling release, rollback after one): the colour's
       * capacity config before the step. Recovery puts back the first one of each colour.
       */
      scaledFrom?: CapacityConfig;
    }
  | {
      type: "end";
      id: string;
      workflow: WorkflowName;
      at: string;
      status: "ok" | "failed" | "aborted" | "recovered";
      durationMs: number;
      error?: string;
      /**
       * Traffic moved off this fleet at `at` (swap, rollback): it served until then, and is the rollback
       * target while it still exists and no later move retired another.
       */
      retired?: FleetRecord;
      /** For `recovered`: what was done about the interrupted workflow. */
      recovery?: string;
    };

/**
 * A new deployment id: the time and the journal's length when the deployment starts. The journal only grows
 * and every workflow appends to it before it deploys, so no two deployments of one app/env share an id (the
 * time keeps them apart should the file ever be replaced). Deterministic for a given clock and journal, so
 * tests that replay the same workflows see the same ids.
 */
export function newDeploymentId(now: number, journalLength: number): string {
  const time = new Date(now).toISOString().replace(/[-:.]/g, "").toLowerCase();
  return `${time}-${journalLength}`;
}

/** A workflow that began and never ended: it crashed, was killed, or is running right now. */
export interface InterruptedWorkflow {
  begin: Extract<JournalEntry, { type: "begin" }>;
  steps: Extract<JournalEntry, { type: "step" }>[];
  /** The last step that started (and maybe never finished). */
  lastStep: string | undefined;
  /** What the workflow found when it began, if it got that far. */
  before: JournalSnapshot | undefined;
}

export class Journal {
  private dirReady = false;

  constructor(readonly path: string) {}

  get location(): string {
    return this.path;
  }

  async append(entry: JournalEntry): Promise<void> {
    if (!this.dirReady) {
      await mkdir(dirname(this.path), { recursive: true });
      // Stryker disable next-line BooleanLiteral: mkdir with `recursive` is idempotent; the flag only saves a call
      this.dirReady = true;
    }
    const file = await open(this.path, "a+");
    let created: boolean;
    try {
      // A process killed mid-append leaves a last line without its newline. Appended straight after it,
      // this entry would share its line and be skipped as torn too: a lost `begin` hides a workflow from
      // history, and from recovery if that workflow is interrupted in turn. End the torn line first.
      const { size } = await file.stat();
      created = size === 0;
      const last = Buffer.alloc(1);
      const torn = size > 0 && (await file.read(last, 0, 1, size - 1)).bytesRead === 1 && last[0] !== 0x0a;
      await file.appendFile((torn ? "\n" : "") + JSON.stringify(entry) + "\n");
      // On disk before the workflow acts on it: a step's record must survive a power loss during the step.
      await file.sync();
    } finally {
      await file.close();
    }
    if (created) await syncDirectory(dirname(this.path));
    if (entry.type === "end") await this.archiveIfLong();
  }

  /** Every entry of the active file; a torn line (a crash mid-append) is skipped. */
  async read(): Promise<JournalEntry[]> {
    return parseJournal(await readIfExists(this.path));
  }

  /** Every entry, the archives' included, oldest first (for `history`). */
  async readAll(): Promise<JournalEntry[]> {
    const archives = await Promise.all(
      (await this.archivePaths()).map(async (path) => parseJournal(await readIfExists(path))),
    );
    return joinArchives(archives, await this.read());
  }

  /** Move the oldest finished workflows to a new archive file once the active file holds too many. */
  private async archiveIfLong(): Promise<void> {
    const plan = planArchive(await this.read());
    if (!plan) return;
    const archives = await this.archivePaths();
    const lastNumber = archives.length === 0 ? 0 : Number(/archive-(\d+)\.jsonl$/.exec(archives.at(-1)!)![1]);
    // The archive first: a crash before the active file is rewritten leaves both copies, and readAll() keeps
    // the active one. Each file is replaced whole (rename), so no reader ever sees half of one.
    await writeDurably(this.archivePath(lastNumber + 1), plan.archived);
    await writeDurably(this.path, plan.kept);
    await syncDirectory(dirname(this.path));
  }

  private archivePath(n: number): string {
    return this.path.replace(/\.jsonl$/, "") + `.archive-${String(n).padStart(4, "0")}.jsonl`;
  }

  /** The archive files, oldest first. */
  private async archivePaths(): Promise<string[]> {
    // The name is `<app>-<env>.journal.jsonl` and app/env names have no dot: its first `.jsonl` is its last.
    // Stryker disable next-line Regex: equivalent without the anchor (see above)
    const prefix = basename(this.path).replace(/\.jsonl$/, "") + ".archive-";
    const names = await readdir(dirname(this.path)).catch(() => [] as string[]);
    return names
      .filter((name) => name.startsWith(prefix) && name.endsWith(".jsonl"))
      .sort()
      .map((name) => join(dirname(this.path), name));
  }

  /** The most recent workflow that began and has no end entry. */
  async interrupted(): Promise<InterruptedWorkflow | undefined> {
    return findInterrupted(await this.read());
  }
}

async function readIfExists(path: string): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    // Stryker disable next-line StringLiteral: any text that is not JSON lines parses to no entries, as "" does
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return "";
    throw error;
  }
}

function parseJournal(text: string): JournalEntry[] {
  const entries: JournalEntry[] = [];
  for (const line of text.split("\n")) {
    // A blank line would fail JSON.parse and be skipped below anyway: this only spares the exception.
    // Stryker disable next-line ConditionalExpression,MethodExpression,StringLiteral: equivalent (see above)
    if (line.trim() === "") continue;
    try {
      entries.push(JSON.parse(line) as JournalEntry);
    } catch {
      // A partial line from a crash mid-append: nothing after it was written by that workflow.
    }
  }
  return entries;
}

/** Replace `path` with `entries` whole: written to a temporary file, flushed, renamed over it. */
async function writeDurably(path: string, entries: JournalEntry[]): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`;
  const file = await open(temporary, "w");
  try {
    await file.writeFile(entries.map((entry) => JSON.stringify(entry) + "\n").join(""));
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
}

/** Flush a directory's entries (a created or renamed file), where the platform allows it. */
async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, "r").catch(() => undefined);
  if (!handle) return;
  try {
    await handle.sync();
  } catch {
    // Windows cannot open a directory for syncing; its file system orders the metadata itself.
  } finally {
    await handle.close();
  }
}

export function findInterrupted(entries: JournalEntry[]): InterruptedWorkflow | undefined {
  const ended = new Set(entries.filter((e) => e.type === "end").map((e) => e.id));
  // A recovery that itself crashed is not undone in turn: the workflow it was recovering still is.
  const begin = [...entries]
    .reverse()
    .find(
      (e): e is Extract<JournalEntry, { type: "begin" }> =>
        e.type === "begin" && e.workflow !== "recover" && !ended.has(e.id),
    );
  if (!begin) return undefined;
  const steps = entries.filter(
    (e): e is Extract<JournalEntry, { type: "step" }> => e.type === "step" && e.id === begin.id,
  );
  const started = steps.filter((s) => s.status === "started");
  const before = steps.find((s) => s.state !== undefined)?.state;
  return { begin, steps, lastStep: started[started.length - 1]?.step, before };
}

/**
 * When traffic last left `colour` while it held this very fleet (its keep-warm window starts then), from
 * the journal. A fleet deployed to the colour later (another release, or a redeploy of the same one) never
 * served, so it has no window. Records and fleets without a deployment id are matched by release alone.
 */
export function retiredAt(
  entries: JournalEntry[],
  colour: Colour,
  fleet: { release: string; deploymentId?: string },
): number | undefined {
  for (let i = entries.length - 1; i >= 0; i--) {
    const entry = entries[i];
    if (entry.type === "end" && entry.retired?.colour === colour) {
      return sameFleet(entry.retired, fleet) ? Date.parse(entry.at) : undefined;
    }
  }
  return undefined;
}

/** A record and a fleet are the same fleet: same deployment id, or (either without one) same release. */
function sameFleet(record: FleetRecord, fleet: { release: string; deploymentId?: string }): boolean {
  if (record.deploymentId !== undefined && fleet.deploymentId !== undefined)
    return record.deploymentId === fleet.deploymentId;
  return record.release === fleet.release;
}
