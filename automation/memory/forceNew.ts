// Which input changes replace a resource instead of updating it: exactly the properties the Terraform AWS
// provider (which pulumi-aws bridges) marks ForceNew / RequiresReplace, in Pulumi's camelCase. Each row names
// the schema it was read from in hashicorp/terraform-provider-aws (path @ the commit read). Nested ForceNew
// attributes sit under top-level ones that are ForceNew themselves, so top-level names suffice here.
// One table for every double of the engine (issue 7, "diffs use the same ForceNew table"): the rig's test `aws`
// provider (test/engine/provider/diff.ts) and MemoryEngine's diff (automation/memory/fakePrograms.ts
// REPLACE_KEYS). It lives with the product because MemoryEngine ships in it and must not import from test/;
// test/automation/realPrograms.test.ts checks that every type the real programs create has a row.

export interface ForceNewRow {
  readonly replaceOn: readonly string[];
  readonly source: string;
}

export const FORCE_NEW: Readonly<Record<string, ForceNewRow>> = {
  "aws:ec2/securityGroup:SecurityGroup": {
    replaceOn: ["description", "name", "namePrefix", "vpcId"],
    source: "internal/service/ec2/vpc_security_group.go @01606926 (resourceSecurityGroup schema)",
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    // security_group_id: RequiresReplace; ModifyPlan also replaces when the source kind changes
    // (cidr_ipv4 / cidr_ipv6 / prefix_list_id / referenced_security_group_id): RULE_SOURCE_KINDS, diff.ts.
    replaceOn: ["securityGroupId"],
    source: "internal/service/ec2/vpc_security_group_ingress_rule.go @00a32209 (GetSchema, ModifyPlan)",
  },
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": {
    replaceOn: ["securityGroupId"],
    source:
      "internal/service/ec2/vpc_security_group_egress_rule.go @050ac111 (embeds resourceSecurityGroupRule, " +
      "whose schema and ModifyPlan are in vpc_security_group_ingress_rule.go)",
  },
  "aws:ec2/securityGroupRule:SecurityGroupRule": {
    // Not in Phoenix's programs; served for the engine suite's policy tests. Only `description` updates.
    replaceOn: [
      "cidrBlocks",
      "fromPort",
      "ipv6CidrBlocks",
      "prefixListIds",
      "protocol",
      "securityGroupId",
      "self",
      "sourceSecurityGroupId",
      "toPort",
      "type",
    ],
    source: "internal/service/ec2/vpc_security_group_rule.go @0d90774d (ResourceSecurityGroupRule schema)",
  },
  "aws:ec2/keyPair:KeyPair": {
    // Not in Phoenix's programs; served for the engine suite's policy tests. Update: tags only.
    replaceOn: ["keyName", "keyNamePrefix", "publicKey"],
    source: "internal/service/ec2/ec2_key_pair.go @05bc9541 (resourceKeyPair schema)",
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    replaceOn: ["customerOwnedIpv4Pool", "internal", "loadBalancerType", "name", "namePrefix"],
    source: "internal/service/elbv2/load_balancer.go @00edc94b (resourceLoadBalancer schema)",
  },
  "aws:lb/targetGroup:TargetGroup": {
    replaceOn: [
      "ipAddressType",
      "name",
      "namePrefix",
      "port",
      "protocol",
      "protocolVersion",
      "targetType",
      "vpcId",
    ],
    source: "internal/service/elbv2/target_group.go @013cfb4c (resourceTargetGroup schema)",
  },
  "aws:lb/listener:Listener": {
    replaceOn: ["loadBalancerArn"],
    source: "internal/service/elbv2/listener.go @01c08000 (ResourceListener schema)",
  },
  "aws:route53/record:Record": {
    // set_identifier and type are not ForceNew: Update deletes the old record set and creates the new one in
    // one change batch. Weights, alias and health check id update in place (an UPSERT).
    replaceOn: ["name", "zoneId"],
    source: "internal/service/route53/record.go @6f9f4734 (resourceRecord schema, resourceRecordUpdate)",
  },
  "aws:route53/healthCheck:HealthCheck": {
    replaceOn: ["measureLatency", "referenceName", "requestInterval", "routingControlArn", "type"],
    source: "internal/service/route53/health_check.go @21d93134 (ResourceHealthCheck schema)",
  },
  "aws:ec2/launchTemplate:LaunchTemplate": {
    // Every other change creates a new version of the same template.
    replaceOn: ["name", "namePrefix"],
    source: "internal/service/ec2/ec2_launch_template.go @025e4f81 (ResourceLaunchTemplate schema)",
  },
  "aws:autoscaling/group:Group": {
    replaceOn: ["initialLifecycleHooks", "name", "namePrefix"],
    source: "internal/service/autoscaling/group.go @00a919d1 (resourceGroup schema)",
  },
  "aws:iam/role:Role": {
    replaceOn: ["name", "namePrefix", "path"],
    source: "internal/service/iam/role.go @0040ea69 (ResourceRole schema)",
  },
  "aws:iam/instanceProfile:InstanceProfile": {
    replaceOn: ["name", "namePrefix", "path"],
    source: "internal/service/iam/instance_profile.go @013f1736 (resourceInstanceProfile schema)",
  },
  "aws:iam/rolePolicyAttachment:RolePolicyAttachment": {
    replaceOn: ["role", "policyArn"],
    source: "internal/service/iam/role_policy_attachment.go @04c79849 (no Update: both attributes ForceNew)",
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    // alarm_name is `name` in pulumi-aws.
    replaceOn: ["name"],
    source: "internal/service/cloudwatch/metric_alarm.go @055611a6 (alarm_name ForceNew)",
  },
  "aws:imagebuilder/component:Component": {
    replaceOn: [
      "changeDescription",
      "data",
      "description",
      "kmsKeyId",
      "name",
      "platform",
      "supportedOsVersions",
      "uri",
      "version",
    ],
    source: "internal/service/imagebuilder/component.go @0f6d88e5 (Update: tags only)",
  },
  "aws:imagebuilder/imageRecipe:ImageRecipe": {
    replaceOn: [
      "amiTags",
      "blockDeviceMappings",
      "components",
      "description",
      "name",
      "parentImage",
      "systemsManagerAgent",
      "userDataBase64",
      "version",
      "workingDirectory",
    ],
    source: "internal/service/imagebuilder/image_recipe.go @011bc416 (Update: tags only)",
  },
  "aws:imagebuilder/image:Image": {
    replaceOn: [
      "containerRecipeArn",
      "distributionConfigurationArn",
      "enhancedImageMetadataEnabled",
      "imageRecipeArn",
      "imageTestsConfiguration",
      "infrastructureConfigurationArn",
    ],
    source: "internal/service/imagebuilder/image.go @050ac111 (Update: tags only)",
  },
  "aws:imagebuilder/infrastructureConfiguration:InfrastructureConfiguration": {
    replaceOn: ["name"],
    source: "internal/service/imagebuilder/infrastructure_configuration.go @00a35305",
  },
  "aws:imagebuilder/imagePipeline:ImagePipeline": {
    replaceOn: ["name"],
    source: "internal/service/imagebuilder/image_pipeline.go @011bc416",
  },
  "aws:imagebuilder/distributionConfiguration:DistributionConfiguration": {
    replaceOn: ["name"],
    source: "internal/service/imagebuilder/distribution_configuration.go @05da6ddd",
  },
  "aws:imagebuilder/lifecyclePolicy:LifecyclePolicy": {
    replaceOn: ["name"],
    source: "internal/service/imagebuilder/lifecycle_policy.go @05488691 (framework: name RequiresReplace)",
  },
};

/** Rules replace when the kind of their source changes (ModifyPlan in vpc_security_group_ingress_rule.go). */
export const RULE_SOURCE_KINDS = [
  "cidrIpv4",
  "cidrIpv6",
  "prefixListId",
  "referencedSecurityGroupId",
] as const;

function sourceKind(props: Record<string, unknown>): string | undefined {
  return RULE_SOURCE_KINDS.find((k) => props[k] !== undefined && props[k] !== null && props[k] !== "");
}

/**
 * The inputs whose change replaces a resource of `type` going from `olds` to `news`: its ForceNew row, and for
 * a security group rule its source keys when the kind of source changes (ModifyPlan in
 * vpc_security_group_ingress_rule.go). Unknown types have none: they update in place.
 */
export function replaceOnKeys(
  type: string,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): string[] {
  const keys = [...(FORCE_NEW[type]?.replaceOn ?? [])];
  if (type.startsWith("aws:vpc/securityGroup") && sourceKind(olds) !== sourceKind(news)) {
    for (const key of RULE_SOURCE_KINDS)
      if (olds[key] !== undefined || news[key] !== undefined) keys.push(key);
  }
  return keys;
}
