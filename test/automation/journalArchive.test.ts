// The file journal stays bounded: the oldest finished workflows move to archives that `history` reads, while
// what the workflows read (unfinished workflows, each colour's newest deployment and traffic move) stays. Each
// append is flushed to disk before the workflow acts on it.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "fs";
import { open } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";
import { Journal, type JournalEntry } from "../../automation/journal";
import { ACTIVE_KEEP, ACTIVE_MAX } from "../../automation/records/journalArchive";
import { harness } from "./harness";

const at = (n: number) => new Date(Date.parse("2026-12-03T00:00:00Z") + n * 60_000).toISOString();
const begin = (id: string, n: number): JournalEntry => ({
  type: "begin",
  id,
  workflow: "up",
  at: at(n),
  params: {},
  pid: 1,
});
const end = (
  id: string,
  n: number,
  extra: Partial<Extract<JournalEntry, { type: "end" }>> = {},
): JournalEntry => ({
  type: "end",
  id,
  workflow: "up",
  at: at(n),
  status: "ok",
  durationMs: 1,
  ...extra,
});
const deployed = (id: string, n: number): JournalEntry => ({
  type: "step",
  id,
  workflow: "up",
  step: "deploy",
  status: "ok",
  at: at(n),
  colour: "blue",
  deployed: { colour: "blue", release: "v1", deploymentId: "d-1" },
});

const ids = (entries: JournalEntry[]) => [...new Set(entries.map((entry) => entry.id))];

describe("file journal: bounded, archived, durable", () => {
  let dir: string;
  let journal: Journal;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "phoenix-journal-"));
    journal = new Journal(join(dir, "shop-prod.journal.jsonl"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function finished(count: number, from = 0): Promise<void> {
    for (let n = from; n < from + count; n++) {
      await journal.append(begin(`w${n}`, n));
      await journal.append(end(`w${n}`, n));
    }
  }

  it(`keeps at most ${ACTIVE_MAX} workflows active, archiving down to the last ${ACTIVE_KEEP}; history reads all`, async () => {
    const total = ACTIVE_MAX + 15;
    let most = 0;
    for (let n = 0; n < total; n++) {
      await finished(1, n);
      most = Math.max(most, ids(await journal.read()).length);
    }
    assert.equal(most, ACTIVE_MAX);
    const active = ids(await journal.read());
    assert.equal(active.length, ACTIVE_KEEP + (total - ACTIVE_MAX - 1));
    assert.equal(active.at(-1), `w${total - 1}`);
    assert.deepEqual(
      ids(await journal.readAll()),
      Array.from({ length: total }, (_, n) => `w${n}`),
    );
    assert.deepEqual(
      readdirSync(dir).filter((name) => name.includes("archive")),
      ["shop-prod.journal.archive-0001.jsonl"],
    );
  });

  it("never archives an unfinished workflow, nor each colour's newest deployment and traffic move", async () => {
    await journal.append(begin("crashed", 0));
    await journal.append(begin("deployed-blue", 1));
    await journal.append(deployed("deployed-blue", 1));
    await journal.append(end("deployed-blue", 1));
    await journal.append(begin("retired-green", 2));
    await journal.append(
      end("retired-green", 2, { retired: { colour: "green", release: "v0", deploymentId: "d-0" } }),
    );
    await finished(ACTIVE_MAX, 3);
    const active = ids(await journal.read());
    for (const id of ["crashed", "deployed-blue", "retired-green"])
      assert.ok(active.includes(id), `${id} archived`);
    assert.ok(!active.includes("w3"), "nothing was archived");
    assert.equal((await journal.interrupted())?.begin.id, "crashed");
  });

  it("a crash between writing an archive and rewriting the active file shows each workflow once", async () => {
    await finished(3);
    const copy = (await journal.read()).filter((entry) => entry.id === "w1");
    writeFileSync(
      join(dir, "shop-prod.journal.archive-0001.jsonl"),
      copy.map((e) => JSON.stringify(e) + "\n").join(""),
    );
    assert.deepEqual(ids(await journal.readAll()), ["w0", "w1", "w2"]);
  });

  it("history reads the archives only when asked for more workflows than the active file holds", async () => {
    const h = harness();
    try {
      journal = new Journal(h.deployment.journalPath);
      await finished(4);
      // An archive that cannot be read: any read of it fails the call.
      mkdirSync(h.deployment.journalPath.replace(/\.jsonl$/, ".archive-0001.jsonl"));
      assert.equal((await h.deployment.history({ limit: 3 })).length, 3);
      await assert.rejects(h.deployment.history(), /EISDIR/);
      rmSync(h.deployment.journalPath.replace(/\.jsonl$/, ".archive-0001.jsonl"), { recursive: true });
      const archived = [begin("old", -1), end("old", -1)];
      writeFileSync(
        h.deployment.journalPath.replace(/\.jsonl$/, ".archive-0001.jsonl"),
        archived.map((entry) => JSON.stringify(entry) + "\n").join(""),
      );
      assert.deepEqual(
        (await h.deployment.history()).map((record) => record.id),
        ["old", "w0", "w1", "w2", "w3"],
      );
      assert.equal((await h.deployment.history({ limit: 5 })).length, 5);
    } finally {
      h.cleanup();
    }
  });

  it("flushes every append to disk before returning", async () => {
    const probe = await open(join(dir, "probe"), "w");
    const prototype = Object.getPrototypeOf(probe) as { sync: () => Promise<void> };
    await probe.close();
    const original = prototype.sync;
    let syncs = 0;
    prototype.sync = function (this: unknown) {
      syncs += 1;
      return original.call(this);
    };
    try {
      await journal.append(begin("w0", 0)); // creates the file: the file, then its directory
      const afterCreate = syncs;
      await journal.append(end("w0", 0));
      assert.equal(afterCreate, 2);
      assert.equal(syncs, 3);
    } finally {
      prototype.sync = original;
    }
  });
});
