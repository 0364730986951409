// Heal: put every drifted stack of an app/env back to what Phoenix declared, by kind.
//
// - network: stray security group rules (live on a group, declared by no Phoenix resource) are revoked
//   through the probe (EC2 RevokeSecurityGroupIngress/Egress), with the rules declared in the stack's state as
//   the allow-list. An `up` cannot remove them: the groups declare no inline rules (each rule is its own
//   resource, policy-checked on its own), and the Terraform AWS provider behind pulumi-aws leaves a group's live
//   rules alone when its config sets none: `ingress`/`egress` are Optional+Computed (ConfigMode Attr), its Read
//   writes every live rule into them, matched or not (matchRules: "If no match is found, we'll write the remote
//   rule to state"), and its Update revokes only what changed between state and config (updateSecurityGroupRules:
//   `if !d.HasChange(ruleType) return nil`) — hashicorp/terraform-provider-aws internal/service/ec2/
//   vpc_security_group.go (securityGroupRuleSetNestedBlock, resourceSecurityGroupRead, updateSecurityGroupRules).
//   Declaring the complete rule sets inline instead would mix inline rules with rule resources, which its
//   docs forbid ("NOTE on Security Groups and Security Group Rules"), and the load balancer and fleet groups
//   reference each other, a cycle that separate rule resources avoid.
//   Any other network drift (a changed or deleted resource) is put back with one `up --refresh`: the refresh
//   makes the state what the cloud holds, the update makes the cloud what the program declares. A plan that
//   would replace or delete a network resource is refused: that would cut the fleets off.
// - router: the recorded weights (the router stack's config) back with one `up --refresh` of the router,
//   which changes exactly one resource, the listener; the live colour must be healthy first.
// - live fleet: nuke and replace — the same release and config on the idle colour, the traffic moved there
//   (health-gated like a swap; this rewrites the listener too), the drifted colour destroyed.
// - idle fleet (the rollback target): destroyed and redeployed with the same release and config; no traffic moves.
// Everything that can refuse is checked before the first change.
import { otherColour, type Colour } from "../programs/contract";
import type { DeploymentState } from "./deploymentState";
import { detectDrift } from "./driftCheck";
import { TrafficRestoreError, VerifyFailedError, WorkflowError } from "./errors";
import { deployOptionsFromConfig } from "./fleetOptions";
import { checkHealthy } from "./health";
import { describeRule, SECURITY_GROUP_TYPE } from "./securityGroupRules";
import { describeWeights } from "./traffic";
import type { DriftedResource, DriftReport, HealOptions, HealResult, SwapResult } from "./types";
import type { WorkflowRun } from "./workflowRun";
import type { WorkflowSteps } from "./workflowSteps";

/** Ops of a network plan that heal refuses: they would take away what the fleets stand on. */
const DESTRUCTIVE_OPS = ["replace", "delete", "create-replacement", "delete-replaced"];

function driftOf(drift: DriftReport, part: string): DriftedResource[] {
  // Stryker disable next-line OptionalChaining,ArrayDeclaration: heal asks only for parts the drift refresh-previewed
  return drift.stacks.find((s) => s.part === part)?.drifted ?? [];
}

/** Network drift that revoking stray rules does not cure. */
function needsNetworkUpdate(drifted: DriftedResource[]): boolean {
  return drifted.some(
    (d) =>
      d.deleted ||
      // Stryker disable next-line ConditionalExpression,LogicalOperator: Phoenix's groups declare no inline rules (each rule is its own resource), so none is ever missing
      (d.missingRules?.length ?? 0) > 0 ||
      d.properties.some((p) => !(d.type === SECURITY_GROUP_TYPE && (p === "ingress" || p === "egress"))),
  );
}

