// ImmutableFleet's pure logic: defaults, validation, the launch template's immutable part, names and tags.
// No Pulumi runtime import: tests call these directly, and the constructor stays thin.
import type { ImmutableFleetArgs } from "./immutableFleet";
import { PHOENIX_TAGS, nameWithIdentity } from "./immutability/identity";
import {
  Problems,
  checkAmiId,
  checkInteger,
  checkName,
  checkRelease,
  isPlainString,
  resolveRootVolume,
  type RootVolume,
  show,
} from "./validation";

export const FLEET_DEFAULTS = {
  instanceType: "t3.micro",
  minSize: 1,
  maxSize: 3,
  desiredCapacity: 2,
  rootVolumeSizeGiB: 20,
  rootVolumeType: "gp3",
  rootDeviceName: "/dev/xvda",
  healthCheckGracePeriod: 120,
  waitForCapacityTimeout: "10m",
} as const;

/** Maximum physical name lengths: launch templates 128, auto scaling groups 255. */
export const LAUNCH_TEMPLATE_NAME_MAX = 128;
export const AUTO_SCALING_GROUP_NAME_MAX = 255;

/** A Go duration as the provider's `waitForCapacityTimeout` takes it ("10m", "1h30m", "90s"), or "0". */
const DURATION_PATTERN = /^(0|(\d+(\.\d+)?(h|m|s|ms))+)$/;

/** The plain-valued settings ImmutableFleet branches on, with defaults applied. */
export interface FleetSettings {
  app: string;
  release: string;
  minSize: number;
  maxSize: number;
  desiredCapacity: number;
  rootVolume: RootVolume;
  healthCheckGracePeriod: number;
  waitForCapacityTimeout: string;
  /** Whether the group registers with target groups (then it uses ELB health checks and waits for them). */
  hasTargetGroups: boolean;
  tags: Record<string, string>;
}

/** Apply defaults and validate; throws ComponentArgsError listing every problem. */
export function resolveFleetSettings(name: string, args: ImmutableFleetArgs): FleetSettings {
  const problems = new Problems();
  checkRelease(problems, "release", args.release);
  if (args.app !== undefined) checkName(problems, "app", args.app);
  checkAmiId(problems, "imageId", args.imageId);
  checkIdList(problems, "subnetIds", args.subnetIds, "subnet-", true);
  checkIdList(problems, "securityGroupIds", args.securityGroupIds, "sg-", true);
  if (args.targetGroupArns !== undefined)
    checkIdList(problems, "targetGroupArns", args.targetGroupArns, "arn:", false);
  if (args.instanceType !== undefined && isPlainString(args.instanceType)) {
    problems.check(
      /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(args.instanceType),
      `\`instanceType\` (${show(args.instanceType)}) must be an EC2 instance type like "t3.micro"`,
    );
  }
  if ("keyName" in (args as object)) {
    problems.add(
      "`keyName` is not supported: Phoenix fleets have no SSH access; bake what you need into the AMI",
    );
  }

  const minSize = args.minSize ?? FLEET_DEFAULTS.minSize;
  const maxSize = args.maxSize ?? FLEET_DEFAULTS.maxSize;
  const desiredCapacity = args.desiredCapacity ?? FLEET_DEFAULTS.desiredCapacity;
  const capacityOk = [
    checkInteger(problems, "minSize", args.minSize, 0),
    checkInteger(problems, "maxSize", args.maxSize, 1),
    checkInteger(problems, "desiredCapacity", args.desiredCapacity, 0),
  ].every(Boolean);
  if (capacityOk) {
    if (minSize > maxSize) {
      problems.add(`\`minSize\` (${minSize}) must not be greater than \`maxSize\` (${maxSize})`);
    } else if (desiredCapacity < minSize || desiredCapacity > maxSize) {
      problems.add(
        `\`desiredCapacity\` (${desiredCapacity}) must be between \`minSize\` (${minSize}) and \`maxSize\` (${maxSize})`,
      );
    }
  }

  const rootVolume = resolveRootVolume(problems, args.rootVolume, {
    sizeGiB: FLEET_DEFAULTS.rootVolumeSizeGiB,
    type: FLEET_DEFAULTS.rootVolumeType,
    deviceName: FLEET_DEFAULTS.rootDeviceName,
  });
  checkInteger(problems, "healthCheckGracePeriod", args.healthCheckGracePeriod, 0, 7200);
  const waitForCapacityTimeout = args.waitForCapacityTimeout ?? FLEET_DEFAULTS.waitForCapacityTimeout;
  problems.check(
    DURATION_PATTERN.test(waitForCapacityTimeout),
    `\`waitForCapacityTimeout\` (${show(waitForCapacityTimeout)}) must be a duration like "10m", "90s" or "1h30m" ("0" turns waiting off)`,
  );

  const app = args.app ?? name;
  const tags = { ...(args.tags ?? {}) };
  for (const key of [PHOENIX_TAGS.release, PHOENIX_TAGS.identity, PHOENIX_TAGS.userDataDigest]) {
    if (key in tags) problems.add(`\`tags\` must not set "${key}": Phoenix sets it from the release`);
  }
  if (tags[PHOENIX_TAGS.app] !== undefined && tags[PHOENIX_TAGS.app] !== app) {
    problems.add(
      `\`tags\` sets "${PHOENIX_TAGS.app}" to ${show(tags[PHOENIX_TAGS.app])} but \`app\` is ${show(app)}: drop the tag or make them equal`,
    );
  }

  problems.throwIfAny("ImmutableFleet", name);
  return {
    app,
    release: args.release,
    minSize,
    maxSize,
    desiredCapacity,
    rootVolume,
    healthCheckGracePeriod: args.healthCheckGracePeriod ?? FLEET_DEFAULTS.healthCheckGracePeriod,
    waitForCapacityTimeout,
    // An empty list is no target groups: waiting for healthy targets in none would never end.
    hasTargetGroups:
      args.targetGroupArns !== undefined &&
      !(Array.isArray(args.targetGroupArns) && args.targetGroupArns.length === 0),
    tags,
  };
}

