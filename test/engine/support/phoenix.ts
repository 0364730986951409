// The `phoenix` command as a user runs it inside the rig: a child process (`bin/phoenix.js`, compiled by
// `npm run build`), the rig's environment, `--json` so the result can be read, `--yes` for the prompts.
// The inline programs run inside that child, as they do for a user.
import { spawn, type ChildProcess } from "child_process";
import * as path from "path";
import { REPO_ROOT } from "../../../scripts/rig/cache";

export interface PhoenixRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The `--json` envelope: `{ command, app, env, ok, result | error }`. */
  json: { ok: boolean; result?: Record<string, unknown>; error?: { type: string; message: string } } & Record<
    string,
    unknown
  >;
}

export interface PhoenixProcess {
  child: ChildProcess;
  done: Promise<PhoenixRun>;
  /** Resolves when stderr (the progress) has printed a line matching `pattern`. */
  progress(pattern: RegExp): Promise<void>;
}

/**
 * Start `phoenix <args> --app <app> --env <env> --json --yes`. `detached`: phoenix leads a process group of
 * its own, as a shell with job control starts a foreground job, so that `process.kill(-pid, "SIGINT")`
 * reaches it and its children at once, as Ctrl-C on a terminal does.
 */
export function startPhoenix(
  app: string,
  env: string,
  args: string[],
  cwd: string,
  { detached = false } = {},
): PhoenixProcess {
  const child = spawn(
    process.execPath,
    [path.join(REPO_ROOT, "bin", "phoenix.js"), ...args, "--app", app, "--env", env, "--json", "--yes"],
    { cwd, env: process.env, stdio: ["ignore", "pipe", "pipe"], detached },
  );
  let stdout = "";
  let stderr = "";
  const watchers: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    if (process.env.PHOENIX_ENGINE_VERBOSE) process.stderr.write(chunk);
    for (const watcher of [...watchers]) {
      if (watcher.pattern.test(stderr)) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve();
      }
    }
  });
  const done = new Promise<PhoenixRun>((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      let json: PhoenixRun["json"];
      try {
        json = JSON.parse(stdout);
      } catch {
        json = { ok: false, error: { type: "NoJson", message: `no JSON on stdout: ${stdout}\n${stderr}` } };
      }
      resolve({ code, signal, stdout, stderr, json });
    });
  });
  return {
    child,
    done,
    progress: (pattern) =>
      pattern.test(stderr)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            watchers.push({ pattern, resolve });
            void done.then(() => reject(new Error(`phoenix ended before printing ${pattern}:\n${stderr}`)));
          }),
  };
}

/** Run `phoenix …` to its end; fails the test with its output when it does not exit 0 (unless `allowFailure`). */
export async function phoenix(
  app: string,
  env: string,
  args: string[],
  cwd: string,
  { allowFailure = false } = {},
): Promise<PhoenixRun> {
  const run = await startPhoenix(app, env, args, cwd).done;
  if (!allowFailure && run.code !== 0) {
    throw new Error(`phoenix ${args.join(" ")} exited ${run.code}:\n${run.stdout}\n${run.stderr}`);
  }
  return run;
}
