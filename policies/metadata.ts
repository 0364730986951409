// IMDSv2 only: session tokens for the instance metadata service (or no metadata endpoint at all).
import type {
  ReportViolation,
  ResourceRemediation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { attempt, isUnreadable, readOrUndecided, readKey } from "./lib/unreadable";
import { asRecord } from "./lib/values";

export interface Imdsv2RequiredConfig {
  /** When true (the default), a disabled metadata endpoint passes: it can't leak credentials at all. */
  allowDisabledEndpoint: boolean;
}

export const IMDSV2_REQUIRED_DEFAULTS: Imdsv2RequiredConfig = { allowDisabledEndpoint: true };

/** Every type whose metadata options imdsv2-required judges, and the input that holds them. */
const METADATA_FIELDS: Record<string, string> = {
  [AWS.launchTemplate]: "metadataOptions",
  [AWS.instance]: "metadataOptions",
  [AWS.launchConfiguration]: "metadataOptions",
  [AWS.spotInstanceRequest]: "metadataOptions",
  // Image Builder's build instances (GoldenAmi requires IMDSv2 on them too).
  [AWS.imageBuilderInfrastructure]: "instanceMetadataOptions",
};
export const METADATA_TYPES = Object.keys(METADATA_FIELDS);
const COVERED_TYPES = METADATA_TYPES;

/** Whether metadata options require IMDSv2 (or, when allowed, disable the endpoint). */
export function requiresImdsv2(metadataOptions: unknown, allowDisabledEndpoint: boolean): boolean {
  const options = asRecord(metadataOptions);
  // Stryker disable next-line StringLiteral: an absent value and any text but "disabled" or "required" read alike
  const lower = (v: unknown) => String(v ?? "").toLowerCase();
  if (allowDisabledEndpoint && lower(options.httpEndpoint) === "disabled") return true;
  return lower(options.httpTokens) === "required";
}

function validateMetadata(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const { allowDisabledEndpoint } = configOf(args, IMDSV2_REQUIRED_DEFAULTS);
  // Either readable field may decide alone: tokens required, or (when allowed) the endpoint disabled.
  const field = METADATA_FIELDS[args.type];
  const options = readOrUndecided(attempt(() => asRecord(props[field])));
  const tokens = readKey(options, "httpTokens");
  const endpoint = readKey(options, "httpEndpoint");
  // Stryker disable next-line StringLiteral: an absent value and any text but "disabled" or "required" read alike
  const lower = (v: unknown) => String(v ?? "").toLowerCase();
  if (!isUnreadable(tokens) && lower(tokens) === "required") return;
  if (allowDisabledEndpoint && !isUnreadable(endpoint) && lower(endpoint) === "disabled") return;
  readOrUndecided(tokens);
  if (allowDisabledEndpoint) readOrUndecided(endpoint);
  report(
    `${describeResource(args.type, args.name)} must require IMDSv2: set \`${field}.httpTokens\` ` +
      `to "required" (it is ${tokens === undefined ? "unset, which AWS reads as optional" : `"${String(tokens)}"`}).`,
  );
}

/** The key under which the SDK's property proxies hand out their target (`@pulumi/policy/proxy`). */
const PROXY_TARGET = "__getSpecialProxyTarget";

/**
 * `remediate`: set `metadataOptions.httpTokens: "required"`, keeping every other input as it is.
 * It reads and writes through the SDK proxy's raw target, so an input unknown during preview (an AMI
 * id from a lookup) is passed back untouched instead of aborting the remediation.
 */
const remediateMetadata: ResourceRemediation = (args) => {
  const field = METADATA_FIELDS[args.type];
  if (field === undefined) {
    return args.notApplicable(`Policy only applies to ${COVERED_TYPES.join(", ")}`);
  }
  const { allowDisabledEndpoint } = configOf(args, IMDSV2_REQUIRED_DEFAULTS);
  const props = args.props;
  const raw = (props[PROXY_TARGET] as Record<string, unknown> | undefined) ?? props;
  if (requiresImdsv2(raw[field], allowDisabledEndpoint)) return undefined;
  props[field] = { ...asRecord(raw[field]), httpTokens: "required" };
  return props;
};

export const imdsv2Required: ResourceValidationPolicy = {
  name: "imdsv2-required",
  description:
    "Checks that launch templates and configurations, instances, spot instance requests and Image Builder " +
    'build instances require IMDSv2 (`metadataOptions.httpTokens: "required"`), ' +
    "so a server-side request forgery can't read instance credentials.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    'Set `metadataOptions: { httpTokens: "required" }` on the launch template or instance, ' +
    'or run the pack with this policy at enforcement level "remediate" to have it set.',
  configSchema: schemaWithDefaults(IMDSV2_REQUIRED_DEFAULTS, {
    allowDisabledEndpoint: {
      type: "boolean",
      description: 'Let `metadataOptions.httpEndpoint: "disabled"` pass without `httpTokens`.',
    },
  }),
  validateResource: validateTypes<Record<string, unknown>>(COVERED_TYPES, validateMetadata),
  remediateResource: remediateMetadata,
};
