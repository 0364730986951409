// Pinned launch template versions: a fleet runs exactly the template version it was released with.
// `$Latest`/`$Default` (or no version, which AWS reads as `$Default`) let a new template version reach a
// running fleet without a new release.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { templateReferencesOf } from "./lib/fleet";
import { AWS, byType, describeResource, validateTypes } from "./lib/types";
import { Judgement, isUnreadable } from "./lib/unreadable";
import { asBoolean, isPresent } from "./lib/values";

export interface VersionPinnedConfig {
  /** When true (the default), a launch template may not set `updateDefaultVersion: true`. */
  forbidUpdateDefaultVersion: boolean;
}

export const VERSION_PINNED_DEFAULTS: VersionPinnedConfig = { forbidUpdateDefaultVersion: true };

const FLOATING_VERSIONS = new Set(["$latest", "$default"]);

/** Why a version is not pinned, or undefined when it is an explicit version. */
export function unpinnedReason(version: unknown): string | undefined {
  if (!isPresent(version)) return "is unset (AWS then launches `$Default`)";
  const text = String(version).trim();
  if (FLOATING_VERSIONS.has(text.toLowerCase())) return `is "${text}"`;
  return undefined;
}

function validateGroup(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const judgement = new Judgement(report);
  for (const ref of templateReferencesOf(props)) {
    // AWS reads a missing version as `$Default` in every specification, overrides included.
    if (isUnreadable(ref.version)) {
      judgement.cannotTell(ref.version);
      continue;
    }
    const reason = unpinnedReason(ref.version);
    if (reason) {
      judgement.report(
        `${describeResource(args.type, args.name)} must pin an explicit launch template version: ` +
          `\`${ref.path}.version\` ${reason}.`,
      );
    }
  }
  judgement.finish();
}

function validateTemplate(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  if (!configOf(args, VERSION_PINNED_DEFAULTS).forbidUpdateDefaultVersion) return;
  if (asBoolean(props.updateDefaultVersion) === true) {
    report(
      `${describeResource(args.type, args.name)} must not set \`updateDefaultVersion\`: ` +
        "moving the default version changes what `$Default` launches without a new release.",
    );
  }
}

export const launchTemplateVersionPinned: ResourceValidationPolicy = {
  name: "launch-template-version-pinned",
  description:
    "Checks that auto scaling groups (and their mixed-instances specifications and overrides) name an " +
    "explicit launch template version, never `$Latest` or `$Default`, and that launch templates do not " +
    "set `updateDefaultVersion`.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: schemaWithDefaults(VERSION_PINNED_DEFAULTS, {
    forbidUpdateDefaultVersion: {
      type: "boolean",
      description: "Whether `updateDefaultVersion: true` on a launch template is a violation.",
    },
  }),
  validateResource: byType(
    validateTypes<Record<string, unknown>>([AWS.autoScalingGroup], validateGroup),
    validateTypes<Record<string, unknown>>([AWS.launchTemplate], validateTemplate),
  ),
};
