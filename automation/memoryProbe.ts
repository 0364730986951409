// A scripted CloudProbe over the in-memory engine, for tests and benches. A target group's registered
// targets are the desired capacity of the fleet stacks attached to it (what the ASG would register);
// they report `healthy` unless a test marks the target group unhealthy (or still `initial` for a number
// of polls). Every other state a real target group can be in is scripted per colour: a live desired capacity
// that differs from the stack's (scaling policies, a group scaled to 0) and any mix of target states
// (`{ healthy: 1, unhealthy: 1 }`, `{ draining: 2 }`), so that tests can pin the health gate's threshold.
// Alarms are set by name. Calls are counted and can fail on demand.
import type { Colour } from "../programs/contract";
import { stackName } from "../programs/contract";
import type { MemoryEngine } from "./memoryEngine";
import type { CloudProbe, ImageProbe, TargetGroupHealth } from "./seams";
import { describeRule, type SecurityGroupRule } from "./securityGroupRules";

export type ProbeMethod =
  | "targetGroupHealth"
  | "desiredCapacity"
  | "alarmsInAlarm"
  | "revokeSecurityGroupRules"
  | `images.${keyof ImageProbe}`;

export class MemoryCloudProbe implements CloudProbe {
  readonly calls: { method: ProbeMethod; target: string }[] = [];
  private readonly unhealthy = new Set<string>();
  private readonly initialPolls = new Map<string, number>();
  private readonly alarms = new Set<string>();
  /** Auto scaling group name → its live desired capacity, where a test set one. */
  private readonly liveDesired = new Map<string, number>();
  /** Target group ARN → the states its targets report, where a test set them. */
  private readonly targetStates = new Map<string, Record<string, number>>();
  private failRule?: (method: ProbeMethod, target: string) => Error | undefined;

  /** EC2's AMI calls over the engine's simulated account (automation/memory/images.ts), counted and failable. */
  readonly images: ImageProbe;

  constructor(private readonly engine: MemoryEngine) {
    const images = engine.images;
    const call = (method: keyof ImageProbe, target: string, signal?: AbortSignal) =>
      this.record(`images.${method}`, target, signal);
    this.images = {
      describeImages: async (tags, signal) => (
        call("describeImages", JSON.stringify(tags), signal),
        images.describeImages(tags)
      ),
      tagImage: async (id, tags, signal) => (call("tagImage", id, signal), images.tagImage(id, tags)),
      untagImage: async (id, keys, signal) => (call("untagImage", id, signal), images.untagImage(id, keys)),
      deprecateImage: async (id, at, signal) => (
        call("deprecateImage", id, signal),
        images.deprecateImage(id, at)
      ),
      deregisterImage: async (id, snapshots, signal) => (
        call("deregisterImage", id, signal),
        images.deregisterImage(id, snapshots)
      ),
    };
  }

  /** The ARN of a colour's target group, from the network stack's outputs. */
  targetGroupOf(app: string, env: string, colour: Colour): string {
    const arn = this.engine.inspect(stackName(app, env, "network"))?.outputs[`${colour}TargetGroupArn`];
    if (typeof arn !== "string") throw new Error(`MemoryCloudProbe: ${app}/${env} has no network stack yet`);
    return arn;
  }

  /** Make a colour's targets fail (or pass again) their health checks. */
  setHealthy(app: string, env: string, colour: Colour, healthy: boolean): void {
    const arn = this.targetGroupOf(app, env, colour);
    if (healthy) this.unhealthy.delete(arn);
    else this.unhealthy.add(arn);
  }

  /** The next `polls` health reads of the colour's target group report its targets as `initial`. */
  setWarmingUp(app: string, env: string, colour: Colour, polls: number): void {
    this.initialPolls.set(this.targetGroupOf(app, env, colour), polls);
  }

