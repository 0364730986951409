// The package's component entry point re-exports the four components and the helpers others build on.
import { strict as assert } from "assert";
import * as components from "../../components";

describe("components/index", () => {
  it("exports the components and the helpers the programs, policies and workflows use", () => {
    for (const name of ["ImmutableFleet", "GoldenAmi", "BlueGreenRouter", "Network"]) {
      assert.equal(typeof (components as Record<string, unknown>)[name], "function", name);
    }
    for (const name of [
      "decideUpdate",
      "launchTemplateIdentity",
      "resolveFleetSettings",
      "updateGuardHook",
    ]) {
      assert.equal(typeof (components as Record<string, unknown>)[name], "function", name);
    }
    assert.ok(components.MUTABLE_KEYS["aws:autoscaling/group:Group"].includes("desiredCapacity"));
  });
});
