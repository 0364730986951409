import { strict as assert } from "assert";
import { noInPlaceConfigAgents } from "../../policies/configAgents";
import { AWS } from "../../policies/lib/types";
import { runPolicy } from "./harness";

describe("no-in-place-config-agents", () => {
  it("is advisory by default", () => {
    assert.equal(noInPlaceConfigAgents.enforcementLevel, "advisory");
  });

  describe("SSM associations", () => {
    function happyPathArgs(): Record<string, unknown> {
      // An association aimed at no instances (e.g. an automation over other resources): passes.
      return { name: "AWS-UpdateSSMAgent", targets: [] };
    }
    const run = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
      runPolicy(noInPlaceConfigAgents, AWS.ssmAssociation, props, { name: "patch", config }).violations;

    it("passes an association with no instance targets", () => {
      assert.deepEqual(run(happyPathArgs()), []);
    });
    for (const key of ["InstanceIds", "tag:phoenix:app", "tag-key", "resource-groups:Name"]) {
      it(`fails targets keyed ${key}`, () => {
        assert.deepEqual(run({ ...happyPathArgs(), targets: [{ key, values: ["x"] }] }), [
          'SSM association "patch" must not run "AWS-UpdateSSMAgent" on instances: it changes servers in place; bake the change into a new golden AMI and release a new fleet instead.',
        ]);
      });
    }
    it("fails the deprecated instanceId", () => {
      assert.equal(run({ ...happyPathArgs(), instanceId: "i-123" }).length, 1);
    });
    it("passes an allowed read-only document", () => {
      const props = { name: "AWS-GatherSoftwareInventory", targets: [{ key: "InstanceIds", values: ["*"] }] };
      assert.deepEqual(run(props, { allowedDocuments: ["AWS-GatherSoftwareInventory"] }), []);
    });
  });

  for (const type of [AWS.patchBaseline, AWS.defaultPatchBaseline, AWS.patchGroup]) {
    it(`fails any ${type}`, () => {
      const { violations } = runPolicy(noInPlaceConfigAgents, type, { operatingSystem: "AMAZON_LINUX_2023" });
      assert.equal(violations.length, 1);
      assert.match(violations[0], /must not be declared: patching changes servers in place/);
    });
  }

  describe("maintenance window tasks", () => {
    function happyPathArgs(): Record<string, unknown> {
      return {
        taskType: "LAMBDA",
        taskArn: "arn:aws:lambda:fn",
        targets: [{ key: "WindowTargetIds", values: ["t"] }],
      };
    }
    it("passes a non-run-command task", () => {
      assert.deepEqual(
        runPolicy(noInPlaceConfigAgents, AWS.maintenanceWindowTask, happyPathArgs()).violations,
        [],
      );
    });
    it("fails a RUN_COMMAND task", () => {
      const props = { ...happyPathArgs(), taskType: "RUN_COMMAND", taskArn: "AWS-RunShellScript" };
      assert.match(
        runPolicy(noInPlaceConfigAgents, AWS.maintenanceWindowTask, props).violations[0],
        /must not run command "AWS-RunShellScript"/,
      );
    });
  });
});
