// A fake AWS for Pulumi's mock runtime: realistic, deterministic ids and ARNs for the resources Phoenix
// creates, answers for the few data-source invokes its programs make, and `Mock not implemented: <token>`
// for any other invoke (a silent default would hide a program that needs the cloud to plan).
import { createHash } from "crypto";
import type { MockCallArgs, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime";

export const FAKE_ACCOUNT = "123456789012";
export const FAKE_REGION = "us-east-1";
export const FAKE_PARTITION = "aws";

/** Deterministic hex of `length` characters for a seed: the same plan prints the same ids every time. */
function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

function arn(service: string, resource: string, region = FAKE_REGION): string {
  return `arn:${FAKE_PARTITION}:${service}:${region}:${FAKE_ACCOUNT}:${resource}`;
}

/** Physical name: the explicit `name` input, else the logical name plus a random-looking suffix like Pulumi's. */
function physicalName(args: MockResourceArgs, maxLength = 255): string {
  const explicit = args.inputs.name;
  if (typeof explicit === "string" && explicit.length > 0) return explicit;
  const prefix = typeof args.inputs.namePrefix === "string" ? args.inputs.namePrefix : `${args.name}-`;
  return `${prefix}${hex(args.name, 7)}`.slice(0, maxLength);
}

/** The regions of each distribution configuration planned so far, by ARN (the Image's AMIs follow them). */
const distributionRegions = new Map<string, string[]>();

type StateFactory = (args: MockResourceArgs, seed: string) => { id: string; state: Record<string, unknown> };

/** Per resource type: the id AWS would return and the computed outputs Phoenix reads. */
const RESOURCE_FACTORIES: Record<string, StateFactory> = {
  "aws:ec2/vpc:Vpc": (_a, s) => ({ id: `vpc-${hex(s, 17)}`, state: {} }),
  "aws:ec2/subnet:Subnet": (_a, s) => ({ id: `subnet-${hex(s, 17)}`, state: {} }),
  "aws:ec2/securityGroup:SecurityGroup": (a, s) => {
    const id = `sg-${hex(s, 17)}`;
    return { id, state: { name: physicalName(a), arn: arn("ec2", `security-group/${id}`) } };
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": (_a, s) => ({
    id: `sgr-${hex(s, 17)}`,
    state: {},
  }),
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": (_a, s) => ({
    id: `sgr-${hex(s, 17)}`,
    state: {},
  }),
  "aws:ec2/securityGroupRule:SecurityGroupRule": (_a, s) => ({ id: `sgrule-${hex(s, 10)}`, state: {} }),
  "aws:ec2/launchTemplate:LaunchTemplate": (a, s) => {
    const id = `lt-${hex(s, 17)}`;
    return {
      id,
      state: {
        name: physicalName(a, 128),
        arn: arn("ec2", `launch-template/${id}`),
        latestVersion: 1,
        defaultVersion: 1,
      },
    };
  },
  "aws:autoscaling/group:Group": (a) => {
    const name = physicalName(a);
    return {
      id: name,
      state: {
        name,
        arn: arn(
          "autoscaling",
          `autoScalingGroup:${hex(name, 8)}-${hex(name + "1", 4)}:autoScalingGroupName/${name}`,
        ),
      },
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (a, s) => {
    const name = physicalName(a, 32);
    const suffix = `app/${name}/${hex(s, 16)}`;
    return {
      id: arn("elasticloadbalancing", `loadbalancer/${suffix}`),
      state: {
        name,
        arn: arn("elasticloadbalancing", `loadbalancer/${suffix}`),
        arnSuffix: suffix,
        dnsName: `${name}-${parseInt(hex(s, 8), 16)}.${FAKE_REGION}.elb.amazonaws.com`,
        zoneId: "Z35SXDOTRQ7X7K",
      },
    };
  },
  "aws:lb/targetGroup:TargetGroup": (a, s) => {
    const name = physicalName(a, 32);
    const suffix = `targetgroup/${name}/${hex(s, 16)}`;
    return {
      id: arn("elasticloadbalancing", suffix),
      state: { name, arn: arn("elasticloadbalancing", suffix), arnSuffix: suffix },
    };
  },
  "aws:lb/listener:Listener": (_a, s) => {
    const listenerArn = arn("elasticloadbalancing", `listener/app/alb/${hex(s, 16)}/${hex(s + "l", 16)}`);
    return { id: listenerArn, state: { arn: listenerArn } };
  },
  "aws:route53/healthCheck:HealthCheck": (_a, s) => {
    const id = `${hex(s, 8)}-${hex(s + "1", 4)}-${hex(s + "2", 4)}-${hex(s + "3", 4)}-${hex(s + "4", 12)}`;
    return { id, state: { arn: `arn:${FAKE_PARTITION}:route53:::healthcheck/${id}` } };
  },
  // The Terraform provider's id: zone, name, type and set identifier joined by "_".
  "aws:route53/record:Record": (a) => {
    const name = String(a.inputs.name ?? a.name).toLowerCase();
    const parts = [a.inputs.zoneId, name, a.inputs.type, a.inputs.setIdentifier].filter(
      (p) => p !== undefined && p !== "",
    );
    return { id: parts.join("_"), state: { fqdn: name } };
  },
  "aws:iam/role:Role": (a, s) => {
    const name = physicalName(a, 64);
    return {
      id: name,
      state: { name, arn: arn("iam", `role/${name}`, ""), uniqueId: `AROA${hex(s, 17).toUpperCase()}` },
    };
  },
  "aws:iam/instanceProfile:InstanceProfile": (a) => {
    const name = physicalName(a, 128);
    return { id: name, state: { name, arn: arn("iam", `instance-profile/${name}`, "") } };
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": (a) => ({
    id: `${a.inputs.role}-${hex(a.name, 8)}`,
    state: {},
  }),
  "aws:iam/rolePolicy:RolePolicy": (a) => ({ id: `${a.inputs.role}:${physicalName(a)}`, state: {} }),
  "aws:imagebuilder/component:Component": (a) => {
    const name = physicalName(a);
    return {
      id: arn("imagebuilder", `component/${name}/${a.inputs.version ?? "1.0.0"}/1`),
      state: { arn: arn("imagebuilder", `component/${name}/${a.inputs.version ?? "1.0.0"}/1`) },
    };
  },
  "aws:imagebuilder/imageRecipe:ImageRecipe": (a) => {
    const r = arn("imagebuilder", `image-recipe/${physicalName(a)}/${a.inputs.version ?? "1.0.0"}`);
    return { id: r, state: { arn: r } };
  },
  "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": (a) => {
    const r = arn("imagebuilder", `infrastructure-configuration/${physicalName(a)}`);
    return { id: r, state: { arn: r } };
  },
  "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": (a) => {
    const r = arn("imagebuilder", `distribution-configuration/${physicalName(a)}`);
    const regions = ((a.inputs.distributions ?? []) as { region?: string }[]).flatMap((d) =>
      d.region ? [d.region] : [],
    );
    distributionRegions.set(r, regions);
    return { id: r, state: { arn: r } };
  },
  // One AMI per region of its distribution configuration, as Image Builder distributes them.
  "aws:imagebuilder/image:Image": (a, s) => {
    const r = arn("imagebuilder", `image/${a.name}/1.0.0/1`);
    const regions = distributionRegions.get(String(a.inputs.distributionConfigurationArn)) ?? [];
    const amis = (regions.length > 0 ? regions : [FAKE_REGION]).map((region) => ({
      image: `ami-${hex(region === FAKE_REGION ? s : `${s}/${region}`, 17)}`,
      region,
      accountId: FAKE_ACCOUNT,
    }));
    return { id: r, state: { arn: r, outputResources: [{ amis }] } };
  },
  "aws:imagebuilder/imagePipeline:ImagePipeline": (a) => {
    const r = arn("imagebuilder", `image-pipeline/${physicalName(a)}`);
    return { id: r, state: { arn: r } };
  },
  "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy": (a) => {
    const r = arn("imagebuilder", `lifecycle-policy/${physicalName(a)}`);
    return { id: r, state: { arn: r } };
  },
  // awsx components are remote (multi-language): under mocks they register as one resource, no children.
  "awsx:ec2:Vpc": (_a, s) => {
    const subnets = (kind: string) => [0, 1].map((az) => `subnet-${hex(`${s}/${kind}/${az}`, 17)}`);
    const vpcId = `vpc-${hex(s, 17)}`;
    return {
      id: vpcId,
      state: {
        vpcId,
        publicSubnetIds: subnets("public"),
        privateSubnetIds: subnets("private"),
        isolatedSubnetIds: [],
      },
    };
  },
};

