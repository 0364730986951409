// Text output of the image commands (`bake`, `ami list`, `ami prune`) and the line `up` prints about its AMI.
import type { BakedAmi, BakeResult, ImageChoice, PruneResult } from "../../automation/images/types";
import type { DeploymentSettings } from "./context";
import { describeOps } from "./progress";

const target = (s: DeploymentSettings) => `--app ${s.app} --env ${s.env}`;

/** A duration as people say it: 45 s, 12 min, 5 h, 3 d. */
export function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s} s`;
  if (s < 90 * 60) return `${Math.round(s / 60)} min`;
  if (s < 36 * 3600) return `${Math.round(s / 3600)} h`;
  return `${Math.round(s / 86400)} d`;
}

/** The line `up` prints about an AMI it chose itself; nothing for one given with --image-id. */
export function describeImageChoice(
  choice: ImageChoice | undefined,
  s: DeploymentSettings,
): string | undefined {
  if (!choice || choice.source === "given") return undefined;
  const recipe = choice.recipeVersion ? `recipe ${choice.recipeVersion}` : "recipe version unknown";
  if (choice.source === "promoted") {
    return (
      `AMI ${choice.imageId} promoted from ${s.app}/${choice.fromEnv}, live there on ${choice.fromColour} ` +
      `(release ${choice.fromRelease}, ${recipe}).`
    );
  }
  const old = choice.ageMs !== undefined ? `baked ${age(choice.ageMs)} ago` : "bake time unknown";
  return `AMI ${choice.imageId}: the newest baked AMI of ${s.app}/${s.env}, ${old}, ${recipe}.`;
}

export function renderBake(r: BakeResult, s: DeploymentSettings): string {
  const regions = Object.entries(r.imageIds).map(([region, ami]) => `${region} ${ami}`);
  const lines = [
    `Baked ${s.app}/${s.env} (bake ${r.bakeId}): ${regions.join(", ")}.`,
    `Recipe ${r.recipeVersion} from parent image ${r.parentImage}; image ${r.imageArn}.`,
  ];
  const changes = describeOps(r.changes as Record<string, number>);
  if (changes) lines.push(`Resources: ${changes}.`);
  lines.push(`Next: phoenix up ${target(s)} --release <name>   (takes this AMI)`);
  return lines.join("\n") + "\n";
}

export function renderAmiList(amis: BakedAmi[], s: DeploymentSettings, now = Date.now()): string {
  if (amis.length === 0) return `No baked AMI of ${s.app}/${s.env}: phoenix bake ${target(s)}\n`;
  const rows = amis.map((ami) => {
    const created = ami.createdAt
      ? `${ami.createdAt} (${age(Math.max(0, now - Date.parse(ami.createdAt)))} ago)`
      : "?";
    const notes = [
      ami.source === "pipeline" ? "pipeline run" : `bake ${ami.bakeId}`,
      ami.taggedInUse ? "in use" : undefined,
      ami.deprecationTime ? `deprecated ${ami.deprecationTime}` : undefined,
      ami.state !== "available" ? ami.state : undefined,
    ].filter(Boolean);
    return `${ami.imageId}  ${created}  recipe ${ami.recipeVersion ?? "?"}  ${notes.join(", ")}`;
  });
  return `AMIs of ${s.app}/${s.env}, newest first:\n${rows.map((r) => `  ${r}`).join("\n")}\n`;
}

export function renderPrune(r: PruneResult, s: DeploymentSettings): string {
  const lines = [
    `${r.dryRun ? "Dry run: nothing changed. " : ""}AMIs of ${s.app}/${s.env}, keeping the newest ${r.keep}, ` +
      `deregistering ${age(r.deregisterAfterMs)} after deprecation:`,
  ];
  const verb = (action: string) => (r.dryRun ? `would ${action}` : `${action}d`);
  for (const d of r.decisions) {
    const fate = d.action ? verb(d.action) : "kept";
    lines.push(`  ${d.imageId}  ${fate}: ${d.reasons.join("; ")}`);
  }
  if (r.decisions.length === 0) lines.push("  (none)");
  if (r.tagged.length > 0) lines.push(`Tagged in use: ${r.tagged.join(", ")}.`);
  if (r.untagged.length > 0) lines.push(`In-use tag removed (no stack uses them): ${r.untagged.join(", ")}.`);
  return lines.join("\n") + "\n";
}
