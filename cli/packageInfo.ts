import { existsSync, readFileSync } from "fs";
import { dirname, join } from "path";

/** The package's root directory: the nearest folder above this file with phoenix-fleet's package.json
 * (this file runs from cli/ under ts-node and from dist/cli/ once compiled). */
export function packageRoot(): string {
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (
      existsSync(manifest) &&
      (JSON.parse(readFileSync(manifest, "utf8")) as { name?: string }).name === "phoenix-fleet"
    ) {
      return dir;
    }
  }
  throw new Error(`phoenix-fleet's package.json not found above ${__dirname}`);
}

export function packageVersion(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), "package.json"), "utf8")) as { version: string })
    .version;
}
