// Progress of a workflow on stderr: on a terminal one live line (step, resource counts by operation,
// elapsed time) redrawn in place; otherwise plain lines, one per finished step and per engine operation.
import type { OpType } from "@pulumi/pulumi/automation";
import type { ProgressEvent, ProgressListener } from "../../automation/events";
import type { CliIo } from "../io";

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

export interface ProgressRenderer {
  listener: ProgressListener;
  /** Clear the live line before results or errors are printed. */
  finish(): void;
}

export function progressRenderer(io: CliIo, now: () => number = Date.now): ProgressRenderer {
  const started = now();
  let step = "starting";
  let ops: Partial<Record<OpType, number>> = {};
  let live = false;

  const counts = () =>
    Object.entries(ops)
      .map(([op, n]) => `${op} ${n}`)
      .join(", ");
  const draw = () => {
    if (!io.isTTY) return;
    const text = `${step}${counts() ? ` · ${counts()}` : ""} · ${seconds(now() - started)}`;
    io.stderr(`\r\x1b[K${text}`);
    live = true;
  };
  const line = (text: string) => {
    if (live) io.stderr("\r\x1b[K");
    live = false;
    io.stderr(`${text}\n`);
  };

  const listener = (event: ProgressEvent) => {
    switch (event.kind) {
      case "step-start":
        step = `${event.workflow}: ${event.step}${event.detail ? ` (${event.detail})` : ""}`;
        ops = {};
        draw();
        return;
      case "step-end":
        if (!io.isTTY || event.status === "failed") {
          line(
            `${event.workflow}: ${event.step} ${event.status === "ok" ? "ok" : `FAILED: ${event.error}`} (${seconds(event.durationMs)})`,
          );
        }
        draw();
        return;
      case "health":
        step = `waiting for ${event.colour}: ${event.healthy}/${event.desired} healthy (check ${event.attempt})`;
        if (!io.isTTY) line(step);
        draw();
        return;
      case "engine": {
        const pre = event.event.resourcePreEvent;
        if (pre && !pre.metadata.type.startsWith("pulumi:")) {
          ops[pre.metadata.op] = (ops[pre.metadata.op] ?? 0) + 1;
          draw();
        }
        const summary = event.event.summaryEvent;
        if (summary && !io.isTTY) {
          const changes = Object.entries(summary.resourceChanges)
            .map(([op, n]) => `${op} ${n}`)
            .join(", ");
          line(`  ${event.stack} ${event.operation}: ${changes || "no changes"}`);
        }
        return;
      }
      case "workflow-end":
        if (live) io.stderr("\r\x1b[K");
        live = false;
        return;
      default:
        return;
    }
  };
  return {
    listener,
    finish: () => {
      if (live) io.stderr("\r\x1b[K");
      live = false;
    },
  };
}