  /**
   * The colour's auto scaling group wants `desired` instances from now on, whatever its stack says (what scaling
   * policies or a scale-in do); `undefined` gives the stack's value back. Its target group registers as many.
   */
  setDesiredCapacity(app: string, env: string, colour: Colour, desired: number | undefined): void {
    const group = this.engine.inspect(stackName(app, env, colour))?.outputs.autoScalingGroupName;
    if (typeof group !== "string") throw new Error(`MemoryCloudProbe: ${app}/${env} has no ${colour} fleet`);
    // Stryker disable next-line ConditionalExpression: a group mapped to undefined reads as its stack's value (`??`) as an unmapped one does
    if (desired === undefined) this.liveDesired.delete(group);
    else this.liveDesired.set(group, desired);
  }

  /**
   * The colour's target group reports exactly these target states (`{ healthy: 1, unhealthy: 1 }`,
   * `{ draining: 2 }`), whatever its fleet's capacity, until set to `undefined`. Warming-up polls come first.
   */
  setTargetStates(
    app: string,
    env: string,
    colour: Colour,
    states: Record<string, number> | undefined,
  ): void {
    const arn = this.targetGroupOf(app, env, colour);
    if (states === undefined) this.targetStates.delete(arn);
    else this.targetStates.set(arn, { ...states });
  }

  setAlarm(name: string, inAlarm: boolean): void {
    if (inAlarm) this.alarms.add(name);
    else this.alarms.delete(name);
  }

  /** Fail the calls for which `rule` returns an error (a throttle, a timeout). */
  failWhen(rule: ((method: ProbeMethod, target: string) => Error | undefined) | undefined): void {
    this.failRule = rule;
  }

  private record(method: ProbeMethod, target: string, signal?: AbortSignal): void {
    signal?.throwIfAborted();
    this.calls.push({ method, target });
    const error = this.failRule?.(method, target);
    if (error) throw error;
  }

  private fleets(): Record<string, unknown>[] {
    return this.engine
      .stackNames()
      .map((name) => this.engine.inspect(name))
      .filter((s) => s?.role === "fleet" && typeof s.outputs.targetGroupArn === "string")
      .map((s) => s!.outputs);
  }

  async targetGroupHealth(targetGroupArn: string, signal?: AbortSignal): Promise<TargetGroupHealth> {
    this.record("targetGroupHealth", targetGroupArn, signal);
    const registered = this.fleets()
      .filter((outputs) => outputs.targetGroupArn === targetGroupArn)
      .reduce((sum, outputs) => sum + this.desiredOf(outputs), 0);
    const scripted = this.targetStates.get(targetGroupArn);
    if (registered === 0 && !scripted) return { targetGroupArn, healthy: 0, byState: {} };
    const warming = this.initialPolls.get(targetGroupArn) ?? 0;
    if (warming > 0) {
      this.initialPolls.set(targetGroupArn, warming - 1);
      return { targetGroupArn, healthy: 0, byState: { initial: registered } };
    }
    if (scripted) return { targetGroupArn, healthy: scripted.healthy ?? 0, byState: { ...scripted } };
    if (this.unhealthy.has(targetGroupArn))
      return { targetGroupArn, healthy: 0, byState: { unhealthy: registered } };
    return { targetGroupArn, healthy: registered, byState: { healthy: registered } };
  }

  async desiredCapacity(autoScalingGroupName: string, signal?: AbortSignal): Promise<number> {
    this.record("desiredCapacity", autoScalingGroupName, signal);
    const fleet = this.fleets().find((outputs) => outputs.autoScalingGroupName === autoScalingGroupName);
    if (!fleet) throw new Error(`AutoScalingGroup ${autoScalingGroupName} not found`);
    return this.desiredOf(fleet);
  }

  private desiredOf(fleet: Record<string, unknown>): number {
    return this.liveDesired.get(fleet.autoScalingGroupName as string) ?? Number(fleet.desiredCapacity ?? 0);
  }

  async alarmsInAlarm(alarmNames: string[], signal?: AbortSignal): Promise<string[]> {
    this.record("alarmsInAlarm", alarmNames.join(","), signal);
    return alarmNames.filter((name) => this.alarms.has(name));
  }

  /** Revokes the rules from the engine's simulated cloud, as EC2 would. */
  async revokeSecurityGroupRules(rules: SecurityGroupRule[], signal?: AbortSignal): Promise<void> {
    this.record("revokeSecurityGroupRules", rules.map(describeRule).join(", "), signal);
    this.engine.revokeSecurityGroupRules(rules);
  }
}
