// Integration against a real AWS account: read-only calls only, nothing is created.
// - the CloudProbe's calls and IAM permissions (needs AWS credentials and a region);
// - a preview of the real network program with the real AWS provider and the Phoenix policy pack
//   (needs `pulumi` on PATH as well, and the network to fetch the aws plugin on first use).
// Each suite is skipped with its reason printed when what it needs is missing.
import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { createAwsCloudProbe } from "../../automation/aws/cloudProbe";
import { AlarmsNotFoundError, AutoScalingGroupNotFoundError } from "../../automation/aws/errors";
import { createLocalWorkspaceEngine } from "../../automation/localWorkspace";
import {
  awsUnavailableReason,
  REPO,
  removeThrowAwayProjects,
  requirePulumi,
  skipSuite,
  throwAwayProject,
} from "./support";

const unique = () => `phoenix-itest-${randomBytes(4).toString("hex")}`;

describe("integration: AWS CloudProbe against the account in the environment (read-only)", function () {
  this.timeout(60_000);

  before(function () {
    const reason = awsUnavailableReason();
    if (reason) skipSuite(this, `${reason} — configure AWS to run the AWS integration tests`);
  });

  it("reports alarm names CloudWatch does not know (DescribeAlarms permission)", async () => {
    const probe = createAwsCloudProbe();
    const name = unique();
    await assert.rejects(probe.alarmsInAlarm([name]), (error: unknown) => {
      assert.ok(error instanceof AlarmsNotFoundError, String(error));
      assert.deepStrictEqual(error.alarmNames, [name]);
      return true;
    });
  });

  it("reports an auto scaling group that does not exist (DescribeAutoScalingGroups permission)", async () => {
    const probe = createAwsCloudProbe();
    const name = unique();
    await assert.rejects(
      probe.desiredCapacity(name),
      (error: unknown) =>
        error instanceof AutoScalingGroupNotFoundError && error.autoScalingGroupName === name,
    );
  });
});

describe("integration: preview of the real network program on AWS with the Phoenix policy pack", function () {
  this.timeout(600_000);

  before(function () {
    requirePulumi(this);
    const reason = awsUnavailableReason();
    if (reason) skipSuite(this, `${reason} — a preview of the AWS programs needs AWS credentials`);
    // policies/package.json points the policy runtime at the compiled pack.
    if (!fs.existsSync(path.join(REPO, "policies", "bin", "policies", "index.js"))) {
      skipSuite(this, "the Phoenix policy pack is not compiled — run `npm run build` first");
    }
  });
  after(() => removeThrowAwayProjects());

  it("plans the VPC, ALB and target groups with no policy violation, and creates nothing", async () => {
    const engine = createLocalWorkspaceEngine({
      projectDir: throwAwayProject(),
      envVars: { PULUMI_CONFIG_PASSPHRASE: "phoenix-integration" },
    });
    const app = unique().slice(0, 20);
    const name = `${app}-it-network`;
    const stack = await engine.createOrSelectStack(name, "network");
    await stack.setAllConfig({
      "phoenix:role": { value: "network" },
      "phoenix:app": { value: app },
      "phoenix:env": { value: "it" },
      "aws:region": { value: process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "us-east-1" },
    });
    const events: EngineEvent[] = [];
    try {
      const preview = await stack.preview({ onEvent: (event) => events.push(event) });
      const types = new Set(events.map((event) => event.resourcePreEvent?.metadata.type).filter(Boolean));
      for (const type of [
        "aws:ec2/vpc:Vpc",
        "aws:lb/loadBalancer:LoadBalancer",
        "aws:lb/targetGroup:TargetGroup",
      ]) {
        assert.ok(types.has(type), `the preview plans a ${type}`);
      }
      assert.ok((preview.changeSummary.create ?? 0) > 10, JSON.stringify(preview.changeSummary));
      const violations = events.filter((event) => event.policyEvent?.enforcementLevel === "mandatory");
      assert.deepStrictEqual(violations, [], "the network stack passes the mandatory Phoenix policies");
    } finally {
      await engine.removeStack(name);
    }
  });
});
