// The real engine behind the `Engine` seam: the Pulumi Automation API's LocalWorkspace. One project
// (`phoenix`), one workspace directory (`<projectDir>/.phoenix`), each stack running its role's program
// inline; state in a file backend under the project unless another backend URL is given; CrossGuard on
// every preview and up.
import * as fs from "fs";
import * as path from "path";
import { LocalWorkspace, type LocalWorkspaceOptions, type PulumiCommand } from "@pulumi/pulumi/automation";
import { ROLES, type Role } from "../../programs/contract";
import type { Engine } from "../seams";
import { InvalidEngineInputError, PassphraseMissingError, PolicyPackNotFoundError } from "./errors";
import {
  fileBackendDir,
  PROJECT_NAME,
  resolveEngineOptions,
  type LocalWorkspaceEngineOptions,
  type ResolvedEngineOptions,
  type RoleProgram,
} from "./options";
import { withSidecarRepair } from "./fileBackendRepair";
import { missingPassphraseReason, needsPassphrase, passphraseFileEnv } from "./passphrase";
import { resolvePulumiCommand } from "./pulumiCli";
import { LocalWorkspaceStack, type PolicySettings } from "./stack";

export * from "./errors";
export type { EngineLockHolder } from "./engineLock";
export { MINIMUM_PULUMI_VERSION } from "./pulumiCli";
export { defaultBackendUrl, defaultPolicyPackDir, PHOENIX_DIR, PROJECT_NAME } from "./options";
export type { LocalWorkspaceEngineOptions, RoleProgram } from "./options";
export { LocalWorkspaceStack, type PolicySettings } from "./stack";

/** The `Engine` seam over LocalWorkspace, with what it resolved (for `status` and diagnostics). */
export interface LocalWorkspaceEngine extends Engine {
  createOrSelectStack(name: string, role: Role): Promise<LocalWorkspaceStack>;
  /** The Automation API workspace directory (`<projectDir>/.phoenix`). */
  readonly workDir: string;
  readonly backendUrl: string;
  /**
   * A local directory for what the workflows keep next to the state (journal, lock): the file backend's
   * directory, or `<projectDir>/.phoenix` for a remote backend (then the lock only guards this machine).
   */
  readonly localStateDir: string;
  /** CrossGuard packs run on every preview and up (empty when turned off). */
  readonly policyPacks: readonly string[];
}

/** Pulumi's stack name rule (letters, digits, `-`, `_`, `.`), at most 100 characters. */
const STACK_NAME_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

/**
 * Create the engine. Nothing runs until the first call: then the CLI is located (a typed error says how to
 * install it when missing), the passphrase checked for self-managed backends, the workspace and file
 * backend directories created, and the policy packs checked.
 */
export function createLocalWorkspaceEngine(options: LocalWorkspaceEngineOptions = {}): LocalWorkspaceEngine {
  const resolved = resolveEngineOptions(options);
  const policies: PolicySettings = { packs: resolved.policyPacks, configs: resolved.policyPackConfigs };
  let prepared: Promise<LocalWorkspaceOptions> | undefined;
  let admin: Promise<LocalWorkspace> | undefined;
  let programs: Record<Role, RoleProgram> | undefined = resolved.programs;
  // Stacks already selected or created: each later selection would cost a `pulumi stack select` for nothing
  // (every command names its stack). Forgotten on removeStack, and when the CLI says a stack is gone.
  const selected = new Map<string, Promise<LocalWorkspaceStack>>();
  const backendDir = fileBackendDir(resolved.backendUrl);

  // A failed preparation is not cached: installing the CLI or exporting the passphrase fixes the next call.
  const workspaceOptions = (): Promise<LocalWorkspaceOptions> =>
    (prepared ??= prepareWorkspace(resolved).catch((error: unknown) => {
      prepared = undefined;
      throw error;
    }));
  const adminWorkspace = (): Promise<LocalWorkspace> =>
    (admin ??= workspaceOptions()
      .then((opts) => LocalWorkspace.create(opts))
      .catch((error: unknown) => {
        admin = undefined;
        throw error;
      }));
  const programOf = (role: Role): RoleProgram => {
    programs ??= loadDefaultPrograms();
    return programs[role];
  };

  return {
    workDir: resolved.workDir,
    backendUrl: resolved.backendUrl,
    localStateDir: backendDir ?? resolved.workDir,
    policyPacks: policies.packs,

    async listStacks(): Promise<string[]> {
      const workspace = await adminWorkspace();
      const stacks = await withSidecarRepair(backendDir, () => workspace.listStacks());
      // Backends that qualify names (`org/project/stack`) list only this project's stacks here.
      return stacks.map((stack) => stack.name.split("/").pop() as string);
    },

    async createOrSelectStack(name: string, role: Role): Promise<LocalWorkspaceStack> {
      validateStackArgs(name, role);
      const key = `${name}\u0000${role}`;
      let stack = selected.get(key);
      if (!stack) {
        const forget = () => selected.delete(key);
        stack = (async () => {
          const program = programOf(role);
          const opts = await workspaceOptions();
          const automationStack = await withSidecarRepair(backendDir, () =>
            LocalWorkspace.createOrSelectStack({ stackName: name, projectName: PROJECT_NAME, program }, opts),
          );
          return new LocalWorkspaceStack(automationStack, policies, forget, backendDir);
        })();
        selected.set(key, stack);
        stack.catch(forget);
      }
      return stack;
    },

    async removeStack(name: string): Promise<void> {
      validateStackArgs(name);
      for (const key of [...selected.keys()]) if (key.startsWith(`${name}\u0000`)) selected.delete(key);
      const workspace = await adminWorkspace();
      await withSidecarRepair(backendDir, () => workspace.removeStack(name));
    },
  };
}

