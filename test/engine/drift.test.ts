// Drift across every stack of an app/env through the real CLI and engine, the real role programs and the
// emulator: changes made out of band with the AWS SDK (an SSH rule on the fleet security group, the listener's
// weights, the live fleet's auto scaling group deleted or moved to another launch template version), what
// `drift` reports for each, and what `heal` leaves behind in the emulator; after each heal a second drift
// reports nothing. The workflows run through the library with the LocalWorkspace engine and the AWS probe,
// as `phoenix drift`/`heal` run them (their text is tested in test/cli), CrossGuard off: policy enforcement
// has its own engine tests, and this one must not depend on the language host that runs the pack.
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { DeleteAutoScalingGroupCommand, UpdateAutoScalingGroupCommand } from "@aws-sdk/client-auto-scaling";
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateLaunchTemplateVersionCommand,
  DescribeSecurityGroupsCommand,
} from "@aws-sdk/client-ec2";
import { ModifyListenerCommand } from "@aws-sdk/client-elastic-load-balancing-v2";
import { BlueGreenDeployment, createAwsCloudProbe } from "../../automation";
import { createLocalWorkspaceEngine, type LocalWorkspaceEngine } from "../../automation/localWorkspace";
import type { Colour } from "../../programs/contract";
import {
  autoscaling,
  autoScalingGroups,
  ec2,
  elbv2,
  listenerWeights,
  registerImage,
} from "./support/emulator";

const APP = "shop";
const ENV = "drift";
const stack = (part: string) => `${APP}-${ENV}-${part}`;

