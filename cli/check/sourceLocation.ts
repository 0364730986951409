// Where a SARIF result points. Pulumi records a resource's `sourcePosition` as `project:///<path>#line[,col]`,
// the path relative to the Pulumi project's root, `../` included when the file is outside the project
// (pkg/resource/deploy/source_eval.go:2165-2204 in Pulumi 3.274). Code-scanning tools resolve a result's URI
// against the repository, so a position is kept only when it lies inside the git repository of the current
// directory (or, with no repository, inside the current directory), taken as the project's root; anything
// else falls back to the export file, which the tool can still show.
import { existsSync } from "fs";
import { dirname, isAbsolute, join, relative, resolve, sep } from "path";

export interface SourceRoots {
  /** The directory `phoenix check` runs in, taken as the Pulumi project's root. */
  cwd: string;
  /** The root of the git repository around `cwd`, if any. */
  gitRoot?: string;
}

/** The nearest directory at or above `dir` holding `.git` (a directory, or a file in a worktree). */
export function gitRootOf(dir: string): string | undefined {
  for (let current = resolve(dir); ; current = dirname(current)) {
    if (existsSync(join(current, ".git"))) return current;
    if (dirname(current) === current) return undefined;
  }
}

export interface SourceLocation {
  uri: string;
  startLine?: number;
  startColumn?: number;
}

/** The location of a `sourcePosition`, relative to the repository (or cwd); undefined to fall back. */
export function sourceLocation(position: string | undefined, roots: SourceRoots): SourceLocation | undefined {
  const match = position ? /^project:\/\/\/([^#]+)(?:#(\d+)(?:,(\d+))?)?$/.exec(position) : null;
  if (!match) return undefined;
  const file = resolve(roots.cwd, decodeURI(match[1]));
  const base = roots.gitRoot ?? roots.cwd;
  const inside = relative(base, file);
  if (inside === "" || inside.startsWith(`..${sep}`) || inside === ".." || isAbsolute(inside))
    return undefined;
  return {
    uri: inside.split(sep).join("/"),
    ...(match[2] ? { startLine: Number(match[2]) } : {}),
    ...(match[3] ? { startColumn: Number(match[3]) } : {}),
  };
}