async function prepareWorkspace(resolved: ResolvedEngineOptions): Promise<LocalWorkspaceOptions> {
  const pulumiCommand: PulumiCommand = await resolvePulumiCommand(resolved.pulumiCommand);
  const envVars = { ...resolved.envVars, ...passphraseFileEnv(resolved.envVars) };
  if (needsPassphrase(resolved.backendUrl, resolved.secretsProvider)) {
    const reason = missingPassphraseReason(envVars);
    if (reason !== undefined) throw new PassphraseMissingError(resolved.backendUrl, reason);
  }
  for (const pack of resolved.policyPacks) {
    if (!fs.existsSync(path.join(pack, "PulumiPolicy.yaml"))) throw new PolicyPackNotFoundError(pack);
  }
  await fs.promises.mkdir(resolved.workDir, { recursive: true });
  const stateDir = fileBackendDir(resolved.backendUrl);
  if (stateDir !== undefined) await fs.promises.mkdir(stateDir, { recursive: true });
  await writeProjectFile(resolved.workDir, resolved.backendUrl);
  // No `projectSettings` below: the SDK would rewrite Pulumi.yaml on every stack selection, racing with a
  // CLI that reads it; it finds the file written once here instead.
  return {
    workDir: resolved.workDir,
    pulumiHome: resolved.pulumiHome,
    pulumiCommand,
    envVars,
    secretsProvider: resolved.secretsProvider,
  };
}

/**
 * `<workDir>/Pulumi.yaml`: project `phoenix`, runtime nodejs (the programs run inline, so no `main`), and the
 * backend, so that `pulumi` run by hand in `.phoenix` sees the same stacks. Replaced atomically, and only
 * when its content changes.
 */
async function writeProjectFile(workDir: string, backendUrl: string): Promise<void> {
  const file = path.join(workDir, "Pulumi.yaml");
  const content = [
    "# Generated by phoenix-fleet: the Pulumi project of every Phoenix stack (programs run inline).",
    `name: ${PROJECT_NAME}`,
    "runtime: nodejs",
    "backend:",
    `  url: ${JSON.stringify(backendUrl)}`,
    "",
  ].join("\n");
  const current = await fs.promises.readFile(file, "utf8").catch(() => undefined);
  if (current === content) return;
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  await fs.promises.writeFile(temporary, content);
  await fs.promises.rename(temporary, file);
}

function validateStackArgs(name: unknown, role?: unknown): void {
  const problems: string[] = [];
  if (typeof name !== "string" || !STACK_NAME_PATTERN.test(name)) {
    problems.push(
      `stack name (${JSON.stringify(name)}) must be 1 to 100 letters, digits, "-", "_" or "." (e.g. "shop-prod-blue")`,
    );
  }
  if (role !== undefined && !(ROLES as readonly unknown[]).includes(role)) {
    problems.push(`role (${JSON.stringify(role)}) must be one of ${ROLES.join(", ")}`);
  }
  if (problems.length > 0) throw new InvalidEngineInputError(problems);
}

/** `PROGRAMS` of `programs/`, required on first use only: it loads @pulumi/aws and the components. */
export function loadDefaultPrograms(): Record<Role, RoleProgram> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const loaded = require("../../programs") as { PROGRAMS?: Partial<Record<Role, RoleProgram>> };
  const missing = ROLES.filter((role) => typeof loaded.PROGRAMS?.[role] !== "function");
  if (missing.length > 0) {
    throw new InvalidEngineInputError([
      `programs/ must export PROGRAMS with a program for every role; missing: ${missing.join(", ")}`,
    ]);
  }
  return loaded.PROGRAMS as Record<Role, RoleProgram>;
}
