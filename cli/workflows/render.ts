// Results of the workflow commands as text for people, on stdout. (`--json` prints the library's result
// objects inside a small stable envelope instead: see document.ts.)
import type {
  BootstrapResult,
  ColourStatus,
  DeployResult,
  DeploymentStatus,
  DestroyColourResult,
  DriftedResource,
  DriftReport,
  HealResult,
  HistoryRecord,
  RollbackResult,
  StackDrift,
  SwapResult,
} from "../../automation/types";
import { isSplit } from "../../automation/deploymentState";
import { describeRule } from "../../automation/securityGroupRules";
import { COLOURS, otherColour, stackName } from "../../programs/contract";
import { drawTraffic, type TrafficView } from "../plan/traffic";
import type { DeploymentSettings } from "./context";
import { describeOps, seconds } from "./progress";
import { describeImageChoice } from "./renderImages";

/** Where a command looked, for every "nothing here yet" message: the project directory and the backend. */
export const lookedIn = (s: Pick<DeploymentSettings, "projectDir" | "backendUrl" | "records">) =>
  `project ${s.projectDir}, backend ${s.backendUrl}` +
  (s.records?.kind === "dynamodb" ? `, records dynamodb://${s.records.table}` : "");

/** `--app shop --env prod`, for the next command to run. */
const target = (s: DeploymentSettings) => `--app ${s.app} --env ${s.env}`;

export function renderBootstrap(r: BootstrapResult, s: DeploymentSettings): string {
  const lines = [
    r.created.length > 0
      ? `Bootstrapped ${s.app}/${s.env}: created ${r.created.map((p) => stackName(s.app, s.env, p)).join(", ")}.`
      : `${s.app}/${s.env} is already bootstrapped: nothing to create.`,
  ];
  if (r.existing.length > 0)
    lines.push(`Already there: ${r.existing.map((p) => stackName(s.app, s.env, p)).join(", ")}.`);
  lines.push(`Next: phoenix up ${target(s)} --release <name> --image-id <ami>`);
  return lines.join("\n") + "\n";
}

export function renderUp(r: DeployResult, s: DeploymentSettings): string {
  const lines = [
    `Deployed release ${r.release} (${r.imageId}, identity ${r.identity}) to ${r.colour}: ` +
      `${r.health.healthy}/${r.health.desired} targets healthy.`,
  ];
  const image = describeImageChoice(r.image, s);
  if (image) lines.push(image);
  const changes = describeOps(r.changes as Record<string, number>);
  if (changes) lines.push(`Resources: ${changes}.`);
  if (r.replacedRelease) lines.push(`Replaced the idle release ${r.replacedRelease}.`);
  lines.push(`Traffic unchanged. Next: phoenix swap ${target(s)} --steps 10,50,100`);
  return lines.join("\n") + "\n";
}

export function renderSwap(r: SwapResult, s: DeploymentSettings): string {
  const steps = r.steps.map((step) => `${step.weight} %`).join(" → ");
  const changed = r.steps.map((step) => step.changedResources).join(", ");
  if (r.from === undefined) {
    const skipped = r.skippedSteps?.length
      ? ` Canary steps ${r.skippedSteps.map((w) => `${w} %`).join(", ")} skipped: no live release to share the traffic with.`
      : "";
    return (
      `First release of ${s.app}/${s.env} live: 100 % on ${r.to} (release ${r.release}).${skipped}\n` +
      `Resources changed: ${changed}.\n` +
      `There is no rollback target yet: the next release goes to ${otherColour(r.to)} (phoenix up ${target(s)} …)\n`
    );
  }
  return (
    `Traffic of ${s.app}/${s.env} moved from ${r.from} to ${r.to} (release ${r.release}): ${steps}.\n` +
    `Resources changed per step: ${changed}.\n` +
    `${r.from} keeps its release as the rollback target: phoenix rollback ${target(s)}\n`
  );
}

export function renderRollback(r: RollbackResult, s: DeploymentSettings): string {
  return (
    `Rolled ${s.app}/${s.env} back: 100 % on ${r.to} (release ${r.release}), ${r.from} has no traffic.\n` +
    `${r.to} serves the very fleet that served before${r.fromRelease ? ` ${r.fromRelease}` : ""} again ` +
    `(deployment ${r.deploymentId}).\n` +
    `When done with it: phoenix destroy ${target(s)} --colour ${r.from}\n`
  );
}

