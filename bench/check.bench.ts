// `phoenix check` on a generated 20,000-resource stack export, against `JSON.parse` of the same file in
// the same process (reading it included on both sides). Target: ≤ 3×, with memory that stays bounded
// (nothing retained after the run, peak heap a small multiple of the parsed document).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "fs";
import { cpus, loadavg, tmpdir } from "os";
import { join } from "path";
import { setFlagsFromString } from "v8";
import { runInNewContext } from "vm";
import { memoryIo } from "../cli/io";
import { runCli } from "../cli/main";
import { launchTemplateIdentity, nameWithIdentity } from "../components/immutability/identity";

const RESOURCES = 20_000;
const ROUNDS = 5;

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "phoenix-check-bench-"));
  const file = join(dir, "export.json");
  try {
    // Written from a helper so the generated objects are garbage before anything is measured.
    writeExport(file, RESOURCES);
    const size = readFileSync(file).length;
    const gc = exposeGc();

    // Module loading (@pulumi/policy pulls in @pulumi/pulumi) is a fixed start-up cost, reported on its own.
    let t0 = performance.now();
    await Promise.all([
      import("../policies/offline"),
      import("../cli/check/load"),
      import("../cli/check/report"),
    ]);
    const loadMs = performance.now() - t0;
    // The first run in the process: every policy still cold for the JIT, as a one-shot `phoenix check` is.
    gc();
    t0 = performance.now();
    const firstParse = JSON.parse(readFileSync(file, "utf8")) as unknown;
    const coldParse = performance.now() - t0;
    void firstParse;
    gc();
    const first = memoryIo();
    t0 = performance.now();
    const code = await runCli(["check", file], first);
    const coldCheck = performance.now() - t0;
    const summary = first.out.trim().split("\n").pop();

    const parseMs: number[] = [];
    const checkMs: number[] = [];
    let parsedHeap = 0;
    let checkPeakHeap = 0;
    let retained = 0;
    for (let i = 0; i < ROUNDS; i++) {
      gc();
      const base = process.memoryUsage().heapUsed;
      let t = performance.now();
      const doc = JSON.parse(readFileSync(file, "utf8")) as unknown;
      parseMs.push(performance.now() - t);
      parsedHeap = Math.max(parsedHeap, process.memoryUsage().heapUsed - base);
      void doc;

      gc();
      const before = process.memoryUsage().heapUsed;
      t = performance.now();
      await runCli(["check", file], memoryIo());
      checkMs.push(performance.now() - t);
      checkPeakHeap = Math.max(checkPeakHeap, process.memoryUsage().heapUsed - before);
      gc();
      retained = Math.max(retained, process.memoryUsage().heapUsed - before);
    }
    const parse = Math.min(...parseMs);
    const check = Math.min(...checkMs);
    const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
    // Ratios drift on a busy machine (the JIT compiles on spare cores; JSON.parse needs none): say how busy.
    console.log(`machine: ${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} (1 min)`);
    console.log(`export: ${RESOURCES} resources, ${mb(size)}; phoenix check exit ${code}: ${summary}`);
    console.log(
      `loading the policy modules (once per process; under ts-node this includes compiling them): ${loadMs.toFixed(0)} ms`,
    );
    console.log(`JSON.parse (read + parse): best of ${ROUNDS} ${parse.toFixed(0)} ms`);
    console.log(
      `phoenix check (read, parse, all policies, text report): best of ${ROUNDS} ${check.toFixed(0)} ms`,
    );
    console.log(
      `check/JSON.parse ratio, warm (best of ${ROUNDS}): ${(check / parse).toFixed(2)}× (target ≤ 3×)`,
    );
    console.log(
      `check/JSON.parse ratio, first run (policies cold for the JIT): ${(coldCheck / coldParse).toFixed(2)}× ` +
        `(${coldCheck.toFixed(0)} ms vs ${coldParse.toFixed(0)} ms)`,
    );
    console.log(
      `memory: parsed document ${mb(parsedHeap)}; heap after check before GC ${mb(checkPeakHeap)}; ` +
        `retained after check ${mb(Math.max(0, retained))}; process max RSS ${mb(process.resourceUsage().maxRSS * 1024)}`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function writeExport(file: string, count: number): void {
  writeFileSync(
    file,
    JSON.stringify({ version: 3, deployment: { manifest: {}, resources: generateExport(count) } }),
  );
}

/** `global.gc`, made available without restarting node with --expose-gc. */
function exposeGc(): () => void {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
}

/**
 * A realistic mix, in groups of 20 resources per service: network pieces, security groups and rules
 * (one group in 25 admits SSH from the internet), IAM, a Phoenix launch template and auto scaling group
 * with their release identity (one in 40 mutated in place), target groups, alarms, buckets, and now and
 * then an instance with a key pair.
 */
export function generateExport(count: number): object[] {
  const stack = "bench-prod-blue";
  const urn = (type: string, name: string) => `urn:pulumi:${stack}::bench::${type}::${name}`;
  const resources: object[] = [
    {
      urn: urn("pulumi:pulumi:Stack", `bench-${stack}`),
      custom: false,
      type: "pulumi:pulumi:Stack",
      outputs: {},
    },
  ];
  const add = (
    type: string,
    name: string,
    inputs: Record<string, unknown>,
    outputs: Record<string, unknown> = {},
  ) =>
    resources.push({
      urn: urn(type, name),
      custom: true,
      id: `${name}-id`,
      type,
      inputs,
      outputs: { ...inputs, ...outputs, id: `${name}-id` },
      parent: resources[0] && (resources[0] as { urn: string }).urn,
      dependencies: [],
      created: "2026-11-20T10:00:00Z",
    });
  for (let g = 0; resources.length < count; g++) {
    const tags = { "phoenix:app": `svc${g}`, team: "platform", env: "prod" };
    for (let s = 0; s < 3; s++) {
      add("aws:ec2/subnet:Subnet", `svc${g}-subnet-${s}`, {
        vpcId: "vpc-1",
        cidrBlock: `10.${g % 250}.${s}.0/24`,
        tags,
      });
    }
    add("aws:ec2/routeTable:RouteTable", `svc${g}-rt`, {
      vpcId: "vpc-1",
      routes: [{ cidrBlock: "0.0.0.0/0", natGatewayId: "nat-1" }],
    });
    const ssh = g % 25 === 0;
    add("aws:ec2/securityGroup:SecurityGroup", `svc${g}-sg`, {
      vpcId: "vpc-1",
      description: `service ${g}`,
      ingress: [
        {
          protocol: "tcp",
          fromPort: 443,
          toPort: 443,
          cidrBlocks: ["0.0.0.0/0"],
          ipv6CidrBlocks: [],
          securityGroups: [],
          self: false,
        },
        ...(ssh ? [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] : []),
      ],
      egress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["0.0.0.0/0"] }],
      tags,
    });
    add("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", `svc${g}-from-alb`, {
      securityGroupId: `svc${g}-sg-id`,
      ipProtocol: "tcp",
      fromPort: 8080,
      toPort: 8080,
      referencedSecurityGroupId: "sg-alb",
    });
    add("aws:ec2/securityGroupRule:SecurityGroupRule", `svc${g}-egress`, {
      type: "egress",
      protocol: "-1",
      fromPort: 0,
      toPort: 0,
      cidrBlocks: ["0.0.0.0/0"],
      securityGroupId: `svc${g}-sg-id`,
    });
    add("aws:iam/role:Role", `svc${g}-role`, {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
      tags,
    });
    add("aws:iam/rolePolicyAttachment:RolePolicyAttachment", `svc${g}-ssm`, {
      role: `svc${g}-role`,
      policyArn: "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy",
    });
    add("aws:iam/instanceProfile:InstanceProfile", `svc${g}-profile`, { role: `svc${g}-role` });
    const template = {
      imageId: `ami-${(g % 4096).toString(16).padStart(17, "0")}`,
      instanceType: g % 3 ? "t3.small" : "m7g.large",
      userData: Buffer.from(`#!/bin/sh\nexec /usr/local/bin/svc${g}\n`).toString("base64"),
      iamInstanceProfile: { name: `svc${g}-profile` },
      vpcSecurityGroupIds: [`svc${g}-sg-id`],
      metadataOptions: { httpEndpoint: "enabled", httpTokens: "required", httpPutResponseHopLimit: 1 },
      blockDeviceMappings: [
        { deviceName: "/dev/xvda", ebs: { volumeSize: 20, volumeType: "gp3", encrypted: "true" } },
      ],
    };
    const identity = launchTemplateIdentity(template);
    const mutated = g % 40 === 7;
    const ltName = nameWithIdentity(`svc${g}-v1`, identity);
    add(
      "aws:ec2/launchTemplate:LaunchTemplate",
      `svc${g}-lt`,
      {
        ...template,
        ...(mutated ? { instanceType: "c7g.xlarge" } : {}),
        name: ltName,
        tags: { ...tags, "phoenix:identity": identity },
      },
      { arn: `arn:aws:ec2:eu-west-1:123:launch-template/svc${g}`, latestVersion: 1 },
    );
    add("aws:autoscaling/group:Group", `svc${g}-asg`, {
      name: nameWithIdentity(`svc${g}-v1`, identity, 255),
      minSize: 2,
      maxSize: 6,
      desiredCapacity: 2,
      healthCheckType: "ELB",
      targetGroupArns: [`arn:aws:elasticloadbalancing:eu-west-1:123:targetgroup/svc${g}/1`],
      vpcZoneIdentifiers: [`svc${g}-subnet-0-id`, `svc${g}-subnet-1-id`],
      launchTemplate: { name: ltName, version: "1" },
      tags: Object.entries({ ...tags, "phoenix:identity": identity }).map(([key, value]) => ({
        key,
        value,
        propagateAtLaunch: true,
      })),
    });
    add("aws:lb/targetGroup:TargetGroup", `svc${g}-tg`, {
      port: 8080,
      protocol: "HTTP",
      vpcId: "vpc-1",
      healthCheck: { path: "/health", matcher: "200" },
    });
    add("aws:cloudwatch/metricAlarm:MetricAlarm", `svc${g}-5xx`, {
      comparisonOperator: "GreaterThanThreshold",
      evaluationPeriods: 2,
      metricName: "HTTPCode_Target_5XX_Count",
      namespace: "AWS/ApplicationELB",
      period: 60,
      statistic: "Sum",
      threshold: 5,
    });
    add("aws:s3/bucketV2:BucketV2", `svc${g}-artifacts`, { bucket: `svc${g}-artifacts`, tags });
    add("aws:ssm/parameter:Parameter", `svc${g}-config`, {
      name: `/svc${g}/config`,
      type: "SecureString",
      value: {
        "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
        ciphertext: "v1:c2VjcmV0",
      },
    });
    add("aws:ec2/instance:Instance", `svc${g}-canary`, {
      ami: template.imageId,
      instanceType: "t3.micro",
      userDataReplaceOnChange: true,
      metadataOptions: { httpTokens: "required" },
      ...(g % 50 === 3 ? { keyName: "ops" } : {}),
    });
    add("aws:cloudwatch/logGroup:LogGroup", `svc${g}-logs`, { name: `/svc${g}`, retentionInDays: 30 });
  }
  return resources.slice(0, count);
}