/**
 * A list of ids: when it is a plain array it must not be empty (if `required`) and its plain strings must
 * start with `prefix`. An output (not known until apply) is left to AWS.
 */
function checkIdList(
  problems: Problems,
  arg: string,
  value: unknown,
  prefix: string,
  required: boolean,
): void {
  if (value === undefined || value === null) {
    if (required) problems.add(`\`${arg}\` is required: a list of "${prefix}…" ids`);
    return;
  }
  if (!Array.isArray(value)) return;
  if (required && value.length === 0) {
    problems.add(`\`${arg}\` ([]) must list at least one "${prefix}…" id`);
    return;
  }
  value.forEach((item, i) => {
    if (isPlainString(item) && !item.startsWith(prefix)) {
      problems.add(`\`${arg}[${i}]\` (${show(item)}) must start with "${prefix}"`);
    }
  });
}

/** The inputs a launch template's immutable part is built from (values may be Pulumi inputs). */
export interface LaunchTemplateSource<T> {
  imageId: T;
  instanceType: T;
  userDataBase64?: T;
  instanceProfileArn: T;
  securityGroupIds: T | readonly T[];
  rootVolume: FleetSettings["rootVolume"];
}

/**
 * The immutable part of the launch template: every input that shapes an instance, hashed into the release
 * identity. No `keyName`, ever; IMDSv2 required; the root volume always encrypted.
 */
export function launchTemplateImmutableArgs<T>(source: LaunchTemplateSource<T>) {
  return {
    imageId: source.imageId,
    instanceType: source.instanceType,
    ...(source.userDataBase64 !== undefined ? { userData: source.userDataBase64 } : {}),
    iamInstanceProfile: { arn: source.instanceProfileArn },
    vpcSecurityGroupIds: source.securityGroupIds,
    metadataOptions: {
      httpEndpoint: "enabled",
      httpTokens: "required",
      // 2 hops lets a container on the instance reach IMDSv2; AWS's default of 1 does not.
      httpPutResponseHopLimit: 2,
      instanceMetadataTags: "disabled",
    },
    blockDeviceMappings: [
      {
        deviceName: source.rootVolume.deviceName,
        ebs: {
          volumeSize: source.rootVolume.sizeGiB,
          volumeType: source.rootVolume.type,
          encrypted: "true",
          deleteOnTermination: "true",
        },
      },
    ],
  };
}

/** Plain-text user data as the launch template takes it (base64). */
export function encodeUserData(text: string): string {
  return Buffer.from(text, "utf8").toString("base64");
}

/**
 * The base of the physical names: the component name and the release, with characters launch template
 * names do not allow turned into dashes. The identity is appended by `nameWithIdentity`.
 */
export function physicalNameBase(name: string, release: string): string {
  return `${name}-${release}`.replace(/[^a-zA-Z0-9().\-/_]/g, "-");
}

/** Physical names of the launch template and the auto scaling group for one identity. */
export function fleetPhysicalNames(name: string, release: string, identity: string) {
  const base = physicalNameBase(name, release);
  return {
    launchTemplate: nameWithIdentity(base, identity, LAUNCH_TEMPLATE_NAME_MAX),
    autoScalingGroup: nameWithIdentity(base, identity, AUTO_SCALING_GROUP_NAME_MAX),
  };
}

/** Tags of every resource of the fleet: the user's, then Phoenix's three (which always win). */
export function fleetTags(settings: Pick<FleetSettings, "app" | "release" | "tags">, identity: string) {
  return {
    ...settings.tags,
    [PHOENIX_TAGS.app]: settings.app,
    [PHOENIX_TAGS.release]: settings.release,
    [PHOENIX_TAGS.identity]: identity,
  };
}
