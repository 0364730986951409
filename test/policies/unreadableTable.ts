// The rows of the unreadable-value table (unreadable.test.ts): per policy, a resource, and for each input
// made unreadable in turn the verdict expected when it is unknown (preview) and when it is an encrypted
// secret (`phoenix check` on an export). A verdict is decided whenever it does not depend on the value.
import { TEMPLATE, TEMPLATE_NAME } from "./pinnedTemplate";
import { AWS } from "../../policies/lib/types";

export type Expected = "pass" | "violation" | "undecided";

export interface Row {
  /** Where the value is made unreadable: `a.b[0].c`; in a stack case, `<resource index>:<path>`. */
  path: string;
  unknown: Expected;
  secret: Expected;
  /** Policy properties for this row (over the case's). */
  config?: Record<string, unknown>;
}

export interface Case {
  policy: string;
  /** What the resource is, for the test's title. */
  title: string;
  type: string;
  props: Record<string, unknown>;
  /** Further resources (stack policies); `props` is resource 0. */
  others?: Array<{ type: string; props: Record<string, unknown> }>;
  config?: Record<string, unknown>;
  /** The verdict with every value readable. */
  baseline: Expected;
  rows: Row[];
}

const GROUP = {
  name: TEMPLATE_NAME,
  launchTemplate: { name: TEMPLATE_NAME, version: "1" },
  targetGroupArns: ["arn:tg"],
  healthCheckType: "ELB",
  tags: [
    { key: "phoenix:app", value: "shop" },
    { key: "team", value: "web" },
  ],
};
const SSH = { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] };
const PRIVATE = { "no-ssh-access": { allowPrivateSources: true } };

const EC2_TRUST = JSON.stringify({
  Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
});
const SSM_CORE = "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore";

const same = (verdict: Expected) => ({ unknown: verdict, secret: verdict });

