// The journal file and the facts read from it: deployment ids, the interrupted workflow recovery acts on, the
// keep-warm window's start, torn lines from a crash mid-append, archive names and numbering.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import type * as FsPromises from "fs/promises";
import { createRequire } from "module";
import { tmpdir } from "os";
import { join } from "path";
import {
  findInterrupted,
  Journal,
  newDeploymentId,
  retiredAt,
  type JournalEntry,
} from "../../automation/journal";
import { ACTIVE_MAX } from "../../automation/records/journalArchive";

const AT = "2026-12-03T10:00:00.000Z";
const begin = (id: string, workflow: "up" | "swap" | "recover" = "up"): JournalEntry => ({
  type: "begin",
  id,
  workflow,
  at: AT,
  params: {},
  pid: 1,
});
const step = (id: string, name: string, status: "started" | "ok" | "failed", extra = {}): JournalEntry => ({
  type: "step",
  id,
  workflow: "up",
  step: name,
  status,
  at: AT,
  ...extra,
});
const end = (id: string, at = AT, extra = {}): JournalEntry => ({
  type: "end",
  id,
  workflow: "swap",
  at,
  status: "ok",
  durationMs: 1,
  ...extra,
});
const retired = (
  at: string,
  colour: "blue" | "green",
  release: string,
  deploymentId?: string,
): JournalEntry =>
  end(`r-${at}`, at, { retired: { colour, release, ...(deploymentId ? { deploymentId } : {}) } });

describe("journal facts", () => {
  it("a deployment id is the compact UTC time and the journal's length", () => {
    assert.equal(newDeploymentId(Date.parse("2026-12-03T10:04:05.678Z"), 42), "20261203t100405678z-42");
    assert.equal(newDeploymentId(0, 0), "19700101t000000000z-0");
  });

  describe("the interrupted workflow", () => {
    it("is the newest begin without an end, with its steps, last started step and the state it found", () => {
      const state = { weights: { blue: 100, green: 0 }, releases: { blue: "v1" } };
      const found = findInterrupted([
        begin("old"),
        begin("done"),
        end("done"),
        begin("w"),
        step("w", "read-state", "started"),
        step("old", "deploy", "started"),
        step("w", "read-state", "ok", { state }),
        step("w", "deploy", "started"),
        step("w", "deploy", "failed"),
      ]);
      assert.deepEqual(found?.begin, begin("w"));
      assert.deepEqual(
        found?.steps.map((s) => `${s.step}:${s.type === "step" && s.status}`),
        ["read-state:started", "read-state:ok", "deploy:started", "deploy:failed"],
      );
      assert.equal(found?.lastStep, "deploy");
      assert.deepEqual(found?.before, state);
    });

    it("its last step is the last one that started, not an outcome recorded after it", () => {
      const found = findInterrupted([
        begin("w"),
        step("w", "swap", "started"),
        step("w", "read-state", "ok"),
      ]);
      assert.equal(found?.lastStep, "swap");
    });

    it("is none when every workflow ended; a begin with no step has no last step and no state", () => {
      assert.equal(findInterrupted([begin("a"), end("a")]), undefined);
      assert.equal(findInterrupted([]), undefined);
      const bare = findInterrupted([begin("a")]);
      assert.deepEqual(bare, { begin: begin("a"), steps: [], lastStep: undefined, before: undefined });
    });

    it("skips a recovery that crashed itself: the workflow it was recovering is still the one", () => {
      const found = findInterrupted([begin("w"), step("w", "swap", "started"), begin("rec", "recover")]);
      assert.equal(found?.begin.id, "w");
      assert.equal(found?.lastStep, "swap");
      assert.equal(findInterrupted([begin("w"), end("w"), begin("rec", "recover")]), undefined);
    });
  });

  describe("when traffic last left a colour (the keep-warm window)", () => {
    const entries = [
      retired("2026-12-01T00:00:00.000Z", "blue", "v1", "d-1"),
      retired("2026-12-02T00:00:00.000Z", "green", "v2", "d-2"),
    ];

    it("is the newest retirement of that colour while it held the same fleet", () => {
      assert.equal(
        retiredAt(entries, "blue", { release: "v1", deploymentId: "d-1" }),
        Date.parse("2026-12-01T00:00:00.000Z"),
      );
      assert.equal(
        retiredAt(entries, "green", { release: "v2", deploymentId: "d-2" }),
        Date.parse("2026-12-02T00:00:00.000Z"),
      );
      const twice = [...entries, retired("2026-12-05T00:00:00.000Z", "blue", "v1", "d-1")];
      assert.equal(
        retiredAt(twice, "blue", { release: "v1", deploymentId: "d-1" }),
        Date.parse("2026-12-05T00:00:00.000Z"),
      );
    });

    it("is none for a fleet deployed later (another id, even of the same release), or a colour never retired", () => {
      assert.equal(retiredAt(entries, "blue", { release: "v1", deploymentId: "d-9" }), undefined);
      assert.equal(retiredAt([entries[1]], "blue", { release: "v1", deploymentId: "d-1" }), undefined);
      // The newest retirement decides: an older one of the same fleet does not count once another fleet served.
      const later = [...entries, retired("2026-12-06T00:00:00.000Z", "blue", "v4", "d-4")];
      assert.equal(retiredAt(later, "blue", { release: "v1", deploymentId: "d-1" }), undefined);
    });

    it("matches by deployment id when both have one (the release then does not matter)", () => {
      assert.equal(
        retiredAt(entries, "blue", { release: "v3", deploymentId: "d-1" }),
        Date.parse("2026-12-01T00:00:00.000Z"),
      );
    });

    it("matches by release when the record or the fleet has no deployment id", () => {
      const old = [retired("2026-12-01T00:00:00.000Z", "blue", "v1")];
      assert.equal(
        retiredAt(old, "blue", { release: "v1", deploymentId: "d-1" }),
        Date.parse("2026-12-01T00:00:00.000Z"),
      );
      assert.equal(retiredAt(old, "blue", { release: "v2", deploymentId: "d-1" }), undefined);
      assert.equal(retiredAt(entries, "blue", { release: "v1" }), Date.parse("2026-12-01T00:00:00.000Z"));
      assert.equal(retiredAt(entries, "blue", { release: "v2" }), undefined);
    });
  });
});

