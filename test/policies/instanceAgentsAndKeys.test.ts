// The smaller instance policies, where a slip would change a verdict a pack user sees: which SSM targets
// select instances (no-in-place-config-agents), when an instance with user data is checked at all
// (instance-replace-on-user-data), and where a key pair may hide in what cannot be read (no-key-pairs).
import { strict as assert } from "assert";
import { noInPlaceConfigAgents } from "../../policies/configAgents";
import { instanceReplaceOnUserData } from "../../policies/instances";
import { keyNamesOf, noKeyPairs } from "../../policies/keyPairs";
import { AWS } from "../../policies/lib/types";
import { UNKNOWN, engineArgs } from "./harness";
import { ENCRYPTED, inEngine, offline } from "./verdicts";

const ADVICE =
  "it changes servers in place; bake the change into a new golden AMI and release a new fleet instead.";

describe("no-in-place-config-agents: targets and documents", () => {
  const association = (props: Record<string, unknown>, config?: Record<string, unknown>) =>
    inEngine(noInPlaceConfigAgents, AWS.ssmAssociation, props, config);

  it("passes an association whose targets select no instances (an automation's ParameterValues)", () => {
    const props = { name: "AWS-UpdateSSMAgent", targets: [{ key: "ParameterValues", values: ["x"] }] };
    assert.deepEqual(association(props), { verdict: "pass", messages: [] });
  });

  it("names a document it cannot read by what it is", () => {
    const props = { name: UNKNOWN, targets: [{ key: "InstanceIds", values: ["i-1"] }] };
    assert.deepEqual(association(props).messages, [
      `SSM association "subject" must not run a value not known until apply on instances: ${ADVICE}`,
    ]);
    assert.deepEqual(
      offline(noInPlaceConfigAgents, AWS.ssmAssociation, { ...props, name: ENCRYPTED }).messages,
      [`SSM association "subject" must not run an encrypted value on instances: ${ADVICE}`],
    );
  });

  it("shows an association with no document as the empty name", () => {
    assert.deepEqual(association({ instanceId: "i-1" }).messages, [
      `SSM association "subject" must not run "" on instances: ${ADVICE}`,
    ]);
  });

  it("passes a run-command maintenance task whose document config allows", () => {
    const props = { taskType: "RUN_COMMAND", taskArn: "AWS-RunPatchBaseline", windowId: "mw-1" };
    const config = { allowedDocuments: ["AWS-RunPatchBaseline"] };
    assert.equal(inEngine(noInPlaceConfigAgents, AWS.maintenanceWindowTask, props, config).verdict, "pass");
    assert.deepEqual(inEngine(noInPlaceConfigAgents, AWS.maintenanceWindowTask, props).messages, [
      `Maintenance window task "subject" must not run command "AWS-RunPatchBaseline" on instances: ${ADVICE}`,
    ]);
  });
});

describe("instance-replace-on-user-data: instances checked only with user data", () => {
  const ONLY = { onlyWithUserData: true };
  const instance = (props: Record<string, unknown>) =>
    inEngine(instanceReplaceOnUserData, AWS.instance, { ami: "ami-1", ...props }, ONLY);
  const MESSAGE =
    'Instance "subject" must set `userDataReplaceOnChange: true`, so a user-data change replaces the instance ' +
    "instead of restarting it with new user data in place.";

  it("checks an instance that gives its user data as userDataBase64", () => {
    assert.deepEqual(instance({ userDataBase64: "IyEvYmluL3No" }).messages, [MESSAGE]);
  });

  it("passes an instance whose user data is unknown when it replaces on user data anyway", () => {
    assert.equal(instance({ userData: UNKNOWN, userDataReplaceOnChange: true }).verdict, "pass");
  });

  it("gives no verdict on an instance whose user data is unknown and that would apply it in place", () => {
    assert.equal(instance({ userData: UNKNOWN, userDataReplaceOnChange: false }).verdict, "undecided");
    assert.equal(instance({ userData: UNKNOWN }).verdict, "undecided");
  });
});

describe("no-key-pairs: what cannot be read may hold a key", () => {
  it("gives no verdict on a spot fleet whose one launch specification is unknown", () => {
    const props = { launchSpecifications: [UNKNOWN] };
    assert.equal(inEngine(noKeyPairs, AWS.spotFleetRequest, props).verdict, "undecided");
  });

  it("gives no verdict on an EKS node group whose remoteAccess block is unknown", () => {
    assert.equal(
      inEngine(noKeyPairs, AWS.eksNodeGroup, { clusterName: "c", remoteAccess: UNKNOWN }).verdict,
      "undecided",
    );
  });

  it("names the key field in a block (remoteAccess.ec2SshKey)", () => {
    const props = { clusterName: "c", remoteAccess: { ec2SshKey: "ops" } };
    assert.deepEqual(inEngine(noKeyPairs, AWS.eksNodeGroup, props).messages, [
      'EKS node group "subject" must not set a key pair: `remoteAccess.ec2SshKey` is "ops".',
    ]);
  });

  it("keyNamesOf names an unknown list of launch specifications as a key that may or may not be there", () => {
    const { props } = engineArgs(AWS.spotFleetRequest, { launchSpecifications: UNKNOWN });
    const found = keyNamesOf(AWS.spotFleetRequest, props as Record<string, unknown>);
    assert.deepEqual(
      found.map(({ path, certain }) => ({ path, certain })),
      [{ path: "launchSpecifications", certain: false }],
    );
  });

  it("keyNamesOf lists nothing for a resource without a key, and the paths of a spot fleet's keys", () => {
    assert.deepEqual(keyNamesOf(AWS.instance, { ami: "ami-1" }), []);
    assert.deepEqual(
      keyNamesOf(AWS.spotFleetRequest, { launchSpecifications: [{ ami: "a" }, { keyName: "ops" }] }),
      [{ path: "launchSpecifications[1].keyName", key: "ops", certain: true }],
    );
  });
});
