// A scripted CloudProbe over the in-memory engine, for tests and benches. A target group's registered
// targets are the desired capacity of the fleet stacks attached to it (what the ASG would register);
// they report `healthy` unless a test marks the target group unhealthy (or still `initial` for a number
// of polls). Alarms are set by name. Calls are counted and can fail on demand.
import type { Colour } from "../programs/contract";
import { stackName } from "../programs/contract";
import type { MemoryEngine } from "./memoryEngine";
import type { CloudProbe, TargetGroupHealth } from "./seams";
import { describeRule, type SecurityGroupRule } from "./securityGroupRules";

export type ProbeMethod =
  "targetGroupHealth" | "desiredCapacity" | "alarmsInAlarm" | "revokeSecurityGroupRules";

export class MemoryCloudProbe implements CloudProbe {
  readonly calls: { method: ProbeMethod; target: string }[] = [];
  private readonly unhealthy = new Set<string>();
  private readonly initialPolls = new Map<string, number>();
  private readonly alarms = new Set<string>();
  private failRule?: (method: ProbeMethod, target: string) => Error | undefined;

  constructor(private readonly engine: MemoryEngine) {}

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
      .reduce((sum, outputs) => sum + Number(outputs.desiredCapacity ?? 0), 0);
    if (registered === 0) return { targetGroupArn, healthy: 0, byState: {} };
    const warming = this.initialPolls.get(targetGroupArn) ?? 0;
    if (warming > 0) {
      this.initialPolls.set(targetGroupArn, warming - 1);
      return { targetGroupArn, healthy: 0, byState: { initial: registered } };
    }
    if (this.unhealthy.has(targetGroupArn))
      return { targetGroupArn, healthy: 0, byState: { unhealthy: registered } };
    return { targetGroupArn, healthy: registered, byState: { healthy: registered } };
  }

  async desiredCapacity(autoScalingGroupName: string, signal?: AbortSignal): Promise<number> {
    this.record("desiredCapacity", autoScalingGroupName, signal);
    const fleet = this.fleets().find((outputs) => outputs.autoScalingGroupName === autoScalingGroupName);
    if (!fleet) throw new Error(`AutoScalingGroup ${autoScalingGroupName} not found`);
    return Number(fleet.desiredCapacity);
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
