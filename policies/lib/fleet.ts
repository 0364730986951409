// How an auto scaling group names its launch template, and whether a resource is Phoenix's: shared by
// the identity and version policies.
import { PHOENIX_TAGS } from "../../components/immutability/identity";
import { asList, asRecord, isPresent, tagsOf } from "./values";

/** A launch template reference of an auto scaling group, with where it was found (for messages). */
export interface TemplateReference {
  path: string;
  id?: unknown;
  name?: unknown;
  version?: unknown;
}

/**
 * Every launch template an auto scaling group can launch from: `launchTemplate`, the mixed instances
 * policy's specification, and each override's specification.
 */
export function templateReferencesOf(props: Record<string, unknown>): TemplateReference[] {
  const refs: TemplateReference[] = [];
  if (props.launchTemplate !== undefined && props.launchTemplate !== null) {
    const lt = asRecord(props.launchTemplate);
    refs.push({ path: "launchTemplate", id: lt.id, name: lt.name, version: lt.version });
  }
  const mixed = asRecord(asRecord(props.mixedInstancesPolicy).launchTemplate);
  if (mixed.launchTemplateSpecification !== undefined && mixed.launchTemplateSpecification !== null) {
    const spec = asRecord(mixed.launchTemplateSpecification);
    refs.push({
      path: "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification",
      id: spec.launchTemplateId,
      name: spec.launchTemplateName,
      version: spec.version,
    });
  }
  asList(mixed.overrides).forEach((override, i) => {
    const spec = asRecord(override).launchTemplateSpecification;
    if (spec === undefined || spec === null) return;
    const s = asRecord(spec);
    refs.push({
      path: `mixedInstancesPolicy.launchTemplate.overrides[${i}].launchTemplateSpecification`,
      id: s.launchTemplateId,
      name: s.launchTemplateName,
      version: s.version,
    });
  });
  return refs;
}

const PHOENIX_TAG_KEYS: string[] = Object.values(PHOENIX_TAGS);

/** True when a resource carries any of Phoenix's tags (`phoenix:app`, `phoenix:release`, `phoenix:identity`). */
export function isPhoenixTagged(props: Record<string, unknown>): boolean {
  const tags = tagsOf(props);
  return PHOENIX_TAG_KEYS.some((key) => tags.has(key));
}

/** The `phoenix:identity` tag, if set. */
export function identityTagOf(props: Record<string, unknown>): string | undefined {
  const tag = tagsOf(props).get(PHOENIX_TAGS.identity);
  return isPresent(tag) ? tag : undefined;
}
