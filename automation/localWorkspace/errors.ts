// Typed errors of the LocalWorkspace engine. Each message says what went wrong and what to do next;
// `code` is stable for programs (the CLI maps it to an exit code, services can branch on it).
import { describeHolder, type EngineLockHolder } from "./engineLock";

/** Base class of every error the LocalWorkspace engine raises itself (engine command failures stay the
 * Automation API's own `CommandError`, `ConcurrentUpdateError`, `StackNotFoundError`, …). */
export class LocalWorkspaceEngineError extends Error {
  constructor(
    message: string,
    readonly code: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export const PULUMI_INSTALL_URL = "https://www.pulumi.com/docs/install/";

/** No `pulumi` binary could be started (missing from PATH, or not executable). */
export class PulumiCliNotFoundError extends LocalWorkspaceEngineError {
  constructor(
    readonly command: string,
    readonly cause?: unknown,
  ) {
    super(
      `The Pulumi CLI (\`${command}\`) was not found on PATH. Phoenix runs every stack operation through it. ` +
        `Install it (${PULUMI_INSTALL_URL}), make sure \`pulumi version\` works in this shell, then retry.`,
      "PULUMI_CLI_NOT_FOUND",
    );
  }
}

/** The installed CLI is older than the features Phoenix relies on. */
export class PulumiCliTooOldError extends LocalWorkspaceEngineError {
  constructor(
    readonly found: string,
    readonly minimum: string,
  ) {
    super(
      `The Pulumi CLI is version ${found}; Phoenix needs ${minimum} or newer (resource hooks, which every ` +
        `fleet program registers; inline programs for refresh and destroy). Upgrade it (${PULUMI_INSTALL_URL}) and retry.`,
      "PULUMI_CLI_TOO_OLD",
    );
  }
}

/** Passphrase secrets (a self-managed backend's default, or `secretsProvider: "passphrase"`), and no passphrase
 * the CLI would take in the environment. */
export class PassphraseMissingError extends LocalWorkspaceEngineError {
  constructor(
    readonly backendUrl: string,
    /** What is wrong with the environment, e.g. "PULUMI_CONFIG_PASSPHRASE_FILE is empty". */
    readonly reason = "neither PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set",
  ) {
    super(
      `The backend ${backendUrl} encrypts stack secrets with a passphrase, and ${reason}. ` +
        `Set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE (in the environment ` +
        `or in the engine's \`envVars\`; keep the same passphrase for the life of the stacks), or pass a ` +
        `\`secretsProvider\` such as "awskms://alias/phoenix".`,
      "PASSPHRASE_MISSING",
    );
  }
}

/** A policy pack directory given to CrossGuard does not hold a `PulumiPolicy.yaml`. */
export class PolicyPackNotFoundError extends LocalWorkspaceEngineError {
  constructor(readonly packDir: string) {
    super(
      `The policy pack directory ${packDir} has no PulumiPolicy.yaml, so CrossGuard cannot load it. ` +
        `Pass \`policyPacks\` with the directories of your packs, or \`policyPacks: false\` to run without ` +
        `CrossGuard (not recommended: nothing would then stop SSH or in-place fleet changes).`,
      "POLICY_PACK_NOT_FOUND",
    );
  }
}

/** Bad options or arguments, reported all at once before any engine call. */
export class InvalidEngineInputError extends LocalWorkspaceEngineError {
  constructor(readonly problems: string[]) {
    super(`Invalid LocalWorkspace engine input:\n- ${problems.join("\n- ")}`, "INVALID_ENGINE_INPUT");
  }
}

/** A preview's engine events ended without their summary: part of the stream was lost, so the preview
 * cannot be trusted (the workflows' immutability guard and drift detection read these events). */
export class EngineEventsIncompleteError extends LocalWorkspaceEngineError {
  constructor(
    readonly stack: string,
    readonly operation: string,
    readonly attempts: number,
  ) {
    super(
      `The engine events of \`${operation}\` on stack ${stack} ended without their summary ${attempts} times, so ` +
        `part of them was lost and Phoenix will not act on that preview. Retry; Pulumi CLIs newer than 3.205 ` +
        `stream events over gRPC instead of a tailed log file, which avoids this.`,
      "ENGINE_EVENTS_INCOMPLETE",
    );
  }
}

/**
 * The engine refused a command because the stack is locked by another update (the backend's own lock, not
 * Phoenix's): a plain `pulumi` command on the stack, a process on another machine, or one killed there.
 * Phoenix clears only locks whose process is gone from this machine.
 */
export class StackLockedError extends LocalWorkspaceEngineError {
  constructor(
    readonly stack: string,
    readonly holders: readonly EngineLockHolder[],
    readonly cause?: unknown,
  ) {
    const held =
      holders.length > 0
        ? `by ${holders.map(describeHolder).join("; ")}`
        : "by an update the backend does not describe";
    super(
      `Stack ${stack} is locked by the Pulumi engine ${held}. Another pulumi process is updating it (a plain ` +
        `\`pulumi\` command, or another machine), or a process on another machine was killed while holding it. ` +
        `Wait for it to end and retry; once you are sure no process holds it, \`pulumi cancel --stack ${stack}\` ` +
        `removes the lock. (Phoenix clears a lock itself only when the process that took it is gone from this machine.)`,
      "STACK_LOCKED",
    );
  }
}

/**
 * No project directory: neither the directory given nor any directory searched holds a `.phoenix/`. Only
 * `bootstrap` creates one; every other command refuses before any engine call rather than start a second,
 * empty project (against a shared backend that would bootstrap a second network).
 */
export class ProjectNotFoundError extends LocalWorkspaceEngineError {
  constructor(
    /** Every directory looked in, the nearest first. */
    readonly searched: readonly string[],
    /** Whether the directory was given (`--project-dir`, PHOENIX_PROJECT) rather than searched for. */
    readonly given = false,
  ) {
    super(
      (given
        ? `No Phoenix project in ${searched[0]}: it has no .phoenix directory. `
        : `No Phoenix project found: no .phoenix directory in ${searched.join(", ")}. `) +
        `Run phoenix in the project directory or below it, or name it with --project-dir <dir> (or ` +
        `PHOENIX_PROJECT); a new project is created by \`phoenix bootstrap\`, run in the directory it belongs in.`,
      "PROJECT_NOT_FOUND",
    );
  }
}