export async function heal(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  options: HealOptions,
): Promise<HealResult> {
  const { ctx } = steps;
  const drift = await detectDrift(steps, run, state);
  if (drift.drifted.length === 0) return { healed: false, drift };
  const live = drift.colour;
  const idle = otherColour(live);
  const force = options.force ?? false;
  const network = driftOf(drift, "network");
  const strays = network.flatMap((d) => d.strayRules ?? []);
  const networkUpdate = needsNetworkUpdate(network);
  const routerDrifted = driftOf(drift, "router").length > 0;
  const liveDrifted = driftOf(drift, live).length > 0;
  const idleFleet = state.fleets[idle];
  const idleDrifted =
    // Stryker disable next-line LogicalOperator,ConditionalExpression: drift reports an idle colour only when it holds a fleet; the test narrows idleFleet's type
    idleFleet !== undefined && driftOf(drift, idle).length > 0;

  // ---- every refusal before the first change
  // Split traffic leaves no colour idle: the "idle" fleet it would replace serves part of the traffic.
  await steps.refuseSplitTraffic(state);
  if (strays.length > 0 && !ctx.probe.revokeSecurityGroupRules)
    throw new WorkflowError(
      `The network has security group rules that no Phoenix resource declares (${strays.map(describeRule).join("; ")}), ` +
        `and this CloudProbe cannot revoke rules: use the AWS probe (createAwsCloudProbe) or revoke them by hand. Nothing was changed.`,
    );
  if (networkUpdate) await refuseDestructiveNetworkPlan(steps, run);
  if (liveDrifted) {
    if (idleFleet) steps.checkKeepWarm(idle, idleFleet, await ctx.journal.read(), force);
  } else {
    if (routerDrifted)
      await run.step("check-health", () => checkHealthy(ctx.probe, live, state.fleets[live]!, run.signal), {
        colour: live,
      });
    if (idleDrifted) steps.checkKeepWarm(idle, idleFleet, await ctx.journal.read(), force);
  }

  // ---- the changes, the shared network first
  const result: HealResult = { healed: true, drift };
  if (strays.length > 0) {
    await run.step("revoke-stray-rules", () => ctx.probe.revokeSecurityGroupRules!(strays, run.signal), {
      detail: strays.map(describeRule).join("; "),
    });
    result.revokedRules = strays;
  }
  if (networkUpdate) {
    await run.step("restore-network", async () => {
      const stack = await ctx.stacks.select("network");
      await stack.up({ ...run.engineOptions(stack.name, "up"), refresh: true });
    });
    result.networkRestored = true;
  }
  if (liveDrifted) {
    // A drifted idle fleet goes first: deploy would update one holding the same release in place, from a
    // state that does not know the drift, and then move the traffic onto it.
    if (idleDrifted) await destroyIdle(steps, run, state, idle);
    const afterIdle = idleDrifted ? await steps.readState(run, "up:read-state") : state;
    const swapped = await replaceLive(steps, run, afterIdle, live, options);
    result.from = live;
    result.to = swapped.to;
    return result;
  }
  if (routerDrifted) {
    await run.step(
      "restore-router",
      async () => {
        const changed = await steps.setWeights(run, state.weights, true, true);
        if (!steps.router.restoreChangeOk(changed))
          throw new VerifyFailedError(
            steps.router.mode === "alb"
              ? `restoring the router changed ${changed} resources; it must change exactly 1 (the listener)`
              : `restoring the router changed ${changed} resources; it must change 1 or 2 (${steps.router.resources})`,
          );
      },
      { colour: live, detail: describeWeights(state.weights) },
    );
    result.routerRestored = { ...state.weights };
  }
  if (idleDrifted) {
    await replaceIdle(steps, run, state, idle);
    result.idleReplaced = idle;
  }
  return result;
}

/** Preview the network's `up --refresh` and refuse a plan that replaces or deletes anything. */
async function refuseDestructiveNetworkPlan(steps: WorkflowSteps, run: WorkflowRun): Promise<void> {
  await run.step("preview-network", async () => {
    const stack = await steps.ctx.stacks.select("network");
    const preview = await stack.preview({ ...run.engineOptions(stack.name, "preview"), refresh: true });
    const destructive = Object.entries(preview.changeSummary ?? {}).filter(
      ([op, count]) => DESTRUCTIVE_OPS.includes(op) && (count ?? 0) > 0,
    );
    if (destructive.length > 0)
      throw new WorkflowError(
        `Restoring the network stack would ${destructive.map(([op, n]) => `${op} ${n}`).join(", ")} resource(s), ` +
          `which would cut the fleets off: inspect it with \`pulumi preview --refresh --stack ${stack.name}\` and ` +
          `repair it by hand. Nothing was changed.`,
      );
  });
}

