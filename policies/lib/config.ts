// Policy config with defaults. The engine fills in schema defaults before `Configure`, but a policy must
// not rely on it: offline runs, tests and older CLIs hand over partial config. Each policy declares its
// defaults once and derives both its `configSchema` defaults and its runtime values from them.
import type { PolicyConfigSchema, ResourceValidationArgs, StackValidationArgs } from "@pulumi/policy";

/** A policy's config schema whose every property carries a `default`. */
export function schemaWithDefaults<T extends object>(
  defaults: T,
  properties: { [K in keyof T]: Omit<PolicyConfigSchema["properties"][string], "default"> },
): PolicyConfigSchema {
  const withDefaults: PolicyConfigSchema["properties"] = {};
  for (const key of Object.keys(properties) as (keyof T & string)[]) {
    withDefaults[key] = { ...properties[key], default: defaults[key] as never };
  }
  return { properties: withDefaults };
}

/** The policy's config: what the engine (or `phoenix check`) gave, over the policy's defaults. */
export function configOf<T extends object>(
  args: Pick<ResourceValidationArgs | StackValidationArgs, "getConfig">,
  defaults: T,
): T {
  const given = args.getConfig<Partial<T>>() ?? NO_CONFIG;
  // A policy asks on every resource it judges, and the engine (like `phoenix check`) hands back the same
  // config object each time: the merge is made once per config object and policy defaults.
  let byDefaults = merged.get(given);
  if (!byDefaults) merged.set(given, (byDefaults = new WeakMap()));
  let config = byDefaults.get(defaults) as T | undefined;
  if (!config) {
    config = { ...defaults };
    for (const key of Object.keys(defaults) as (keyof T)[]) {
      if (given[key] !== undefined && given[key] !== null) config[key] = given[key] as T[keyof T];
    }
    byDefaults.set(defaults, Object.freeze(config));
  }
  return config;
}

const NO_CONFIG = Object.freeze({});
const merged = new WeakMap<object, WeakMap<object, object>>();