export const CASES: Case[] = [
  {
    policy: "no-ssh-access",
    title: "a security group admitting SSH from the internet",
    type: AWS.securityGroup,
    props: { ingress: [SSH], tags: { team: "web" } },
    baseline: "violation",
    rows: [
      // By default every source is a violation: which source it is doesn't matter.
      { path: "ingress[0].cidrBlocks[0]", ...same("violation") },
      { path: "tags.team", ...same("violation") },
      // A list that can't be read may be empty; so may the rule's ports and protocol admit 22 or not.
      { path: "ingress[0].cidrBlocks", ...same("undecided") },
      { path: "ingress[0].fromPort", ...same("undecided") },
      { path: "ingress[0].protocol", ...same("undecided") },
      { path: "ingress[0]", ...same("undecided") },
      { path: "ingress", ...same("undecided") },
      // With private sources allowed, the verdict depends on the CIDR.
      { path: "ingress[0].cidrBlocks[0]", ...same("undecided"), config: PRIVATE["no-ssh-access"] },
    ],
  },
  {
    policy: "no-ssh-access",
    title: "a security group with an all-protocols rule and an HTTPS rule",
    type: AWS.securityGroup,
    props: {
      ingress: [
        { protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] },
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
      ],
    },
    baseline: "violation",
    rows: [
      // Protocol -1 admits every port whatever the port fields say.
      { path: "ingress[0].fromPort", ...same("violation") },
      // One rule decides; the other can't be read.
      { path: "ingress[1]", ...same("violation") },
      { path: "ingress[1].cidrBlocks[0]", ...same("violation") },
    ],
  },
  {
    policy: "no-ssh-access",
    title: "a security group admitting HTTPS, and SSH from a private range (private sources allowed)",
    type: AWS.securityGroup,
    config: PRIVATE["no-ssh-access"],
    props: {
      ingress: [
        { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 10, toPort: 21, cidrBlocks: ["0.0.0.0/0"] },
        { ...SSH, cidrBlocks: ["10.0.0.0/8"], securityGroups: ["sg-1"] },
      ],
    },
    baseline: "pass",
    rows: [
      { path: "ingress[0].cidrBlocks[0]", ...same("pass") }, // port 443 is not a remote-access port
      { path: "ingress[1].fromPort", ...same("pass") }, // ..21 admits neither 22 nor 3389 whatever the start
      { path: "ingress[0].toPort", ...same("undecided") }, // 443..? may reach 3389
      { path: "ingress[2].securityGroups[0]", ...same("pass") }, // allowed whatever the group
      { path: "ingress[2].cidrBlocks[0]", ...same("undecided") },
    ],
  },
  {
    policy: "no-ssh-access",
    title: "a VPC ingress rule admitting SSH",
    type: AWS.securityGroupIngressRule,
    props: { ipProtocol: "tcp", fromPort: 22, toPort: 22, cidrIpv4: "0.0.0.0/0", securityGroupId: "sg-1" },
    baseline: "violation",
    rows: [
      // One source field: encrypted, it is set; unknown, it may be unset.
      { path: "cidrIpv4", unknown: "undecided", secret: "violation" },
      { path: "securityGroupId", ...same("violation") },
      { path: "ipProtocol", ...same("undecided") },
    ],
  },
  {
    policy: "no-key-pairs",
    title: "an instance with a key pair",
    type: AWS.instance,
    props: { ami: "ami-1", instanceType: "t3.micro", keyName: "ops" },
    baseline: "violation",
    rows: [
      { path: "keyName", unknown: "undecided", secret: "violation" },
      { path: "ami", ...same("violation") },
    ],
  },
  {
    policy: "no-key-pairs",
    title: "a spot fleet request with a key pair in its second launch specification",
    type: AWS.spotFleetRequest,
    props: { launchSpecifications: [{ ami: "ami-1" }, { ami: "ami-1", keyName: "ops" }] },
    baseline: "violation",
    rows: [
      { path: "launchSpecifications[1].keyName", unknown: "undecided", secret: "violation" },
      { path: "launchSpecifications[0]", ...same("violation") },
      { path: "launchSpecifications", ...same("undecided") },
    ],
  },
  {
    policy: "no-key-pairs",
    title: "a key pair resource",
    type: AWS.keyPair,
    props: { publicKey: "ssh-ed25519 AAAA" },
    baseline: "violation",
    rows: [{ path: "publicKey", ...same("violation") }],
  },
  {
    policy: "imdsv2-required",
    title: "a launch template requiring IMDSv2",
    type: AWS.launchTemplate,
    props: { ...TEMPLATE, metadataOptions: { httpTokens: "required", httpEndpoint: "enabled" } },
    baseline: "pass",
    rows: [
      { path: "metadataOptions.httpTokens", ...same("undecided") },
      { path: "metadataOptions.httpEndpoint", ...same("pass") },
      { path: "metadataOptions", ...same("undecided") },
      { path: "imageId", ...same("pass") },
    ],
  },
  {
    policy: "imdsv2-required",
    title: "an instance with optional tokens",
    type: AWS.instance,
    props: { ami: "ami-1", metadataOptions: { httpTokens: "optional", httpEndpoint: "enabled" } },
    baseline: "violation",
    rows: [
      { path: "metadataOptions.httpEndpoint", ...same("undecided") }, // could be disabled
      {
        path: "metadataOptions.httpEndpoint",
        ...same("violation"),
        config: { allowDisabledEndpoint: false },
      },
      { path: "ami", ...same("violation") },
    ],
  },
  {
    policy: "immutable-release-identity",
    title: "a Phoenix launch template",
    type: AWS.launchTemplate,
    props: { ...TEMPLATE, name: TEMPLATE_NAME, tags: { "phoenix:app": "shop", team: "web" } },
    baseline: "pass",
    rows: [
      { path: "imageId", ...same("undecided") },
      { path: "name", ...same("undecided") },
      { path: "tags.team", ...same("pass") }, // tags are not in the identity
      { path: "tags", ...same("undecided") }, // whether it is Phoenix's
      { path: "tags", ...same("undecided"), config: { scope: "all" } }, // the identity tag may disagree
    ],
  },
  {
    policy: "immutable-release-identity",
    title: "a Phoenix launch template with no name",
    type: AWS.launchTemplate,
    props: { ...TEMPLATE, tags: { "phoenix:app": "shop" } },
    baseline: "violation",
    rows: [{ path: "imageId", ...same("violation") }],
  },
  {
    policy: "immutable-release-identity",
    title: "a Phoenix auto scaling group",
    type: AWS.autoScalingGroup,
    props: GROUP,
    baseline: "pass",
    rows: [
      { path: "launchTemplate.name", ...same("undecided") },
      { path: "launchTemplate.version", ...same("pass") },
      { path: "name", ...same("undecided") },
      { path: "tags[1].value", ...same("pass") },
      { path: "healthCheckType", ...same("pass") },
    ],
  },
  {
    policy: "launch-template-version-pinned",
    title: "an auto scaling group on $Latest with a pinned mixed-instances specification",
    type: AWS.autoScalingGroup,
    props: {
      ...GROUP,
      launchTemplate: { name: TEMPLATE_NAME, version: "$Latest" },
      mixedInstancesPolicy: {
        launchTemplate: { launchTemplateSpecification: { launchTemplateName: TEMPLATE_NAME, version: "3" } },
      },
    },
    baseline: "violation",
    rows: [
      {
        path: "mixedInstancesPolicy.launchTemplate.launchTemplateSpecification.version",
        ...same("violation"),
      },
      { path: "mixedInstancesPolicy", ...same("violation") },
      { path: "launchTemplate.name", ...same("violation") },
      { path: "launchTemplate.version", ...same("undecided") },
    ],
  },
  {
    policy: "launch-template-version-pinned",
    title: "a launch template that moves its default version",
    type: AWS.launchTemplate,
    props: { ...TEMPLATE, updateDefaultVersion: true },
    baseline: "violation",
    rows: [
      { path: "updateDefaultVersion", ...same("undecided") },
      { path: "imageId", ...same("violation") },
    ],
  },
  {
    policy: "no-in-place-config-agents",
    title: "an SSM association on instances",
    type: AWS.ssmAssociation,
    props: { name: "AWS-RunShellScript", targets: [{ key: "InstanceIds", values: ["i-1"] }] },
    baseline: "violation",
    rows: [
      { path: "name", ...same("violation") }, // no document is allowed by default
      { path: "name", ...same("undecided"), config: { allowedDocuments: ["AWS-GatherSoftwareInventory"] } },
      { path: "targets[0].values", ...same("violation") },
      { path: "targets[0].key", ...same("undecided") },
      { path: "targets", ...same("undecided") },
    ],
  },
  {
    policy: "no-in-place-config-agents",
    title: "an SSM association on one instance",
    type: AWS.ssmAssociation,
    props: { name: "AWS-RunShellScript", instanceId: "i-1" },
    baseline: "violation",
    rows: [{ path: "instanceId", unknown: "undecided", secret: "violation" }],
  },
  {
    policy: "no-in-place-config-agents",
    title: "a run-command maintenance window task",
    type: AWS.maintenanceWindowTask,
    props: { taskType: "RUN_COMMAND", taskArn: "AWS-RunPatchBaseline", windowId: "mw-1" },
    baseline: "violation",
    rows: [
      { path: "taskArn", ...same("violation") },
      { path: "taskType", ...same("undecided") },
      { path: "windowId", ...same("violation") },
    ],
  },
  {
    policy: "instance-replace-on-user-data",
    title: "an instance that replaces on user data",
    type: AWS.instance,
    props: { ami: "ami-1", userData: "IyEvYmluL3No", userDataReplaceOnChange: true },
    baseline: "pass",
    rows: [
      { path: "userData", ...same("pass") },
      { path: "userDataReplaceOnChange", ...same("undecided") },
    ],
  },
  {
    policy: "instance-replace-on-user-data",
    title: "an instance with user data that it would apply in place (only instances with user data checked)",
    type: AWS.instance,
    config: { onlyWithUserData: true },
    props: { ami: "ami-1", userData: "IyEvYmluL3No" },
    baseline: "violation",
    rows: [
      { path: "userData", unknown: "undecided", secret: "violation" },
      { path: "ami", ...same("violation") },
    ],
  },
  {
    policy: "fleet-replaces-unhealthy-instances",
    title: "a load-balanced group on EC2 health checks",
    type: AWS.autoScalingGroup,
    props: { ...GROUP, healthCheckType: "EC2" },
    baseline: "violation",
    rows: [
      { path: "targetGroupArns[0]", ...same("violation") },
      { path: "targetGroupArns", ...same("undecided") },
      { path: "healthCheckType", ...same("undecided") },
    ],
  },
  {
    policy: "fleet-replaces-unhealthy-instances",
    title: "a load-balanced group on ELB health checks",
    type: AWS.autoScalingGroup,
    props: GROUP,
    baseline: "pass",
    rows: [{ path: "targetGroupArns", ...same("pass") }],
  },
  {
    policy: "no-ignore-changes-on-immutable",
    title: "a launch template (the policy reads resource options only)",
    type: AWS.launchTemplate,
    props: { ...TEMPLATE, name: TEMPLATE_NAME },
    baseline: "pass",
    rows: [{ path: "imageId", ...same("pass") }],
  },
  {
    policy: "fleet-template-in-same-stack",
    title: "a stack with a Phoenix group and its template",
    type: AWS.autoScalingGroup,
    props: GROUP,
    others: [{ type: AWS.launchTemplate, props: { ...TEMPLATE, name: TEMPLATE_NAME } }],
    baseline: "pass",
    rows: [
      { path: "0:launchTemplate.name", ...same("undecided") },
      { path: "0:launchTemplate.version", ...same("pass") },
      { path: "0:tags[1].value", ...same("pass") },
      { path: "1:name", ...same("undecided") }, // the template the group names may be this one
      { path: "1:imageId", ...same("pass") },
    ],
  },
  {
    policy: "fleet-template-in-same-stack",
    title: "a stack with a Phoenix group whose template is elsewhere",
    type: AWS.autoScalingGroup,
    props: GROUP,
    others: [{ type: AWS.launchTemplate, props: { ...TEMPLATE, name: "other-lt" } }],
    baseline: "violation",
    rows: [{ path: "1:imageId", ...same("violation") }],
  },
  {
    policy: "no-remote-shell",
    title: "a stack whose fleet role is given Session Manager",
    type: AWS.iamRole,
    props: { name: "fleet-role-1", assumeRolePolicy: EC2_TRUST },
    others: [
      { type: AWS.iamRolePolicyAttachment, props: { role: "fleet-role-1", policyArn: SSM_CORE } },
      { type: AWS.iamInstanceProfile, props: { name: "fleet-profile-1", role: "fleet-role-1" } },
      { type: AWS.launchTemplate, props: { iamInstanceProfile: { name: "fleet-profile-1" } } },
      { type: AWS.serialConsoleAccess, props: { enabled: false } },
    ],
    baseline: "violation",
    rows: [
      { path: "1:policyArn", ...same("undecided") },
      { path: "0:assumeRolePolicy", ...same("violation") }, // could be EC2's: the links decide
      { path: "3:iamInstanceProfile.name", ...same("undecided") },
      { path: "4:enabled", ...same("violation") }, // the role decides whatever the console
    ],
  },
  {
    policy: "no-remote-shell",
    title: "a stack with serial console access disabled and no grant",
    type: AWS.serialConsoleAccess,
    props: { enabled: false },
    others: [{ type: AWS.instanceConnectEndpoint, props: { subnetId: "subnet-1" } }],
    config: { allowInstanceConnectEndpoints: true },
    baseline: "pass",
    rows: [
      { path: "0:enabled", ...same("undecided") },
      { path: "1:subnetId", ...same("pass") },
    ],
  },
  {
    policy: "session-manager-roles-traced",
    title: "a stack granting SSM to a role it doesn't declare",
    type: AWS.iamRolePolicyAttachment,
    props: { role: "elsewhere", policyArn: SSM_CORE },
    others: [{ type: AWS.iamRole, props: { name: "other-role", assumeRolePolicy: EC2_TRUST } }],
    baseline: "violation",
    rows: [
      { path: "0:policyArn", ...same("undecided") },
      { path: "1:assumeRolePolicy", ...same("violation") },
    ],
  },
];
