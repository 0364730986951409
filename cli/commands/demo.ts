// `phoenix demo`: a whole release cycle to watch, without the Pulumi CLI or an AWS account: bootstrap, two
// releases, a canary and a rollback, run by the real commands (the same progress output) against the in-memory
// engine and probe, in a throwaway project directory.
import type { Command } from "commander";
import { mkdir, mkdtemp, rm } from "fs/promises";
import { tmpdir } from "os";
import { join } from "path";
import { CliError } from "../exitCodes";
import type { CliIo } from "../io";
import { defaultWorkflowContext, setWorkflowContext } from "../workflows/context";

const TARGET = ["--app", "demo", "--env", "dev"];

/** The commands of the cycle, as a user would type them (the project directory and `--yes` added). */
export const DEMO_STEPS: string[][] = [
  ["bootstrap"],
  ["up", "--release", "v1", "--image-id", "ami-0123456789abcdef0"],
  ["swap"],
  [
    "up",
    "--release",
    "v2",
    "--image-id",
    "ami-0fedcba9876543210",
    "--min",
    "2",
    "--max",
    "4",
    "--desired",
    "2",
  ],
  ["swap", "--steps", "10,50,100", "--pause", "1s"],
  ["status"],
  ["rollback"],
  ["status"],
];

export function registerDemo(program: Command, io: CliIo): void {
  program
    .command("demo")
    .description(
      "watch a whole release cycle on the in-memory engine: bootstrap, two releases, a canary and a rollback " +
        "(no Pulumi CLI, no AWS account; nothing outside a temporary directory is touched)",
    )
    .action(async () => {
      const [{ BlueGreenDeployment }, { MemoryEngine }, { MemoryCloudProbe }, { runCli }] = await Promise.all(
        [
          import("../../automation/blueGreen"),
          import("../../automation/memoryEngine"),
          import("../../automation/memoryProbe"),
          import("../main"),
        ],
      );
      const projectDir = await mkdtemp(join(tmpdir(), "phoenix-demo-"));
      await mkdir(join(projectDir, ".phoenix"));
      const engine = new MemoryEngine();
      const probe = new MemoryCloudProbe(engine);
      const restore = setWorkflowContext({
        async createDeployment(settings) {
          return new BlueGreenDeployment({
            app: settings.app,
            env: settings.env,
            engine,
            probe,
            stateDir: join(projectDir, ".phoenix"),
            healthPollMs: 200,
          });
        },
        onInterrupt: defaultWorkflowContext.onInterrupt,
      });
      io.stdout(`A release cycle on the in-memory engine (project ${projectDir}):\n`);
      try {
        for (const step of DEMO_STEPS) {
          io.stdout(`\n$ phoenix ${[...step, ...TARGET].join(" ")}\n`);
          const code = await runCli([...step, ...TARGET, "--project-dir", projectDir, "--yes"], io);
          if (code !== 0)
            throw new CliError(`the demo stopped at \`phoenix ${step.join(" ")}\``, code as never);
        }
      } finally {
        restore();
        await rm(projectDir, { recursive: true, force: true });
      }
    });
}
