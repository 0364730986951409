// The update guard's edges: its full refusal message (what, which keys, what may change, what to do), the
// default resource name, a launch template reference that moved to another template, and how input spellings
// compare (numeric strings at their limits, leading zeros, bookkeeping keys, lists against objects).
import { strict as assert } from "assert";
import {
  AUTO_SCALING_GROUP_TYPE,
  LAUNCH_TEMPLATE_TYPE,
  decideUpdate,
  launchTemplateMovedVersionOnly,
  sameValue,
} from "../../components/immutability/updateGuard";

describe("update guard edges", () => {
  it("refuses a launch template change with the whole message, naming the resource", () => {
    const decision = decideUpdate(
      LAUNCH_TEMPLATE_TYPE,
      { imageId: "ami-1", userData: "a" },
      { imageId: "ami-2", userData: "b" },
      "web-lt",
    );
    assert.equal(decision.allowed, false);
    assert.deepEqual(decision.refusedKeys, ["imageId", "userData"]);
    assert.equal(
      decision.message,
      'Phoenix refuses to update the launch template "web-lt" in place: `imageId`, `userData` changed. ' +
        "A release is immutable; only `tags`, `tagsAll`, `tagSpecifications`, `description` may change on a " +
        "running fleet, because anything else would change servers that are already serving. Deploy a new " +
        "release instead (for example `phoenix up --release <new-release>`): it builds a new launch template " +
        "and auto scaling group beside this one, and the swap moves traffic once the new fleet is healthy.",
    );
  });

  it("names an auto scaling group as such, and 'resource' when no name is given", () => {
    const decision = decideUpdate(
      AUTO_SCALING_GROUP_TYPE,
      { healthCheckType: "EC2" },
      { healthCheckType: "ELB" },
    );
    assert.match(
      decision.message!,
      /^Phoenix refuses to update the auto scaling group "resource" in place: `healthCheckType` changed\. /,
    );
    assert.match(
      decision.message!,
      /only `minSize`, `maxSize`, `desiredCapacity`, `waitForElbCapacity`, `minElbCapacity`, `waitForCapacityTimeout`, `tags` may change/,
    );
  });

  it("a group may move to another version of its template, not to another template", () => {
    const from = { launchTemplate: { name: "web-r1-aaaaaaaaaa", version: "1" } };
    assert.equal(
      decideUpdate(AUTO_SCALING_GROUP_TYPE, from, {
        launchTemplate: { name: "web-r1-aaaaaaaaaa", version: "2" },
      }).allowed,
      true,
    );
    const other = decideUpdate(AUTO_SCALING_GROUP_TYPE, from, {
      launchTemplate: { name: "web-r2-bbbbbbbbbb", version: "1" },
    });
    assert.deepEqual(other.refusedKeys, ["launchTemplate"]);
    // Only a group's `launchTemplate` gets that leeway: a launch template's own key of that name does not.
    assert.equal(
      decideUpdate(LAUNCH_TEMPLATE_TYPE, from, {
        launchTemplate: { name: "web-r1-aaaaaaaaaa", version: "2" },
      }).allowed,
      false,
    );
    assert.equal(launchTemplateMovedVersionOnly({ name: "a", version: "1" }, undefined), false);
    assert.equal(launchTemplateMovedVersionOnly(undefined, { name: "a", version: "1" }), false);
    assert.equal(launchTemplateMovedVersionOnly(["a"], ["a"]), false, "lists are not references");
  });

  it("an unguarded type is always allowed, its changed keys still listed", () => {
    assert.deepEqual(decideUpdate("aws:s3/bucket:Bucket", { a: 1 }, { a: 2 }), {
      allowed: true,
      changedKeys: ["a"],
      refusedKeys: [],
    });
  });

  it("ignores bookkeeping keys (starting with __) at the top and inside values", () => {
    assert.deepEqual(
      decideUpdate(LAUNCH_TEMPLATE_TYPE, { __defaults: [] }, { __defaults: ["x"] }).changedKeys,
      [],
    );
    assert.equal(sameValue({ a: 1, __defaults: ["a"] }, { a: 1 }), true);
    assert.equal(sameValue({ a: 1, x__: 2 }, { a: 1 }), false, "only a leading __ is bookkeeping");
  });

  it("compares numeric strings as numbers up to 15 characters, without leading zeros", () => {
    assert.equal(sameValue("1.5", 1.5), true);
    assert.equal(sameValue("-2", -2), true);
    assert.equal(sameValue("1.25", 1.25), true);
    assert.equal(sameValue("123456789012345", 123456789012345), true);
    assert.equal(sameValue("1234567890123456", 1234567890123456), false, "16 characters stay a string");
    assert.equal(sameValue("01", 1), false);
    assert.equal(sameValue("0.5", 0.5), true, "a zero before the point is no leading zero");
    assert.equal(sameValue("1.", 1), false);
    assert.equal(sameValue("x1", "x1"), true);
    assert.equal(sameValue("1x", 1), false);
  });

  it("an empty list equals nothing, a list is not an object", () => {
    assert.equal(sameValue([], undefined), true);
    assert.equal(sameValue({ a: [] }, {}), true);
    assert.equal(sameValue(["a"], { 0: "a" }), false);
    assert.equal(sameValue({ a: null }, { a: undefined }), true);
  });
});
