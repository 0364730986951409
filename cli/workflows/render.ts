// Results of the workflow commands as text for people (stdout); `--json` prints the library's result as is.
import type {
  BootstrapResult,
  ColourStatus,
  DeployResult,
  DeploymentStatus,
  DestroyColourResult,
  DriftReport,
  HealResult,
  HistoryRecord,
  RollbackResult,
  SwapResult,
} from "../../automation/types";
import { COLOURS } from "../../programs/contract";

export function renderBootstrap(r: BootstrapResult): string {
  const created = r.created.length ? `created ${r.created.join(", ")}` : "nothing to create";
  return `${created}${r.existing.length ? `; already there: ${r.existing.join(", ")}` : ""}\n`;
}

export function renderDeploy(r: DeployResult): string {
  return (
    `deployed ${r.release} (${r.imageId}, identity ${r.identity}) to ${r.colour}: ${r.health.healthy}/${r.health.desired} targets healthy\n` +
    (r.replacedRelease ? `replaced the idle release ${r.replacedRelease}\n` : "") +
    `traffic unchanged; next: phoenix swap\n`
  );
}

export function renderSwap(r: SwapResult): string {
  const steps = r.steps.map((s) => `${s.weight} %`).join(" → ");
  return `swapped ${r.from} → ${r.to} (${r.release}): ${steps}; ${r.from} stays as the rollback target\n`;
}

export function renderRollback(r: RollbackResult): string {
  return `rolled back: 100 % on ${r.to} (${r.release}), ${r.from} idle\n`;
}

export function renderDestroy(r: DestroyColourResult): string {
  return r.destroyed
    ? `destroyed ${r.colour}${r.release ? ` (${r.release})` : ""}\n`
    : `${r.colour} has no stack: nothing to destroy\n`;
}

export function renderDrift(r: DriftReport): string {
  if (r.drifted.length === 0) return `no drift on ${r.colour} (${r.release})\n`;
  const lines = r.drifted.map(
    (d) => `  ${d.name} (${d.type}): ${d.deleted ? "deleted outside Pulumi" : d.properties.join(", ")}`,
  );
  return `${r.drifted.length} drifted resource(s) on ${r.colour} (${r.release}):\n${lines.join("\n")}\nnext: phoenix heal\n`;
}

export function renderHeal(r: HealResult): string {
  if (!r.healed) return `no drift on ${r.drift.colour}: nothing to heal\n`;
  return `healed: ${r.drift.release} redeployed to ${r.to}, traffic moved, drifted ${r.from} destroyed\n`;
}

function healthText(colour: ColourStatus): string {
  const health = colour.health;
  if (!health) return "";
  if ("error" in health) return `health unknown (${health.error})`;
  return `${health.healthy}/${health.desired} healthy`;
}

/** The traffic picture: ALB → weights → colours with their releases and health. */
export function renderStatus(s: DeploymentStatus): string {
  const out: string[] = [`${s.app}/${s.env}${s.url ? `  ${s.url}` : ""}`];
  if (!s.bootstrapped) {
    out.push(
      `not bootstrapped (missing ${s.missingStacks.join(", ")}): run phoenix bootstrap --app ${s.app} --env ${s.env}`,
    );
  } else {
    COLOURS.forEach((name, i) => {
      const c = s.colours[name];
      const branch = i === 0 ? "ALB ──┬──" : "      └──";
      const fleet = c.exists
        ? [c.release, c.imageId, c.identity && `identity ${c.identity}`, healthText(c)]
            .filter(Boolean)
            .join("  ")
        : "(no fleet)";
      const role =
        s.live === name
          ? "  ◀ live"
          : c.rollbackTargetUntil
            ? `  rollback target until ${c.rollbackTargetUntil}`
            : "";
      out.push(`${branch} ${String(c.weight).padStart(3)} % ──▶ ${name.padEnd(5)}  ${fleet}${role}`);
    });
  }
  if (s.interrupted) {
    out.push(
      s.interrupted.running
        ? `running: ${s.interrupted.workflow} (since ${s.interrupted.startedAt}, at ${s.interrupted.lastStep ?? "start"})`
        : `INTERRUPTED: ${s.interrupted.workflow} (started ${s.interrupted.startedAt}, stopped at ${s.interrupted.lastStep ?? "start"}); the next workflow completes or undoes it`,
    );
  }
  if (s.lastWorkflow)
    out.push(
      `last: ${s.lastWorkflow.workflow} ${s.lastWorkflow.status} at ${s.lastWorkflow.endedAt ?? s.lastWorkflow.startedAt}`,
    );
  return out.join("\n") + "\n";
}

export function renderHistory(records: HistoryRecord[]): string {
  if (records.length === 0) return "no workflows yet\n";
  return (
    records
      .map((r) => {
        const took = r.durationMs !== undefined ? ` in ${(r.durationMs / 1000).toFixed(1)}s` : "";
        const params = Object.entries(r.params)
          .filter(([, v]) => v !== undefined && v !== false)
          .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
          .join(" ");
        const why = r.error
          ? `\n    ${r.error.split("\n")[0]}`
          : r.recovery
            ? `\n    recovery: ${r.recovery}`
            : "";
        return `${r.startedAt}  ${r.workflow.padEnd(9)} ${r.status.padEnd(11)}${took}${params ? `  ${params}` : ""}${why}`;
      })
      .join("\n") + "\n"
  );
}
