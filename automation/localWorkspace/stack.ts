// One stack of the LocalWorkspace engine: the Automation API `Stack`, with the engine's CrossGuard packs
// added to every `preview` and `up`, an already-aborted signal refused before a command starts (the SDK
// only listens for a *later* abort), previews whose event stream lost its end retried, then refused, and the
// engine's stack lock left by a killed `pulumi` cleared (any other lock is a typed `StackLockedError`), and so
// is the empty blob sidecar a killed `pulumi` can leave in a file backend (fileBackendRepair.ts).
import * as path from "path";
import { ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";
import type {
  ConfigMap,
  EngineEvent,
  DestroyOptions,
  DestroyResult,
  OutputMap,
  PreviewOptions,
  PreviewResult,
  RefreshOptions,
  RefreshResult,
  Stack,
  UpOptions,
  UpResult,
} from "@pulumi/pulumi/automation";
import type { EngineStack, InterruptedOperation } from "../seams";
import { isStale, lockHoldersIn } from "./engineLock";
import { withSidecarRepair } from "./fileBackendRepair";
import { pendingOperationsOf } from "./pendingOperations";
import { EngineEventsIncompleteError, InvalidEngineInputError, StackLockedError } from "./errors";

/**
 * Attempts of a preview whose events arrive without their closing summary. Up to CLI 3.205 the SDK tails
 * an event log file and can miss its last lines when the command exits during a poll; the workflows decide
 * on these events (an in-place update of an immutable resource, drift), so a partial stream must not pass.
 */
export const PREVIEW_ATTEMPTS = 2;

/** The packs (and their configs, paired by position) run on every preview and up. */
export interface PolicySettings {
  packs: readonly string[];
  configs: readonly string[];
}

export class LocalWorkspaceStack implements EngineStack {
  constructor(
    /** The Automation API stack, for what the seam does not cover (history, export, cancel). */
    readonly automationStack: Stack,
    private readonly policies: PolicySettings,
    /** Called when the CLI reports the stack gone (removed behind the engine's back). */
    private readonly onMissing: () => void = () => undefined,
    /** A `file://` backend's directory, where a killed `pulumi` may have left an empty sidecar to remove. */
    private readonly backendDir?: string,
  ) {}

  get name(): string {
    return this.automationStack.name;
  }

  async setAllConfig(config: ConfigMap): Promise<void> {
    await this.watch(() => this.automationStack.setAllConfig(config));
  }

  async getAllConfig(): Promise<ConfigMap> {
    return this.watch(() => this.automationStack.getAllConfig());
  }

  /** Events reach `onEvent` when the preview is complete (all of them, once), not while it runs. */
  async preview(opts?: PreviewOptions): Promise<PreviewResult> {
    opts?.signal?.throwIfAborted();
    const options = withPolicies(opts, this.policies);
    return this.wholePreview("preview", opts?.onEvent, opts?.signal, (onEvent) =>
      this.automationStack.preview({ ...options, onEvent }),
    );
  }

  async up(opts?: UpOptions): Promise<UpResult> {
    opts?.signal?.throwIfAborted();
    return this.watch(() => this.automationStack.up(withPolicies(opts, this.policies)));
  }

  /** A refresh with `previewOnly` is a preview: its events are checked and delivered whole, like `preview`'s. */
  async refresh(opts?: RefreshOptions): Promise<RefreshResult> {
    opts?.signal?.throwIfAborted();
    if (!opts?.previewOnly) return this.watch(() => this.automationStack.refresh(opts));
    return this.wholePreview("refresh --preview-only", opts.onEvent, opts.signal, (onEvent) =>
      this.automationStack.refresh({ ...opts, onEvent }),
    );
  }

  async destroy(opts?: DestroyOptions): Promise<DestroyResult> {
    opts?.signal?.throwIfAborted();
    return this.watch(() => this.automationStack.destroy(opts));
  }

  async outputs(): Promise<OutputMap> {
    return this.watch(() => this.automationStack.outputs());
  }

  async interruptedOperations(): Promise<InterruptedOperation[]> {
    return pendingOperationsOf(await this.watch(() => this.automationStack.exportStack()));
  }

  /**
   * Run one CLI command. A stack the CLI no longer knows is forgotten, so that the next selection creates it
   * again. A stack locked only by processes that are gone (a `pulumi` killed with its lock file left behind)
   * is unlocked with `pulumi cancel` and the command run once more; any other lock is a `StackLockedError`.
   */
  private async watch<R>(command: () => Promise<R>, unlocked = false): Promise<R> {
    try {
      return await withSidecarRepair(this.backendDir, command);
    } catch (error) {
      if (error instanceof StackNotFoundError) this.onMissing();
      if (!(error instanceof ConcurrentUpdateError)) throw error;
      const holders = lockHoldersIn(error.message);
      const stale = holders.length > 0 && holders.every((holder) => isStale(holder));
      if (!stale || unlocked) throw new StackLockedError(this.name, holders, error);
      await this.automationStack.cancel();
      return this.watch(command, true);
    }
  }

  private async wholePreview<R>(
    operation: string,
    deliver: ((event: EngineEvent) => void) | undefined,
    signal: AbortSignal | undefined,
    run: (onEvent: (event: EngineEvent) => void) => Promise<R>,
  ): Promise<R> {
    for (let attempt = 1; ; attempt++) {
      if (attempt > 1) signal?.throwIfAborted();
      const events: EngineEvent[] = [];
      const result = await this.watch(() => run((event) => events.push(event)));
      if (events.some((event) => event.summaryEvent !== undefined)) {
        for (const event of events) deliver?.(event);
        return result;
      }
      if (attempt >= PREVIEW_ATTEMPTS) throw new EngineEventsIncompleteError(this.name, operation, attempt);
    }
  }
}

/** The engine's packs first, then the caller's (a pack named twice runs once). */
export function withPolicies<T extends PreviewOptions | UpOptions>(
  opts: T | undefined,
  policies: PolicySettings,
): T {
  // The caller's relative paths are made absolute from the process's directory: the CLI would read them
  // from the workspace directory.
  const own = (opts?.policyPacks ?? []).map((pack) => path.resolve(pack));
  const ownConfigs = (opts?.policyPackConfigs ?? []).map((config) => path.resolve(config));
  const packs = [...policies.packs, ...own.filter((pack) => !policies.packs.includes(pack))];
  const configs = [...policies.configs, ...ownConfigs];
  if (configs.length > 0 && configs.length !== packs.length) {
    throw new InvalidEngineInputError([
      `\`policyPackConfigs\` (${JSON.stringify(configs)}) must pair one to one with the policy packs ` +
        `(${JSON.stringify(packs)}): the CLI matches them by position`,
    ]);
  }
  const merged = { ...opts } as T;
  if (packs.length > 0) merged.policyPacks = packs;
  if (configs.length > 0) merged.policyPackConfigs = configs;
  return merged;
}
