// One stack of the LocalWorkspace engine: the Automation API `Stack`, with the engine's CrossGuard packs
// added to every `preview` and `up`, and an already-aborted signal refused before a command starts (the
// SDK only listens for a *later* abort).
import type {
  ConfigMap,
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
import type { EngineStack } from "../seams";
import { InvalidEngineInputError } from "./errors";

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
  ) {}

  get name(): string {
    return this.automationStack.name;
  }

  async setAllConfig(config: ConfigMap): Promise<void> {
    await this.automationStack.setAllConfig(config);
  }

  async getAllConfig(): Promise<ConfigMap> {
    return this.automationStack.getAllConfig();
  }

  async preview(opts?: PreviewOptions): Promise<PreviewResult> {
    opts?.signal?.throwIfAborted();
    return this.automationStack.preview(withPolicies(opts, this.policies));
  }

  async up(opts?: UpOptions): Promise<UpResult> {
    opts?.signal?.throwIfAborted();
    return this.automationStack.up(withPolicies(opts, this.policies));
  }

  async refresh(opts?: RefreshOptions): Promise<RefreshResult> {
    opts?.signal?.throwIfAborted();
    return this.automationStack.refresh(opts);
  }

  async destroy(opts?: DestroyOptions): Promise<DestroyResult> {
    opts?.signal?.throwIfAborted();
    return this.automationStack.destroy(opts);
  }

  async outputs(): Promise<OutputMap> {
    return this.automationStack.outputs();
  }
}

/** The engine's packs first, then the caller's (a pack named twice runs once). */
export function withPolicies<T extends PreviewOptions | UpOptions>(
  opts: T | undefined,
  policies: PolicySettings,
): T {
  const own = opts?.policyPacks ?? [];
  const ownConfigs = opts?.policyPackConfigs ?? [];
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
