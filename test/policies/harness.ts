// Call policies the way `@pulumi/policy`'s Analyze RPC does (server.js, makeAnalyzeRpcFun): props wrapped
// in the SDK's own unknown-checking proxy, the engine's type pre-filter, `notApplicable` throwing, config
// from `getConfig`, and violations collected through `reportViolation`.
import type {
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
} from "@pulumi/policy";
import { pulumiTypeOf } from "../../policies/lib/types";

// The SDK's proxy module is internal (its .d.ts is empty): these are the two exports the server uses.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sdkProxy = require("@pulumi/policy/proxy") as {
  unknownCheckingProxy<T>(props: T): T;
  UnknownValueError: new (...args: never[]) => Error;
};

/** The sentinel the engine sends for a value unknown during preview. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export interface RunOptions {
  name?: string;
  urn?: string;
  config?: Record<string, unknown>;
  ignoreChanges?: string[];
}

export interface RunResult {
  /** Messages passed to reportViolation, in order. */
  violations: string[];
  /** Reasons given to notApplicable (including the engine's type filter). */
  notApplicable: string[];
  /** The SDK's UnknownValueError, when a policy read an unknown value (the engine: advisory, no verdict). */
  unknown?: Error;
}

export function engineArgs(type: string, props: Record<string, unknown>, options: RunOptions = {}) {
  const name = options.name ?? "subject";
  const opts: PolicyResourceOptions = {
    protect: false,
    ignoreChanges: options.ignoreChanges ?? [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
  };
  const wrapped = sdkProxy.unknownCheckingProxy(structuredClone(props));
  const args: ResourceValidationArgs = {
    type,
    props: wrapped,
    urn: options.urn ?? `urn:pulumi:dev::phoenix::${type}::${name}`,
    name,
    opts,
    stackTags: new Map(),
    isType: (cls) => pulumiTypeOf(cls) === type,
    asType: (cls) => (pulumiTypeOf(cls) === type ? (wrapped as never) : undefined),
    getConfig: <T extends object>() => (options.config ?? {}) as T,
    notApplicable: (reason?: string): never => {
      throw new NotApplicableSignal(reason ?? "Policy does not apply");
    },
  };
  return args;
}

class NotApplicableSignal extends Error {}

/** Run every validation of `policy` on one resource, as the engine's Analyze would. */
export function runPolicy(
  policy: ResourceValidationPolicy,
  type: string,
  props: Record<string, unknown>,
  options: RunOptions = {},
): RunResult {
  const result: RunResult = { violations: [], notApplicable: [] };
  const validations = Array.isArray(policy.validateResource)
    ? policy.validateResource
    : policy.validateResource
      ? [policy.validateResource]
      : [];
  for (const validation of validations) {
    const token = pulumiTypeOf(validation);
    if (!Array.isArray(policy.validateResource) && token && token !== type) {
      result.notApplicable.push(`Policy only applies to resources of type '${token}'`);
      continue;
    }
    const report: ReportViolation = (message) => void result.violations.push(message);
    try {
      void validation(engineArgs(type, props, options), report);
    } catch (error) {
      if (error instanceof NotApplicableSignal) result.notApplicable.push(error.message);
      else if (error instanceof sdkProxy.UnknownValueError) result.unknown = error;
      else throw error;
    }
  }
  return result;
}
