// The shared index of a stack's resources by type: stack policies meet exactly the resources a scan of the
// whole list would, in the same order, whatever types are asked together.
import { strict as assert } from "assert";
import type { PolicyResource } from "@pulumi/policy";
import { resourcesOfTypes } from "../../policies/lib/stackIndex";

function resource(type: string, name: string): PolicyResource {
  return { type, name, urn: `urn:pulumi:s::p::${type}::${name}` } as PolicyResource;
}

describe("resourcesOfTypes", () => {
  const stack = [
    resource("b", "b1"),
    resource("a", "a1"),
    resource("c", "c1"),
    resource("b", "b2"),
    resource("a", "a2"),
  ];

  it("gives the resources of one type in stack order", () => {
    assert.deepEqual(
      resourcesOfTypes(stack, ["a"]).map((r) => r.name),
      ["a1", "a2"],
    );
  });

  it("gives the resources of several types in stack order, not type by type", () => {
    const scanned = stack.filter((r) => r.type === "a" || r.type === "b").map((r) => r.name);
    assert.deepEqual(
      resourcesOfTypes(stack, ["a", "b"]).map((r) => r.name),
      scanned,
    );
    assert.deepEqual(scanned, ["b1", "a1", "b2", "a2"]);
  });

  it("gives none for a type the stack lacks, and none from an empty stack", () => {
    assert.deepEqual(resourcesOfTypes(stack, ["d"]), []);
    assert.deepEqual(resourcesOfTypes([], ["a", "b"]), []);
  });

  it("indexes each array on its own", () => {
    const other = [resource("a", "other")];
    assert.deepEqual(
      resourcesOfTypes(other, ["a"]).map((r) => r.name),
      ["other"],
    );
    assert.equal(resourcesOfTypes(stack, ["a"]).length, 2);
  });
});
