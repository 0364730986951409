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
import { resourcesOfTypes } from "./lib/stackIndex";
import { AWS, byType, describeResource, validateTypes } from "./lib/types";
import { attempt, Judgement, Unreadable, isUnreadable, readOrUndecided, readKey } from "./lib/unreadable";
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
  if (configOf(args, RELEASE_IDENTITY_DEFAULTS).scope === "all") return true;
  // Whether it is Phoenix's decides whether there is a verdict at all: tags that can't be read, none.
  return readOrUndecided(isPhoenixTagged(props));
}

function validateLaunchTemplate(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  if (!inScope(props, args)) return;
  const judgement = new Judgement(report);
  const subject = describeResource(args.type, args.name);
  // An input unknown during preview throws while the identity is computed: the SDK's proxy error in the
  // engine (reported as "can't run during preview"), UndecidableInputError offline ("undecided"). Never a
  // verdict from a partial projection.
  // Read as serialised: encrypted user data is hashed through its digest tag, not refused on sight.
  const inputs = serializedInputs(props);
  const expected = attempt(() => launchTemplateIdentity(inputs));
  const name = readKey(props, "name");
  if (!isUnreadable(name) && !isPresent(name)) {
    // No name is a violation whatever the inputs hash to.
    const shown = isUnreadable(expected) ? "" : ` ("-${expected}")`;
    judgement.report(
      `${subject} must have a physical \`name\` ending in the release identity of its inputs${shown}; ` +
        "it has none (auto-named or `namePrefix`), so an input change could be applied in place.",
    );
  } else if (isUnreadable(name) || isUnreadable(expected)) {
    judgement.cannotTell(isUnreadable(name) ? name : (expected as Unreadable));
  } else {
    const carried = identityOfName(name);
    if (carried !== expected) {
      judgement.report(
        `${subject} must carry the release identity of its inputs in its name: "${String(name)}" ` +
          `${carried ? `carries "${carried}"` : "carries none"}, the inputs hash to "${expected}" ` +
          "(an immutable input changed without a new release).",
      );
    }
  }
  const tag = judgement.readable(identityTagOf(props));
  const identity = judgement.readable(expected);
  if (tag !== undefined && identity !== undefined && tag !== identity) {
    judgement.report(
      `${subject} must tag \`phoenix:identity\` with the identity of its inputs: "${tag}" ≠ "${identity}".`,
    );
  }
  checkUserDataDigestTag(inputs, subject, judgement);
  judgement.finish();
}

/**
 * Where the user data can be read (plain, or a secret the engine sent decrypted), the digest tag must be its
 * SHA-256: offline, with only the ciphertext, the identity is computed from that tag. With the ciphertext
 * alone the tag is taken on trust (docs/policies.md, "Secret user data").
 */
function checkUserDataDigestTag(props: Record<string, unknown>, subject: string, judgement: Judgement) {
  const value = props.userData as { plaintext?: unknown; value?: unknown } | undefined;
  // Stryker disable next-line OptionalChaining: `value?.` is reached only for a secret, an object
  const readable = !isSerializedSecret(value) || value?.plaintext !== undefined || value?.value !== undefined;
  if (!readable) return;
  const tag = judgement.readable(tagsOf(props).values.get(PHOENIX_TAGS.userDataDigest));
  if (tag === undefined) return; // nothing to compare: no need to hash the user data again
  const actual = attempt(() => userDataDigestOf({ userData: props.userData }));
  if (isUnreadable(actual)) return judgement.cannotTell(actual);
  if (tag !== actual) {
    judgement.report(
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
  const templateName = readOrUndecided(primary.name);
  if (!isPresent(templateName)) {
    report(
      `${subject} must reference its launch template by name (\`${primary.path}\`): ` +
        "the name carries the release identity, an id does not.",
    );
    return;
  }
  const expected = autoScalingGroupIdentity({ launchTemplate: { name: templateName } });
  if (expected === undefined) {
    report(
      `${subject} must run a launch template whose name carries a release identity: ` +
        `"${String(templateName)}" carries none.`,
    );
    return;
  }
  const judgement = new Judgement(report);
  const name = readKey(props, "name");
  if (isUnreadable(name)) {
    judgement.cannotTell(name);
  } else {
    const carried = identityOfName(name);
    if (carried !== expected) {
      judgement.report(
        `${subject} must carry the release identity of its launch template in its name: ` +
          `${isPresent(name) ? `"${String(name)}" ${carried ? `carries "${carried}"` : "carries none"}` : "it has no `name`"}, ` +
          `its template "${String(templateName)}" carries "${expected}".`,
      );
    }
  }
  const tag = judgement.readable(identityTagOf(props));
  if (tag !== undefined && tag !== expected) {
    judgement.report(
      `${subject} must tag \`phoenix:identity\` with its template's identity: "${tag}" ≠ "${expected}".`,
    );
  }
  judgement.finish();
}

export const immutableReleaseIdentity: ResourceValidationPolicy = {
  name: "immutable-release-identity",
  description:
    "Checks that launch templates and auto scaling groups carry in their names the release identity of " +
    "their immutable inputs, recomputed from the inputs: a mismatch is a fleet being mutated in place.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: schemaWithDefaults(RELEASE_IDENTITY_DEFAULTS, { scope: scopeSchema }),
  validateResource: byType(
    validateTypes<Record<string, unknown>>([AWS.launchTemplate], validateLaunchTemplate),
    validateTypes<Record<string, unknown>>([AWS.autoScalingGroup], validateAutoScalingGroup),
  ),
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
    const judgement = new Judgement(report);
    const templates = resourcesOfTypes(args.resources, [AWS.launchTemplate]);
    // A template whose name or id can't be read may be the one a group names: no verdict on such a group.
    let unreadableTemplate: Unreadable | undefined;
    // Stryker disable BooleanLiteral: an Unreadable kept in the set would equal no name or id a group gives
    const known = (field: "name" | "id") =>
      new Set(
        templates
          .map((t) => attempt(() => t.props[field]))
          .filter((v) => (isUnreadable(v) ? ((unreadableTemplate ??= v), false) : isPresent(v))),
      );
    // Stryker restore BooleanLiteral
    const names = known("name");
    const ids = known("id");
    for (const group of resourcesOfTypes(args.resources, [AWS.autoScalingGroup])) {
      if (scope !== "all") {
        const tagged = judgement.readable(isPhoenixTagged(group.props));
        if (tagged !== true) continue;
      }
      for (const ref of templateReferencesOf(group.props)) {
        const name = judgement.readable(ref.name);
        const id = judgement.readable(ref.id);
        if (name === undefined && isUnreadable(ref.name)) continue;
        if (id === undefined && isUnreadable(ref.id)) continue;
        if ((isPresent(name) && names.has(name)) || (isPresent(id) && ids.has(id))) continue;
        if (unreadableTemplate) {
          judgement.cannotTell(unreadableTemplate);
          continue;
        }
        const shown = isPresent(name) ? `"${String(name)}"` : isPresent(id) ? `id ${String(id)}` : "nothing";
        judgement.report(
          `${describeResource(group.type, group.name)} must run a launch template of its own stack: ` +
            `\`${ref.path}\` names ${shown}, which this stack does not declare.`,
          group.urn,
        );
      }
    }
    judgement.finish();
  },
};
