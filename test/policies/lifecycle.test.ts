// no-ignore-changes-on-immutable, instance-replace-on-user-data, fleet-replaces-unhealthy-instances.
import { strict as assert } from "assert";
import { fleetReplacesUnhealthyInstances } from "../../policies/health";
import { instanceReplaceOnUserData } from "../../policies/instances";
import { AWS } from "../../policies/lib/types";
import { noIgnoreChangesOnImmutable } from "../../policies/resourceOptions";
import { runPolicy } from "./harness";

describe("no-ignore-changes-on-immutable", () => {
  function happyPathArgs(): Record<string, unknown> {
    return { name: "web-abcdefghij" };
  }
  for (const type of [AWS.launchTemplate, AWS.autoScalingGroup, AWS.instance]) {
    it(`passes ${type} without ignoreChanges`, () => {
      assert.deepEqual(runPolicy(noIgnoreChangesOnImmutable, type, happyPathArgs()).violations, []);
    });
    it(`fails ${type} with ignoreChanges, naming the paths`, () => {
      const { violations } = runPolicy(noIgnoreChangesOnImmutable, type, happyPathArgs(), {
        name: "web",
        ignoreChanges: ["imageId", "userData"],
      });
      assert.equal(violations.length, 1);
      assert.match(violations[0], /"web" must not ignore changes \(`ignoreChanges`: "imageId", "userData"\)/);
    });
  }
  it("passes properties allowed by config", () => {
    const result = runPolicy(noIgnoreChangesOnImmutable, AWS.autoScalingGroup, happyPathArgs(), {
      ignoreChanges: ["desiredCapacity"],
      config: { allowedProperties: ["desiredCapacity"] },
    });
    assert.deepEqual(result.violations, []);
  });
  it("is not applicable to a security group with ignoreChanges", () => {
    const result = runPolicy(
      noIgnoreChangesOnImmutable,
      AWS.securityGroup,
      {},
      { ignoreChanges: ["ingress"] },
    );
    assert.deepEqual(result.violations, []);
  });
});

describe("instance-replace-on-user-data", () => {
  function happyPathArgs(): Record<string, unknown> {
    return { ami: "ami-1", instanceType: "t3.micro", userData: "#!/bin/sh", userDataReplaceOnChange: true };
  }
  it("passes userDataReplaceOnChange: true", () => {
    assert.deepEqual(runPolicy(instanceReplaceOnUserData, AWS.instance, happyPathArgs()).violations, []);
  });
  it("fails userDataReplaceOnChange: false", () => {
    const { violations } = runPolicy(
      instanceReplaceOnUserData,
      AWS.instance,
      { ...happyPathArgs(), userDataReplaceOnChange: false },
      { name: "box" },
    );
    assert.deepEqual(violations, [
      'Instance "box" must set `userDataReplaceOnChange: true`, so a user-data change replaces the instance instead of restarting it with new user data in place.',
    ]);
  });
  it("fails when unset", () => {
    assert.equal(
      runPolicy(instanceReplaceOnUserData, AWS.instance, {
        ...happyPathArgs(),
        userDataReplaceOnChange: undefined,
      }).violations.length,
      1,
    );
  });
  it("skips instances without user data when onlyWithUserData is set", () => {
    const props = { ami: "ami-1" };
    assert.equal(runPolicy(instanceReplaceOnUserData, AWS.instance, props).violations.length, 1);
    assert.equal(
      runPolicy(instanceReplaceOnUserData, AWS.instance, props, { config: { onlyWithUserData: true } })
        .violations.length,
      0,
    );
  });
});

describe("fleet-replaces-unhealthy-instances", () => {
  function happyPathArgs(): Record<string, unknown> {
    return {
      targetGroupArns: ["arn:aws:elasticloadbalancing:tg/blue"],
      healthCheckType: "ELB",
      minSize: 1,
      maxSize: 2,
    };
  }
  const run = (props: Record<string, unknown>) =>
    runPolicy(fleetReplacesUnhealthyInstances, AWS.autoScalingGroup, props, { name: "web" }).violations;

  it("passes a load-balanced group using the ELB health check", () => {
    assert.deepEqual(run(happyPathArgs()), []);
  });
  it("passes a comma list that includes ELB", () => {
    assert.deepEqual(run({ ...happyPathArgs(), healthCheckType: "EC2,ELB" }), []);
  });
  it("fails a load-balanced group on EC2 health checks", () => {
    assert.match(
      run({ ...happyPathArgs(), healthCheckType: "EC2" })[0],
      /"web" must use its load balancer's health check .*it is "EC2"/,
    );
  });
  it("fails a load-balanced group that leaves the health check type unset", () => {
    assert.match(run({ ...happyPathArgs(), healthCheckType: undefined })[0], /unset, so "EC2"/);
  });
  it("passes a group without load balancers", () => {
    assert.deepEqual(run({ ...happyPathArgs(), targetGroupArns: [], healthCheckType: "EC2" }), []);
  });
});
