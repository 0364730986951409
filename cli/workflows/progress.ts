// Progress of a workflow on stderr: the current step, resource counts by operation and the elapsed time.
// On a terminal, one live line redrawn in place (and a permanent line per finished step); otherwise plain
// lines, one per step start and end, health check and workflow end, each stamped with the elapsed time.
import type { ProgressEvent } from "../../automation/events";
import type { CliIo } from "../io";

const CLEAR_LINE = "\r\x1b[2K";
/** How often the live line's clock ticks on a terminal. */
const TICK_MS = 250;

export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export interface ProgressReporter {
  readonly listener: (event: ProgressEvent) => void;
  /** Print a line of its own (an interrupt notice), keeping the live line below it. */
  note(text: string): void;
  /** Clear the live line and stop its clock, before the result or an error is printed. */
  stop(): void;
}

/** Resource counts by operation (`create 3 · delete 1`), leaving out unchanged resources. */
export function describeOps(ops: Record<string, number>): string {
  return Object.entries(ops)
    .filter(([op, n]) => op !== "same" && n > 0)
    .map(([op, n]) => `${op} ${n}`)
    .join(" · ");
}

export function progressReporter(io: CliIo, now: () => number = Date.now): ProgressReporter {
  const started = now();
  let current = "starting";
  let ops: Record<string, number> = {};
  let drawn = false;
  const elapsed = () => `[${seconds(now() - started).padStart(7)}]`;

  const liveText = () => [current, describeOps(ops), seconds(now() - started)].filter(Boolean).join(" · ");
  const draw = () => {
    if (!io.isTTY) return;
    io.stderr(`${CLEAR_LINE}${liveText()}`);
    drawn = true;
  };
  const clear = () => {
    if (drawn) io.stderr(CLEAR_LINE);
    drawn = false;
  };
  /** A permanent line: above the live line on a terminal, stamped with the elapsed time otherwise. */
  const line = (text: string) => {
    clear();
    io.stderr(io.isTTY ? `${text}\n` : `${elapsed()} ${text}\n`);
    draw();
  };
  const timer = io.isTTY ? setInterval(draw, TICK_MS) : undefined;
  timer?.unref();

  const listener = (event: ProgressEvent) => {
    switch (event.kind) {
      case "workflow-start":
        current = event.workflow;
        line(`${event.workflow} started`);
        return;
      case "step-start": {
        ops = {};
        current = `${event.workflow}: ${event.step}${event.detail ? ` (${event.detail})` : ""}`;
        if (io.isTTY) draw();
        else line(`${current} …`);
        return;
      }
      case "step-end": {
        const counts = describeOps(ops);
        const outcome =
          event.status === "ok"
            ? `${io.isTTY ? "✓" : "ok"} ${event.workflow}: ${event.step} in ${seconds(event.durationMs)}`
            : `${io.isTTY ? "✗" : "FAILED"} ${event.workflow}: ${event.step} in ${seconds(event.durationMs)}: ${event.error ?? "failed"}`;
        current = event.workflow; // between steps
        line(counts ? `${outcome} · ${counts}` : outcome);
        return;
      }
      case "health": {
        const states = describeOps(event.byState);
        current = `health of ${event.colour}: ${event.healthy}/${event.desired} healthy${states ? ` (${states})` : ""}, check ${event.attempt}`;
        if (io.isTTY) draw();
        else line(current);
        return;
      }
      case "engine": {
        // Counted like Pulumi's own summary (the stack resource included), so the step line and the result agree.
        const pre = event.event.resourcePreEvent;
        if (pre) {
          ops[pre.metadata.op] = (ops[pre.metadata.op] ?? 0) + 1;
          draw();
        }
        return;
      }
      case "bake-phase":
        line(`bake: ${event.phase}${event.detail ? ` (${event.detail})` : ""}`);
        return;
      case "workflow-end":
        line(
          `${event.workflow} ${event.status === "ok" ? "done" : event.status} in ${seconds(event.durationMs)}`,
        );
        return;
    }
  };

  return {
    listener,
    note: line,
    stop: () => {
      if (timer) clearInterval(timer);
      clear();
    },
  };
}
