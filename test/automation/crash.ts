// A process that dies mid-workflow, on the in-memory engine: the engine hangs forever on the call a test picks
// (the workflow never ends, as if killed there), then the dead holder's lock is taken away as a stale-lock
// takeover would once it has aged. The journal keeps what the workflow wrote up to there.
import { rmSync } from "fs";
import { join } from "path";
import type { EngineCall } from "../../automation/memoryEngine";
import { harness, type Harness } from "./harness";
import { whileRunning } from "./waitFor";

export interface Crashable {
  h: Harness;
  /** From now on, the first engine call `crashAt` picks hangs forever: the process "dies" there. */
  arm(crashAt: (call: EngineCall) => boolean): void;
  /** The process is gone: nothing hangs any more, and its lock is taken away. */
  kill(): void;
}

export function crashable(): Crashable {
  let crashAt: ((call: EngineCall) => boolean) | undefined;
  const h = harness({
    engine: {
      latencyMs: (call) => (crashAt?.(call) ? 1 : 0),
      sleep: () => new Promise<void>(() => {}),
    },
  });
  return {
    h,
    arm: (predicate) => (crashAt = predicate),
    kill: () => {
      crashAt = undefined;
      rmSync(join(h.stateDir, "shop-prod.lock"), { recursive: true, force: true });
      rmSync(join(h.stateDir, "shop-prod.lock-holder.json"), { force: true });
    },
  };
}

/** Start `run` and return once it hangs at the armed call; fail at once if it ends before getting there. */
export function crashDuring(run: Promise<unknown>, hung: () => boolean): Promise<void> {
  return whileRunning(run, hung, "the engine call where the process dies");
}
