// How an auto scaling group names its launch template, and whether a resource is Phoenix's: shared by
// the identity and version policies.
import { PHOENIX_TAGS } from "../../components/immutability/identity";
import { attempt, isUnreadable, itemsAt, readKey, type Unreadable } from "./unreadable";
import { asRecord, isPresent, tagsOf } from "./values";

/** A launch template reference of an auto scaling group, with where it was found (for messages). */
export interface TemplateReference {
  path: string;
  id?: unknown;
  name?: unknown;
  /** Any of the three an Unreadable when it can't be read. */
  version?: unknown;
}

/** Every field of a reference that can't be read at all. */
function unreadableReference(path: string, value: Unreadable): TemplateReference {
  return { path, id: value, name: value, version: value };
}

function reference(path: string, spec: unknown, keys: [string, string, string]): TemplateReference {
  if (isUnreadable(spec)) return unreadableReference(path, spec);
  const s = asRecord(spec);
  return { path, id: readKey(s, keys[0]), name: readKey(s, keys[1]), version: readKey(s, keys[2]) };
}

/**
 * Every launch template an auto scaling group can launch from: `launchTemplate`, the mixed instances
 * policy's specification, and each override's specification. A field that can't be read is an Unreadable;
 * a mixed instances policy that can't be read at all is one reference of Unreadables (it may hold some).
 */
export function templateReferencesOf(props: Record<string, unknown>): readonly TemplateReference[] {
  // Three policies read one group's references (identity, pinned version, template in the same stack).
  let refs = referencesCache.get(props);
  if (!refs) referencesCache.set(props, (refs = Object.freeze(readTemplateReferences(props))));
  return refs;
}

const referencesCache = new WeakMap<object, readonly TemplateReference[]>();

function readTemplateReferences(props: Record<string, unknown>): TemplateReference[] {
  const refs: TemplateReference[] = [];
  const launchTemplate = readKey(props, "launchTemplate");
  if (launchTemplate !== undefined && launchTemplate !== null) {
    refs.push(reference("launchTemplate", launchTemplate, ["id", "name", "version"]));
  }
  const specPath = "mixedInstancesPolicy.launchTemplate";
  const mixed = attempt(() => asRecord(asRecord(props.mixedInstancesPolicy).launchTemplate));
  if (isUnreadable(mixed)) return [...refs, unreadableReference(specPath, mixed)];
  const specKeys: [string, string, string] = ["launchTemplateId", "launchTemplateName", "version"];
  const spec = readKey(mixed, "launchTemplateSpecification");
  if (spec !== undefined && spec !== null) {
    refs.push(reference(`${specPath}.launchTemplateSpecification`, spec, specKeys));
  }
  const overrides = itemsAt(mixed, "overrides");
  if (isUnreadable(overrides)) return [...refs, unreadableReference(`${specPath}.overrides`, overrides)];
  overrides.forEach((override, i) => {
    const path = `${specPath}.overrides[${i}].launchTemplateSpecification`;
    const overrideSpec = isUnreadable(override)
      ? override
      : attempt(() => asRecord(override).launchTemplateSpecification);
    if (overrideSpec === undefined || overrideSpec === null) return;
    refs.push(reference(path, overrideSpec, specKeys));
  });
  return refs;
}

const PHOENIX_TAG_KEYS: string[] = Object.values(PHOENIX_TAGS);

/**
 * True when a resource carries any of Phoenix's tags (`phoenix:app`, `phoenix:release`, `phoenix:identity`);
 * Unreadable when it carries none that can be seen but its tags can't all be read.
 */
export function isPhoenixTagged(props: Record<string, unknown>): boolean | Unreadable {
  const tags = tagsOf(props);
  if (PHOENIX_TAG_KEYS.some((key) => tags.values.has(key))) return true;
  return tags.unreadable ?? false;
}

/** The `phoenix:identity` tag, if set (Unreadable when its value, or whether it is set, can't be read). */
export function identityTagOf(props: Record<string, unknown>): string | undefined | Unreadable {
  const tags = tagsOf(props);
  const tag = tags.values.get(PHOENIX_TAGS.identity);
  if (tag === undefined) return tags.unreadable;
  // Stryker disable next-line ConditionalExpression: without it an Unreadable tag is returned below anyway (isPresent of an object is true)
  if (isUnreadable(tag)) return tag;
  return isPresent(tag) ? tag : undefined;
}
