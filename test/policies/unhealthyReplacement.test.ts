// fleet-replaces-unhealthy-instances: every way a group is attached to a load balancer, how
// `healthCheckType` is read (a comma list, any case, blanks), config, the message, and the verdicts an
// unknown attachment or type leaves open. Expected values are literals.
import { strict as assert } from "assert";
import { fleetReplacesUnhealthyInstances as policy } from "../../policies/health";
import { AWS } from "../../policies/lib/types";
import { UNKNOWN } from "./harness";
import { inEngine } from "./verdicts";

const group = (props: Record<string, unknown>) =>
  inEngine(policy, AWS.autoScalingGroup, { minSize: 1, maxSize: 2, ...props });
const ON_EC2 = { healthCheckType: "EC2" };

describe("fleet-replaces-unhealthy-instances: attachments and health check types", () => {
  it("names the group, the allowed types and the type it has", () => {
    assert.deepEqual(group({ ...ON_EC2, targetGroupArns: ["arn:tg"] }).messages, [
      'Auto scaling group "subject" must use its load balancer\'s health check (`healthCheckType`: "ELB" or ' +
        '"VPC_LATTICE"; it is "EC2"), so a server that stops serving is replaced rather than repaired in place.',
    ]);
  });

  it("counts a classic load balancer (loadBalancers) as an attachment", () => {
    assert.equal(group({ ...ON_EC2, loadBalancers: ["web-elb"] }).verdict, "violation");
  });

  it("counts a traffic source (trafficSources) as an attachment", () => {
    const trafficSources = [{ identifier: "arn:tg", type: "elbv2" }];
    assert.equal(group({ ...ON_EC2, trafficSources }).verdict, "violation");
  });

  it("counts no attachment for empty strings and nulls in the lists", () => {
    assert.equal(group({ ...ON_EC2, targetGroupArns: ["", null], loadBalancers: [" "] }).verdict, "pass");
  });

  it("counts an attachment it cannot read (an ARN not known until apply) as one", () => {
    assert.equal(group({ ...ON_EC2, targetGroupArns: [UNKNOWN] }).verdict, "violation");
  });

  describe("a health check type that passes whatever the attachments (the list of them unknown)", () => {
    const unknownAttachments = { targetGroupArns: UNKNOWN };
    it("ELB with blanks around it", () => {
      assert.equal(group({ ...unknownAttachments, healthCheckType: " ELB " }).verdict, "pass");
    });
    it("a comma list that includes ELB after another type", () => {
      assert.equal(group({ ...unknownAttachments, healthCheckType: "EC2, ELB" }).verdict, "pass");
    });
    it("unset, when config allows EC2 (AWS's default)", () => {
      const outcome = inEngine(policy, AWS.autoScalingGroup, unknownAttachments, {
        allowedHealthCheckTypes: ["ec2"],
      });
      assert.equal(outcome.verdict, "pass");
    });
    it("but not EC2: whether the group is load-balanced decides, and that is unknown", () => {
      assert.equal(group({ ...unknownAttachments, ...ON_EC2 }).verdict, "undecided");
    });
  });

  it("takes the allowed types from config, naming them in the message", () => {
    const props = { targetGroupArns: ["arn:tg"], healthCheckType: "ELB" };
    const outcome = inEngine(policy, AWS.autoScalingGroup, props, {
      allowedHealthCheckTypes: ["VPC_LATTICE"],
    });
    assert.deepEqual(outcome.messages, [
      'Auto scaling group "subject" must use its load balancer\'s health check (`healthCheckType`: "VPC_LATTICE"; ' +
        'it is "ELB"), so a server that stops serving is replaced rather than repaired in place.',
    ]);
  });

  it("judges a type config does not allow, even when config allows EC2", () => {
    const props = { targetGroupArns: ["arn:tg"], healthCheckType: "NONE" };
    const outcome = inEngine(policy, AWS.autoScalingGroup, props, { allowedHealthCheckTypes: ["EC2"] });
    assert.deepEqual(outcome.messages, [
      'Auto scaling group "subject" must use its load balancer\'s health check (`healthCheckType`: "EC2"; ' +
        'it is "NONE"), so a server that stops serving is replaced rather than repaired in place.',
    ]);
  });

  it("leaves the verdict open when the health check type of a load-balanced group is unknown", () => {
    assert.equal(group({ targetGroupArns: ["arn:tg"], healthCheckType: UNKNOWN }).verdict, "undecided");
  });
});
