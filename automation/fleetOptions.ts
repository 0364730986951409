// Pure helpers about a fleet's options: their validation, the stack config they make, and back.
import type { ConfigMap } from "@pulumi/pulumi/automation";
import { CONFIG_NAMESPACE, type Colour } from "../programs/contract";
import type { Capacity, DeployOptions, VerifyOptions } from "./types";
import { checkImageChoice } from "./images/validate";
import type { Problems } from "./validate";

export function capacityOf(capacity: Capacity | undefined): { min?: number; max?: number; desired?: number } {
  if (capacity === undefined) return {};
  return typeof capacity === "number" ? { min: capacity, max: capacity, desired: capacity } : capacity;
}

/**
 * The fleet stack's config for one deployment (`deploymentId`: a new one per `up`, see FleetOutputs). The
 * engine merges config into what the stack has, so on a stack that already exists (`stackExisted`) every key
 * this deployment leaves unset is blanked ("" reads as unset): a redeploy of the same release must not inherit
 * the previous deployment's instance type, user data or capacity.
 */
export function fleetConfig(
  colour: Colour,
  options: DeployOptions,
  deploymentId?: string,
  stackExisted = false,
): Record<string, string | number | undefined> {
  const { min, max, desired } = capacityOf(options.capacity);
  const unset = stackExisted ? "" : undefined;
  return {
    colour,
    release: options.release,
    imageId: options.imageId ?? unset,
    instanceType: options.instanceType ?? unset,
    minSize: min ?? unset,
    maxSize: max ?? unset,
    desiredCapacity: desired ?? unset,
    userData: options.userData ?? unset,
    deploymentId: deploymentId ?? unset,
  };
}

/**
 * What puts a stack's config back as it was before `written` was merged into it: its `previous` values, and
 * "" (unset) for every key `written` added.
 */
export function configBefore(previous: ConfigMap, written: ConfigMap): ConfigMap {
  const restored: ConfigMap = { ...previous };
  for (const key of Object.keys(written)) if (!(key in previous)) restored[key] = { value: "" };
  return restored;
}

/** The deploy options that reproduce a fleet stack's config exactly (heal redeploys the live release). */
export function deployOptionsFromConfig(config: ConfigMap, force: boolean): DeployOptions {
  // "" is a key blanked by `fleetConfig` or `configBefore`: unset.
  const get = (key: string) => config[`${CONFIG_NAMESPACE}:${key}`]?.value || undefined;
  const number = (key: string) => (get(key) === undefined ? undefined : Number(get(key)));
  const min = number("minSize");
  const max = number("maxSize");
  const desired = number("desiredCapacity");
  return {
    release: get("release") ?? "",
    imageId: get("imageId") ?? "",
    instanceType: get("instanceType"),
    capacity:
      min !== undefined && max !== undefined && desired !== undefined ? { min, max, desired } : desired,
    userData: get("userData"),
    force,
  };
}

export function checkCapacity(problems: Problems, capacity: Capacity | undefined): void {
  if (capacity === undefined) return;
  if (typeof capacity === "number") {
    // Stryker disable next-line BooleanLiteral: capacity is a number here, never undefined, so `optional` is not read
    problems.integer("capacity", capacity, 1, 1000, false);
    return;
  }
  if (typeof capacity !== "object" || capacity === null) {
    problems.add("capacity", capacity, "must be a number of instances or { min, max, desired }");
    return;
  }
  problems.integer("capacity.min", capacity.min, 0, 1000, false);
  problems.integer("capacity.max", capacity.max, 1, 1000, false);
  problems.integer("capacity.desired", capacity.desired, 1, 1000, false);
  if (capacity.min > capacity.max)
    problems.add("capacity.min", capacity.min, `must not exceed \`capacity.max\` (${capacity.max})`);
  else if (capacity.desired < capacity.min || capacity.desired > capacity.max) {
    problems.add(
      "capacity.desired",
      capacity.desired,
      `must be between \`capacity.min\` (${capacity.min}) and \`capacity.max\` (${capacity.max})`,
    );
  }
}

export function checkVerify(problems: Problems, verify: VerifyOptions | undefined): void {
  if (verify === undefined) return;
  problems.alarmNames("verify.alarmNames", verify.alarmNames);
  problems.duration("verify.settleMs", verify.settleMs);
  problems.duration("verify.dnsSettleMs", verify.dnsSettleMs);
}

/** The problems of a deploy's options (`up`, and every strategy of `release`). */
export function checkDeployOptions(problems: Problems, options: DeployOptions, env: string): void {
  problems.release("release", options.release);
  checkImageChoice(problems, options, env);
  problems.instanceType("instanceType", options.instanceType);
  checkCapacity(problems, options.capacity);
  if (
    options.userData !== undefined &&
    (typeof options.userData !== "string" || options.userData.length > 16 * 1024)
  ) {
    problems.add(
      "userData",
      typeof options.userData === "string" ? `${options.userData.length} characters` : options.userData,
      "must be a string of at most 16 KiB",
    );
  }
}
