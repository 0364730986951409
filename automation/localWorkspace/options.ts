// Options of the LocalWorkspace engine and their resolution: defaults, validation (every problem at once),
// and the environment every `pulumi` command line gets. Pure but for reading the file system.
import * as fs from "fs";
import * as path from "path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import { ROLES, type Role } from "../../programs/contract";
import { InvalidEngineInputError } from "./errors";
import { backendUrlProblem, defaultBackendUrl, findProjectDir, isDirectory, PHOENIX_DIR } from "./project";

export { defaultBackendUrl, PHOENIX_DIR } from "./project";

/** A role's Pulumi program, run inline by the Automation API; its value becomes the stack outputs. */
export type RoleProgram = () => Promise<Record<string, unknown>>;

/** The one Pulumi project every Phoenix stack belongs to (DESIGN: "one project"). */
export const PROJECT_NAME = "phoenix";

export interface LocalWorkspaceEngineOptions {
  /**
   * Directory the deployment belongs to. Phoenix keeps its workspace in `<projectDir>/.phoenix`: a generated
   * `Pulumi.yaml` (project `phoenix`, runtime nodejs), one `Pulumi.<stack>.yaml` per stack and, with the
   * default backend, the state in `.phoenix/state`. Nothing outside `.phoenix` is written.
   * @default - the nearest of the current working directory and its ancestors that holds a `.phoenix`
   *   directory, else the current working directory (where `.phoenix` is then created on first use)
   */
  projectDir?: string;
  /**
   * Where the state lives: any Pulumi backend URL (`file://…`, `s3://…`, `gs://…`, `azblob://…`,
   * `postgres://…`, `http(s)://…` such as `https://api.pulumi.com`); other schemes are refused. Reaches the CLI as `PULUMI_BACKEND_URL`; a `file://` directory is created
   * when missing.
   * @default - `file://<projectDir>/.phoenix/state`
   */
  backendUrl?: string;
  /**
   * Secrets provider of new stacks (`pulumi stack init --secrets-provider`), e.g. `awskms://alias/x`.
   * Self-managed backends otherwise use a passphrase, which must then be set: see `PassphraseMissingError`.
   * @default - the backend's default (passphrase for self-managed backends, the service for Pulumi Cloud)
   */
  secretsProvider?: string;
  /**
   * CrossGuard policy packs run on every `preview` and `up` (`--policy-pack`), before anything the workflow
   * passes itself. `false` turns CrossGuard off.
   * @default - the Phoenix pack, `<package>/policies`
   */
  policyPacks?: string[] | false;
  /** Config files of the policy packs (`--policy-pack-config`), in the order of `policyPacks`. */
  policyPackConfigs?: string[];
  /**
   * The CLI to run. Tests pass a recording double; production leaves it unset.
   * @default - `pulumi` found on PATH
   */
  pulumiCommand?: PulumiCommand;
  /** `PULUMI_HOME` of every command (plugins, credentials). @default - `~/.pulumi` */
  pulumiHome?: string;
  /** Extra environment of every command (e.g. `PULUMI_CONFIG_PASSPHRASE`, `AWS_PROFILE`). */
  envVars?: Record<string, string>;
  /**
   * The program of each role.
   * @default - `PROGRAMS` of `programs/`, loaded on first use (so importing automation does not load @pulumi/aws)
   */
  programs?: Record<Role, RoleProgram>;
}

export interface ResolvedEngineOptions {
  projectDir: string;
  /** The Automation API workspace: `<projectDir>/.phoenix`. */
  workDir: string;
  backendUrl: string;
  secretsProvider?: string;
  policyPacks: string[];
  policyPackConfigs: string[];
  pulumiCommand?: PulumiCommand;
  pulumiHome?: string;
  /** Environment of every command, backend included. */
  envVars: Record<string, string>;
  programs?: Record<Role, RoleProgram>;
}

