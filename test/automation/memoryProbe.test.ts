// The in-memory probe (automation/memoryProbe.ts) is product: users script their tests' cloud with it. Each
// reading a user can script is pinned here as AWS would report it: the targets a fleet registers, partial,
// zero, warming-up, draining and unhealthy target groups, live desired capacities, alarms, failures on demand.
import assert from "assert";
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { MemoryEngine } from "../../automation/memoryEngine";
import { MemoryCloudProbe } from "../../automation/memoryProbe";

const cfg = (values: Record<string, string>): ConfigMap =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`phoenix:${k}`, { value: v }]));

const BLUE_TG =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-blue-4p4th/dda40a85bbae80b0";
const GREEN_TG =
  "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/shop-prod-green-4p4th/1d9e68a6b25303ba";
const BLUE_ASG = "shop-prod-blue-v1-igg5p24ngd";

async function network(engine: MemoryEngine): Promise<void> {
  const stack = await engine.createOrSelectStack("shop-prod-network", "network");
  await stack.setAllConfig(cfg({ role: "network", app: "shop", env: "prod" }));
  await stack.up();
}

/** A fleet stack of release v1 on `colour`'s target group (the stack name may differ: two fleets, one group). */
async function fleet(engine: MemoryEngine, colour: "blue" | "green", stack = `shop-prod-${colour}`) {
  const handle = await engine.createOrSelectStack(stack, "fleet");
  await handle.setAllConfig(
    cfg({ role: "fleet", app: "shop", env: "prod", colour, release: "v1", imageId: "ami-0123456789abcdef0" }),
  );
  await handle.up();
  return handle;
}

/** Network and a blue fleet of 2 (the fleet program's default desired capacity); green holds nothing. */
async function blueDeployed(): Promise<{ engine: MemoryEngine; probe: MemoryCloudProbe }> {
  const engine = new MemoryEngine();
  await network(engine);
  await fleet(engine, "blue");
  return { engine, probe: new MemoryCloudProbe(engine) };
}

