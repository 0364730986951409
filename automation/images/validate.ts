// Validation of the image workflows' options, before any engine or AWS call (every problem at once).
import type { Problems } from "../validate";
import type { BakeOptions, PruneOptions } from "./types";

const PARENT_IMAGE = /^(ami-([0-9a-f]{8}|[0-9a-f]{17})|arn:aws[\w-]*:imagebuilder:.+|ssm:.+)$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;
const INSTANCE_TYPE = /^[a-z][a-z0-9-]*\.[a-z0-9]+$/;
const YEAR_MS = 365 * 24 * 3600 * 1000;

/** A list of non-empty strings; with `format`, each item must match its pattern (`allowed` says what fits). */
function stringList(
  problems: Problems,
  name: string,
  value: unknown,
  format?: { pattern: RegExp; allowed: string },
): void {
  if (value === undefined) return;
  if (!Array.isArray(value) || value.some((item) => typeof item !== "string" || item.trim() === "")) {
    problems.add(name, value, "must be a list of non-empty strings");
    return;
  }
  value.forEach((item: string, i) => {
    if (format && !format.pattern.test(item)) problems.add(`${name}[${i}]`, item, format.allowed);
  });
}

export function checkBakeOptions(problems: Problems, options: BakeOptions): void {
  if (
    options.parentImage !== undefined &&
    (typeof options.parentImage !== "string" || !PARENT_IMAGE.test(options.parentImage))
  )
    problems.add(
      "parentImage",
      options.parentImage,
      "must be an AMI id, an Image Builder image ARN or ssm:<parameter>",
    );
  stringList(problems, "buildSteps", options.buildSteps);
  stringList(problems, "testSteps", options.testSteps);
  stringList(problems, "instanceTypes", options.instanceTypes, {
    pattern: INSTANCE_TYPE,
    allowed: "must be an EC2 instance type such as `t3.small`",
  });
  stringList(problems, "distributionRegions", options.distributionRegions, {
    pattern: REGION,
    allowed: "must be an AWS region such as `eu-west-1`",
  });
  if (options.distributionRegions?.length === 0)
    problems.add("distributionRegions", [], "must list at least one region, or be left out for the stack's");
}

/** `imageId` / `imageFromEnv` of a deploy: at most one; the env another one of the same app. */
export function checkImageChoice(
  problems: Problems,
  options: { imageId?: unknown; imageFromEnv?: unknown },
  env: string,
): void {
  if (options.imageId !== undefined) problems.imageId("imageId", options.imageId);
  if (options.imageFromEnv === undefined) return;
  problems.name("imageFromEnv", options.imageFromEnv);
  if (options.imageId !== undefined)
    problems.add("imageFromEnv", options.imageFromEnv, "cannot be given with `imageId`: choose one AMI");
  else if (options.imageFromEnv === env)
    problems.add(
      "imageFromEnv",
      options.imageFromEnv,
      `must be another env than ${env}, the one deployed to`,
    );
}

export function checkPruneOptions(problems: Problems, options: PruneOptions): void {
  problems.integer("keep", options?.keep, 1, 1000, false);
  problems.integer("deregisterAfterMs", options?.deregisterAfterMs, 0, YEAR_MS);
}
