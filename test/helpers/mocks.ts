// The shared mocks helper: every test that registers resources goes through it.
// Usage: `const mocks = await withMocks({ config: {...} })` *before* importing the code under test
// (resources registered before setMocks never reach the mocks), then `await mocks.run(() => program())`.
import * as pulumi from "@pulumi/pulumi";
import { installMockRuntime, runProgram, type RecordedResource } from "../../programs/offline/mockRuntime";
import type { StackOutputsLookup } from "../../programs/offline/fakeCloud";

export type { RecordedResource };

export interface MockedStack {
  /** Every resource registered since the last `reset()`, in registration order. */
  readonly resources: RecordedResource[];
  /** Resources of one type token (e.g. `aws:ec2/launchTemplate:LaunchTemplate`). */
  ofType(type: string): RecordedResource[];
  /** The single resource of a type (throws when there are none or several: say which you mean). */
  one(type: string): RecordedResource;
  /** Forget recorded resources. */
  reset(): void;
  /** Run a program as a stack's root (like `pulumi up` would) and return its resolved outputs. */
  run(program: () => Promise<Record<string, unknown> | void>): Promise<Record<string, unknown>>;
}

export interface WithMocksOptions {
  project?: string;
  stack?: string;
  preview?: boolean;
  /** `phoenix:key` → value (non-strings are JSON-encoded, as `pulumi config set --path` stores them). */
  config?: Record<string, unknown>;
  stacks?: Record<string, Record<string, unknown>>;
}

/** Install the mock runtime for one stack and return its recorder. */
export async function withMocks(options: WithMocksOptions = {}): Promise<MockedStack> {
  const resources: RecordedResource[] = [];
  const config: Record<string, string> = {};
  for (const [key, value] of Object.entries(options.config ?? {})) {
    config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  const lookupStack: StackOutputsLookup = (name) => options.stacks?.[name.split("/").pop() ?? name];
  await installMockRuntime({
    project: options.project ?? "phoenix",
    stack: options.stack ?? "test",
    preview: options.preview,
    config,
    lookupStack,
    onResource: (r) => resources.push(r),
  });
  const ofType = (type: string) => resources.filter((r) => r.type === type);
  return {
    resources,
    ofType,
    one(type) {
      const found = ofType(type);
      if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
      return found[0];
    },
    reset: () => void resources.splice(0),
    run: (program) => runProgram(program),
  };
}

/** Await the value of an Output (or a plain value) in a test. */
export function outputOf<T>(value: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(value).apply((v) => resolve(v as T)));
}