export function renderDestroy(r: DestroyColourResult, s: DeploymentSettings): string {
  if (!r.destroyed) return `The ${r.colour} colour of ${s.app}/${s.env} has no stack: nothing to destroy.\n`;
  return `Destroyed the ${r.colour} colour of ${s.app}/${s.env}${r.release ? ` (release ${r.release})` : ""}.\n`;
}

/** `shop-prod-blue (live, release v1)`, `shop-prod-router`. */
function stackLabel(stack: StackDrift): string {
  return stack.role ? `${stack.stack} (${stack.role}, release ${stack.release})` : stack.stack;
}

function driftLine(d: DriftedResource): string[] {
  const what = d.deleted ? "deleted outside Pulumi" : d.properties.join(", ");
  return [
    `    - ${d.name} (${d.type}): ${what}`,
    ...(d.strayRules ?? []).map(
      (rule) => `        stray rule ${describeRule(rule)} (no Phoenix resource declares it)`,
    ),
    ...(d.missingRules ?? []).map((rule) => `        missing rule ${describeRule(rule)}`),
  ];
}

export function renderDrift(r: DriftReport, s: DeploymentSettings): string {
  const checked = r.stacks.map(stackLabel).join(", ");
  if (r.drifted.length === 0) return `No drift in ${s.app}/${s.env}: checked ${checked}.\n`;
  const lines = r.stacks.flatMap((stack) =>
    stack.drifted.length === 0
      ? [`  ${stackLabel(stack)}: no drift`]
      : [
          `  ${stackLabel(stack)}: ${stack.drifted.length} drifted resource${stack.drifted.length === 1 ? "" : "s"}`,
          ...stack.drifted.flatMap(driftLine),
        ],
  );
  return (
    `${r.drifted.length} drifted resource${r.drifted.length === 1 ? "" : "s"} in ${s.app}/${s.env}:\n` +
    `${lines.join("\n")}\nPut it back as declared: phoenix heal ${target(s)}\n`
  );
}

export function renderHeal(r: HealResult, s: DeploymentSettings): string {
  if (!r.healed) return renderDrift(r.drift, s).replace(/\.\n$/, ": nothing to heal.\n");
  const done: string[] = [];
  if (r.revokedRules)
    done.push(
      `revoked ${r.revokedRules.length} stray security group rule(s): ${r.revokedRules.map(describeRule).join("; ")}`,
    );
  if (r.networkRestored) done.push(`restored ${stackName(s.app, s.env, "network")} to its declared state`);
  if (r.from && r.to)
    done.push(
      `release ${r.drift.release} was redeployed to ${r.to}, the traffic moved there and the drifted ${r.from} was destroyed`,
    );
  if (r.routerRestored)
    done.push(
      `restored the recorded router weights (blue ${r.routerRestored.blue} % / green ${r.routerRestored.green} %)`,
    );
  if (r.idleReplaced) done.push(`destroyed the drifted idle ${r.idleReplaced} and redeployed its release`);
  return (
    `Healed ${s.app}/${s.env} (${r.drift.drifted.length} drifted resource${r.drift.drifted.length === 1 ? "" : "s"}):\n` +
    done.map((line) => `  - ${line}\n`).join("")
  );
}

function healthText(colour: ColourStatus): string | undefined {
  const health = colour.health;
  if (!health) return undefined;
  if ("error" in health) return `health unknown: ${health.error}`;
  // A colour a rolling release left at zero capacity (the rollback target) wants no instances: not a failure.
  if (health.desired === 0 && health.healthy === 0) return "scaled to zero";
  const states = describeOps(health.byState);
  const verdict = health.desired > 0 && health.healthy >= health.desired ? "healthy" : "NOT healthy";
  return `${health.healthy}/${health.desired} ${verdict}${states && verdict !== "healthy" ? ` (${states})` : ""}`;
}

/** The status as the traffic picture of `phoenix plan`: ALB → weights → colours. */
export function trafficOfStatus(s: DeploymentStatus): TrafficView {
  const fleets: TrafficView["fleets"] = {};
  for (const colour of COLOURS) {
    const c = s.colours[colour];
    if (c.exists && c.release)
      fleets[colour] = { release: c.release, imageId: c.imageId, health: healthText(c) };
  }
  if (s.route53)
    return {
      dns: { recordName: s.route53.recordName ?? s.url ?? "", loadBalancers: {} },
      listener: `weighted alias records (stack ${stackName(s.app, s.env, "router")})`,
      weights: s.weights,
      fleets,
    };
  return {
    albDnsName: s.url,
    listener:
      `listener (stack ${stackName(s.app, s.env, "router")})` +
      (s.nothingLive ? ": answers 503, no release is live yet" : ""),
    weights: s.weights,
    fleets,
  };
}

