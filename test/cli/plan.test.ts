// `phoenix plan --offline` end to end through the CLI entry point, in process.
import { strict as assert } from "assert";
import { runCli } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import type { PlanDocument } from "../../cli/plan/document";
import { emitPlan } from "../../cli/commands/plan";
import { CliError, EXIT } from "../../cli/exitCodes";
import type { Plan } from "../../programs/offline/planner";

async function plan(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(["plan", ...args], io);
  return { code, out: io.out, err: io.err };
}

describe("phoenix plan --offline", function () {
  this.timeout(120_000);
  let doc: PlanDocument;

  before(async () => {
    const { code, out, err } = await plan("--offline", "--json");
    assert.equal(code, 0, err);
    doc = JSON.parse(out) as PlanDocument;
  });

  it("plans every stack of the demo app/env, in dependency order", () => {
    assert.deepEqual(
      doc.stacks.map((s) => [s.name, s.role]),
      [
        ["shop-demo-ami", "golden-ami"],
        ["shop-demo-network", "network"],
        ["shop-demo-blue", "fleet"],
        ["shop-demo-router", "router"],
      ],
    );
  });

  it("prints the stable document shape, inputs as plain JSON", () => {
    for (const stack of doc.stacks) {
      assert.deepEqual(Object.keys(stack), ["name", "role", "resources"]);
      assert.deepEqual(Object.keys(doc), ["stacks", "traffic", "policies"]);
      assert.ok(stack.resources.length > 0, stack.name);
      for (const resource of stack.resources) {
        assert.deepEqual(Object.keys(resource), ["urn", "type", "name", "inputs", "outputs", "verdicts"]);
        assert.match(
          resource.urn,
          new RegExp(`^urn:pulumi:${stack.name}::phoenix::.*::${resource.name.replace(/[.]/g, "\\.")}$`),
        );
        assert.doesNotMatch(JSON.stringify(resource.inputs), /\[object Object\]/);
      }
    }
  });

  it("wires the fleet to the network stack's planned outputs with realistic fake ids", () => {
    const fleet = doc.stacks.find((s) => s.role === "fleet")!;
    const group = fleet.resources.find((r) => r.type === "aws:autoscaling/group:Group")!;
    const inputs = group.inputs as { targetGroupArns: string[]; vpcZoneIdentifiers: string[] };
    assert.match(
      inputs.targetGroupArns[0],
      /^arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup\/.+\/[0-9a-f]{16}$/,
    );
    for (const subnet of inputs.vpcZoneIdentifiers) assert.match(subnet, /^subnet-[0-9a-f]{17}$/);
    const template = fleet.resources.find((r) => r.type === "aws:ec2/launchTemplate:LaunchTemplate")!;
    assert.equal((template.inputs as { imageId: string }).imageId, "ami-0fa3fe0fa7920f68e");
  });

  it("routes all traffic to the chosen colour", async () => {
    const { code, out } = await plan(
      "--offline",
      "--json",
      "--colour",
      "green",
      "--app",
      "api",
      "--env",
      "staging",
    );
    assert.equal(code, 0);
    const green = JSON.parse(out) as PlanDocument;
    const listener = green.stacks
      .find((s) => s.role === "router")!
      .resources.find((r) => r.type === "aws:lb/listener:Listener")!;
    const groups = (
      listener.inputs as { defaultActions: Array<{ forward: { targetGroups: Array<{ weight: number }> } }> }
    ).defaultActions[0].forward.targetGroups;
    assert.deepEqual(
      groups.map((g) => g.weight),
      [0, 100],
    );
    assert.ok(green.stacks.some((s) => s.name === "api-staging-green"));
  });

  it("draws the stacks as trees with counts, and the traffic path", async () => {
    const { code, out } = await plan("--offline");
    assert.equal(code, 0);
    assert.match(out, /shop-demo-network {2}\(role network\) · \d+ cloud resources/);
    assert.match(out, /counts: .*aws:lb:TargetGroup/);
    assert.match(out, /clients ──▶ ALB shop-demo/);
    assert.match(out, /100% ──▶ blue {3}release v1\.0\.0/);
    assert.match(out, /0% ──▶ green {2}\(no fleet\)/);
  });

  it("prints a Mermaid flowchart with --format mermaid", async () => {
    const { code, out } = await plan("--offline", "--format", "mermaid");
    assert.equal(code, 0);
    assert.match(out, /^flowchart LR\n/);
    assert.match(out, /subgraph stack0\["shop-demo-ami \(golden-ami\)"\]/);
    assert.match(out, /listener -- "100%" --> blue\[/);
  });

  it("refuses bad options before planning, naming each", async () => {
    const { code, err } = await plan(
      "--offline",
      "--app",
      "Shop",
      "--image-id",
      "ami-xyz",
      "--release",
      "1 0",
    );
    assert.equal(code, 2);
    assert.match(err, /`--app` \("Shop"\)/);
    assert.match(err, /`--image-id` \("ami-xyz"\) must be an AMI id/);
    assert.match(err, /`--release` \("1 0"\)/);
  });

  it("says plainly that a plan needs --offline for now", async () => {
    const { code, err } = await plan();
    assert.equal(code, 2);
    assert.match(err, /needs --offline/);
  });

  it("carries the verdicts and the traffic picture in the JSON", () => {
    assert.deepEqual(doc.policies, { mandatory: 0, advisory: 0, undecided: 0 });
    assert.ok(
      doc.stacks.every((s) => s.resources.every((r) => Array.isArray(r.verdicts) && r.verdicts.length === 0)),
    );
    assert.deepEqual(doc.traffic.weights, { blue: 100, green: 0 });
    assert.equal(doc.traffic.fleets.blue?.release, "v1.0.0");
  });

  it("pipes into `phoenix check -`: the plan's stacks checked as their exports would be", async () => {
    const { out: planned } = await plan("--offline", "--json");
    const io = memoryIo(planned);
    const code = await runCli(["check", "-"], io);
    assert.equal(code, 0, io.out + io.err);
    assert.match(io.out, /^Stack phoenix\/shop-demo-blue \(-\)/m);
    assert.match(
      io.out,
      /Passed: 4 stacks, \d+ resources checked; 0 mandatory violations, 0 advisory, 0 undecided\./,
    );
  });
});

describe("phoenix plan on a plan that violates a mandatory policy", function () {
  this.timeout(120_000);
  let violating: Plan;

  before(async () => {
    const { planOffline } = await import("../../programs/offline/planner");
    const { PROGRAMS, fleetProgram } = await import("../../programs");
    const aws = await import("@pulumi/aws");
    violating = await planOffline({
      ...PROGRAMS,
      fleet: async () => {
        const outputs = await fleetProgram();
        new aws.ec2.KeyPair("ops", { publicKey: "ssh-ed25519 AAAA" });
        return outputs;
      },
    });
  });

  for (const format of ["text", "json", "mermaid"] as const) {
    it(`exits 1 in ${format}, and shows the verdict`, async () => {
      const io = memoryIo();
      await assert.rejects(emitPlan(violating, format, io), (error: unknown) => {
        assert.ok(error instanceof CliError);
        assert.equal(error.exitCode, EXIT.failed);
        return true;
      });
      if (format === "json") {
        const document = JSON.parse(io.out) as PlanDocument;
        const key = document.stacks.flatMap((s) => s.resources).find((r) => r.name === "ops")!;
        assert.deepEqual(
          key.verdicts.map((v) => [v.policy, v.enforcementLevel]),
          [["no-key-pairs", "mandatory"]],
        );
        assert.equal(document.policies.mandatory, 1);
      } else if (format === "mermaid") {
        assert.match(io.out, /KeyPair<br\/>ops<br\/>✖ no-key-pairs"\]/);
        assert.match(io.out, /classDef violation/);
      } else {
        assert.match(io.out, /KeyPair {2}ops {2}✖ no-key-pairs/);
      }
    });
  }
});
