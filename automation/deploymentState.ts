// Reading the state of one app/env from its stacks (the source of truth): which stacks exist, the router's
// weights and each colour's fleet outputs.
import type { ConfigMap } from "@pulumi/pulumi/automation";
import {
  COLOURS,
  CONFIG_NAMESPACE,
  SECRET_CONFIG_KEYS,
  roleOfPart,
  stackName,
  type Colour,
  type FleetOutputs,
  type RouterOutputs,
  type StackPart,
} from "../programs/contract";
import type { JournalSnapshot } from "./journal";
import type { Engine, EngineStack } from "./seams";

export interface DeploymentState {
  /** Stacks of this app/env that exist (by part). */
  existing: Set<StackPart>;
  /** The router's deployed weights; `undefined` before bootstrap. */
  router: RouterOutputs | undefined;
  weights: Record<Colour, number>;
  /** Deployed fleet per colour; absent when its stack is missing or empty. */
  fleets: Partial<Record<Colour, FleetOutputs>>;
}

/** The stacks of one app/env on one engine. */
export class AppStacks {
  constructor(
    readonly engine: Engine,
    readonly app: string,
    readonly env: string,
  ) {}

  name(part: StackPart): string {
    return stackName(this.app, this.env, part);
  }

  select(part: StackPart): Promise<EngineStack> {
    return this.engine.createOrSelectStack(this.name(part), roleOfPart(part));
  }

  /**
   * A ConfigMap of `phoenix:*` keys (undefined values left out), with the common keys of `part`. The keys of
   * SECRET_CONFIG_KEYS (user data) are secret, blanked ones too: the engine keeps only their ciphertext.
   */
  config(part: StackPart, values: Record<string, string | number | undefined>): ConfigMap {
    const all: Record<string, string | number | undefined> = {
      role: roleOfPart(part),
      app: this.app,
      env: this.env,
      ...values,
    };
    const map: ConfigMap = {};
    for (const [key, value] of Object.entries(all))
      if (value !== undefined) {
        map[`${CONFIG_NAMESPACE}:${key}`] = SECRET_CONFIG_KEYS.includes(key)
          ? { value: String(value), secret: true }
          : { value: String(value) };
      }
    return map;
  }

  async read(): Promise<DeploymentState> {
    const names = new Set(await this.engine.listStacks());
    const parts: StackPart[] = ["network", "router", "blue", "green", "ami"];
    const existing = new Set(parts.filter((part) => names.has(this.name(part))));
    let router: RouterOutputs | undefined;
    if (existing.has("router")) {
      const outputs = await (await this.select("router")).outputs();
      if (outputs.weights) router = plainOutputs(outputs) as unknown as RouterOutputs;
    }
    const fleets: Partial<Record<Colour, FleetOutputs>> = {};
    for (const colour of COLOURS) {
      if (!existing.has(colour)) continue;
      const outputs = await (await this.select(colour)).outputs();
      if (outputs.release) fleets[colour] = plainOutputs(outputs) as unknown as FleetOutputs;
    }
    const weights = router
      ? { blue: Number(router.weights.blue), green: Number(router.weights.green) }
      : { blue: 0, green: 0 };
    return { existing, router, weights, fleets };
  }
}

/** Stack outputs without their `secret` flags. */
export function plainOutputs(outputs: Record<string, { value: unknown }>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(outputs).map(([key, output]) => [key, output.value]));
}

/** Both colours have traffic: no colour is idle and none is wholly live. */
export const isSplit = (weights: Record<Colour, number>): boolean => weights.blue > 0 && weights.green > 0;

/** The colour that takes the traffic: the larger weight (blue on a tie); undefined when neither has any. */
export function liveColour(weights: Record<Colour, number>): Colour | undefined {
  if (weights.blue === 0 && weights.green === 0) return undefined;
  return weights.green > weights.blue ? "green" : "blue";
}

export function snapshotOf(state: DeploymentState): JournalSnapshot {
  const releases: Partial<Record<Colour, string>> = {};
  const deployments: Partial<Record<Colour, string>> = {};
  for (const colour of COLOURS) {
    const fleet = state.fleets[colour];
    if (fleet) releases[colour] = fleet.release;
    if (fleet?.deploymentId) deployments[colour] = fleet.deploymentId;
  }
  return {
    weights: { ...state.weights },
    releases,
    ...(Object.keys(deployments).length > 0 ? { deployments } : {}),
  };
}