describe("journal file", () => {
  let dir: string;
  let path: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "phoenix-journal-"));
    path = join(dir, "project.jsonl", "state", "shop-prod.journal.jsonl");
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("reads nothing before the first append, which creates the directories; one JSON line per entry", async () => {
    const journal = new Journal(path);
    assert.equal(journal.location, path);
    assert.deepEqual(await journal.read(), []);
    assert.deepEqual(await journal.readAll(), []);
    assert.equal(await journal.interrupted(), undefined);
    await journal.append(begin("a"));
    await journal.append(step("a", "deploy", "started"));
    assert.equal(
      readFileSync(path, "utf8"),
      JSON.stringify(begin("a")) + "\n" + JSON.stringify(step("a", "deploy", "started")) + "\n",
    );
    assert.equal((await new Journal(path).interrupted())?.lastStep, "deploy");
  });

  it("skips a torn last line, and ends it before the next append so that entry is read", async () => {
    const journal = new Journal(path);
    await journal.append(begin("a"));
    writeFileSync(path, readFileSync(path, "utf8") + '{"type":"step","id":"a"', { flag: "w" });
    assert.deepEqual(await journal.read(), [begin("a")]);
    await journal.append(end("a"));
    assert.deepEqual(await journal.read(), [begin("a"), end("a")]);
    assert.equal(
      readFileSync(path, "utf8"),
      JSON.stringify(begin("a")) + '\n{"type":"step","id":"a"\n' + JSON.stringify(end("a")) + "\n",
    );
  });

  it("skips blank lines and reads entries after a torn one", async () => {
    const journal = new Journal(path);
    await journal.append(begin("a"));
    writeFileSync(path, readFileSync(path, "utf8") + "\n   \n{torn\n" + JSON.stringify(end("a")) + "\n");
    assert.deepEqual(await journal.read(), [begin("a"), end("a")]);
  });

  it("a read that fails for another reason than a missing file is an error", async () => {
    const journal = new Journal(dir);
    await assert.rejects(journal.read(), /EISDIR/);
  });

  it("leaves no file open: appends, archiving and reads close every handle they open", async () => {
    // Each handle the journal opens is watched for its close(): a handle left open would only be closed by the
    // garbage collector, some time later, so counting open descriptors could miss it.
    const fsPromises = createRequire(__filename)("fs/promises") as typeof FsPromises;
    const open = fsPromises.open;
    const unclosed = new Set<string>();
    let opened = 0;
    const watched = (async (file: string, flags?: string) => {
      const handle = await open(file, flags);
      const name = `${file} (${flags}) #${++opened}`;
      unclosed.add(name);
      const close = handle.close.bind(handle);
      handle.close = () => (unclosed.delete(name), close());
      return handle;
    }) as typeof open;
    fsPromises.open = watched;
    try {
      const journal = new Journal(path);
      for (let n = 0; n <= ACTIVE_MAX; n++) {
        await journal.append(begin(`w${n}`));
        await journal.append(end(`w${n}`));
      }
      await journal.readAll();
    } finally {
      fsPromises.open = open;
    }
    assert.deepEqual(
      readdirSync(join(dir, "project.jsonl", "state")).sort(),
      ["shop-prod.journal.archive-0001.jsonl", "shop-prod.journal.jsonl"],
      "archived once",
    );
    assert.ok(opened > 2 * ACTIVE_MAX, `only ${opened} handles opened`);
    assert.deepEqual([...unclosed], []);
  });

  it("appends where a directory cannot be opened for syncing (Windows)", async () => {
    const fsPromises = createRequire(__filename)("fs/promises") as typeof FsPromises;
    const open = fsPromises.open;
    const noDirectories = (async (file: string, flags?: string) => {
      if (flags === "r")
        throw Object.assign(new Error(`EISDIR: illegal operation on a directory, open '${file}'`), {
          code: "EISDIR",
        });
      return open(file, flags);
    }) as typeof open;
    fsPromises.open = noDirectories;
    try {
      const journal = new Journal(path);
      await journal.append(begin("a"));
      await journal.append(end("a"));
      assert.deepEqual(await journal.read(), [begin("a"), end("a")]);
    } finally {
      fsPromises.open = open;
    }
  });

  it("archives only when a workflow ends, never on its begin or steps", async () => {
    const journal = new Journal(path);
    for (let n = 0; n < ACTIVE_MAX; n++) {
      await journal.append(begin(`w${n}`));
      await journal.append(end(`w${n}`));
    }
    await journal.append(begin("last"));
    await journal.append(step("last", "deploy", "started"));
    assert.deepEqual(readdirSync(join(dir, "project.jsonl", "state")), ["shop-prod.journal.jsonl"]);
    assert.equal((await journal.read()).length, 242);
    await journal.append(end("last"));
    assert.deepEqual(readdirSync(join(dir, "project.jsonl", "state")).sort(), [
      "shop-prod.journal.archive-0001.jsonl",
      "shop-prod.journal.jsonl",
    ]);
    assert.equal((await journal.read()).length, 201);
  });

  it("numbers a new archive after the last one, four digits, beside the active file (a directory named .jsonl too)", async () => {
    const journal = new Journal(path);
    await journal.append(begin("first"));
    writeFileSync(path.replace(/\.jsonl$/, ".archive-0008.jsonl"), JSON.stringify(begin("eight")) + "\n");
    writeFileSync(path.replace(/\.jsonl$/, ".archive-0009.jsonl"), JSON.stringify(begin("nine")) + "\n");
    writeFileSync(path.replace(/\.jsonl$/, ".archive-0010.jsonl"), JSON.stringify(begin("ten")) + "\n");
    // Not archives of this journal: another app/env's, and a name without the .jsonl ending.
    writeFileSync(
      join(dir, "project.jsonl", "state", "shop-staging.journal.archive-0099.jsonl"),
      JSON.stringify(begin("x")) + "\n",
    );
    writeFileSync(path.replace(/\.jsonl$/, ".archive-0011.jsonl.tmp"), JSON.stringify(begin("y")) + "\n");
    await journal.append(end("first"));
    for (let n = 0; n < ACTIVE_MAX; n++) {
      await journal.append(begin(`w${n}`));
      await journal.append(end(`w${n}`));
    }
    assert.deepEqual(readdirSync(join(dir, "project.jsonl", "state")).sort(), [
      "shop-prod.journal.archive-0008.jsonl",
      "shop-prod.journal.archive-0009.jsonl",
      "shop-prod.journal.archive-0010.jsonl",
      "shop-prod.journal.archive-0011.jsonl",
      "shop-prod.journal.archive-0011.jsonl.tmp",
      "shop-prod.journal.jsonl",
      "shop-staging.journal.archive-0099.jsonl",
    ]);
    // 121 workflows: the oldest 21 move to the archive, down to the newest 100.
    const archived = readFileSync(path.replace(/\.jsonl$/, ".archive-0011.jsonl"), "utf8").split("\n");
    assert.equal(archived.length, 43);
    assert.deepEqual(archived.slice(0, 3), [
      JSON.stringify(begin("first")),
      JSON.stringify(end("first")),
      JSON.stringify(begin("w0")),
    ]);
    assert.deepEqual(archived.slice(-2), [JSON.stringify(end("w19")), ""]);
    assert.deepEqual(
      (await journal.readAll()).slice(0, 5).map((e) => e.id),
      ["eight", "nine", "ten", "first", "first"],
    );
  });
});
