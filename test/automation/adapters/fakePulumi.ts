// A fake `pulumi` (a Node script) for the process-group tests: pulumiProcessGroup.test.ts (command line, errors,
// process groups) and test/engine/processGroupSignals.test.ts (what signals reach it).
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PulumiCommand } from "@pulumi/pulumi/automation";

/**
 * `pulumi version`; `pulumi echo …` prints its arguments, PULUMI_AUTOMATION_API and the first PATH entry;
 * `pulumi fail` fails as the CLI does on a missing stack; `pulumi group` prints its process group; `pulumi
 * wait` prints "ready", appends every SIGINT/SIGTERM to $FAKE_PULUMI_SIGNALS and exits 2 s after the first
 * (as the engine takes a while to stop), writing "exit" there last.
 */
const FAKE_PULUMI = `#!${process.execPath}
const fs = require("fs");
const [command, ...rest] = process.argv.slice(2);
if (command === "version") return console.log("3.274.0");
if (command === "echo") {
  return console.log([...rest, process.env.PULUMI_AUTOMATION_API, process.env.PATH.split(":")[0]].join(" "));
}
if (command === "fail") {
  process.stderr.write("error: no stack named 'dev' found\\n");
  return void (process.exitCode = 255);
}
if (command === "group") {
  const ps = require("child_process").execFileSync("ps", ["-o", "pgid=", "-p", String(process.pid)]);
  return console.log(ps.toString().trim());
}
const record = (line) => fs.appendFileSync(process.env.FAKE_PULUMI_SIGNALS, line + "\\n");
let stopping = false;
const note = (signal) => {
  record(signal);
  if (stopping) return;
  stopping = true;
  setTimeout(() => (record("exit"), process.exit(0)), 2000);
};
process.on("SIGINT", () => note("SIGINT"));
process.on("SIGTERM", () => note("SIGTERM"));
setTimeout(() => process.exit(3), 60000);
console.log("ready");
`;

/** A directory whose `bin/pulumi` is the fake, and the SDK's PulumiCommand for it. */
export async function fakePulumiRoot(): Promise<{ root: string; command: PulumiCommand }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-pgroup-"));
  fs.mkdirSync(path.join(root, "bin"));
  fs.writeFileSync(path.join(root, "bin", "pulumi"), FAKE_PULUMI, { mode: 0o755 });
  return { root, command: await PulumiCommand.get({ root, skipVersionCheck: true }) };
}

export function processGroupOf(pid: number): number {
  return Number(
    execFileSync("ps", ["-o", "pgid=", "-p", String(pid)])
      .toString()
      .trim(),
  );
}

/** Skip, saying why: Windows has no process groups, so the wrapper leaves the SDK's command as it is there. */
export function skipOnWindows(context: Mocha.Context): never {
  console.log("    skipped: Windows has no process groups to signal");
  return context.skip();
}
