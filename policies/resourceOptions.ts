// No `ignoreChanges` on immutable resources: ignoring a change to a launch template, auto scaling group
// or instance hides exactly the drift that immutability exists to prevent.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";

export interface NoIgnoreChangesConfig {
  /** Property paths that may be ignored (e.g. `desiredCapacity`, driven by scaling policies). */
  allowedProperties: string[];
}

export const NO_IGNORE_CHANGES_DEFAULTS: NoIgnoreChangesConfig = { allowedProperties: [] };

export const IMMUTABLE_TYPES = [AWS.launchTemplate, AWS.autoScalingGroup, AWS.instance];

function validateOptions(_props: unknown, args: ResourceValidationArgs, report: ReportViolation) {
  // Stryker disable next-line OptionalChaining,ArrayDeclaration: opts.ignoreChanges is always a list, from the engine
  // (@pulumi/policy server.js: getIgnorechangesList()) and offline (NO_OPTIONS)
  const ignoreChanges = args.opts?.ignoreChanges ?? [];
  if (ignoreChanges.length === 0) return; // most resources: nothing to allow or refuse, no Set to build
  const allowed = new Set(configOf(args, NO_IGNORE_CHANGES_DEFAULTS).allowedProperties);
  const ignored = ignoreChanges.filter((path) => !allowed.has(path));
  if (ignored.length === 0) return;
  report(
    `${describeResource(args.type, args.name)} must not ignore changes (\`ignoreChanges\`: ` +
      `${ignored.map((p) => `"${p}"`).join(", ")}): an immutable resource is replaced, and ignored drift is never seen.`,
  );
}

export const noIgnoreChangesOnImmutable: ResourceValidationPolicy = {
  name: "no-ignore-changes-on-immutable",
  description:
    "Checks that no launch template, auto scaling group or instance uses the `ignoreChanges` resource " +
    "option, which hides drift of immutable resources.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: schemaWithDefaults(NO_IGNORE_CHANGES_DEFAULTS, {
    allowedProperties: {
      type: "array",
      items: { type: "string" },
      description: "Property paths that may appear in `ignoreChanges` (for example `desiredCapacity`).",
    },
  }),
  validateResource: validateTypes(IMMUTABLE_TYPES, validateOptions),
};
