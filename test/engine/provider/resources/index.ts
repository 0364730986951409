// Every resource type the rig's aws provider serves, by token.
import type { ResourceType } from "../resourceType";
import { autoscalingGroup } from "./autoscalingGroup";
import { instanceProfile, role, rolePolicyAttachment } from "./iam";
import {
  component,
  distributionConfiguration,
  image,
  imagePipeline,
  imageRecipe,
  infrastructureConfiguration,
  lifecyclePolicy,
} from "./imageBuilder";
import { keyPair } from "./keyPair";
import { launchTemplate } from "./launchTemplate";
import { listener } from "./listener";
import { loadBalancer } from "./loadBalancer";
import { metricAlarm } from "./metricAlarm";
import { healthCheck, record } from "./route53";
import { securityGroup } from "./securityGroup";
import { securityGroupRule } from "./securityGroupRule";
import { securityGroupEgressRule, securityGroupIngressRule } from "./securityGroupRules";
import { targetGroup } from "./targetGroup";

const ALL: ResourceType[] = [
  securityGroup,
  securityGroupIngressRule,
  securityGroupEgressRule,
  securityGroupRule,
  keyPair,
  loadBalancer,
  targetGroup,
  listener,
  launchTemplate,
  autoscalingGroup,
  role,
  instanceProfile,
  rolePolicyAttachment,
  metricAlarm,
  component,
  distributionConfiguration,
  image,
  imagePipeline,
  imageRecipe,
  infrastructureConfiguration,
  lifecyclePolicy,
  record,
  healthCheck,
];

export const RESOURCE_TYPES: Readonly<Record<string, ResourceType>> = Object.fromEntries(
  ALL.map((t) => [t.token, t]),
);
