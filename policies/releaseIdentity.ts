// Release identity: a launch template's name must carry the hash of its immutable inputs, and an auto
// scaling group's name the identity of the template it runs. A name that doesn't is a fleet changed in
// place — caught from the inputs alone, with no old state needed (DESIGN.md, "Immutability", layer 1).
import type {
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import {
  PHOENIX_TAGS,
  autoScalingGroupIdentity,
  identityOfName,
  isSerializedSecret,
  launchTemplateIdentity,
  userDataDigestOf,
} from "../components/immutability/identity";
import { configOf, schemaWithDefaults } from "./lib/config";
import { serializedInputs } from "./lib/guard";
import { identityTagOf, isPhoenixTagged, templateReferencesOf } from "./lib/fleet";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { isPresent, tagsOf } from "./lib/values";

export interface ReleaseIdentityConfig {
  /** `phoenix`: resources carrying a Phoenix tag; `all`: every launch template and auto scaling group. */
  scope: "phoenix" | "all";
}

export const RELEASE_IDENTITY_DEFAULTS: ReleaseIdentityConfig = { scope: "phoenix" };

const scopeSchema = {
  type: "string" as const,
  enum: ["phoenix", "all"],
  description:
    '"phoenix" checks resources tagged by Phoenix (`phoenix:app`, `phoenix:release`, `phoenix:identity`); ' +
    '"all" checks every launch template and auto scaling group, and then one with no identity is a violation.',
};

function inScope(props: Record<string, unknown>, args: Pick<ResourceValidationArgs, "getConfig">): boolean {
  return configOf(args, RELEASE_IDENTITY_DEFAULTS).scope === "all" || isPhoenixTagged(props);
}

function validateLaunchTemplate(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  if (!inScope(props, args)) return;
  const subject = describeResource(args.type, args.name);
  // An input unknown during preview throws while the identity is computed: the SDK's proxy error in the
  // engine (reported as "can't run during preview"), UndecidableInputError offline ("undecided"). Never a
  // verdict from a partial projection.
  // Read as serialised: encrypted user data is hashed through its digest tag, not refused on sight.
  const inputs = serializedInputs(props);
  const expected = launchTemplateIdentity(inputs);
  const carried = identityOfName(props.name);
  if (!isPresent(props.name)) {
    report(
      `${subject} must have a physical \`name\` ending in the release identity of its inputs ` +
        `("-${expected}"); it has none (auto-named or \`namePrefix\`), so an input change could be applied in place.`,
    );
  } else if (carried !== expected) {
    report(
      `${subject} must carry the release identity of its inputs in its name: "${String(props.name)}" ` +
        `${carried ? `carries "${carried}"` : "carries none"}, the inputs hash to "${expected}" ` +
        "(an immutable input changed without a new release).",
    );
  }
  const tag = identityTagOf(props);
  if (tag !== undefined && tag !== expected) {
    report(
      `${subject} must tag \`phoenix:identity\` with the identity of its inputs: "${tag}" ≠ "${expected}".`,
    );
  }
  checkUserDataDigestTag(inputs, subject, report);
}

/**
 * Where the user data can be read (plain, or a secret the engine sent decrypted), the digest tag must be its
 * SHA-256: offline, with only the ciphertext, the identity is computed from that tag. With the ciphertext
 * alone the tag is taken on trust (docs/policies.md, "Secret user data").
 */
function checkUserDataDigestTag(props: Record<string, unknown>, subject: string, report: ReportViolation) {
  const tag = tagsOf(props).get(PHOENIX_TAGS.userDataDigest);
  const value = props.userData as { plaintext?: unknown; value?: unknown } | undefined;
  const readable = !isSerializedSecret(value) || value?.plaintext !== undefined || value?.value !== undefined;
  if (!readable) return;
  const actual = userDataDigestOf({ userData: props.userData });
  if (tag !== undefined && tag !== actual) {
    report(
      `${subject} must tag \`${PHOENIX_TAGS.userDataDigest}\` with the SHA-256 of its user data: ` +
        `"${tag}" ≠ "${actual ?? "(no user data)"}".`,
    );
  }
}

function validateAutoScalingGroup(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  if (!inScope(props, args)) return;
  const subject = describeResource(args.type, args.name);
  const [primary] = templateReferencesOf(props);
  if (!primary) {
    report(
      `${subject} must launch from a launch template (\`launchTemplate\`) whose name carries a release identity.`,
    );
    return;
  }
  if (!isPresent(primary.name)) {
    report(
      `${subject} must reference its launch template by name (\`${primary.path}\`): ` +
        "the name carries the release identity, an id does not.",
    );
    return;
  }
  const expected = autoScalingGroupIdentity({ launchTemplate: { name: primary.name } });
  if (expected === undefined) {
    report(
      `${subject} must run a launch template whose name carries a release identity: ` +
        `"${String(primary.name)}" carries none.`,
    );
    return;
  }
  const carried = identityOfName(props.name);
  if (carried !== expected) {
    report(
      `${subject} must carry the release identity of its launch template in its name: ` +
        `${isPresent(props.name) ? `"${String(props.name)}"` : "it has no `name`"} ` +
        `${carried ? `carries "${carried}"` : "carries none"}, its template "${String(primary.name)}" carries "${expected}".`,
    );
  }
  const tag = identityTagOf(props);
  if (tag !== undefined && tag !== expected) {
    report(
      `${subject} must tag \`phoenix:identity\` with its template's identity: "${tag}" ≠ "${expected}".`,
    );
  }
}

export const immutableReleaseIdentity: ResourceValidationPolicy = {
  name: "immutable-release-identity",
  description:
    "Checks that launch templates and auto scaling groups carry in their names the release identity of " +
    "their immutable inputs, recomputed from the inputs: a mismatch is a fleet being mutated in place.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: schemaWithDefaults(RELEASE_IDENTITY_DEFAULTS, { scope: scopeSchema }),
  validateResource: [
    validateTypes<Record<string, unknown>>([AWS.launchTemplate], validateLaunchTemplate),
    validateTypes<Record<string, unknown>>([AWS.autoScalingGroup], validateAutoScalingGroup),
  ].flat(),
};

/**
 * A fleet is created whole and destroyed whole: its auto scaling group must run a launch template of its
 * own stack, not one another stack (or the console) can change underneath it.
 */
export const fleetTemplateInSameStack: StackValidationPolicy = {
  name: "fleet-template-in-same-stack",
  description:
    "Checks that every auto scaling group in scope runs a launch template declared in the same stack, " +
    "so the fleet and its template are created and destroyed together.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: schemaWithDefaults(RELEASE_IDENTITY_DEFAULTS, { scope: scopeSchema }),
  validateStack: (args, report) => {
    const { scope } = configOf(args, RELEASE_IDENTITY_DEFAULTS);
    const templates = args.resources.filter((r) => r.type === AWS.launchTemplate);
    const names = new Set(templates.map((t) => t.props.name).filter(isPresent));
    const ids = new Set(templates.map((t) => t.props.id).filter(isPresent));
    for (const group of args.resources) {
      if (group.type !== AWS.autoScalingGroup) continue;
      if (scope !== "all" && !isPhoenixTagged(group.props)) continue;
      for (const ref of templateReferencesOf(group.props)) {
        if ((isPresent(ref.name) && names.has(ref.name)) || (isPresent(ref.id) && ids.has(ref.id))) continue;
        const shown = isPresent(ref.name)
          ? `"${String(ref.name)}"`
          : isPresent(ref.id)
            ? `id ${String(ref.id)}`
            : "nothing";
        report(
          `${describeResource(group.type, group.name)} must run a launch template of its own stack: ` +
            `\`${ref.path}\` names ${shown}, which this stack does not declare.`,
          group.urn,
        );
      }
    }
  },
};
