// State of the resources the emulator lacks (EC2 Image Builder), one JSON file per resource under
// $PHOENIX_RIG_STATE_DIR/imagebuilder/ (default <repo>/.rig/state). Each CLI command starts a new provider
// process, and several run at once (one per stack), so nothing lives in process memory, and each write is
// a whole file renamed into place (atomic on one file system).
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { stateDir } from "../context";
import type { Props } from "../values";

function fileOf(id: string): string {
  const key = createHash("sha256").update(id).digest("hex").slice(0, 32);
  return path.join(stateDir(), "imagebuilder", `${key}.json`);
}

export interface Stored {
  type: string;
  id: string;
  outs: Props;
}

export function load(id: string): Stored | undefined {
  try {
    return JSON.parse(fs.readFileSync(fileOf(id), "utf8")) as Stored;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
}

export function save(record: Stored): void {
  const file = fileOf(record.id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(record, null, 2));
  fs.renameSync(temp, file);
}

export function remove(id: string): void {
  fs.rmSync(fileOf(id), { force: true });
}
