// Resource type tokens and the typed-validation helpers the policies use.
//
// The pack never imports `@pulumi/aws`: loading it costs seconds on every `pulumi preview`, and a policy
// only needs the type token to pick its resources. Validations carry the token as `__pulumiType`, which
// the engine's fast type filter reads.
import type { ResourceValidation, ResourceValidationArgs, ReportViolation } from "@pulumi/policy";

/** The AWS type tokens the policies look at. */
export const AWS = {
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  launchConfiguration: "aws:ec2/launchConfiguration:LaunchConfiguration",
  instance: "aws:ec2/instance:Instance",
  spotInstanceRequest: "aws:ec2/spotInstanceRequest:SpotInstanceRequest",
  spotFleetRequest: "aws:ec2/spotFleetRequest:SpotFleetRequest",
  keyPair: "aws:ec2/keyPair:KeyPair",
  autoScalingGroup: "aws:autoscaling/group:Group",
  ssmAssociation: "aws:ssm/association:Association",
  patchBaseline: "aws:ssm/patchBaseline:PatchBaseline",
  defaultPatchBaseline: "aws:ssm/defaultPatchBaseline:DefaultPatchBaseline",
  patchGroup: "aws:ssm/patchGroup:PatchGroup",
  maintenanceWindowTask: "aws:ssm/maintenanceWindowTask:MaintenanceWindowTask",
  instanceConnectEndpoint: "aws:ec2transitgateway/instanceConnectEndpoint:InstanceConnectEndpoint",
  serialConsoleAccess: "aws:ec2/serialConsoleAccess:SerialConsoleAccess",
  iamRole: "aws:iam/role:Role",
  iamPolicy: "aws:iam/policy:Policy",
  iamRolePolicy: "aws:iam/rolePolicy:RolePolicy",
  iamRolePolicyAttachment: "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
  iamPolicyAttachment: "aws:iam/policyAttachment:PolicyAttachment",
  iamRolePolicyAttachmentsExclusive: "aws:iam/rolePolicyAttachmentsExclusive:RolePolicyAttachmentsExclusive",
  iamInstanceProfile: "aws:iam/instanceProfile:InstanceProfile",
  imageBuilderInfrastructure: "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration",
  eksNodeGroup: "aws:eks/nodeGroup:NodeGroup",
  defaultSecurityGroup: "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
  gameLiftFleet: "aws:gamelift/fleet:Fleet",
  lightsailInstance: "aws:lightsail/instance:Instance",
  lightsailPublicPorts: "aws:lightsail/instancePublicPorts:InstancePublicPorts",
  batchComputeEnvironment: "aws:batch/computeEnvironment:ComputeEnvironment",
  emrCluster: "aws:emr/cluster:Cluster",
} as const;
export type AwsType = (typeof AWS)[keyof typeof AWS];

/** What messages call each resource type: "<Resource> must …". */
const LABELS: Record<string, string> = {
  [AWS.securityGroup]: "Security group",
  [AWS.securityGroupRule]: "Security group rule",
  [AWS.securityGroupIngressRule]: "Security group ingress rule",
  [AWS.launchTemplate]: "Launch template",
  [AWS.launchConfiguration]: "Launch configuration",
  [AWS.instance]: "Instance",
  [AWS.spotInstanceRequest]: "Spot instance request",
  [AWS.spotFleetRequest]: "Spot fleet request",
  [AWS.keyPair]: "Key pair",
  [AWS.autoScalingGroup]: "Auto scaling group",
  [AWS.ssmAssociation]: "SSM association",
  [AWS.patchBaseline]: "Patch baseline",
  [AWS.defaultPatchBaseline]: "Default patch baseline",
  [AWS.patchGroup]: "Patch group",
  [AWS.maintenanceWindowTask]: "Maintenance window task",
  [AWS.instanceConnectEndpoint]: "EC2 Instance Connect endpoint",
  [AWS.serialConsoleAccess]: "Serial console access",
  [AWS.iamRole]: "Role",
  [AWS.iamPolicy]: "IAM policy",
  [AWS.iamRolePolicy]: "Role policy",
  [AWS.iamRolePolicyAttachment]: "Role policy attachment",
  [AWS.iamPolicyAttachment]: "Policy attachment",
  [AWS.iamRolePolicyAttachmentsExclusive]: "Role policy attachments",
  [AWS.iamInstanceProfile]: "Instance profile",
  [AWS.imageBuilderInfrastructure]: "Image Builder infrastructure configuration",
  [AWS.eksNodeGroup]: "EKS node group",
  [AWS.defaultSecurityGroup]: "Default security group",
  [AWS.gameLiftFleet]: "GameLift fleet",
  [AWS.lightsailInstance]: "Lightsail instance",
  [AWS.lightsailPublicPorts]: "Lightsail public ports",
  [AWS.batchComputeEnvironment]: "Batch compute environment",
  [AWS.emrCluster]: "EMR cluster",
};

