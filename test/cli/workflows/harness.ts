// The workflow commands through `runCli`, with the WorkflowContext replaced: a BlueGreenDeployment on the
// in-memory engine and scripted probe (fake clock, temp journal dir), and a Ctrl-C the test can press.
import { mkdirSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "../../../automation/blueGreen";
import { MemoryEngine, type MemoryEngineOptions } from "../../../automation/memoryEngine";
import { MemoryCloudProbe } from "../../../automation/memoryProbe";
import type { Colour } from "../../../programs/contract";
import { memoryIo, type MemoryIoOptions } from "../../../cli/io";
import { runCli } from "../../../cli/main";
import {
  setWorkflowContext,
  type DeploymentSettings,
  type WorkflowContext,
} from "../../../cli/workflows/context";

export const AMI_1 = "ami-0123456789abcdef0";
export const AMI_2 = "ami-0fedcba9876543210";
export const TARGET = ["--app", "shop", "--env", "prod"];

export interface CliRun {
  code: number;
  out: string;
  err: string;
  questions: string[];
}

export interface CliHarness {
  engine: MemoryEngine;
  probe: MemoryCloudProbe;
  stateDir: string;
  /** The project directory every command finds (through PHOENIX_PROJECT, set while the harness lives). */
  projectDir: string;
  /** Settings of every deployment the commands asked the context for. */
  created: DeploymentSettings[];
  /**
   * Press Ctrl-C: calls the listener the running command registered with the presses counted since it did
   * (false when none listens).
   */
  interrupt(): boolean;
  phoenix(argv: string[], io?: MemoryIoOptions): Promise<CliRun>;
  /** Router weights as deployed. */
  weights(): Record<Colour, number> | undefined;
  releaseOf(colour: Colour): string | undefined;
  /** `up` calls the engine received on one stack. */
  ups(stack: string): number;
  cleanup(): void;
}

export function cliHarness(
  options: { engine?: MemoryEngineOptions; context?: Partial<WorkflowContext> } = {},
): CliHarness {
  const stateDir = mkdtempSync(join(tmpdir(), "phoenix-cli-"));
  // Commands outside a project are refused: the harness gives them one, whatever the current directory.
  const projectDir = join(stateDir, "project");
  mkdirSync(join(projectDir, ".phoenix"), { recursive: true });
  const previousProject = process.env.PHOENIX_PROJECT;
  process.env.PHOENIX_PROJECT = projectDir;
  const engine = new MemoryEngine(options.engine);
  const probe = new MemoryCloudProbe(engine);
  const clock = { now: Date.parse("2026-01-01T00:00:00Z") };
  const created: DeploymentSettings[] = [];
  let listener: ((presses: number) => void) | undefined;
  let presses = 0;
  const restore = setWorkflowContext({
    async createDeployment(settings) {
      created.push(settings);
      return new BlueGreenDeployment({
        app: settings.app,
        env: settings.env,
        engine,
        probe,
        stateDir,
        keepWarmMs: settings.keepWarmMs,
        healthTimeoutMs: settings.healthTimeoutMs ?? 60_000,
        healthPollMs: 1000,
        now: () => clock.now,
        sleep: async (ms, signal) => {
          signal?.throwIfAborted();
          clock.now += ms;
        },
      });
    },
    onInterrupt(l) {
      listener = l;
      presses = 0;
      return () => (listener = undefined);
    },
    ...options.context,
  });
  const outputs = (stack: string) => engine.inspect(stack)?.outputs;
  return {
    engine,
    probe,
    stateDir,
    projectDir,
    created,
    interrupt: () => {
      if (!listener) return false;
      listener(++presses);
      return true;
    },
    async phoenix(argv, ioOptions = {}) {
      const io = memoryIo("", ioOptions);
      const code = await runCli(argv, io);
      return { code, out: io.out, err: io.err, questions: io.questions };
    },
    weights: () => outputs("shop-prod-router")?.weights as Record<Colour, number> | undefined,
    releaseOf: (colour) => outputs(`shop-prod-${colour}`)?.release as string | undefined,
    ups: (stack) => engine.calls.filter((c) => c.method === "up" && c.stack === stack).length,
    cleanup() {
      restore();
      if (previousProject === undefined) delete process.env.PHOENIX_PROJECT;
      else process.env.PHOENIX_PROJECT = previousProject;
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
