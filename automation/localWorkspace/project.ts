// The project directory and the backend URL: where a deployment's `.phoenix/` is, found from anywhere below
// it, and which backend URLs Pulumi accepts. Pure but for reading the file system; no Pulumi import, so the
// CLI checks its flags with it before anything loads the Automation API.
import * as fs from "fs";
import * as path from "path";

/**
 * Directory, under the project directory, of everything Phoenix keeps on disk: the Automation API workspace,
 * the file backend's state (by default), the deployment records and the lock.
 */
export const PHOENIX_DIR = ".phoenix";

/** Environment variable naming the project directory (the CLI's `--project-dir` wins over it). */
export const PROJECT_DIR_ENV = "PHOENIX_PROJECT";

/**
 * The URL schemes of the backends Pulumi accepts: its self-managed ("diy") backends (a local directory, S3,
 * Google Cloud Storage, Azure Blob Storage, PostgreSQL) and the Pulumi Cloud service (`http`/`https`).
 * Pulumi takes any other URL for a service address and fails late, so Phoenix refuses it up front.
 */
export const BACKEND_SCHEMES = ["file", "s3", "gs", "azblob", "postgres", "http", "https"] as const;

/** What a backend URL must be, for messages. */
export const BACKEND_URL_ALLOWED =
  `must be a Pulumi backend URL with one of the schemes ${BACKEND_SCHEMES.map((s) => `${s}://`).join(", ")} ` +
  "(such as file:///srv/phoenix-state, s3://bucket/prefix or https://api.pulumi.com)";

/** Why `url` is not a backend URL Pulumi accepts (its scheme named when it has one), or undefined when it is. */
export function backendUrlProblem(url: string): string | undefined {
  const scheme = /^([A-Za-z][A-Za-z0-9+.-]*):\/\//.exec(url)?.[1];
  if (scheme === undefined) return BACKEND_URL_ALLOWED;
  if (!(BACKEND_SCHEMES as readonly string[]).includes(scheme)) {
    return `${BACKEND_URL_ALLOWED}; Pulumi has no ${scheme}:// backend`;
  }
  if (url.length === `${scheme}://`.length) return `${BACKEND_URL_ALLOWED}; nothing follows ${scheme}://`;
  return undefined;
}

/** The default backend: a file backend in the project's `.phoenix/state`. */
export function defaultBackendUrl(projectDir: string): string {
  return `file://${path.join(path.resolve(projectDir), PHOENIX_DIR, "state")}`;
}

/** Whether `dir` holds a `.phoenix` directory. */
export function isProjectDir(dir: string): boolean {
  return isDirectory(path.join(dir, PHOENIX_DIR));
}

export interface ProjectSearch {
  /** The nearest directory, `start` or an ancestor, holding `.phoenix/`; undefined when none does. */
  found?: string;
  /** Every directory looked in, `start` first. */
  searched: string[];
}

/** Look for `.phoenix/` in `start`, then in each ancestor up to the file system root. */
export function findProjectDir(start: string): ProjectSearch {
  const searched: string[] = [];
  let dir = path.resolve(start);
  for (;;) {
    searched.push(dir);
    if (isProjectDir(dir)) return { found: dir, searched };
    const parent = path.dirname(dir);
    if (parent === dir) return { searched };
    dir = parent;
  }
}

export function isDirectory(dir: string): boolean {
  try {
    return fs.statSync(dir).isDirectory();
  } catch {
    return false;
  }
}
