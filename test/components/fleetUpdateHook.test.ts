// The `beforeUpdate` hook's body and its lifetime (one hook per engine run).
import { strict as assert } from "assert";
import * as pulumi from "@pulumi/pulumi";
import { withMocks } from "../helpers/mocks";
import { guardUpdate, UPDATE_GUARD_HOOK_NAME } from "../../components/fleetUpdateHook";
import { AUTO_SCALING_GROUP_TYPE, LAUNCH_TEMPLATE_TYPE } from "../../components/immutability/updateGuard";

function hookArgs(type: string, oldInputs: Record<string, unknown>, newInputs: Record<string, unknown>) {
  return {
    urn: `urn:pulumi:test::phoenix::${type}::web`,
    id: "web",
    name: "web-lt",
    type,
    oldInputs,
    newInputs,
  } as pulumi.ResourceHookArgs;
}

describe("guardUpdate (the hook's body)", () => {
  before(async () => {
    await withMocks();
  });

  it("refuses a new AMI in place, saying why and what to do", async () => {
    await assert.rejects(
      guardUpdate(hookArgs(LAUNCH_TEMPLATE_TYPE, { imageId: "ami-11111111" }, { imageId: "ami-22222222" })),
      (e: Error) => {
        assert.match(e.message, /refuses to update the launch template "web-lt" in place: `imageId` changed/);
        assert.match(e.message, /Deploy a new release instead/);
        return true;
      },
    );
  });

  it("lets capacity change, and only capacity", async () => {
    const before = { desiredCapacity: 2, maxSize: 3, launchTemplate: { name: "web-r1-aaaa", version: "1" } };
    await guardUpdate(
      hookArgs(AUTO_SCALING_GROUP_TYPE, before, { ...before, desiredCapacity: 3, maxSize: 6 }),
    );
    // The same group with another launch template alongside the capacity change is refused.
    await assert.rejects(
      guardUpdate(
        hookArgs(AUTO_SCALING_GROUP_TYPE, before, {
          ...before,
          maxSize: 6,
          launchTemplate: { name: "web-r2-bbbb", version: "1" },
        }),
      ),
      /`launchTemplate/,
    );
  });

  it("compares secrets by their values (the SDK hands them over as outputs)", async () => {
    const userData = "IyEvYmluL3No";
    await guardUpdate(
      hookArgs(
        LAUNCH_TEMPLATE_TYPE,
        { userData: pulumi.secret(userData), tags: {} },
        { userData: pulumi.secret(userData), tags: { a: "b" } },
      ),
    );
    await assert.rejects(
      guardUpdate(
        hookArgs(
          LAUNCH_TEMPLATE_TYPE,
          { userData: pulumi.secret(userData) },
          { userData: pulumi.secret("ZWNobw==") },
        ),
      ),
      /`userData` changed/,
    );
  });

  it("counts a key that appears as a change when there are no old inputs", async () => {
    await assert.rejects(
      guardUpdate({ ...hookArgs(LAUNCH_TEMPLATE_TYPE, {}, { imageId: "ami-1" }), oldInputs: undefined }),
      /`imageId`/,
    );
  });
});

describe("updateGuardHook", () => {
  it("makes one hook per engine run, lazily", async () => {
    await withMocks();
    const { updateGuardHook } = await import("../../components/fleetUpdateHook");
    const first = updateGuardHook();
    assert.equal(first.name, UPDATE_GUARD_HOOK_NAME);
    assert.equal(updateGuardHook(), first);
    await withMocks({ stack: "other" });
    const second = updateGuardHook();
    assert.notEqual(second, first);
    assert.equal(updateGuardHook(), second);
  });
});
