// What the real engine leaves on this machine, read directly: its `pulumi` processes, and the rig's file
// backend (lock files per stack: pulumi pkg/backend/diy/lock.go, v3.274.0; checkpoints per stack).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { rig } from "../rigHooks";
import { launchTemplateNames } from "./emulator";

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

/** Poll `condition` every 100 ms until it holds; fail naming `what` after `timeoutMs`. */
export async function until(
  what: string,
  condition: () => Promise<boolean> | boolean,
  timeoutMs = 180_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Wait until a running `phoenix up` is inside its `pulumi up` of `stack` and the fleet's launch template exists in
 * the emulator (mid-deploy: the auto scaling group comes next); returns that `pulumi up`'s pid.
 */
export async function midDeploy(stack: string, up: { done: Promise<unknown> }): Promise<number> {
  let ended = false;
  void up.done.then(() => (ended = true));
  await until(`the pulumi up of ${stack}`, () => {
    if (ended) throw new Error("phoenix up ended before its pulumi up was seen");
    return pulumiPids("up", stack).length > 0;
  });
  await until(`the launch template of ${stack} in the emulator`, async () =>
    (await launchTemplateNames()).some((name) => name.startsWith(stack)),
  );
  return pulumiPids("up", stack)[0];
}
