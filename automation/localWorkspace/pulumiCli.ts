// Finding the Pulumi CLI: the SDK's `PulumiCommand.get()` runs `pulumi version`; a spawn failure becomes a
// `PulumiCliNotFoundError` that says how to install it, and a CLI too old for inline refresh/destroy a
// `PulumiCliTooOldError`. The SDK's command runs `pulumi` in a process group of its own (pulumiProcessGroup.ts).
import { PulumiCommand } from "@pulumi/pulumi/automation";
import { PulumiCliNotFoundError, PulumiCliTooOldError } from "./errors";
import { inOwnProcessGroup } from "./pulumiProcessGroup";

/**
 * 3.182: resource hooks reached the engine there (pulumi CHANGELOG.md, "## 3.182.0": "[engine] Implement
 * ResourceHooks in the engine"). Every fleet program registers a `beforeUpdate` hook
 * (components/fleetUpdateHook.ts), and on an older engine the Node SDK throws "The Pulumi CLI does not support
 * resource hooks" (sdk/nodejs/runtime/resource.ts, `registerResourceHook`). It also covers `--client` for
 * inline refresh and destroy, which arrived in 3.181 (the SDK's `checkInlineSupport`).
 */
export const MINIMUM_PULUMI_VERSION = "3.182.0";

/**
 * The CLI on PATH (or the one given), checked for the minimum version when it reports one; an SDK
 * `PulumiCommand` runs each `pulumi` in a process group of its own, so that Ctrl-C reaches it once.
 */
export async function resolvePulumiCommand(given?: PulumiCommand): Promise<PulumiCommand> {
  const command = inOwnProcessGroup(given ?? (await findPulumiOnPath()));
  const version = command.version;
  if (version && version.compare(MINIMUM_PULUMI_VERSION) < 0) {
    throw new PulumiCliTooOldError(version.toString(), MINIMUM_PULUMI_VERSION);
  }
  return command;
}

async function findPulumiOnPath(): Promise<PulumiCommand> {
  try {
    return await PulumiCommand.get();
  } catch (error) {
    if (isSpawnFailure(error)) throw new PulumiCliNotFoundError("pulumi", error);
    throw error;
  }
}

/** The SDK wraps execa's failure in a `CommandError` whose `commandResult.err` keeps the spawn error code. */
function isSpawnFailure(error: unknown): boolean {
  const result = (error as { commandResult?: { err?: { code?: unknown; message?: unknown } } }).commandResult;
  const code = result?.err?.code;
  if (code === "ENOENT" || code === "EACCES") return true;
  const message = String(result?.err?.message ?? (error as Error)?.message ?? "");
  return /\bENOENT\b|EACCES/.test(message);
}
