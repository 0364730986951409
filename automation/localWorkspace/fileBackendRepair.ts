// A self-managed file backend (`file://`) writes each blob through gocloud.dev's fileblob: the data to a temp
// file that is renamed into place, but its `.attrs` sidecar (content type, MD5) straight into its final name
// (gocloud.dev blob/fileblob/attrs.go `setAttrs`: os.Create, then encode; fileblob.go `writer.Close` writes the
// sidecar before the rename; the version pulumi v3.274.0 builds with, v0.46.1-0.20260810195832-b5401c07b5f1).
// A `pulumi` killed between the two leaves the sidecar empty, and every later read of that blob fails to decode
// it (attrs.go `getAttrs`): the CLI prints "error: EOF" for each command that reads the stack, and `stack ls`
// for every stack of the project. Seen in the rig: phoenix killed mid-`up` left `shop-killed-blue.json.attrs`
// empty beside the previous checkpoint, intact, and the new one still in its temp file.
// Because the rename comes after the sidecar, the blob beside an empty sidecar is the previous, complete
// version; fileblob reads a blob without a sidecar with default attributes. Removing the empty sidecar is the
// repair.
import * as fs from "fs";
import * as path from "path";

/** A sidecar emptier than this long ago may be one a running `pulumi` is writing now: left alone. */
export const SIDECAR_QUIET_MS = 1000;

/** The empty `.attrs` sidecars under a file backend's `.pulumi` directory, older than `SIDECAR_QUIET_MS`. */
export function emptySidecars(backendDir: string, now = Date.now()): string[] {
  const root = path.join(backendDir, ".pulumi");
  if (!fs.existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of fs.readdirSync(root, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || !entry.name.endsWith(".attrs")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const stat = fs.statSync(file);
    if (stat.size === 0 && now - stat.mtimeMs >= SIDECAR_QUIET_MS) found.push(file);
  }
  return found.sort();
}

/** Whether the CLI failed to read a blob's sidecar ("error: EOF" on a line of its own). */
export function isSidecarEof(error: unknown): boolean {
  return /^error: EOF$/m.test(error instanceof Error ? error.message : String(error));
}

/**
 * Run `command`; when it fails with "error: EOF" and the file backend holds empty sidecars, remove them and run
 * it once more. Other failures, and other backends, pass through unchanged.
 */
export async function withSidecarRepair<R>(
  backendDir: string | undefined,
  command: () => Promise<R>,
): Promise<R> {
  try {
    return await command();
  } catch (error) {
    if (backendDir === undefined || !isSidecarEof(error)) throw error;
    const empty = emptySidecars(backendDir);
    if (empty.length === 0) throw error;
    for (const file of empty) fs.rmSync(file, { force: true });
    return command();
  }
}
