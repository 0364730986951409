// Where an auto scaling group names its launch templates, and whether a resource is Phoenix's
// (policies/lib/fleet.ts), as immutable-release-identity and launch-template-version-pinned read them: by id or
// name, in `launchTemplate`, the mixed instances policy's specification and each override's; a part that can't
// be read (an unknown in a preview, offline as `phoenix check` guards it) stands as a reference that can't be read.
import { strict as assert } from "assert";
import { readableInputs } from "../../policies/lib/guard";
import { identityTagOf, isPhoenixTagged, templateReferencesOf } from "../../policies/lib/fleet";
import { isUnreadable } from "../../policies/lib/unreadable";
import { UNKNOWN } from "./harness";

/** Each reference as `[path, id, name, version]`, a value that can't be read shown as "?". */
function refs(group: Record<string, unknown>): Array<[string, unknown, unknown, unknown]> {
  const shown = (v: unknown) => (isUnreadable(v) ? "?" : v);
  return templateReferencesOf(readableInputs(group)).map((r) => [
    r.path,
    shown(r.id),
    shown(r.name),
    shown(r.version),
  ]);
}

const SPEC = "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification";

describe("the launch templates a group launches from", () => {
  it("launchTemplate by id", () => {
    assert.deepEqual(refs({ launchTemplate: { id: "lt-0abc", version: "3" } }), [
      ["launchTemplate", "lt-0abc", undefined, "3"],
    ]);
  });

  it("none where launchTemplate, the specification or an override's specification is null", () => {
    const group = {
      launchTemplate: null,
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: null,
          overrides: [
            { instanceType: "m7g.large", launchTemplateSpecification: null },
            { instanceType: "c7g.large" },
          ],
        },
      },
    };
    assert.deepEqual(refs(group), []);
  });

  it("launchTemplate unknown: a reference whose id, name and version can't be read", () => {
    assert.deepEqual(refs({ launchTemplate: UNKNOWN }), [["launchTemplate", "?", "?", "?"]]);
  });

  it("the mixed instances policy unknown: one reference that can't be read", () => {
    assert.deepEqual(refs({ mixedInstancesPolicy: UNKNOWN }), [
      ["mixedInstancesPolicy.launchTemplate", "?", "?", "?"],
    ]);
  });

  it("the overrides unknown: the specification, then a reference for the overrides that can't be read", () => {
    const group = {
      launchTemplate: { name: "web-blue", version: "1" },
      mixedInstancesPolicy: {
        launchTemplate: {
          launchTemplateSpecification: { launchTemplateName: "web-blue", version: "1" },
          overrides: UNKNOWN,
        },
      },
    };
    assert.deepEqual(refs(group), [
      ["launchTemplate", undefined, "web-blue", "1"],
      [SPEC, undefined, "web-blue", "1"],
      ["mixedInstancesPolicy.launchTemplate.overrides", "?", "?", "?"],
    ]);
  });

  it("an override unknown: a reference for it that can't be read, by index", () => {
    const group = {
      mixedInstancesPolicy: {
        launchTemplate: {
          overrides: [{ launchTemplateSpecification: { launchTemplateId: "lt-1", version: "2" } }, UNKNOWN],
        },
      },
    };
    assert.deepEqual(refs(group), [
      [
        "mixedInstancesPolicy.launchTemplate.overrides[0].launchTemplateSpecification",
        "lt-1",
        undefined,
        "2",
      ],
      ["mixedInstancesPolicy.launchTemplate.overrides[1].launchTemplateSpecification", "?", "?", "?"],
    ]);
  });
});

describe("whether a resource is Phoenix's, and its release identity tag", () => {
  it("tagged with any of phoenix:app, phoenix:release, phoenix:identity (as a map or an ASG's list)", () => {
    assert.equal(isPhoenixTagged({ tags: { "phoenix:release": "v2" } }), true);
    assert.equal(
      isPhoenixTagged({ tags: [{ key: "phoenix:app", value: "shop", propagateAtLaunch: true }] }),
      true,
    );
    assert.equal(isPhoenixTagged({ tagsAll: { "phoenix:identity": "abc" } }), true);
    assert.equal(isPhoenixTagged({ tags: { team: "web" } }), false);
    assert.equal(isPhoenixTagged({}), false);
  });

  it("can't tell when no Phoenix tag is seen and the tags can't all be read", () => {
    assert.ok(isUnreadable(isPhoenixTagged(readableInputs({ tags: UNKNOWN }))));
    assert.equal(
      isPhoenixTagged(readableInputs({ tags: { "phoenix:app": "shop" }, tagsAll: UNKNOWN })),
      true,
    );
  });

  it("the identity tag: its value; a blank one is no identity; one that can't be read can't be told", () => {
    assert.equal(identityTagOf({ tags: { "phoenix:identity": "k3j5h2" } }), "k3j5h2");
    assert.equal(identityTagOf({ tags: { "phoenix:identity": " " } }), undefined);
    assert.equal(identityTagOf({ tags: { team: "web" } }), undefined);
    const unknown = identityTagOf(readableInputs({ tags: { "phoenix:identity": UNKNOWN } }));
    assert.equal(String(unknown), "a value not known until apply");
    assert.equal(String(identityTagOf(readableInputs({ tags: UNKNOWN }))), "a value not known until apply");
  });
});
