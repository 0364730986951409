// The `beforeUpdate` resource hook that stops the engine from updating a running release in place.
// The decision itself is the pure `decideUpdate` (immutability/updateGuard.ts); this file only adapts it
// to Pulumi's hook API.
import * as pulumi from "@pulumi/pulumi";
import { decideUpdate } from "./immutability/updateGuard";

/** The name the hook is registered under (one per engine run). */
export const UPDATE_GUARD_HOOK_NAME = "phoenix-immutable-update-guard";

/**
 * Hooks by resource monitor. Constructing a ResourceHook registers it with the current engine, so it is
 * made lazily, and once per monitor rather than once per process: an Automation API host runs many
 * programs in one process, each against a new engine that must be told about the hook.
 */
const hooksByMonitor = new WeakMap<object, pulumi.ResourceHook>();

/** The update-guard hook for the current engine run (created on first use). */
export function updateGuardHook(): pulumi.ResourceHook {
  const monitor = pulumi.runtime.getMonitor() as object | undefined;
  const key = monitor ?? hooksByMonitor;
  let hook = hooksByMonitor.get(key);
  if (!hook) {
    hook = new pulumi.ResourceHook(UPDATE_GUARD_HOOK_NAME, guardUpdate);
    hooksByMonitor.set(key, hook);
  }
  return hook;
}

/** The hook's body: throws (which fails the update, before it happens) when the change is not allowed. */
export async function guardUpdate(args: pulumi.ResourceHookArgs): Promise<void> {
  const [oldInputs, newInputs] = await Promise.all([plain(args.oldInputs), plain(args.newInputs)]);
  const decision = decideUpdate(args.type, oldInputs, newInputs, args.name);
  if (!decision.allowed) throw new Error(decision.message);
}

/** Hook inputs carry secrets as Outputs; resolve them so the decision compares plain values. */
function plain(inputs: Record<string, unknown> | undefined): Promise<Record<string, unknown> | undefined> {
  if (inputs === undefined) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    pulumi.output(inputs).apply((value) => resolve(value as Record<string, unknown>));
  });
}
