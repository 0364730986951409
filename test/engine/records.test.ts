// The DynamoDB record store against moto's DynamoDB: two machines (two processes, two project directories)
// racing on one table keep one lock and one gapless, unshuffled history; a machine killed while holding the
// lock is taken over after a lease; a machine paused past its lease has its next record refused.
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "child_process";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { createInterface } from "readline";
import { DynamoDBClient, GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import { LockCompromisedError } from "../../automation/errors";
import type { JournalEntry } from "../../automation/journal";
import { DynamoDbRecordStore } from "../../automation/records/dynamodb/store";
import { rig } from "./rigHooks";

const RACER = join(__dirname, "support", "recordsRacer.ts");
const SHOP = { app: "shop", env: "prod" };
const LEASE_MS = 3000;

interface Machine {
  child: ChildProcess;
  events: Record<string, unknown>[];
  next(event: string): Promise<Record<string, unknown>>;
  exited: Promise<number | null>;
}

function machine(args: string[], dirs: string[]): Machine {
  const cwd = mkdtempSync(join(tmpdir(), "phoenix-machine-"));
  dirs.push(cwd);
  const child = spawn(
    process.execPath,
    ["-r", require.resolve("ts-node/register/transpile-only"), RACER, ...args],
    {
      cwd,
      env: { ...process.env, ...rig().env, TS_NODE_PROJECT: join(__dirname, "..", "..", "tsconfig.json") },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const events: Record<string, unknown>[] = [];
  const waiters: {
    event: string;
    resolve: (e: Record<string, unknown>) => void;
    reject: (e: Error) => void;
  }[] = [];
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  void exited.then((code) => {
    for (const waiter of waiters.splice(0))
      waiter.reject(
        new Error(`the machine exited (${code}) before "${waiter.event}": ${JSON.stringify(events)}`),
      );
  });
  createInterface({ input: child.stdout! }).on("line", (line) => {
    const event = JSON.parse(line) as Record<string, unknown>;
    events.push(event);
    for (const waiter of waiters.filter((w) => w.event === event.event)) waiter.resolve(event);
  });
  return {
    child,
    events,
    next: (event) =>
      new Promise((resolve, reject) => {
        const seen = events.find((e) => e.event === event);
        if (seen) resolve(seen);
        else if (child.exitCode !== null) reject(new Error(`the machine exited before "${event}"`));
        else waiters.push({ event, resolve, reject });
      }),
    exited,
  };
}

/** The workflows in record order, each as the ids of its consecutive records. */
function runsOf(entries: JournalEntry[]): { id: string; types: string[] }[] {
  const runs: { id: string; types: string[] }[] = [];
  for (const entry of entries) {
    const last = runs[runs.length - 1];
    if (last?.id === entry.id) last.types.push(entry.type);
    else runs.push({ id: entry.id, types: [entry.type] });
  }
  return runs;
}

describe("the DynamoDB record store on moto (two machines, one table)", function () {
  this.timeout(5 * 60_000);
  const dirs: string[] = [];
  const records = () => new DynamoDbRecordStore({ table: "phoenix-records-race" }).journal(SHOP).read();

  afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })));

  it("two machines racing: every workflow's records in one piece, none lost, none twice", async () => {
    const before = (await records()).length;
    const workflows = 8;
    // Both start their first workflow at the same moment, whenever their process finished starting.
    const startAt = String(Date.now() + 8000);
    const machines = ["a", "b"].map((name) =>
      machine(["race", name, String(workflows), String(LEASE_MS), startAt], dirs),
    );
    const codes = await Promise.all(machines.map((m) => m.exited));
    assert.deepEqual(codes, [0, 0], JSON.stringify(machines.map((m) => m.events)));
    const entries = (await records()).slice(before);
    const runs = runsOf(entries);
    assert.equal(runs.length, 2 * workflows, JSON.stringify(runs));
    for (const run of runs)
      assert.deepEqual(run.types, ["begin", "step", "step", "end"], `${run.id} interleaved`);
    assert.equal(new Set(runs.map((run) => run.id)).size, 2 * workflows);
    const count = (key: string) =>
      machines.reduce((sum, m) => sum + Number(m.events.find((e) => e.event === "done")?.[key] ?? 0), 0);
    console.log(
      `      ${2 * workflows} workflows raced: ${count("waited")} times a machine found the lock held and waited, ` +
        `${count("refused")} times it was refused (the holder renewed meanwhile)`,
    );
    assert.ok(count("waited") + count("refused") > 0, "the machines never met: no race took place");
  });

  it("a machine killed while holding the lock is taken over (its pid is gone on this host); its workflow stays open", async () => {
    const before = (await records()).length;
    const holder = machine(["hold", "killed", String(LEASE_MS)], dirs);
    await holder.next("holding");
    holder.child.kill("SIGKILL");
    await holder.exited;
    const taker = machine(["race", "taker", "1", String(LEASE_MS)], dirs);
    assert.equal(await taker.exited, 0, JSON.stringify(taker.events));
    const runs = runsOf((await records()).slice(before));
    assert.equal(runs[0].id, "killed-held");
    assert.ok(!runs[0].types.includes("end"), "the killed workflow was ended");
    assert.deepEqual(runs[runs.length - 1], { id: "taker-0", types: ["begin", "step", "step", "end"] });
  });

  it("the fence on moto: a record is refused once the lease has another version, and nothing is written", async () => {
    const client = new DynamoDBClient({});
    const store = new DynamoDbRecordStore({ table: "phoenix-records-race", client });
    const lock = await store.acquireLock({ app: "shop", env: "fenced" }, "swap");
    const begin = {
      type: "begin",
      id: "fenced",
      workflow: "swap",
      at: new Date().toISOString(),
      params: {},
      pid: 1,
    } as const;
    await lock.journal.append(begin);
    const key = { pk: { S: "shop/fenced" }, sk: { S: "lock" } };
    const { Item } = await client.send(new GetItemCommand({ TableName: "phoenix-records-race", Key: key }));
    await client.send(
      new PutItemCommand({
        TableName: "phoenix-records-race",
        Item: {
          ...Item!,
          version: { N: String(Number(Item!.version.N) + 1) },
          token: { S: "another machine" },
        },
      }),
    );
    await assert.rejects(lock.journal.append({ ...begin, id: "late" }), LockCompromisedError);
    const ids = (await store.journal({ app: "shop", env: "fenced" }).read()).map((entry) => entry.id);
    assert.deepEqual(ids, ["fenced"]);
    await lock.release();
  });

  it("a paused machine is taken over after a whole lease; its next record is refused, it writes nothing more", async () => {
    const holder = machine(["hold", "paused", String(LEASE_MS)], dirs);
    await holder.next("holding");
    holder.child.kill("SIGSTOP");
    // Alive but silent: no process check can shortcut the wait, only a whole lease without renewal.
    const started = performance.now();
    const taker = machine(["race", "winner", "1", String(LEASE_MS)], dirs);
    assert.equal(await taker.exited, 0, JSON.stringify(taker.events));
    const waited = performance.now() - started;
    assert.ok(
      waited >= LEASE_MS,
      `taken over after ${Math.round(waited)} ms, before a lease of ${LEASE_MS} ms`,
    );
    const before = (await records()).length;
    holder.child.kill("SIGCONT");
    const refused = await holder.next("refused");
    assert.equal(refused.compromised, true, JSON.stringify(refused));
    assert.equal(await holder.exited, 0);
    assert.equal((await records()).length, before, "the paused machine wrote after it lost the lease");
  });
});
