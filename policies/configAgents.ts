// No in-place configuration agents: SSM associations, patch baselines and run-command maintenance tasks
// change running servers in place. On an immutable fleet the fix is a new golden AMI and a new release.
// Advisory by default: an organisation may still run read-only inventory associations (allow-list them).
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import {
  attempt,
  isSetField,
  isUnreadable,
  itemsOf,
  readOrUndecided,
  undecided,
  type Unreadable,
  readKey,
} from "./lib/unreadable";
import { asRecord } from "./lib/values";

export interface NoInPlaceConfigAgentsConfig {
  /** SSM document names whose associations or tasks are allowed (e.g. `AWS-GatherSoftwareInventory`). */
  allowedDocuments: string[];
}

export const NO_IN_PLACE_CONFIG_AGENTS_DEFAULTS: NoInPlaceConfigAgentsConfig = { allowedDocuments: [] };

/**
 * Whether an association runs on instances: `instanceId`, or a target key of SSM that selects instances
 * (`InstanceIds`, `tag:<k>`, `tag-key`, `resource-groups:*`). An instance id that can't be read is an
 * instance; a target key that can't be read might select instances or not (Unreadable).
 */
function targetsInstances(props: Record<string, unknown>): boolean | Unreadable {
  const instanceId = isSetField(readKey(props, "instanceId"));
  if (instanceId === true) return true;
  const targets = itemsOf(() => props.targets);
  if (isUnreadable(targets)) return targets;
  let unsure: Unreadable | undefined = isUnreadable(instanceId) ? instanceId : undefined;
  for (const target of targets) {
    const key = isUnreadable(target) ? target : attempt(() => asRecord(target).key);
    if (isUnreadable(key)) {
      unsure ??= key;
      continue;
    }
    // Stryker disable next-line StringLiteral: an absent key and any text no instance key starts with read alike
    const k = String(key ?? "").toLowerCase();
    if (k === "instanceids" || k.startsWith("tag:") || k === "tag-key" || k.startsWith("resource-groups:"))
      return true;
  }
  return unsure ?? false;
}

/**
 * Whether a document is allowed: with no allowed documents (the default) none is, whatever its name; a
 * name that can't be read against a non-empty list leaves no verdict.
 */
function isAllowed(read: () => unknown, allowedDocuments: string[]): { allowed: boolean; shown: string } {
  const document = attempt(read);
  if (isUnreadable(document)) {
    if (allowedDocuments.length > 0) undecided(document);
    return { allowed: false, shown: String(document) };
  }
  const name = String(document ?? "");
  return { allowed: allowedDocuments.includes(name), shown: `"${name}"` };
}

function validateAgent(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const { allowedDocuments } = configOf(args, NO_IN_PLACE_CONFIG_AGENTS_DEFAULTS);
  const subject = describeResource(args.type, args.name);
  const advice = "bake the change into a new golden AMI and release a new fleet instead.";
  switch (args.type) {
    case AWS.ssmAssociation: {
      if (!readOrUndecided(targetsInstances(props))) return;
      const document = isAllowed(() => props.name, allowedDocuments);
      if (document.allowed) return;
      report(
        `${subject} must not run ${document.shown} on instances: it changes servers in place; ${advice}`,
      );
      return;
    }
    case AWS.maintenanceWindowTask: {
      const taskType = readOrUndecided(readKey(props, "taskType"));
      if (String(taskType ?? "").toUpperCase() !== "RUN_COMMAND") return;
      const document = isAllowed(() => props.taskArn, allowedDocuments);
      if (document.allowed) return;
      report(
        `${subject} must not run command ${document.shown} on instances: it changes servers in place; ${advice}`,
      );
      return;
    }
    default:
      report(`${subject} must not be declared: patching changes servers in place; ${advice}`);
  }
}

export const noInPlaceConfigAgents: ResourceValidationPolicy = {
  name: "no-in-place-config-agents",
  description:
    "Checks that no SSM association, patch baseline, patch group or run-command maintenance-window task " +
    "is aimed at instances: they change servers in place.",
  enforcementLevel: "advisory",
  severity: "medium",
  configSchema: schemaWithDefaults(NO_IN_PLACE_CONFIG_AGENTS_DEFAULTS, {
    allowedDocuments: {
      type: "array",
      items: { type: "string" },
      description: "SSM document names that may be associated or run (read-only ones, such as inventory).",
    },
  }),
  validateResource: validateTypes(
    [
      AWS.ssmAssociation,
      AWS.patchBaseline,
      AWS.defaultPatchBaseline,
      AWS.patchGroup,
      AWS.maintenanceWindowTask,
    ],
    validateAgent,
  ),
};