/** The live fleet drifted: the same release on the idle colour, the traffic moved there, the drifted one destroyed. */
async function replaceLive(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  live: Colour,
  options: HealOptions,
): Promise<SwapResult> {
  const config = await run.step(
    "read-live-config",
    async () => (await steps.ctx.stacks.select(live)).getAllConfig(),
    { colour: live },
  );
  const deployed = await steps.deploy(
    run,
    state,
    // Stryker disable next-line BooleanLiteral: the keep-warm check of the idle colour was made before any change, with this force
    deployOptionsFromConfig(config, options.force ?? false),
    "up:",
  );
  let swapped: SwapResult;
  try {
    const afterUp = await steps.readState(run, "up:read-state");
    // Stryker disable next-line ArrayDeclaration: BlueGreenDeployment.heal always passes its steps (default [100])
    swapped = await steps.shift(run, afterUp, options.steps ?? [100], 0, options.verify ?? {}, "swap:");
  } catch (error) {
    // The traffic is on the drifted colour (never moved, or put back): undo the new deployment so a
    // failed heal leaves nothing behind. A failed restore is left open for the next workflow instead.
    if (!(error instanceof TrafficRestoreError)) {
      await run
        .step(
          "undo-up",
          () => steps.retry(() => steps.destroyStack(run, deployed.colour, false)),
          { colour: deployed.colour },
          false,
        )
        .catch(() => (run.leftOpen = true));
    }
    throw error;
  }
  // From here on the new colour serves: a failure is completed (the drifted colour destroyed) by recovery.
  try {
    const afterSwap = await steps.readState(run, "destroy:read-state");
    // Stryker disable next-line BooleanLiteral: the colour retires when this heal ends; no window protects it yet
    await steps.destroyColour(run, afterSwap, live, true, "destroy:");
  } catch (error) {
    run.leftOpen = true;
    throw error;
  }
  return swapped;
}

/**
 * The idle fleet (no traffic) drifted: destroyed, then the same release and config deployed to it again.
 * Its steps are `up:` steps, so recovery destroys a half-destroyed or half-made idle fleet (it has no traffic).
 */
async function replaceIdle(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  idle: Colour,
): Promise<void> {
  const config = await run.step(
    "read-idle-config",
    async () => (await steps.ctx.stacks.select(idle)).getAllConfig(),
    { colour: idle },
  );
  await destroyIdle(steps, run, state, idle);
  const afterDestroy = await steps.readState(run, "up:read-state");
  // Stryker disable next-line BooleanLiteral: the idle colour was just destroyed, so no release there to keep warm
  await steps.deploy(run, afterDestroy, deployOptionsFromConfig(config, true), "up:");
}

/**
 * Destroy a drifted idle fleet (no traffic). Named like deploy's own replacement of an idle release
 * (`up:destroy-old`), so recovery completes it if interrupted.
 */
async function destroyIdle(
  steps: WorkflowSteps,
  run: WorkflowRun,
  state: DeploymentState,
  idle: Colour,
): Promise<void> {
  try {
    await run.step("up:destroy-old", () => steps.destroyStack(run, idle, true), {
      colour: idle,
      detail: `release ${state.fleets[idle]!.release}`,
    });
  } catch (error) {
    // Half destroyed: finish it (the colour has no traffic), or leave it open for the next workflow.
    await run
      .step("undo", () => steps.retry(() => steps.destroyStack(run, idle, false)), { colour: idle }, false)
      .catch(() => (run.leftOpen = true));
    throw error;
  }
}
