// What the real engine leaves on this machine, read directly: its `pulumi` processes, and the rig's file
// backend (lock files per stack: pulumi pkg/backend/diy/lock.go, v3.274.0; checkpoints per stack).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { rig } from "../rigHooks";

/** The pids of the rig's `pulumi <command>` processes working on `stack`. */
export function pulumiPids(command: string, stack: string): number[] {
  try {
    const found = execFileSync("pgrep", ["-f", `pulumi ${command} .*--stack ${stack}( |$)`]).toString();
    return found.split("\n").filter(Boolean).map(Number);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

/** A path in the rig's file backend (`.pulumi/…`). */
export const backendPath = (...parts: string[]) =>
  path.join(new URL(rig().env.PULUMI_BACKEND_URL).pathname, ".pulumi", ...parts);

/** The engine's lock files of `stack` in the rig's file backend. */
export function engineLocks(stack: string): string[] {
  const dir = backendPath("locks", "organization", "phoenix", stack);
  return fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith(".json")) : [];
}
