// `bootstrap`: the network and router stacks created when they do not exist (idempotent). The router starts at
// 0/0: no release is live, its listener answers 503 until the first swap.
import { assertSameVpc, deployedVpc, existingVpcProblems, LIBRARY_NAMES, vpcConfig } from "./existingVpc";
import { assertRouterMode, routerStackValues } from "./routers/bootstrap";
import { LIBRARY_ROUTER_NAMES, routerChoiceProblems } from "./routers/options";
import type { BootstrapOptions, BootstrapResult } from "./types";
import { Problems } from "./validate";
import type { WorkflowRun } from "./workflowRun";
import type { StepsContext } from "./workflowSteps";

/** Every problem of the options, before anything is read or changed. */
export function checkBootstrapOptions(options: BootstrapOptions): void {
  const problems = new Problems();
  problems.integer("network.appPort", options.network?.appPort, 1, 65535);
  problems.integer("router.listenerPort", options.router?.listenerPort, 1, 65535);
  problems.integer("router.stickinessSeconds", options.router?.stickinessSeconds, 0, 7 * 24 * 3600);
  problems.list.push(...existingVpcProblems(options.network ?? {}, LIBRARY_NAMES));
  problems.list.push(...routerChoiceProblems(options.router ?? {}, LIBRARY_ROUTER_NAMES));
  problems.done();
}

export async function bootstrap(
  ctx: StepsContext,
  run: WorkflowRun,
  options: BootstrapOptions,
): Promise<BootstrapResult> {
  const routerValues = routerStackValues(options.router);
  const { vpcId, publicSubnetIds, privateSubnetIds, vpcCidr, ...network } = options.network ?? {};
  const vpc = vpcId
    ? { vpcId, publicSubnetIds: publicSubnetIds!, privateSubnetIds: privateSubnetIds! }
    : undefined;
  const names = new Set(await run.step("read-state", () => ctx.engine.listStacks()));
  const created: BootstrapResult["created"] = [];
  const existing: BootstrapResult["existing"] = [];
  for (const part of ["network", "router"] as const) {
    const stack = await ctx.stacks.select(part);
    const stackExisted = names.has(ctx.stacks.name(part));
    const outputs = stackExisted ? await stack.outputs() : {};
    if (Object.keys(outputs).length > 0) {
      // Stryker disable next-line ConditionalExpression: the router's outputs name no VPC, so it could not differ
      if (part === "network" && vpc) assertSameVpc(stack.name, deployedVpc(outputs), vpc);
      assertRouterMode(stack.name, outputs, options.router?.mode);
      existing.push(part);
      continue;
    }
    const values =
      part === "network"
        ? { ...network, ...vpcConfig(vpc, vpcCidr, stackExisted), ...routerValues.network }
        : { blueWeight: 0, greenWeight: 0, ...routerValues.router };
    await run.step(`create-${part}`, async () => {
      await stack.setAllConfig(ctx.stacks.config(part, values));
      await stack.up(run.engineOptions(stack.name, "up"));
    });
    created.push(part);
  }
  return { created, existing };
}
