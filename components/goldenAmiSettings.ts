// GoldenAmi's pure logic: defaults, validation, the Image Builder component document and content-derived
// names. No Pulumi runtime import.
import type { GoldenAmiArgs } from "./goldenAmi";
import { hashProjection } from "./immutability/identity";
import {
  Problems,
  checkInteger,
  isPlainString,
  resolveRootVolume,
  show,
  type RootVolume,
} from "./validation";

export const GOLDEN_AMI_DEFAULTS = {
  instanceTypes: ["t3.small"],
  version: "1.0.0",
  updateOs: true,
  rootVolumeSizeGiB: 20,
  rootVolumeType: "gp3",
  rootDeviceName: "/dev/xvda",
  imageTestsTimeoutMinutes: 60,
} as const;

/** The tag every resource and AMI of one GoldenAmi carries; the lifecycle policy selects AMIs by it. */
export const GOLDEN_AMI_TAG = "phoenix:golden-ami";

/**
 * The tag Phoenix puts on an AMI while a fleet stack uses it (value "true"), and removes once no stack does.
 * GoldenAmi's lifecycle policy never deprecates an AMI that carries it: an age rule alone would deprecate the
 * AMI a live or warm fleet still scales out from.
 */
export const IN_USE_TAG = "phoenix:in-use";

/** What a bake id may look like: it names the Image resource (`<name>-image-<bakeId>`). */
export const BAKE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface GoldenAmiSettings {
  bakeId?: string;
  buildSteps: string[];
  testSteps: string[];
  updateOs: boolean;
  instanceTypes: string[];
  distributionRegions?: string[];
  version: string;
  rootVolume: RootVolume;
  imageTestsTimeoutMinutes: number;
  /** The pipeline's Image Builder schedule expression, `cron(…)`, when a schedule is given. */
  scheduleExpression?: string;
  lifecycle?: { deprecateAfterDays: number; retainAtLeast: number };
  tags: Record<string, string>;
}

const REGION_PATTERN = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const SEMVER_PATTERN = /^\d+\.\d+\.\d+$/;
/** What Image Builder takes as a parent image: an AMI id, an image ARN, or an SSM parameter holding an AMI id. */
const PARENT_IMAGE_PATTERN =
  /^(ami-([0-9a-f]{8}|[0-9a-f]{17})|arn:[a-z-]+:imagebuilder:[a-z0-9-]+:[a-z0-9]+:image\/.+|ssm:\S+)$/;

