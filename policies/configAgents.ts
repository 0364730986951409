// No in-place configuration agents: SSM associations, patch baselines and run-command maintenance tasks
// change running servers in place. On an immutable fleet the fix is a new golden AMI and a new release.
// Advisory by default: an organisation may still run read-only inventory associations (allow-list them).
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { asList, asRecord, isPresent } from "./lib/values";

export interface NoInPlaceConfigAgentsConfig {
  /** SSM document names whose associations or tasks are allowed (e.g. `AWS-GatherSoftwareInventory`). */
  allowedDocuments: string[];
}

export const NO_IN_PLACE_CONFIG_AGENTS_DEFAULTS: NoInPlaceConfigAgentsConfig = { allowedDocuments: [] };

/** Target keys of SSM that select instances (`InstanceIds`, `tag:<k>`, `tag-key`, `resource-groups:*`). */
function targetsInstances(targets: unknown): boolean {
  return asList(targets).some((t) => {
    const key = String(asRecord(t).key ?? "").toLowerCase();
    return (
      key === "instanceids" ||
      key.startsWith("tag:") ||
      key === "tag-key" ||
      key.startsWith("resource-groups:")
    );
  });
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
      const document = String(props.name ?? "");
      if (allowedDocuments.includes(document)) return;
      if (isPresent(props.instanceId) || targetsInstances(props.targets)) {
        report(`${subject} must not run "${document}" on instances: it changes servers in place; ${advice}`);
      }
      return;
    }
    case AWS.maintenanceWindowTask: {
      const document = String(props.taskArn ?? "");
      if (String(props.taskType ?? "").toUpperCase() !== "RUN_COMMAND" || allowedDocuments.includes(document))
        return;
      report(
        `${subject} must not run command "${document}" on instances: it changes servers in place; ${advice}`,
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
