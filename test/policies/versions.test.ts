import { strict as assert } from "assert";
import { AWS } from "../../policies/lib/types";
import { launchTemplateVersionPinned } from "../../policies/versions";
import { UNKNOWN, runPolicy } from "./harness";

describe("launch-template-version-pinned", () => {
  describe("auto scaling groups", () => {
    function happyPathArgs(): Record<string, unknown> {
      return { launchTemplate: { name: "web-abcdefghij", version: "3" }, minSize: 1, maxSize: 2 };
    }
    const run = (props: Record<string, unknown>) =>
      runPolicy(launchTemplateVersionPinned, AWS.autoScalingGroup, props, { name: "web" }).violations;

    it("passes an explicit version", () => {
      assert.deepEqual(run(happyPathArgs()), []);
    });
    for (const version of ["$Latest", "$Default", "$latest"]) {
      it(`fails ${version}`, () => {
        assert.deepEqual(run({ ...happyPathArgs(), launchTemplate: { name: "web-abcdefghij", version } }), [
          `Auto scaling group "web" must pin an explicit launch template version: \`launchTemplate.version\` is "${version}".`,
        ]);
      });
    }
    it("fails a missing version (AWS reads it as $Default)", () => {
      assert.match(run({ ...happyPathArgs(), launchTemplate: { name: "web-abcdefghij" } })[0], /is unset/);
    });
    it("checks the mixed instances specification and each override", () => {
      const props = {
        mixedInstancesPolicy: {
          launchTemplate: {
            launchTemplateSpecification: { launchTemplateName: "web-abcdefghij", version: "2" },
            overrides: [
              { instanceType: "t3.small" },
              {
                instanceType: "m7g.large",
                launchTemplateSpecification: { launchTemplateName: "arm", version: "$Latest" },
              },
            ],
          },
        },
      };
      assert.deepEqual(run(props), [
        'Auto scaling group "web" must pin an explicit launch template version: `mixedInstancesPolicy.launchTemplate.overrides[1].launchTemplateSpecification.version` is "$Latest".',
      ]);
    });
    it("gives no verdict on a version unknown during preview", () => {
      const result = runPolicy(launchTemplateVersionPinned, AWS.autoScalingGroup, {
        launchTemplate: { name: "web", version: UNKNOWN },
      });
      assert.deepEqual(result.violations, []);
      assert.ok(result.unknown);
    });
  });

  describe("launch templates", () => {
    function happyPathArgs(): Record<string, unknown> {
      return { name: "web-abcdefghij", imageId: "ami-1" };
    }
    it("passes without updateDefaultVersion", () => {
      assert.deepEqual(
        runPolicy(launchTemplateVersionPinned, AWS.launchTemplate, happyPathArgs()).violations,
        [],
      );
    });
    it("fails updateDefaultVersion: true (also as a string)", () => {
      for (const updateDefaultVersion of [true, "true"]) {
        const { violations } = runPolicy(launchTemplateVersionPinned, AWS.launchTemplate, {
          ...happyPathArgs(),
          updateDefaultVersion,
        });
        assert.equal(violations.length, 1);
        assert.match(violations[0], /must not set `updateDefaultVersion`/);
      }
    });
    it("passes updateDefaultVersion when forbidUpdateDefaultVersion is false", () => {
      const props = { ...happyPathArgs(), updateDefaultVersion: true };
      const config = { forbidUpdateDefaultVersion: false };
      assert.deepEqual(
        runPolicy(launchTemplateVersionPinned, AWS.launchTemplate, props, { config }).violations,
        [],
      );
    });
  });
});