/** Validate and default the options; throws `InvalidEngineInputError` listing every problem. */
export function resolveEngineOptions(options: LocalWorkspaceEngineOptions = {}): ResolvedEngineOptions {
  const problems: string[] = [];
  const projectDir = path.resolve(options.projectDir ?? findProjectDir(process.cwd()).found ?? process.cwd());
  if (options.projectDir !== undefined && !isDirectory(projectDir)) {
    problems.push(`\`projectDir\` (${JSON.stringify(options.projectDir)}) must be an existing directory`);
  }
  const workDir = path.join(projectDir, PHOENIX_DIR);
  const backendUrl = options.backendUrl ?? defaultBackendUrl(projectDir);
  const backendProblem = backendUrlProblem(backendUrl);
  if (backendProblem !== undefined) {
    problems.push(`\`backendUrl\` (${JSON.stringify(options.backendUrl)}) ${backendProblem}`);
  }
  let policyPacks: string[] = [];
  if (options.policyPacks === undefined) {
    policyPacks = [defaultPolicyPackDir()];
  } else if (options.policyPacks !== false) {
    if (!Array.isArray(options.policyPacks) || options.policyPacks.some((p) => typeof p !== "string" || !p)) {
      problems.push(
        `\`policyPacks\` (${JSON.stringify(options.policyPacks)}) must be a list of policy pack directories, or false`,
      );
    } else {
      policyPacks = options.policyPacks.map((p) => path.resolve(projectDir, p));
    }
  }
  const policyPackConfigs = (options.policyPackConfigs ?? []).map((p) => path.resolve(projectDir, p));
  // The CLI pairs `--policy-pack-config` with `--policy-pack` by position, so it is all or nothing.
  if (policyPackConfigs.length > 0 && policyPackConfigs.length !== policyPacks.length) {
    problems.push(
      `\`policyPackConfigs\` has ${policyPackConfigs.length} files for ${policyPacks.length} policy packs; ` +
        `give exactly one config file per pack (the default Phoenix pack counts), or none`,
    );
  }
  if (options.programs !== undefined) {
    const missing = ROLES.filter((role) => typeof options.programs?.[role] !== "function");
    if (missing.length > 0) {
      problems.push(`\`programs\` must give a function for every role; missing: ${missing.join(", ")}`);
    }
  }
  if (problems.length > 0) throw new InvalidEngineInputError(problems);
  return {
    projectDir,
    workDir,
    backendUrl,
    secretsProvider: options.secretsProvider,
    policyPacks,
    policyPackConfigs,
    pulumiCommand: options.pulumiCommand,
    pulumiHome: options.pulumiHome,
    // The backend goes by environment so that no `pulumi login` (global state in ~/.pulumi) is needed.
    // Skipping the update check spares every command a call to the Pulumi update service.
    envVars: { PULUMI_SKIP_UPDATE_CHECK: "true", ...options.envVars, PULUMI_BACKEND_URL: backendUrl },
    programs: options.programs,
  };
}

/** The local directory of a `file://` backend, or undefined for other backends and `file://~` forms. */
export function fileBackendDir(backendUrl: string): string | undefined {
  if (!backendUrl.startsWith("file://")) return undefined;
  const dir = backendUrl.slice("file://".length);
  return path.isAbsolute(dir) ? dir : undefined;
}

/** `<package root>/policies`: the package root is the nearest ancestor with the phoenix-fleet package.json
 * (this file runs from `automation/localWorkspace/` under ts-node and from `dist/automation/…` compiled). */
export function defaultPolicyPackDir(): string {
  let dir = __dirname;
  for (;;) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && readPackageName(manifest) === "phoenix-fleet") {
      return path.join(dir, "policies");
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.resolve(__dirname, "..", "..", "policies");
    dir = parent;
  }
}

function readPackageName(manifest: string): string | undefined {
  try {
    return (JSON.parse(fs.readFileSync(manifest, "utf8")) as { name?: string }).name;
  } catch {
    return undefined;
  }
}
