// ImmutableFleet: one release of an application on EC2 — a launch template and an auto scaling group whose
// physical names carry the release identity, so any change to what an instance is made of is a replacement.
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  FLEET_DEFAULTS,
  encodeUserData,
  fleetPhysicalNames,
  fleetTags,
  launchTemplateImmutableArgs,
  resolveFleetSettings,
} from "./fleetSettings";
import { updateGuardHook } from "./fleetUpdateHook";
import { assumeRolePolicy } from "./iam";
import { PHOENIX_TAGS, launchTemplateIdentity, userDataDigest } from "./immutability/identity";
import type { RootVolumeArgs } from "./validation";

export interface ImmutableFleetArgs {
  /**
   * The release this fleet runs: 1–40 characters of lower-case letters, digits, dots and inner dashes
   * (`v1.2.3`, `2026.11.22-1`). It is part of the physical names and the `phoenix:release` tag.
   */
  release: string;
  /**
   * Application name, for the `phoenix:app` tag.
   * @default - the resource name
   */
  app?: string;
  /**
   * AMI the instances boot from (a golden AMI: everything the app needs is baked in). A plain string must
   * be an AMI id (`ami-` and 8 or 17 hex digits); an output (e.g. `GoldenAmi.imageId`) is taken as is.
   */
  imageId: pulumi.Input<string>;
  /**
   * EC2 instance type. Part of the release identity: changing it deploys new instances.
   * @default "t3.micro"
   */
  instanceType?: pulumi.Input<string>;
  /** Subnets the instances run in (usually the private subnets); at least one. */
  subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** Security groups of the instances (usually `Network.fleetSecurityGroup`); at least one. */
  securityGroupIds: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Target groups the instances register with. With target groups the group uses the load balancer's
   * health checks and `pulumi up` waits until `desiredCapacity` instances are healthy in them.
   * @default - none: EC2 health checks, and `pulumi up` waits for running instances only
   */
  targetGroupArns?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Minimum number of instances. Capacity may change in place on a running release.
   * @default 1
   */
  minSize?: number;
  /**
   * Maximum number of instances; at least 1 and at least `minSize`.
   * @default 3
   */
  maxSize?: number;
  /**
   * Number of instances to run; between `minSize` and `maxSize`.
   * @default 2
   */
  desiredCapacity?: number;
  /**
   * User data as plain text (a cloud-init script); the component base64-encodes it. Part of the identity,
   * through its SHA-256 (the launch template's `phoenix:user-data-sha256` tag). Always a secret: the launch
   * template's `userData` input and output are secret, so the state holds only their ciphertext.
   * @default - none
   */
  userData?: pulumi.Input<string>;
  /**
   * Instance profile of the instances. Part of the identity.
   * @default - a role and profile the component creates: EC2 may assume it and it carries only the
   * CloudWatch agent policy (metrics and logs out). Deliberately NOT AmazonSSMManagedInstanceCore: SSM
   * Session Manager and Run Command are a shell and an in-place change channel, which an immutable fleet
   * must not have. Pass your own profile to grant the application what it needs.
   */
  instanceProfileArn?: pulumi.Input<string>;
  /**
   * The root EBS volume, always encrypted and deleted with the instance. Part of the identity.
   * `deviceName` must match the AMI's root device ("/dev/xvda" on Amazon Linux, "/dev/sda1" on Ubuntu).
   * @default { sizeGiB: 20, type: "gp3", deviceName: "/dev/xvda" }
   */
  rootVolume?: RootVolumeArgs;
  /**
   * Extra tags for the launch template, the group, and the instances and volumes it launches. Phoenix adds
   * `phoenix:app`, `phoenix:release` and `phoenix:identity` (the latter two may not be set here). Tags may
   * change in place and never change the identity.
   * @default {}
   */
  tags?: Record<string, string>;
  /**
   * Seconds after launch before health checks count against an instance.
   * @default 120
   */
  healthCheckGracePeriod?: number;
  /**
   * How long `pulumi up` waits for the group's capacity (healthy targets with target groups), as a duration
   * like "10m"; "0" does not wait.
   * @default "10m"
   */
  waitForCapacityTimeout?: string;
}

/**
 * One immutable release of an application on EC2: a launch template and an auto scaling group. There is
 * no way to give it an SSH key; instances require IMDSv2; volumes are encrypted. Any change to what an
 * instance is made of changes the release identity, hence both physical names, so the engine replaces the
 * fleet instead of updating it; in-place updates other than capacity and tags are refused by a
 * `beforeUpdate` hook.
 */
export class ImmutableFleet extends pulumi.ComponentResource {
  /** The launch template (one version; its name ends with the release identity). */
  readonly launchTemplate: aws.ec2.LaunchTemplate;
  /** The auto scaling group running the pinned version of `launchTemplate`. */
  readonly autoScalingGroup: aws.autoscaling.Group;
  /** The role of the instances, when the component created one (no `instanceProfileArn` given). */
  readonly role?: aws.iam.Role;
  /** The instance profile the component created, when no `instanceProfileArn` was given. */
  readonly instanceProfile?: aws.iam.InstanceProfile;
  /** The release identity: a hash of the launch template's immutable inputs (10 base32 characters). */
  readonly identity: pulumi.Output<string>;
  /** Physical name of the launch template: `<name>-<release>-<identity>`. */
  readonly launchTemplateName: pulumi.Output<string>;
  /** Physical name of the auto scaling group: `<name>-<release>-<identity>`. */
  readonly autoScalingGroupName: pulumi.Output<string>;
  /** The release this fleet runs. */
  readonly release: string;

