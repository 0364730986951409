// Pulumi's mock runtime, made fit for running Phoenix programs offline (for `phoenix plan --offline` and the
// tests): records every registered resource, answers from the fake cloud, and gives the SDK's mock monitor the
// resource-hook RPCs it lacks (without them, a resource with `hooks` dies with an unhandled rejection).
import * as pulumi from "@pulumi/pulumi";
import type { MockResourceArgs } from "@pulumi/pulumi/runtime";
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { waitForRPCs } = require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> };
import { fakeCloudMocks, type StackOutputsLookup } from "./fakeCloud";

/** A resource as the program registered it: the same fields a policy or a plan needs. */
export interface RecordedResource {
  urn: string;
  type: string;
  name: string;
  /** Inputs as the program gave them, with outputs of other resources resolved to the fake cloud's values. */
  inputs: Record<string, unknown>;
  /** Outputs as the fake cloud makes them (inputs and computed names, ARNs, …): what stack policies read. */
  outputs?: Record<string, unknown>;
  /** False for component resources (and the stack itself). */
  custom: boolean;
  /** URN of the parent resource (the stack's, for top-level resources), for drawing trees. */
  parentUrn?: string;
  /** The resource options the engine (and so a policy) sees. */
  options: RecordedOptions;
}

/** Resource options as the engine receives them in a RegisterResource request. */
export interface RecordedOptions {
  protect: boolean;
  ignoreChanges: string[];
  replaceOnChanges: string[];
  deleteBeforeReplace: boolean;
  retainOnDelete: boolean;
}

export interface MockRuntimeOptions {
  project: string;
  stack: string;
  organization?: string;
  /** Plan as a preview (unknowns stay unknown) or as an update. @default false */
  preview?: boolean;
  /** Stack config, `namespace:key` → string value (objects JSON-encoded), as `pulumi config` stores it. */
  config?: Record<string, string>;
  /** Outputs of other stacks, for StackReference. */
  lookupStack?: StackOutputsLookup;
  /** Called for every registered resource, in registration order. */
  onResource?: (resource: RecordedResource) => void;
}

interface RegisterRequest {
  getType(): string;
  getName(): string;
  getParent(): string;
  getProtect(): boolean | undefined;
  getIgnorechangesList(): string[];
  getReplaceonchangesList(): string[];
  getDeletebeforereplace(): boolean;
  getRetainondelete(): boolean | undefined;
}

interface MonitorPrototype {
  registerResourceHook?: unknown;
  registerErrorHook?: unknown;
  registerResource(req: RegisterRequest, callback: unknown): Promise<void>;
  newUrn(parent: string, type: string, name: string): string;
}

/** Resource hooks registered under mocks, by name (the mock engine never calls them). */
export const registeredHooks = new Set<string>();

/** URN and parent of resources being registered, by `type::name` (mock `newResource` is not told them). */
const registrations = new Map<string, { urn: string; parentUrn: string; options: RecordedOptions }>();

let monitorPatched = false;

const NO_OPTIONS: RecordedOptions = {
  protect: false,
  ignoreChanges: [],
  replaceOnChanges: [],
  deleteBeforeReplace: false,
  retainOnDelete: false,
};

/** The mock monitor qualifies top-level types with the stack's type; the engine does not. */
function engineUrn(urn: string): string {
  return urn.replace("::pulumi:pulumi:Stack$", "::");
}

/** Give the SDK's MockMonitor the hook RPCs it lacks, and let it tell us each resource's URN, parent and options. Idempotent. */
export function patchMockMonitor(): void {
  if (monitorPatched) return;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks") as {
    MockMonitor: { prototype: MonitorPrototype };
  };
  const accept = (req: { getName(): string }, callback: (err: null, resp: object) => void) => {
    registeredHooks.add(req.getName());
    callback(null, {});
  };
  const proto = MockMonitor.prototype;
  proto.registerResourceHook ??= accept;
  proto.registerErrorHook ??= accept;
  const registerResource = proto.registerResource;
  proto.registerResource = function (this: MonitorPrototype, req: RegisterRequest, callback: unknown) {
    registrations.set(`${req.getType()}::${req.getName()}`, {
      urn: engineUrn(this.newUrn(req.getParent(), req.getType(), req.getName())),
      parentUrn: engineUrn(req.getParent()),
      options: {
        protect: req.getProtect() ?? false,
        ignoreChanges: req.getIgnorechangesList(),
        replaceOnChanges: req.getReplaceonchangesList(),
        deleteBeforeReplace: req.getDeletebeforereplace(),
        retainOnDelete: req.getRetainondelete() ?? false,
      },
    });
    return registerResource.call(this, req, callback);
  };
  monitorPatched = true;
}

/**
 * Point the Pulumi runtime at a fresh mock monitor for one stack. Code that registers resources must run
 * after this call (resources registered before it never reach the mocks).
 */
export async function installMockRuntime(options: MockRuntimeOptions): Promise<void> {
  patchMockMonitor();
  registrations.clear();
  const cloud = fakeCloudMocks(options.lookupStack);
  await pulumi.runtime.setMocks(
    {
      newResource(args: MockResourceArgs) {
        const result = cloud.newResource(args);
        const registration = registrations.get(`${args.type}::${args.name}`);
        options.onResource?.({
          urn:
            registration?.urn ??
            `urn:pulumi:${options.stack}::${options.project}::${args.type}::${args.name}`,
          parentUrn: registration?.parentUrn || undefined,
          options: registration?.options ?? NO_OPTIONS,
          type: args.type,
          name: args.name,
          inputs: args.inputs as Record<string, unknown>,
          outputs: result.state as Record<string, unknown>,
          custom: args.custom !== false,
        });
        return result;
      },
      call: (args) => cloud.call(args),
    },
    options.project,
    options.stack,
    options.preview ?? false,
    options.organization ?? "organization",
  );
  pulumi.runtime.setAllConfig(options.config ?? {});
}

/**
 * Run a program as the root of a stack under the mock runtime and return its outputs, fully resolved.
 * `installMockRuntime` must have been called for this stack first. Like Pulumi's language host, an error the
 * program raises anywhere — in its body or inside an `apply` that feeds a resource — fails the run with that error
 * (the host turns unhandled rejections into a failed program; so does this, instead of crashing the process).
 */
export async function runProgram(
  program: () => Promise<Record<string, unknown> | void>,
): Promise<Record<string, unknown>> {
  const rejections: unknown[] = [];
  const capture = (reason: unknown) => void rejections.push(reason);
  const previous = process.listeners("unhandledRejection");
  process.removeAllListeners("unhandledRejection");
  process.on("unhandledRejection", capture);
  try {
    // A program that throws would also reject the stack resource's own initialisation promise, which nobody
    // awaits; catch it inside and rethrow it here, once.
    let thrown: { error: unknown } | undefined;
    let outputs: Record<string, unknown> | undefined;
    try {
      outputs = (await pulumi.runtime.runInPulumiStack(async () => {
        try {
          return (await program()) ?? {};
        } catch (error) {
          thrown = { error };
          return {};
        }
      })) as Record<string, unknown> | undefined;
    } catch (error) {
      rejections.push(error);
    }
    await waitForRPCs(); // every registration has settled, so every failure has surfaced
    await new Promise((resolve) => setImmediate(resolve));
    if (thrown) throw thrown.error;
    if (rejections.length > 0) throw rejections[0];
    return outputs ?? {};
  } finally {
    process.removeListener("unhandledRejection", capture);
    for (const listener of previous) process.on("unhandledRejection", listener);
  }
}
