// A fleet's options as stack config and back (automation/fleetOptions.ts): what `up` writes on a fleet stack,
// what undoing a failed config write puts back, and what heal reads to redeploy the live release exactly.
import { strict as assert } from "assert";
import { configBefore, deployOptionsFromConfig, fleetConfig } from "../../automation/fleetOptions";

const AMI = "ami-0123456789abcdef0";

describe("a fleet's options as stack config", () => {
  it("writes every option of a deployment, a number capacity as min = max = desired", () => {
    assert.deepEqual(
      fleetConfig(
        "blue",
        { release: "v1", imageId: AMI, instanceType: "t3.small", capacity: 3, userData: "#!/bin/sh" },
        "dep-1",
      ),
      {
        colour: "blue",
        release: "v1",
        imageId: AMI,
        instanceType: "t3.small",
        minSize: 3,
        maxSize: 3,
        desiredCapacity: 3,
        userData: "#!/bin/sh",
        deploymentId: "dep-1",
      },
    );
  });

  it("leaves unset options out on a new stack, and blanks them on a stack that exists (no inherited user data)", () => {
    const unsetKeys = {
      imageId: undefined,
      instanceType: undefined,
      minSize: undefined,
      maxSize: undefined,
      desiredCapacity: undefined,
      userData: undefined,
      deploymentId: undefined,
    };
    assert.deepEqual(fleetConfig("green", { release: "v2" } as never), {
      colour: "green",
      release: "v2",
      ...unsetKeys,
    });
    assert.deepEqual(
      fleetConfig(
        "green",
        { release: "v2", imageId: AMI, capacity: { min: 1, max: 4, desired: 2 } },
        "dep-2",
        true,
      ),
      {
        colour: "green",
        release: "v2",
        imageId: AMI,
        instanceType: "",
        minSize: 1,
        maxSize: 4,
        desiredCapacity: 2,
        userData: "",
        deploymentId: "dep-2",
      },
    );
  });

  it("puts a config back: previous values kept, keys the write added blanked", () => {
    assert.deepEqual(
      configBefore(
        { "phoenix:release": { value: "v1" }, "phoenix:userData": { value: "old", secret: true } },
        {
          "phoenix:release": { value: "v2" },
          "phoenix:userData": { value: "new", secret: true },
          "phoenix:instanceType": { value: "t3.large" },
        },
      ),
      {
        "phoenix:release": { value: "v1" },
        "phoenix:userData": { value: "old", secret: true },
        "phoenix:instanceType": { value: "" },
      },
    );
  });

  describe("read back for heal", () => {
    it("reads every option, the capacity as min/max/desired numbers", () => {
      assert.deepEqual(
        deployOptionsFromConfig(
          {
            "phoenix:release": { value: "v3" },
            "phoenix:imageId": { value: AMI },
            "phoenix:instanceType": { value: "t3.medium" },
            "phoenix:minSize": { value: "0" },
            "phoenix:maxSize": { value: "6" },
            "phoenix:desiredCapacity": { value: "4" },
            "phoenix:userData": { value: "#!/bin/sh\necho hi", secret: true },
            "phoenix:colour": { value: "blue" },
          },
          false,
        ),
        {
          release: "v3",
          imageId: AMI,
          instanceType: "t3.medium",
          capacity: { min: 0, max: 6, desired: 4 },
          userData: "#!/bin/sh\necho hi",
          force: false,
        },
      );
    });

    it("reads a desired count alone as a number capacity, and blanked or missing keys as unset", () => {
      assert.deepEqual(
        deployOptionsFromConfig(
          {
            "phoenix:release": { value: "v3" },
            "phoenix:imageId": { value: AMI },
            "phoenix:instanceType": { value: "" },
            "phoenix:minSize": { value: "" },
            "phoenix:maxSize": { value: "5" },
            "phoenix:desiredCapacity": { value: "2" },
          },
          true,
        ),
        {
          release: "v3",
          imageId: AMI,
          instanceType: undefined,
          capacity: 2,
          userData: undefined,
          force: true,
        },
      );
      assert.deepEqual(
        deployOptionsFromConfig(
          { "phoenix:minSize": { value: "1" }, "phoenix:desiredCapacity": { value: "1" } },
          false,
        ).capacity,
        1,
      );
      assert.equal(
        deployOptionsFromConfig(
          { "phoenix:minSize": { value: "1" }, "phoenix:maxSize": { value: "3" } },
          false,
        ).capacity,
        undefined,
      );
      assert.deepEqual(deployOptionsFromConfig({}, false), {
        release: "",
        imageId: "",
        instanceType: undefined,
        capacity: undefined,
        userData: undefined,
        force: false,
      });
    });
  });
});