/** Apply defaults and validate; throws ComponentArgsError listing every problem. */
export function resolveGoldenAmiSettings(name: string, args: GoldenAmiArgs): GoldenAmiSettings {
  const problems = new Problems();
  if (args.parentImage === undefined || args.parentImage === null || args.parentImage === "") {
    problems.add('`parentImage` is required: an AMI id, an Image Builder image ARN or "ssm:<parameter>"');
  } else if (isPlainString(args.parentImage) && !PARENT_IMAGE_PATTERN.test(args.parentImage)) {
    problems.add(
      `\`parentImage\` (${show(args.parentImage)}) must be an AMI id ("ami-…"), an Image Builder image ARN or "ssm:<parameter>"`,
    );
  }
  const buildSteps = checkSteps(problems, "buildSteps", args.buildSteps);
  const testSteps = checkSteps(problems, "testSteps", args.testSteps);
  const updateOs = args.updateOs ?? GOLDEN_AMI_DEFAULTS.updateOs;
  if (!updateOs && buildSteps.length === 0) {
    problems.add(
      "`buildSteps` ([]) must list at least one command when `updateOs` is false: there is nothing to bake",
    );
  }
  const instanceTypes = args.instanceTypes ?? [...GOLDEN_AMI_DEFAULTS.instanceTypes];
  if (instanceTypes.length === 0)
    problems.add('`instanceTypes` ([]) must list at least one type like "t3.small"');
  instanceTypes.forEach((type, i) =>
    problems.check(
      /^[a-z][a-z0-9-]*\.[a-z0-9-]+$/.test(type),
      `\`instanceTypes[${i}]\` (${show(type)}) must be an EC2 instance type like "t3.small"`,
    ),
  );
  if (args.distributionRegions !== undefined) {
    if (args.distributionRegions.length === 0) {
      problems.add(
        "`distributionRegions` ([]) must list at least one region, or be left out for the current one",
      );
    }
    args.distributionRegions.forEach((region, i) =>
      problems.check(
        REGION_PATTERN.test(region),
        `\`distributionRegions[${i}]\` (${show(region)}) must be an AWS region like "eu-west-1"`,
      ),
    );
  }
  const version = args.version ?? GOLDEN_AMI_DEFAULTS.version;
  problems.check(
    SEMVER_PATTERN.test(version),
    `\`version\` (${show(version)}) must be a semantic version "<major>.<minor>.<patch>" like "1.0.0"`,
  );
  const rootVolume = resolveRootVolume(problems, args.rootVolume, {
    sizeGiB: GOLDEN_AMI_DEFAULTS.rootVolumeSizeGiB,
    type: GOLDEN_AMI_DEFAULTS.rootVolumeType,
    deviceName: GOLDEN_AMI_DEFAULTS.rootDeviceName,
  });
  checkInteger(problems, "imageTestsTimeoutMinutes", args.imageTestsTimeoutMinutes, 60, 1440);
  if (args.subnetId !== undefined && args.securityGroupIds === undefined) {
    problems.add(
      "`securityGroupIds` is required with `subnetId`: Image Builder needs both to place the build instance",
    );
  }
  let scheduleExpression: string | undefined;
  if (args.schedule !== undefined) scheduleExpression = checkCron(problems, args.schedule.cron);
  let lifecycle: GoldenAmiSettings["lifecycle"];
  if (args.lifecycle !== undefined) {
    const days = checkInteger(
      problems,
      "lifecycle.deprecateAfterDays",
      args.lifecycle.deprecateAfterDays,
      1,
      1000,
    );
    const keep = checkInteger(problems, "lifecycle.retainAtLeast", args.lifecycle.retainAtLeast, 1, 10);
    if (days && args.lifecycle.deprecateAfterDays === undefined) {
      problems.add("`lifecycle.deprecateAfterDays` is required with `lifecycle`: an integer from 1 to 1000");
    } else if (days && keep) {
      lifecycle = {
        deprecateAfterDays: args.lifecycle.deprecateAfterDays,
        retainAtLeast: args.lifecycle.retainAtLeast ?? 1,
      };
    }
  }
  if (args.bakeId !== undefined)
    problems.check(
      typeof args.bakeId === "string" && BAKE_ID_PATTERN.test(args.bakeId),
      `\`bakeId\` (${show(args.bakeId)}) must be 1 to 40 lower-case letters, digits or dashes, starting with a letter or digit`,
    );
  problems.throwIfAny("GoldenAmi", name);
  return {
    bakeId: args.bakeId,
    buildSteps,
    testSteps,
    updateOs,
    instanceTypes,
    distributionRegions: args.distributionRegions,
    version,
    rootVolume,
    imageTestsTimeoutMinutes: args.imageTestsTimeoutMinutes ?? GOLDEN_AMI_DEFAULTS.imageTestsTimeoutMinutes,
    scheduleExpression,
    lifecycle,
    tags: { ...(args.tags ?? {}), [GOLDEN_AMI_TAG]: name },
  };
}

function checkSteps(problems: Problems, arg: string, steps: unknown): string[] {
  if (steps === undefined) return [];
  if (!Array.isArray(steps)) {
    problems.add(`\`${arg}\` (${show(steps)}) must be a list of shell commands`);
    return [];
  }
  steps.forEach((step, i) =>
    problems.check(
      isPlainString(step) && step.trim().length > 0,
      `\`${arg}[${i}]\` (${show(step)}) must be a non-empty shell command`,
    ),
  );
  return steps.filter((s): s is string => isPlainString(s));
}

