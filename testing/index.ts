// phoenix-fleet/testing: what users need to unit-test their own Pulumi programs and the services that embed
// the workflows. `setPhoenixMocks` is Pulumi's mock runtime made fit for Phoenix's components: the SDK's mock
// monitor lacks the resource-hook calls ImmutableFleet makes (without them a program dies with "this._monitor.
// registerResourceHook is not a function", outside any try), and the fake cloud answers every resource with
// realistic outputs (ids, ARNs, the AMI an Image Builder image produces). MemoryEngine and MemoryCloudProbe
// stand in for the Pulumi CLI and AWS under BlueGreenDeployment.
import * as pulumi from "@pulumi/pulumi";
import type { MockCallArgs, MockResourceArgs } from "@pulumi/pulumi/runtime";
import { fakeCloudMocks } from "../programs/offline/fakeCloud";
import { patchMockMonitor } from "../programs/offline/mockRuntime";

export { MemoryEngine, InjectedFault, type MemoryEngineOptions } from "../automation/memoryEngine";
export { MemoryCloudProbe } from "../automation/memoryProbe";
export { FAKE_ACCOUNT, FAKE_REGION } from "../programs/offline/fakeCloud";

export type ResourceOverride =
  Record<string, unknown> | ((args: MockResourceArgs) => Record<string, unknown>);

export interface PhoenixMocksOptions {
  /** @default "project" */
  project?: string;
  /** @default "stack" */
  stack?: string;
  /** Run as a preview (outputs the cloud computes stay unknown). @default false */
  preview?: boolean;
  /** Outputs by resource type (`aws:ec2/instance:Instance`), merged over the fake cloud's. */
  resources?: Record<string, ResourceOverride>;
  /** Answers by function token (`aws:ec2/getAmi:getAmi`), instead of the fake cloud's. */
  calls?: Record<string, (inputs: Record<string, unknown>) => Record<string, unknown>>;
  /** Outputs of other stacks for StackReference, by their fully qualified name (`org/project/stack`). */
  stacks?: Record<string, Record<string, unknown>>;
}

/**
 * Install Pulumi's mocks for Phoenix's components (and any other resource): call it before the program's module
 * is loaded (or its resources are created), as with `pulumi.runtime.setMocks`.
 */
export async function setPhoenixMocks(options: PhoenixMocksOptions = {}): Promise<void> {
  patchMockMonitor();
  const cloud = fakeCloudMocks((name) => options.stacks?.[name]);
  await pulumi.runtime.setMocks(
    {
      newResource(args: MockResourceArgs) {
        const made = cloud.newResource(args);
        const override = options.resources?.[args.type];
        const extra = typeof override === "function" ? override(args) : override;
        return { id: made.id, state: { ...made.state, ...extra } };
      },
      call(args: MockCallArgs) {
        const answer = options.calls?.[args.token];
        return answer ? answer(args.inputs as Record<string, unknown>) : cloud.call(args);
      },
    },
    options.project ?? "project",
    options.stack ?? "stack",
    options.preview ?? false,
  );
}

/** The value of an Output (or a plain value) once it resolves: what a test asserts on. */
export function valueOf<T>(output: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(output).apply((value) => resolve(value as T)));
}
