// Every child of an ImmutableFleet, input by input, each parented to the component: the instance role and
// profile (EC2 may assume it; CloudWatch agent only), the launch template (description, tags with the user
// data's digest, tag specifications for instances, volumes and interfaces, secret user data) and the group's
// tags. The digest is a literal worked out with hashlib from the base64 of the user data below.
import { strict as assert } from "assert";
import { withMocks, type MockedStack } from "../helpers/mocks";

const USER_DATA_BASE64 = "IyEvYmluL3NoCmV4ZWMgL29wdC9hcHAvcnVuCg==";
const USER_DATA_SHA256 = "10cc4685a2c87b7c98a1ecf7f0824736882f9be35bcf2c9fc41ebd3838141714";

describe("ImmutableFleet children, input by input", () => {
  let mocks: MockedStack;
  const byName = (name: string) => {
    const found = mocks.resources.filter((r) => r.name === name);
    assert.equal(found.length, 1, `one resource named ${name}`);
    return found[0];
  };

  // Planned for each test, not once in `before`: Stryker's per-test coverage counts only what runs inside a
  // test and its beforeEach hooks, so a plan made once would leave these tests out of every mutant's run.
  beforeEach(async () => {
    mocks = await withMocks();
    const { ImmutableFleet } = await import("../../components/immutableFleet");
    await mocks.run(async () => {
      const fleet = new ImmutableFleet("web-demo-blue", {
        release: "r1",
        app: "web",
        imageId: "ami-0123456789abcdef0",
        subnetIds: ["subnet-0a", "subnet-0b"],
        securityGroupIds: ["sg-0a"],
        targetGroupArns: ["arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/blue/1"],
        userData: "#!/bin/sh\nexec /opt/app/run\n",
        tags: { team: "platform" },
      });
      return { name: fleet.autoScalingGroupName };
    });
  });

  it("the role: EC2 may assume it, described, tagged", () => {
    const role = byName("web-demo-blue-role");
    assert.equal(role.type, "aws:iam/role:Role");
    assert.deepEqual(JSON.parse(String(role.inputs.assumeRolePolicy)), {
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    assert.equal(role.inputs.description, "Instances of the Phoenix fleet web-demo-blue");
    assert.deepEqual(role.inputs.tags, { "phoenix:app": "web", team: "platform" });
  });

  it("the role's only policy is the CloudWatch agent's, in the stack's partition; the profile carries the role", () => {
    const attachments = mocks.ofType("aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    assert.equal(attachments.length, 1);
    const roleName = attachments[0].inputs.role;
    assert.match(String(roleName), /^web-demo-blue-role/);
    assert.deepEqual(attachments[0].inputs, {
      role: roleName,
      policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    });
    assert.deepEqual(byName("web-demo-blue-profile").inputs, {
      role: roleName,
      tags: { "phoenix:app": "web", team: "platform" },
    });
  });

  it("the launch template: described, user data secret, its digest in a plain tag, every kind of tag specification", () => {
    const template = byName("web-demo-blue-lt");
    const name = String(template.inputs.name);
    assert.match(name, /^web-demo-blue-r1-[a-z2-7]{10}$/);
    const identity = name.slice(-10);
    const tags = {
      "phoenix:app": "web",
      "phoenix:identity": identity,
      "phoenix:release": "r1",
      team: "platform",
    };
    assert.equal(template.inputs.description, "Phoenix fleet web-demo-blue, release r1");
    // A secret as the engine receives it: the signature key, the value.
    assert.deepEqual(template.inputs.userData, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: USER_DATA_BASE64,
    });
    assert.deepEqual(template.inputs.tags, { ...tags, "phoenix:user-data-sha256": USER_DATA_SHA256 });
    assert.deepEqual(template.inputs.tagSpecifications, [
      { resourceType: "instance", tags },
      { resourceType: "volume", tags },
      { resourceType: "network-interface", tags },
    ]);
  });

  it("the group: every tag propagated at launch", () => {
    const group = byName("web-demo-blue-asg");
    const identity = String(group.inputs.name).slice(-10);
    assert.deepEqual(group.inputs.tags, [
      { key: "team", value: "platform", propagateAtLaunch: true },
      { key: "phoenix:app", value: "web", propagateAtLaunch: true },
      { key: "phoenix:release", value: "r1", propagateAtLaunch: true },
      { key: "phoenix:identity", value: identity, propagateAtLaunch: true },
    ]);
  });

  it("every child is parented to the component", () => {
    const component = byName("web-demo-blue");
    assert.equal(component.type, "phoenix:aws:ImmutableFleet");
    const children = mocks.resources
      .filter((r) => r.parentUrn === component.urn)
      .map((r) => r.name)
      .sort();
    assert.deepEqual(children, [
      "web-demo-blue-asg",
      "web-demo-blue-cloudwatch-agent",
      "web-demo-blue-lt",
      "web-demo-blue-profile",
      "web-demo-blue-role",
    ]);
  });
});