describe("drift and heal across every stack through the real engine", function () {
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-drift-"));
  let engine: LocalWorkspaceEngine;
  let deployment: BlueGreenDeployment;
  let network: Record<string, unknown>;
  let listenerArn: string;

  const outputsOf = async (name: string, role: "network" | "router") =>
    Object.fromEntries(
      Object.entries(await (await engine.createOrSelectStack(name, role)).outputs()).map(([k, v]) => [
        k,
        v.value,
      ]),
    );
  /** The listener's weights by colour, as the emulator has them. */
  const weights = async () => {
    const byGroup = await listenerWeights(listenerArn);
    return {
      blue: byGroup[String(network.blueTargetGroupArn)] ?? 0,
      green: byGroup[String(network.greenTargetGroupArn)] ?? 0,
    };
  };
  /** A colour's auto scaling group in the emulator (found by its target group). */
  const groupOf = async (colour: Colour) =>
    [...(await autoScalingGroups()).entries()].find(([, g]) =>
      g.targetGroupArns.includes(String(network[`${colour}TargetGroupArn`])),
    );
  const summary = async () => (await deployment.drift()).drifted.map((d) => [d.stack, d.name, d.deleted]);

  before(() => {
    engine = createLocalWorkspaceEngine({ projectDir, policyPacks: false });
    deployment = new BlueGreenDeployment({
      app: APP,
      env: ENV,
      engine,
      probe: createAwsCloudProbe({}),
      stateDir: engine.localStateDir,
      healthPollMs: 500,
    });
  });
  after(() => fs.rmSync(projectDir, { recursive: true, force: true }));

  it("finds no drift after a release: the rules that the network's rule resources declare are no drift", async () => {
    await deployment.bootstrap({
      network: {
        vpcId: process.env.PHOENIX_VPC_ID,
        publicSubnetIds: process.env.PHOENIX_PUBLIC_SUBNETS?.split(","),
        privateSubnetIds: process.env.PHOENIX_PRIVATE_SUBNETS?.split(","),
      },
    });
    network = await outputsOf(stack("network"), "network");
    listenerArn = String((await outputsOf(stack("router"), "router")).listenerArn);
    await deployment.up({ release: "v1", imageId: await registerImage("shop-drift-v1") });
    await deployment.swap();
    assert.deepEqual(await weights(), { blue: 100, green: 0 });
    const report = await deployment.drift();
    assert.deepEqual(
      report.stacks.map((s) => s.stack),
      [stack("network"), stack("router"), stack("blue")],
    );
    assert.deepEqual(report.drifted, []);
  });

  it("an SSH rule on the fleet group and the listener's weights changed by hand: reported, then revoked and restored", async () => {
    const fleetGroup = String(network.fleetSecurityGroupId);
    const client = ec2();
    const lb = elbv2();
    try {
      await client.send(
        new AuthorizeSecurityGroupIngressCommand({
          GroupId: fleetGroup,
          IpPermissions: [
            { IpProtocol: "tcp", FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: "0.0.0.0/0" }] },
          ],
        }),
      );
      const half = (arn: unknown) => ({ TargetGroupArn: String(arn), Weight: 50 });
      await lb.send(
        new ModifyListenerCommand({
          ListenerArn: listenerArn,
          DefaultActions: [
            {
              Type: "forward",
              ForwardConfig: {
                TargetGroups: [half(network.blueTargetGroupArn), half(network.greenTargetGroupArn)],
              },
            },
          ],
        }),
      );
      const report = await deployment.drift();
      assert.deepEqual(
        report.drifted.map((d) => [d.stack, d.type, d.properties]),
        [
          [stack("network"), "aws:ec2/securityGroup:SecurityGroup", ["ingress"]],
          [stack("router"), "aws:lb/listener:Listener", ["defaultActions"]],
        ],
      );
      assert.deepEqual(
        report.drifted[0].strayRules?.map((r) => [
          r.groupId,
          r.direction,
          r.protocol,
          r.fromPort,
          r.cidrIpv4,
        ]),
        [[fleetGroup, "ingress", "tcp", 22, "0.0.0.0/0"]],
      );

      const healed = await deployment.heal();
      assert.deepEqual(
        [healed.revokedRules?.length, healed.routerRestored, healed.from],
        [1, { blue: 100, green: 0 }, undefined],
      );
      const { SecurityGroups } = await client.send(
        new DescribeSecurityGroupsCommand({ GroupIds: [fleetGroup] }),
      );
      const ports = (SecurityGroups?.[0]?.IpPermissions ?? []).map((p) => p.FromPort);
      assert.deepEqual(ports, [8080], "only the app port from the load balancer is left");
      assert.deepEqual(await weights(), { blue: 100, green: 0 }, "the recorded weights are back");
      assert.deepEqual(await summary(), []);
    } finally {
      client.destroy();
      lb.destroy();
    }
  });

  it("the live fleet's auto scaling group deleted: same release on green, the traffic moved, blue destroyed", async () => {
    const [name] = (await groupOf("blue"))!;
    const client = autoscaling();
    try {
      await client.send(new DeleteAutoScalingGroupCommand({ AutoScalingGroupName: name, ForceDelete: true }));
    } finally {
      client.destroy();
    }
    assert.deepEqual(await summary(), [[stack("blue"), `${stack("blue")}-asg`, true]]);
    const healed = await deployment.heal();
    assert.deepEqual([healed.from, healed.to], ["blue", "green"]);
    assert.deepEqual(await weights(), { blue: 0, green: 100 });
    assert.ok(await groupOf("green"), "green has a fleet");
    assert.equal(await groupOf("blue"), undefined, "blue was destroyed");
    assert.deepEqual(await summary(), []);
  });

  it("the live fleet moved to another launch template version: replaced the same way", async () => {
    const [name, group] = (await groupOf("green"))!;
    const client = ec2();
    const scaling = autoscaling();
    try {
      const { LaunchTemplateVersion } = await client.send(
        new CreateLaunchTemplateVersionCommand({
          LaunchTemplateId: group.launchTemplateId,
          SourceVersion: group.version ?? "1",
          LaunchTemplateData: { InstanceType: "t3.large" },
        }),
      );
      await scaling.send(
        new UpdateAutoScalingGroupCommand({
          AutoScalingGroupName: name,
          LaunchTemplate: {
            LaunchTemplateId: group.launchTemplateId,
            Version: String(LaunchTemplateVersion?.VersionNumber),
          },
        }),
      );
    } finally {
      client.destroy();
      scaling.destroy();
    }
    const report = await deployment.drift();
    const moved = report.drifted.find((d) => d.type === "aws:autoscaling/group:Group");
    assert.deepEqual([moved?.stack, moved?.properties.includes("launchTemplate")], [stack("green"), true]);
    const healed = await deployment.heal();
    assert.deepEqual([healed.from, healed.to], ["green", "blue"]);
    assert.deepEqual(await weights(), { blue: 100, green: 0 });
    assert.equal(await groupOf("green"), undefined, "green was destroyed");
    assert.deepEqual(await summary(), []);
  });
});