  constructor(name: string, args: ImmutableFleetArgs, opts?: pulumi.ComponentResourceOptions) {
    // Checked before super(): invalid arguments register nothing, not even the component itself.
    const settings = resolveFleetSettings(name, args);
    super("phoenix:aws:ImmutableFleet", name, {}, opts);
    this.release = settings.release;

    let instanceProfileArn = args.instanceProfileArn;
    if (instanceProfileArn === undefined) {
      const created = this.createInstanceProfile(name, { ...settings.tags, "phoenix:app": settings.app });
      this.role = created.role;
      this.instanceProfile = created.profile;
      instanceProfileArn = created.profile.arn;
    }

    // The immutable part is built first and hashed with the very function the policy pack uses on the
    // inputs the engine shows it; names and tags are added afterwards, outside the hash.
    const userDataBase64 =
      args.userData === undefined ? undefined : pulumi.output(args.userData).apply(encodeUserData);
    const immutableArgs = launchTemplateImmutableArgs<pulumi.Input<unknown>>({
      imageId: args.imageId,
      instanceType: args.instanceType ?? FLEET_DEFAULTS.instanceType,
      userDataBase64,
      instanceProfileArn,
      securityGroupIds: args.securityGroupIds,
      rootVolume: settings.rootVolume,
    });
    // A hash of a secret is not the secret: names must stay readable even when, say, user data is secret.
    this.identity = pulumi.unsecret(pulumi.output(immutableArgs).apply(launchTemplateIdentity));
    const names = this.identity.apply((identity) => fleetPhysicalNames(name, settings.release, identity));
    const tags = this.identity.apply((identity) => fleetTags(settings, identity));
    const guard = updateGuardHook();

    // User data often carries tokens: it is a secret input and a secret output, so the state holds only its
    // ciphertext. The identity hashes its SHA-256 instead, and the template carries that digest in a plain
    // tag, so a policy that sees only the ciphertext (`phoenix check` on an export) can still compute the
    // identity (docs/policies.md, "Secret user data").
    const userData = userDataBase64 === undefined ? undefined : pulumi.secret(userDataBase64);
    const templateTags =
      userDataBase64 === undefined
        ? tags
        : pulumi
            .all([tags, pulumi.unsecret(userDataBase64.apply(userDataDigest))])
            .apply(([all, digest]) => ({ ...all, [PHOENIX_TAGS.userDataDigest]: digest }));

    this.launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-lt`,
      {
        ...(immutableArgs as aws.ec2.LaunchTemplateArgs),
        ...(userData === undefined ? {} : { userData }),
        name: names.launchTemplate,
        description: `Phoenix fleet ${name}, release ${settings.release}`,
        tags: templateTags,
        tagSpecifications: ["instance", "volume", "network-interface"].map((resourceType) => ({
          resourceType,
          tags,
        })),
      },
      { parent: this, hooks: { beforeUpdate: [guard] }, additionalSecretOutputs: ["userData"] },
    );

    this.autoScalingGroup = new aws.autoscaling.Group(
      `${name}-asg`,
      {
        name: names.autoScalingGroup,
        // By name, so the group's own inputs carry the identity (the policy reads it off this name),
        // at an explicit version: never $Latest or $Default, which would move under a running fleet.
        launchTemplate: {
          name: this.launchTemplate.name,
          version: this.launchTemplate.latestVersion.apply(String),
        },
        vpcZoneIdentifiers: args.subnetIds,
        minSize: settings.minSize,
        maxSize: settings.maxSize,
        desiredCapacity: settings.desiredCapacity,
        healthCheckGracePeriod: settings.healthCheckGracePeriod,
        waitForCapacityTimeout: settings.waitForCapacityTimeout,
        ...(settings.hasTargetGroups
          ? {
              targetGroupArns: args.targetGroupArns,
              healthCheckType: "ELB",
              // `pulumi up` returns only once this many instances are healthy in the target groups.
              waitForElbCapacity: settings.desiredCapacity,
            }
          : { healthCheckType: "EC2" }),
        tags: tags.apply((all) =>
          Object.entries(all).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
        ),
      },
      { parent: this, hooks: { beforeUpdate: [guard] } },
    );

    this.launchTemplateName = this.launchTemplate.name;
    this.autoScalingGroupName = this.autoScalingGroup.name;
    this.registerOutputs({
      launchTemplate: this.launchTemplate,
      autoScalingGroup: this.autoScalingGroup,
      identity: this.identity,
      launchTemplateName: this.launchTemplateName,
      autoScalingGroupName: this.autoScalingGroupName,
      release: this.release,
    });
  }

  /**
   * The least-privilege role and profile of the instances: EC2 may assume it, and it may only ship
   * metrics and logs (CloudWatch agent). No SSM: Session Manager and Run Command would be a shell and an
   * in-place change channel on servers that must never change.
   */
  private createInstanceProfile(name: string, tags: Record<string, string>) {
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        description: `Instances of the Phoenix fleet ${name}`,
        assumeRolePolicy: assumeRolePolicy("ec2.amazonaws.com"),
        tags,
      },
      { parent: this },
    );
    new aws.iam.RolePolicyAttachment(
      `${name}-cloudwatch-agent`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/CloudWatchAgentServerPolicy`,
      },
      { parent: this },
    );
    const profile = new aws.iam.InstanceProfile(
      `${name}-profile`,
      { role: role.name, tags },
      { parent: this },
    );
    return { role, profile };
  }
}
