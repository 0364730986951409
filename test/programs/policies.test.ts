// The programs' own planned resources against the policy pack: Phoenix must pass its own policies, and the
// pack must catch a fleet that was given a way in.
import { strict as assert } from "assert";
import type { Plan } from "../../programs/offline/planner";
import type { Verdict } from "../../policies/offline";

async function plan(extra?: { sshRule?: boolean }): Promise<Plan> {
  const { planOffline } = await import("../../programs/offline/planner");
  const { PROGRAMS, fleetProgram } = await import("../../programs");
  const aws = await import("@pulumi/aws");
  const programs = { ...PROGRAMS };
  if (extra?.sshRule) {
    programs.fleet = async () => {
      const outputs = await fleetProgram();
      new aws.vpc.SecurityGroupIngressRule("debug-ssh", {
        securityGroupId: "sg-0bbbbbbbbbbbbbbb1",
        ipProtocol: "tcp",
        fromPort: 22,
        toPort: 22,
        cidrIpv4: "10.0.0.0/8",
      });
      return outputs;
    };
  }
  return planOffline(programs);
}

async function verdictsOf(p: Plan): Promise<Verdict[]> {
  const { planVerdicts } = await import("../../programs/offline/verdicts");
  return [...(await planVerdicts(p)).values()].flat();
}

describe("planned resources under the policy pack", function () {
  this.timeout(120_000);

  it("every stack the programs plan passes every policy", async () => {
    const verdicts = await verdictsOf(await plan());
    assert.deepEqual(
      verdicts.map((v) => `${v.policy} on ${v.urn}: ${v.message}`),
      [],
    );
  });

  it("a fleet given a key name violates no-key-pairs", async () => {
    const planned = await plan();
    const fleet = planned.stacks.find((s) => s.role === "fleet")!;
    const template = fleet.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
    template.inputs = { ...template.inputs, keyName: "ops-key" };
    const verdicts = (await verdictsOf(planned)).filter(
      (v) => v.kind === "violation" && v.enforcementLevel === "mandatory",
    );
    assert.ok(
      verdicts.some((v) => v.policy === "no-key-pairs" && v.urn === template.urn),
      verdicts.map((v) => v.policy).join(", "),
    );
  });

  it("a fleet stack with an SSH rule violates no-ssh-access", async () => {
    const verdicts = await verdictsOf(await plan({ sshRule: true }));
    const ssh = verdicts.filter((v) => v.policy === "no-ssh-access");
    assert.equal(ssh.length, 1, JSON.stringify(verdicts));
    assert.equal(ssh[0].enforcementLevel, "mandatory");
    assert.match(ssh[0].urn, /::debug-ssh$/);
    assert.match(ssh[0].message, /22/);
  });
});

describe("planned resources under no-remote-shell", function () {
  this.timeout(120_000);

  it("GoldenAmi's build role, given SSM for Image Builder, passes: its profile serves the build alone", async () => {
    const planned = await plan();
    const ami = planned.stacks.find((s) => s.role === "golden-ami")!;
    const ssm = ami.resources.filter(
      (r) =>
        r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment" &&
        String(r.inputs.policyArn).endsWith("/AmazonSSMManagedInstanceCore"),
    );
    assert.equal(ssm.length, 1, "the build role has its SSM attachment");
    const verdicts = (await verdictsOf(planned)).filter((v) => /remote-shell|session-manager/.test(v.policy));
    assert.deepEqual(verdicts, []);
  });

  it("a fleet whose instance role is given AmazonSSMManagedInstanceCore violates it", async () => {
    const planned = await plan();
    const fleet = planned.stacks.find((s) => s.role === "fleet")!;
    const attachment = fleet.resources.find(
      (r) => r.type === "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    )!;
    const policyArn = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";
    attachment.inputs = { ...attachment.inputs, policyArn };
    attachment.outputs = { ...attachment.outputs, policyArn };
    const verdicts = (await verdictsOf(planned)).filter((v) => v.policy === "no-remote-shell");
    assert.equal(verdicts.length, 1, JSON.stringify(verdicts));
    assert.equal(verdicts[0].enforcementLevel, "mandatory");
    assert.match(verdicts[0].message, /must not give Session Manager shells .* it serves Launch template/);
  });
});
