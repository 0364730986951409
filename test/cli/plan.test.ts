// `phoenix plan --offline` end to end through the CLI entry point, in process.
import { strict as assert } from "assert";
import { runCli } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import type { PlanDocument } from "../../cli/plan/document";

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
      assert.ok(stack.resources.length > 0, stack.name);
      for (const resource of stack.resources) {
        assert.deepEqual(Object.keys(resource), ["urn", "type", "name", "inputs"]);
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
});