/**
 * Image Builder schedules take AWS cron expressions of six fields (minutes hours day-of-month month
 * day-of-week year), written `cron(…)`; a bare expression is wrapped. Returns the expression or undefined.
 */
function checkCron(problems: Problems, cron: unknown): string | undefined {
  const inner = isPlainString(cron)
    ? cron
        .trim()
        .replace(/^cron\((.*)\)$/, "$1")
        .trim()
    : "";
  const fields = inner.split(/\s+/).filter(Boolean);
  // Six fields of what AWS cron takes (values, names like MON, and * ? , - / # L W): a stray "x" or
  // parenthesis around them (a misspelt `cron(…)`) is refused, not passed on to fail at deploy time.
  const ok = problems.check(
    fields.length === 6 && fields.every((field) => /^[0-9A-Za-z*?,\-/#]+$/.test(field)),
    `\`schedule.cron\` (${show(cron)}) must be an AWS cron expression of six fields, like "0 4 ? * MON *"`,
  );
  return ok ? `cron(${inner})` : undefined;
}

/** A YAML scalar: a JSON string is also a valid YAML double-quoted scalar, escapes included. */
function yamlString(text: string): string {
  return JSON.stringify(text);
}

/**
 * The Image Builder component document (YAML, schema 1.0) that runs `buildSteps` in the build phase and
 * `testSteps` in the test phase (run by the image tests), each as one `ExecuteBash` step that stops at the
 * first failing command.
 */
export function componentDocument(
  name: string,
  buildSteps: readonly string[],
  testSteps: readonly string[] = [],
) {
  const lines = [
    `name: ${yamlString(name)}`,
    `description: ${yamlString(`Phoenix golden AMI build steps for ${name}`)}`,
    "schemaVersion: 1.0",
    "phases:",
  ];
  const phase = (phaseName: string, stepName: string, commands: readonly string[]) => {
    lines.push(
      `  - name: ${phaseName}`,
      "    steps:",
      `      - name: ${stepName}`,
      "        action: ExecuteBash",
      "        inputs:",
      "          commands:",
      `            - ${yamlString("set -euo pipefail")}`,
      ...commands.map((command) => `            - ${yamlString(command)}`),
    );
  };
  if (buildSteps.length > 0) phase("build", "PhoenixBuild", buildSteps);
  if (testSteps.length > 0) phase("test", "PhoenixTest", testSteps);
  return lines.join("\n") + "\n";
}

/** A short hash of some content, for Image Builder names: their versions are immutable once created. */
export function contentHash(content: Record<string, unknown>): string {
  return hashProjection(content).slice(0, 8);
}

/** An AMI name with the build date, as Image Builder expands it (`{{ imagebuilder:buildDate }}`). */
export function amiName(name: string): string {
  const base = name.replace(/[^a-zA-Z0-9()[\] ./\-'@_]/g, "-").slice(0, 90);
  return `${base}-{{ imagebuilder:buildDate }}`;
}

/** The AWS-managed component that updates the operating system's packages at bake time. */
export function updateLinuxComponentArn(partition: string, region: string): string {
  return `arn:${partition}:imagebuilder:${region}:aws:component/update-linux/x.x.x`;
}

/** The AMI of `region` among an Image's output resources (the first AMI when no region is asked for). */
export function amiOfRegion(
  outputResources: readonly { amis?: readonly { image?: string; region?: string }[] }[] | undefined,
  region: string | undefined,
): string {
  const amis = (outputResources ?? []).flatMap((r) => r.amis ?? []);
  const ami = amis.find((a) => region === undefined || a.region === region) ?? (region ? undefined : amis[0]);
  if (!ami?.image) {
    throw new Error(
      `the Image Builder image produced no AMI${region ? ` in ${region}` : ""} (AMIs: ${show(amis)})`,
    );
  }
  return ami.image;
}