/** Answers for the data sources (invokes) Phoenix's components and programs call. */
const INVOKES: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>> = {
  "aws:index/getRegion:getRegion": () => ({ name: FAKE_REGION, region: FAKE_REGION, id: FAKE_REGION }),
  "aws:index/getCallerIdentity:getCallerIdentity": () => ({
    accountId: FAKE_ACCOUNT,
    arn: `arn:aws:iam::${FAKE_ACCOUNT}:user/phoenix`,
    userId: "AIDAPHOENIXOFFLINE",
    id: FAKE_ACCOUNT,
  }),
  "aws:index/getPartition:getPartition": () => ({
    partition: FAKE_PARTITION,
    dnsSuffix: "amazonaws.com",
    id: FAKE_PARTITION,
  }),
  "aws:index/getAvailabilityZones:getAvailabilityZones": () => ({
    names: ["us-east-1a", "us-east-1b", "us-east-1c"],
    zoneIds: ["use1-az1", "use1-az2", "use1-az4"],
    id: FAKE_REGION,
  }),
  "aws:iam/getPolicyDocument:getPolicyDocument": (inputs) => ({
    json: JSON.stringify(policyDocument(inputs)),
    id: "policy",
  }),
};

function policyDocument(inputs: Record<string, unknown>): Record<string, unknown> {
  return { Version: "2012-10-17", Statement: inputs.statements ?? [] };
}

/** The outputs a StackReference resolves to, by fully qualified stack name; filled by the planner. */
export type StackOutputsLookup = (stackName: string) => Record<string, unknown> | undefined;

/** Mocks for `pulumi.runtime.setMocks`, answering from the fake cloud. */
export function fakeCloudMocks(lookupStack: StackOutputsLookup = () => undefined) {
  return {
    newResource(args: MockResourceArgs): MockResourceResult {
      if (args.type === "pulumi:pulumi:StackReference") {
        const name = String(args.inputs.name);
        const outputs = lookupStack(name);
        if (!outputs) throw new Error(`StackReference "${name}": no such stack in this plan`);
        return { id: name, state: { name, outputs, secretOutputNames: [] } };
      }
      const factory = RESOURCE_FACTORIES[args.type];
      const seed = `${args.type}::${args.name}`;
      const made = factory ? factory(args, seed) : { id: `${args.name}-${hex(seed, 8)}`, state: {} };
      return { id: made.id, state: { ...args.inputs, ...made.state } };
    },
    call(args: MockCallArgs): Record<string, unknown> {
      const answer = INVOKES[args.token];
      if (!answer) throw new Error(`Mock not implemented: ${args.token}`);
      return answer(args.inputs);
    },
  };
}