/** `Launch template "web-lt"`: how a message names the resource it is about. */
export function describeResource(type: string, name: string): string {
  return `${LABELS[type] ?? `Resource of type ${type}`} "${name}"`;
}

export type TypedValidation<TProps> = (
  props: TProps,
  args: ResourceValidationArgs,
  reportViolation: ReportViolation,
) => void;

/**
 * One validation for a list of tokens, with the contract of the SDK's `validateResourceOfType`: it runs
 * only on those types and calls `notApplicable` otherwise; with one token it carries `__pulumiType`, so the
 * SDK skips other types without calling it (see `byType` for why never a list of functions). Written here rather than imported: importing a value from
 * `@pulumi/policy` loads its gRPC server and `@pulumi/pulumi` (a second or more), which `phoenix check`
 * never needs; the pack's index pays that once anyway.
 */
export function validateTypes<TProps>(
  tokens: readonly string[],
  validate: TypedValidation<TProps>,
): ResourceValidation {
  const types = new Set(tokens);
  const validation: ResourceValidation = (args, reportViolation) => {
    if (types.has(args.type)) return validate(args.props as TProps, args, reportViolation);
    args.notApplicable(notApplicableReason(tokens));
  };
  return withTypes(validation, tokens);
}

/**
 * One validation made of several, each run on its own types. One function per policy, not a list: the SDK
 * deserialises a resource's properties once per validation function it calls (@pulumi/policy server.js,
 * the Analyze loop), and skips a policy without calling it only when its one function has a single
 * `__pulumiType` — a list of per-type functions costs a deserialisation per type on every resource.
 */
export function byType(...parts: ResourceValidation[]): ResourceValidation {
  const tokens = parts.flatMap(typesOf);
  // The parts for each type, found once: this runs on every resource of those types.
  const partsOf = new Map<string, ResourceValidation[]>();
  for (const part of parts)
    for (const token of typesOf(part)) partsOf.set(token, [...(partsOf.get(token) ?? []), part]);
  const validation: ResourceValidation = (args, reportViolation) => {
    const matching = partsOf.get(args.type);
    if (matching === undefined) return args.notApplicable(notApplicableReason(tokens));
    // Indexed: `phoenix check` runs this cold on every resource of these types.
    for (let p = 0; p < matching.length; p++) void matching[p](args, reportViolation);
  };
  return withTypes(validation, tokens);
}

function notApplicableReason(tokens: readonly string[]): string {
  return tokens.length === 1
    ? `Policy only applies to resources of type '${tokens[0]}'`
    : `Policy only applies to resources of types ${tokens.map((t) => `'${t}'`).join(", ")}`;
}

/** Mark a validation with the types it judges: `__pulumiType` for the SDK's fast filter when there is one. */
function withTypes(validation: ResourceValidation, tokens: readonly string[]): ResourceValidation {
  return Object.assign(validation, {
    __phoenixTypes: [...tokens],
    ...(tokens.length === 1 ? { __pulumiType: tokens[0] } : {}),
  });
}

/** The types a validation judges: Phoenix's list, or the SDK's single `__pulumiType`; none for any type. */
export function typesOf(fn: unknown): string[] {
  const listed = (fn as { __phoenixTypes?: unknown } | undefined)?.__phoenixTypes;
  if (Array.isArray(listed)) return listed as string[];
  const token = pulumiTypeOf(fn);
  return token ? [token] : [];
}

/** The `__pulumiType` a validation or remediation was built for, if any (same rule as the SDK's). */
export function pulumiTypeOf(fn: unknown): string | undefined {
  const token = (fn as { __pulumiType?: unknown } | undefined)?.__pulumiType;
  return typeof token === "string" && token.length > 0 ? token : undefined;
}
