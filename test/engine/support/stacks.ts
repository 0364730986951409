// Stack outputs read with the rig's `pulumi` from the workspace Phoenix keeps in `<project>/.phoenix`.
import { execFileSync } from "child_process";
import * as path from "path";

export function stackOutputs(projectDir: string, stack: string): Record<string, unknown> {
  const printed = execFileSync("pulumi", ["stack", "output", "--json", "--show-secrets", "--stack", stack], {
    cwd: path.join(projectDir, ".phoenix"),
    env: process.env,
  });
  return JSON.parse(printed.toString()) as Record<string, unknown>;
}