describe("MemoryCloudProbe", () => {
  it("names each colour's target group from the network stack's outputs, and says when there is none", async () => {
    const engine = new MemoryEngine();
    const probe = new MemoryCloudProbe(engine);
    assert.throws(() => probe.targetGroupOf("shop", "prod", "blue"), {
      message: "MemoryCloudProbe: shop/prod has no network stack yet",
    });
    await network(engine);
    assert.strictEqual(probe.targetGroupOf("shop", "prod", "blue"), BLUE_TG);
    assert.strictEqual(probe.targetGroupOf("shop", "prod", "green"), GREEN_TG);
  });

  it("registers a fleet's desired capacity as healthy targets; a group with no fleet has no target", async () => {
    const { probe } = await blueDeployed();
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), {
      targetGroupArn: BLUE_TG,
      healthy: 2,
      byState: { healthy: 2 },
    });
    assert.deepStrictEqual(await probe.targetGroupHealth(GREEN_TG), {
      targetGroupArn: GREEN_TG,
      healthy: 0,
      byState: {},
    });
    assert.strictEqual(await probe.desiredCapacity(BLUE_ASG), 2);
  });

  it("adds up the targets of every fleet attached to one target group", async () => {
    const { engine, probe } = await blueDeployed();
    await fleet(engine, "blue", "shop-prod-blue-second");
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), {
      targetGroupArn: BLUE_TG,
      healthy: 4,
      byState: { healthy: 4 },
    });
  });

  it("forgets a destroyed fleet's targets", async () => {
    const { engine, probe } = await blueDeployed();
    await (await engine.createOrSelectStack("shop-prod-blue", "fleet")).destroy();
    assert.deepStrictEqual((await probe.targetGroupHealth(BLUE_TG)).byState, {});
    await assert.rejects(probe.desiredCapacity(BLUE_ASG), {
      message: `AutoScalingGroup ${BLUE_ASG} not found`,
    });
  });

  it("reports every target unhealthy while a colour is marked unhealthy, and healthy again after", async () => {
    const { probe } = await blueDeployed();
    probe.setHealthy("shop", "prod", "blue", false);
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), {
      targetGroupArn: BLUE_TG,
      healthy: 0,
      byState: { unhealthy: 2 },
    });
    probe.setHealthy("shop", "prod", "blue", true);
    assert.deepStrictEqual((await probe.targetGroupHealth(BLUE_TG)).byState, { healthy: 2 });
  });

  it("reports targets `initial` for the next n polls of a warming colour only, then healthy", async () => {
    const { engine, probe } = await blueDeployed();
    await fleet(engine, "green");
    probe.setWarmingUp("shop", "prod", "blue", 2);
    const warming = { targetGroupArn: BLUE_TG, healthy: 0, byState: { initial: 2 } };
    assert.deepStrictEqual((await probe.targetGroupHealth(GREEN_TG)).byState, { healthy: 2 });
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), warming);
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), warming);
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), {
      targetGroupArn: BLUE_TG,
      healthy: 2,
      byState: { healthy: 2 },
    });
  });

  it("gives a colour a live desired capacity other than its stack's, registered as that many targets, until unset", async () => {
    const { probe } = await blueDeployed();
    probe.setDesiredCapacity("shop", "prod", "blue", 3);
    assert.strictEqual(await probe.desiredCapacity(BLUE_ASG), 3);
    assert.deepStrictEqual((await probe.targetGroupHealth(BLUE_TG)).byState, { healthy: 3 });
    probe.setDesiredCapacity("shop", "prod", "blue", 0);
    assert.strictEqual(await probe.desiredCapacity(BLUE_ASG), 0);
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), {
      targetGroupArn: BLUE_TG,
      healthy: 0,
      byState: {},
    });
    probe.setDesiredCapacity("shop", "prod", "blue", undefined);
    assert.strictEqual(await probe.desiredCapacity(BLUE_ASG), 2);
    assert.throws(() => probe.setDesiredCapacity("shop", "prod", "green", 1), {
      message: "MemoryCloudProbe: shop/prod has no green fleet",
    });
  });

  it("reports scripted target states exactly (partial, draining), on a copy, after the warming-up polls, until unset", async () => {
    const { probe } = await blueDeployed();
    const partial: Record<string, number> = { healthy: 1, unhealthy: 1 };
    probe.setTargetStates("shop", "prod", "blue", partial);
    partial.healthy = 5;
    const read = await probe.targetGroupHealth(BLUE_TG);
    assert.deepStrictEqual(read, {
      targetGroupArn: BLUE_TG,
      healthy: 1,
      byState: { healthy: 1, unhealthy: 1 },
    });
    read.byState.healthy = 7;
    assert.deepStrictEqual((await probe.targetGroupHealth(BLUE_TG)).byState, { healthy: 1, unhealthy: 1 });
    probe.setTargetStates("shop", "prod", "blue", { draining: 2 });
    probe.setWarmingUp("shop", "prod", "blue", 1);
    assert.deepStrictEqual((await probe.targetGroupHealth(BLUE_TG)).byState, { initial: 2 });
    assert.deepStrictEqual(await probe.targetGroupHealth(BLUE_TG), {
      targetGroupArn: BLUE_TG,
      healthy: 0,
      byState: { draining: 2 },
    });
    probe.setTargetStates("shop", "prod", "blue", undefined);
    assert.deepStrictEqual((await probe.targetGroupHealth(BLUE_TG)).byState, { healthy: 2 });
  });

  it("reports scripted target states on a group no fleet registers to (targets still draining out)", async () => {
    const { probe } = await blueDeployed();
    probe.setTargetStates("shop", "prod", "green", { draining: 1 });
    assert.deepStrictEqual(await probe.targetGroupHealth(GREEN_TG), {
      targetGroupArn: GREEN_TG,
      healthy: 0,
      byState: { draining: 1 },
    });
  });

  it("answers which of the named alarms are in alarm", async () => {
    const { probe } = await blueDeployed();
    probe.setAlarm("shop-5xx", true);
    probe.setAlarm("shop-latency", true);
    assert.deepStrictEqual(await probe.alarmsInAlarm(["shop-latency", "shop-cpu", "shop-5xx"]), [
      "shop-latency",
      "shop-5xx",
    ]);
    probe.setAlarm("shop-latency", false);
    assert.deepStrictEqual(await probe.alarmsInAlarm(["shop-latency", "shop-5xx"]), ["shop-5xx"]);
  });

  it("counts every call with its target, fails the ones a rule picks, and refuses an aborted signal uncounted", async () => {
    const { probe } = await blueDeployed();
    const throttled = new Error("Throttling: Rate exceeded");
    probe.failWhen((method, target) =>
      method === "desiredCapacity" && target === BLUE_ASG ? throttled : undefined,
    );
    await assert.rejects(probe.desiredCapacity(BLUE_ASG), (error) => error === throttled);
    assert.strictEqual((await probe.targetGroupHealth(BLUE_TG)).healthy, 2);
    await probe.alarmsInAlarm(["a", "b"]);
    await probe.images.describeImages({ Release: "v1" });
    await assert.rejects(probe.images.tagImage("ami-0000000000000000a", { k: "v" }));
    const reason = new Error("stopped by the user");
    await assert.rejects(probe.targetGroupHealth(BLUE_TG, AbortSignal.abort(reason)), (e) => e === reason);
    assert.deepStrictEqual(probe.calls, [
      { method: "desiredCapacity", target: BLUE_ASG },
      { method: "targetGroupHealth", target: BLUE_TG },
      { method: "alarmsInAlarm", target: "a,b" },
      { method: "images.describeImages", target: '{"Release":"v1"}' },
      { method: "images.tagImage", target: "ami-0000000000000000a" },
    ]);
    probe.failWhen(undefined);
    assert.strictEqual(await probe.desiredCapacity(BLUE_ASG), 2);
  });

  it("passes the AMI calls to the engine's simulated account, each counted with its target", async () => {
    const engine = new MemoryEngine({ now: () => Date.parse("2026-02-01T00:00:00Z") });
    const probe = new MemoryCloudProbe(engine);
    const [snapshot] = engine.images.register({
      imageId: "ami-a",
      region: "eu-west-1",
      tags: { App: "shop" },
    }).snapshotIds;
    assert.deepStrictEqual(
      (await probe.images.describeImages({ App: "shop" })).map((a) => a.imageId),
      ["ami-a"],
    );
    await probe.images.tagImage("ami-a", { Retired: "yes" });
    await probe.images.untagImage("ami-a", ["App"]);
    await probe.images.deprecateImage("ami-a", new Date("2026-03-01T00:00:00Z"));
    assert.deepStrictEqual(
      [engine.images.get("ami-a")!.tags, engine.images.get("ami-a")!.deprecationTime],
      [{ Retired: "yes" }, "2026-03-01T00:00:00.000Z"],
    );
    await probe.images.deregisterImage("ami-a", [snapshot]);
    assert.deepStrictEqual(engine.images.all(), []);
    assert.deepStrictEqual(probe.calls, [
      { method: "images.describeImages", target: '{"App":"shop"}' },
      { method: "images.tagImage", target: "ami-a" },
      { method: "images.untagImage", target: "ami-a" },
      { method: "images.deprecateImage", target: "ami-a" },
      { method: "images.deregisterImage", target: "ami-a" },
    ]);
    const reason = new Error("stopped");
    await assert.rejects(probe.images.describeImages({}, AbortSignal.abort(reason)), (e) => e === reason);
    assert.strictEqual(probe.calls.length, 5);
  });

  it("revokes security group rules in the engine's cloud, counted with the rules it names; no drift once back as declared", async () => {
    const https = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] };
    const ssh = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
    // A network program of its own: one group with an inline rule (Phoenix's own groups have none).
    const engine = new MemoryEngine({
      programs: {
        network: () => ({
          resources: [
            // Another group first: the revoke must find its group by id, not take the first one.
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "other", inputs: { ingress: [ssh] } },
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "web", inputs: { ingress: [https] } },
          ],
          outputs: {},
        }),
      },
    });
    const probe = new MemoryCloudProbe(engine);
    const network = await engine.createOrSelectStack("shop-prod-network", "network");
    await network.up();
    const declared = engine.liveOutputs("shop-prod-network", "web")!;
    const groupId = declared.id as string;
    assert.match(groupId, /^securitygroup-[0-9a-f]{12}$/);
    engine.simulateDrift("shop-prod-network", "web", { ingress: [https, ssh] });
    const rule = { groupId, direction: "ingress" as const, protocol: "tcp", cidrIpv4: "0.0.0.0/0" };
    await probe.revokeSecurityGroupRules([{ ...rule, fromPort: 22, toPort: 22 }]);
    assert.deepStrictEqual(probe.calls, [
      { method: "revokeSecurityGroupRules", target: "ingress tcp 22 from 0.0.0.0/0" },
    ]);
    assert.deepStrictEqual(engine.liveOutputs("shop-prod-network", "web"), declared);
    assert.deepStrictEqual((await network.refresh({ previewOnly: true })).summary.resourceChanges, {
      same: 3,
    });
    await probe.revokeSecurityGroupRules([{ ...rule, fromPort: 443, toPort: 443 }]);
    assert.deepStrictEqual(engine.liveOutputs("shop-prod-network", "web"), { ...declared, ingress: [] });
    assert.deepStrictEqual(engine.liveOutputs("shop-prod-network", "other")!.ingress, [ssh], "untouched");
    assert.deepStrictEqual((await network.refresh({ previewOnly: true })).summary.resourceChanges, {
      same: 2,
      update: 1,
    });
    await assert.rejects(
      probe.revokeSecurityGroupRules([{ groupId: "sg-gone", direction: "egress", protocol: "-1" }]),
      { message: "InvalidGroup.NotFound: The security group 'sg-gone' does not exist" },
    );
    engine.simulateDrift("shop-prod-network", "web", null);
    await assert.rejects(probe.revokeSecurityGroupRules([{ ...rule, fromPort: 443, toPort: 443 }]), {
      message: `InvalidGroup.NotFound: The security group '${groupId}' does not exist`,
    });
  });

  it("revokes the rules of several groups in one call, each group only its own rules and directions", async () => {
    const https = { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] };
    const out = { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] };
    const engine = new MemoryEngine({
      programs: {
        network: () => ({
          resources: [
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "web", inputs: { ingress: [https] } },
            { type: "aws:ec2/securityGroup:SecurityGroup", name: "egress-only", inputs: { egress: [out] } },
            { type: "aws:ec2/launchTemplate:LaunchTemplate", name: "lt", inputs: { name: "lt" } },
          ],
          outputs: {},
        }),
      },
    });
    const probe = new MemoryCloudProbe(engine);
    await (await engine.createOrSelectStack("shop-prod-network", "network")).up();
    const id = (name: string) => engine.liveOutputs("shop-prod-network", name)!.id as string;
    await probe.revokeSecurityGroupRules([
      {
        groupId: id("web"),
        direction: "ingress",
        protocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: "0.0.0.0/0",
      },
      { groupId: id("egress-only"), direction: "egress", protocol: "-1", cidrIpv4: "10.0.0.0/8" },
    ]);
    assert.deepStrictEqual(
      probe.calls.map((c) => c.target),
      ["ingress tcp 443 from 0.0.0.0/0, egress all to 10.0.0.0/8"],
    );
    assert.deepStrictEqual(engine.liveOutputs("shop-prod-network", "web"), { ingress: [], id: id("web") });
    assert.deepStrictEqual(engine.liveOutputs("shop-prod-network", "egress-only"), {
      egress: [],
      id: id("egress-only"),
    });
    // An id that is not a security group's is no group at all, as EC2 says.
    await assert.rejects(
      probe.revokeSecurityGroupRules([{ groupId: id("lt"), direction: "ingress", protocol: "-1" }]),
      { message: `InvalidGroup.NotFound: The security group '${id("lt")}' does not exist` },
    );
  });

  it("registers the targets of fleet stacks only, whatever another stack's outputs say", async () => {
    const engine = new MemoryEngine({
      programs: {
        router: () => ({
          resources: [],
          outputs: { targetGroupArn: "arn:tg", autoScalingGroupName: "asg", desiredCapacity: 5 },
        }),
      },
    });
    const probe = new MemoryCloudProbe(engine);
    await (await engine.createOrSelectStack("shop-prod-router", "router")).up();
    assert.deepStrictEqual(await probe.targetGroupHealth("arn:tg"), {
      targetGroupArn: "arn:tg",
      healthy: 0,
      byState: {},
    });
    await assert.rejects(probe.desiredCapacity("asg"), { message: "AutoScalingGroup asg not found" });
  });
});
