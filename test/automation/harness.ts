// A blue/green deployment on the in-memory engine and probe, with a fake clock and a temp state dir.
import assert from "assert";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "../../automation/blueGreen";
import type { ProgressEvent } from "../../automation/events";
import { Journal, type JournalEntry } from "../../automation/journal";
import { MemoryEngine, type MemoryEngineOptions } from "../../automation/memoryEngine";
import { MemoryCloudProbe } from "../../automation/memoryProbe";
import type { BlueGreenDeploymentOptions } from "../../automation/types";
import { COLOURS, stackName, type Colour } from "../../programs/contract";

export const APP = "shop";
export const ENV = "prod";
export const AMI_1 = "ami-0123456789abcdef0";
export const AMI_2 = "ami-0fedcba9876543210";
export const START = Date.parse("2026-01-01T00:00:00Z");

export interface Harness {
  engine: MemoryEngine;
  probe: MemoryCloudProbe;
  deployment: BlueGreenDeployment;
  events: ProgressEvent[];
  stateDir: string;
  /** Destroys of a colour that had traffic, seen by the engine as they happened (must stay empty). */
  violations: string[];
  clock: { now: number };
  journal(): Promise<JournalEntry[]>;
  /** A second deployment object on the same engine and state dir (another process, as far as the lock knows). */
  another(overrides?: Partial<BlueGreenDeploymentOptions>): BlueGreenDeployment;
  cleanup(): void;
}

export function harness(
  options: { engine?: MemoryEngineOptions; deployment?: Partial<BlueGreenDeploymentOptions> } = {},
): Harness {
  const stateDir = mkdtempSync(join(tmpdir(), "phoenix-wf-"));
  const violations: string[] = [];
  const engine = new MemoryEngine({
    // Audit every destroy as it happens: a fleet whose colour has traffic must never be destroyed.
    beforeDestroy: (stack, self) => {
      const fleet = self.inspect(stack);
      const colour = fleet?.config["phoenix:colour"] as Colour | undefined;
      const weight = colour
        ? (
            self.inspect(stackName(APP, ENV, "router"))?.outputs.weights as Record<Colour, number> | undefined
          )?.[colour]
        : 0;
      if (fleet?.role === "fleet" && fleet.resources.length > 0 && weight)
        violations.push(`destroyed ${stack} while it had ${weight} % of the traffic`);
    },
    ...options.engine,
  });
  const probe = new MemoryCloudProbe(engine);
  const clock = { now: START };
  const events: ProgressEvent[] = [];
  const make = (overrides: Partial<BlueGreenDeploymentOptions> = {}) =>
    new BlueGreenDeployment({
      app: APP,
      env: ENV,
      engine,
      probe,
      stateDir,
      healthTimeoutMs: 60_000,
      healthPollMs: 1000,
      now: () => clock.now,
      sleep: async (ms, signal) => {
        signal?.throwIfAborted();
        clock.now += ms;
      },
      onProgress: (event) => events.push(event),
      ...options.deployment,
      ...overrides,
    });
  const deployment = make();
  return {
    engine,
    probe,
    deployment,
    events,
    stateDir,
    violations,
    clock,
    journal: () => new Journal(deployment.journalPath).read(),
    another: make,
    cleanup: () => rmSync(stateDir, { recursive: true, force: true }),
  };
}

/** Router weights as deployed (its stack outputs), or undefined before bootstrap. */
export function weights(engine: MemoryEngine): Record<Colour, number> | undefined {
  return engine.inspect(stackName(APP, ENV, "router"))?.outputs.weights as Record<Colour, number> | undefined;
}

/** The release a colour's stack holds, or undefined when the stack is missing or empty. */
export function releaseOf(engine: MemoryEngine, colour: Colour): string | undefined {
  return engine.inspect(stackName(APP, ENV, colour))?.outputs.release as string | undefined;
}

/** Sets the router's weights through the engine, outside any workflow. */
export async function splitByHand(h: { engine: MemoryEngine }, blue: number, green: number): Promise<void> {
  const router = await h.engine.createOrSelectStack(stackName(APP, ENV, "router"), "router");
  const config = await router.getAllConfig();
  const key = (colour: string) => Object.keys(config).find((k) => k.endsWith(`${colour}Weight`))!;
  await router.setAllConfig({
    ...config,
    [key("blue")]: { value: String(blue) },
    [key("green")]: { value: String(green) },
  });
  await router.up();
  assert.deepStrictEqual(weights(h.engine), { blue, green });
}

/** Colours with a deployed fleet. */
export function deployedColours(engine: MemoryEngine): Colour[] {
  return COLOURS.filter((c) => releaseOf(engine, c) !== undefined);
}

/** bootstrap (router at 0/0) + up v1 (to blue) + swap: blue serves v1 at 100 %, green holds nothing. */
export async function deployedOnce(h: Harness): Promise<void> {
  await h.deployment.bootstrap();
  await h.deployment.up({ release: "v1", imageId: AMI_1 });
  await h.deployment.swap();
}