export function renderStatus(s: DeploymentStatus, settings: DeploymentSettings): string {
  const out = [`${s.app}/${s.env}`];
  if (!s.bootstrapped) {
    out.push(
      `Not bootstrapped (missing ${s.missingStacks.join(", ")}; ${lookedIn(settings)}): ` +
        `phoenix bootstrap --app ${s.app} --env ${s.env}`,
    );
  } else {
    out.push("", drawTraffic(trafficOfStatus(s)), "");
    if (s.nothingLive) {
      const deployed = COLOURS.filter((c) => s.colours[c].exists);
      out.push(
        `  live      none: no release is live yet (the listener answers 503). ` +
          (deployed.length > 0
            ? `Put it live: phoenix swap --app ${s.app} --env ${s.env}`
            : `Deploy one: phoenix up --app ${s.app} --env ${s.env} --release <name> --image-id <ami>`),
      );
    } else if (isSplit(s.weights)) {
      out.push(`  traffic   split: blue ${s.weights.blue} % / green ${s.weights.green} %`);
      out.push(
        s.rollback?.available
          ? `  rollback  ${s.rollback.colour} (release ${s.rollback.release}) back to 100 %: the fleet that last ` +
              `took all the traffic (at ${s.rollback.servedUntil})`
          : `  rollback  none: ${s.rollback?.explanation ?? "the records name no fleet to go back to"}`,
      );
    } else if (s.live) {
      const live = s.colours[s.live];
      out.push(`  live      ${s.live}${live.release ? ` (release ${live.release})` : " (no fleet!)"}`);
      const idle = s.colours[otherColour(s.live)];
      if (s.rollback?.available) {
        out.push(
          `  rollback  ${s.rollback.colour} (release ${s.rollback.release}), ` +
            (idle.rollbackTargetUntil
              ? `kept warm until ${idle.rollbackTargetUntil}`
              : `keep-warm window over, its fleet still there`) +
            ` (served until ${s.rollback.servedUntil})`,
        );
      } else if (s.rollback) {
        out.push(`  rollback  none: ${s.rollback.explanation}`);
      }
    }
    for (const colour of COLOURS) {
      const c = s.colours[colour];
      if (!c.exists) continue;
      const facts = [`stack ${c.stack}`, c.identity && `identity ${c.identity}`];
      if (c.desiredCapacity !== undefined) facts.push(`desired ${c.desiredCapacity}`);
      out.push(`  ${colour.padEnd(8)}  ${facts.filter(Boolean).join(" · ")}`);
    }
  }
  if (s.interrupted) {
    out.push(
      s.interrupted.running
        ? `  running   ${s.interrupted.workflow} since ${s.interrupted.startedAt} (at ${s.interrupted.lastStep ?? "its start"})`
        : `  INTERRUPTED ${s.interrupted.workflow} (started ${s.interrupted.startedAt}, stopped at ` +
            `${s.interrupted.lastStep ?? "its start"}): the next workflow completes or undoes it`,
    );
  }
  if (s.lastWorkflow) {
    const last = s.lastWorkflow;
    out.push(`  last      ${last.workflow} ${last.status} at ${last.endedAt ?? last.startedAt}`);
  }
  return out.join("\n") + "\n";
}

export function renderHistory(records: HistoryRecord[], settings: DeploymentSettings): string {
  if (records.length === 0)
    return `No workflows yet for ${settings.app}/${settings.env} (${lookedIn(settings)}).\n`;
  const lines = records.map((r) => {
    const took = r.durationMs !== undefined ? ` in ${seconds(r.durationMs)}` : "";
    const params = Object.entries(r.params)
      .filter(([, v]) => v !== undefined && v !== false)
      .map(([k, v]) => `${k}=${typeof v === "object" ? JSON.stringify(v) : String(v)}`)
      .join(" ");
    const why = [
      r.error && `\n    error: ${r.error.split("\n")[0]}`,
      r.recovery && `\n    recovery: ${r.recovery}`,
    ]
      .filter(Boolean)
      .join("");
    return `${r.startedAt}  ${r.workflow.padEnd(9)} ${r.status.padEnd(11)}${took}${params ? `  ${params}` : ""}${why}`;
  });
  return lines.join("\n") + "\n";
}
