// One machine of the records race: a process of its own, in a project directory of its own, using the
// DynamoDB record store on the rig's emulator (endpoint, region and credentials from the environment).
//   race <name> <workflows> <leaseMs> [startAt]  from wall time <startAt> (so that machines start together),
//                                      run <workflows> workflows (lock, begin, steps, end, release); a lock
//                                      held by the other machine is waited for (LockedError: retry)
//   hold <name> <leaseMs>              take the lock, write a begin, print "holding", then write a step
//                                      every 200 ms until a write is refused; print the refusal and exit
// Prints one JSON line per event on stdout.
import { LockCompromisedError, LockedError } from "../../../automation/errors";
import { DynamoDbRecordStore } from "../../../automation/records/dynamodb/store";

const TABLE = "phoenix-records-race";
const SHOP = { app: "shop", env: "prod" };
const say = (event: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(event)}\n`);
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const at = () => new Date().toISOString();

async function race(
  store: DynamoDbRecordStore,
  name: string,
  workflows: number,
  leaseMs: number,
): Promise<void> {
  let refused = 0;
  // Acquisitions that found the lease held and waited (a waiter sleeps a sixth of a lease between reads).
  let waited = 0;
  for (let n = 0; n < workflows; n++) {
    const id = `${name}-${n}`;
    for (;;) {
      try {
        const asked = performance.now();
        const lock = await store.acquireLock(SHOP, "up");
        if (performance.now() - asked >= leaseMs / 6) waited += 1;
        await lock.journal.append({
          type: "begin",
          id,
          workflow: "up",
          at: at(),
          params: {},
          pid: process.pid,
        });
        for (const step of ["read-state", "deploy"]) {
          await lock.journal.append({ type: "step", id, workflow: "up", step, status: "ok", at: at() });
          await pause(100); // the step's work: long enough for the other machine to find the lock held
        }
        lock.check();
        await lock.journal.append({ type: "end", id, workflow: "up", at: at(), status: "ok", durationMs: 0 });
        await lock.release();
        break;
      } catch (error) {
        if (!(error instanceof LockedError)) throw error;
        refused += 1;
        await pause(50 + Math.floor(Math.random() * 150));
      }
    }
  }
  say({ event: "done", name, refused, waited });
}

async function hold(store: DynamoDbRecordStore, name: string): Promise<void> {
  const lock = await store.acquireLock(SHOP, "swap");
  const id = `${name}-held`;
  await lock.journal.append({ type: "begin", id, workflow: "swap", at: at(), params: {}, pid: process.pid });
  say({ event: "holding", name });
  for (let n = 0; ; n++) {
    await pause(200);
    try {
      await lock.journal.append({
        type: "step",
        id,
        workflow: "swap",
        step: `s${n}`,
        status: "ok",
        at: at(),
      });
    } catch (error) {
      say({
        event: "refused",
        name,
        error: (error as Error).name,
        compromised: error instanceof LockCompromisedError,
      });
      return;
    }
  }
}

async function main([mode, name, ...rest]: string[]): Promise<void> {
  const leaseMs = Number(mode === "race" ? rest[1] : rest[0]);
  const store = new DynamoDbRecordStore({ table: TABLE, leaseMs });
  if (mode === "race") {
    if (rest[2] !== undefined) await pause(Math.max(0, Number(rest[2]) - Date.now()));
    await race(store, name, Number(rest[0]), leaseMs);
  } else if (mode === "hold") await hold(store, name);
  else throw new Error(`recordsRacer: unknown mode ${mode}`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    say({ event: "error", error: String(error) });
    process.exit(1);
  },
);
