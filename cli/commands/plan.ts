// `phoenix plan --offline`: what every stack of an app/env would create, with no Pulumi CLI and no AWS.
import { withPolicies } from "../policiesPeer";
import { Option, type Command } from "commander";
import { Problems } from "../../automation/validate";
import { COLOURS, type Colour } from "../../programs/contract";
import { PLAN_DEFAULTS } from "../../programs/offline/defaults";
import { CliError, EXIT } from "../exitCodes";
import type { CliIo } from "../io";
import { planDocument } from "../plan/document";
import { renderPlanMermaid, renderPlanText, verdictMark } from "../plan/render";
import type { Verdict } from "../../policies/offline";
import type { Plan } from "../../programs/offline/planner";
import type { NetworkVpc } from "../../automation/errors";
import { addVpcOptions, existingVpcFromFlags } from "../workflows/vpcFlags";
import { addRouterOptions, routerFromFlags } from "../workflows/routerFlags";
import type { PlannedRoute53 } from "../../programs/offline/planner";

interface PlanFlags {
  offline?: boolean;
  app: string;
  env: string;
  release: string;
  imageId: string;
  colour: Colour;
  json?: boolean;
  format: "text" | "mermaid" | "json";
  vpcId?: string;
  publicSubnets?: string;
  privateSubnets?: string;
  router?: string;
  zoneId?: string;
  recordName?: string;
}

/** Every bad option at once, each naming the option, the value and what is allowed (the workflows' own checks). */
export function validatePlanFlags(flags: PlanFlags): NetworkVpc | undefined {
  return validatePlanInputs(flags).existingVpc;
}

/** The existing VPC and the Route 53 router the flags ask for, or every problem with them at once. */
export function validatePlanInputs(flags: PlanFlags): {
  existingVpc?: NetworkVpc;
  route53?: PlannedRoute53;
} {
  const problems = new Problems();
  problems.name("--app", flags.app);
  problems.name("--env", flags.env);
  problems.release("--release", flags.release);
  problems.imageId("--image-id", flags.imageId);
  // Flags only, no PHOENIX_ variables: like --app and --env here, the plan is of what the flags say.
  const existing = existingVpcFromFlags(flags, false);
  problems.list.push(...existing.problems);
  const router = routerFromFlags(flags);
  problems.list.push(...router.problems);
  if (problems.list.length > 0) {
    throw new CliError(
      `invalid options, nothing was planned:\n${problems.list.map((p) => `  - ${p}`).join("\n")}`,
      EXIT.badInput,
    );
  }
  const { mode, zoneId, recordName } = router.choice;
  return {
    existingVpc: existing.vpc,
    route53: mode === "route53" ? { zoneId: zoneId!, recordName: recordName! } : undefined,
  };
}

/** The mark after a resource in the plan tree: the policies it violates, or nothing when it passes. */
function verdictNote(verdicts: Verdict[] | undefined): string | undefined {
  if (!verdicts || verdicts.length === 0) return undefined;
  return verdicts.map((v) => `${verdictMark(v)} ${v.policy}: ${v.message}`).join("; ");
}

function verdictSummary(verdicts: Verdict[]): { text: string; mandatory: number } {
  const violations = verdicts.filter((v) => v.kind === "violation");
  const mandatory = violations.filter((v) => v.enforcementLevel === "mandatory").length;
  const advisory = violations.length - mandatory;
  const undecided = verdicts.length - violations.length;
  if (verdicts.length === 0)
    return { text: "Policies: every planned resource passes the Phoenix policy pack.", mandatory };
  return {
    text: `Policies: ${mandatory} mandatory and ${advisory} advisory violations, ${undecided} undecided.`,
    mandatory,
  };
}

export function registerPlan(program: Command, io: CliIo): void {
  const command = program
    .command("plan")
    .summary("show what every stack of an app/env would create")
    .description(
      "Runs every stack role's program (golden AMI, network, fleet, router) for one app/env under Pulumi's mock\n" +
        "runtime and shows what each stack would create and how traffic would flow. With --offline nothing needs\n" +
        "the Pulumi CLI, AWS credentials or a network.",
    )
    .option("--offline", "plan without the Pulumi CLI or AWS (the only mode so far)")
    .option("--app <name>", "application name", PLAN_DEFAULTS.app)
    .option("--env <name>", "environment name", PLAN_DEFAULTS.env)
    .option("--release <name>", "release to deploy", PLAN_DEFAULTS.release)
    .option("--image-id <ami>", "AMI of the release", PLAN_DEFAULTS.imageId)
    .addOption(
      new Option("--colour <colour>", "colour that gets the release and the traffic")
        .choices(COLOURS)
        .default(PLAN_DEFAULTS.colour),
    )
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "mermaid", "json"]).default("text"),
    )
    .option("--json", "same as --format json");
  addRouterOptions(addVpcOptions(command, false))
    .addHelpText(
      "after",
      "\nExamples:\n  phoenix plan --offline\n  phoenix plan --offline --app api --env staging --release v2.3.0 --colour green\n" +
        "  phoenix plan --offline --vpc-id vpc-0a1b2c3d4e5f60718 --public-subnets subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2 \\\n" +
        "      --private-subnets subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2\n" +
        "  phoenix plan --offline --router route53 --zone-id Z0123456789ABC --record-name shop.example.com\n" +
        "  phoenix plan --offline --format mermaid > plan.mmd\n  phoenix plan --offline --json | jq '.stacks[].name'\n",
    )
    .action(async (flags: PlanFlags) => {
      if (!flags.offline) {
        throw new CliError(
          "`phoenix plan` needs --offline for now: a plan against real stacks is `pulumi preview` on each stack (see `phoenix up`)",
          EXIT.badInput,
        );
      }
      const { existingVpc, route53 } = validatePlanInputs(flags);
      // Loaded here, not at start-up: the programs pull in @pulumi/aws, which other commands do not need.
      const { planOffline } = await import("../../programs/offline/planner");
      const { PROGRAMS } = await import("../../programs");
      const plan = await planOffline(PROGRAMS, {
        app: flags.app,
        env: flags.env,
        release: flags.release,
        imageId: flags.imageId,
        colour: flags.colour,
        existingVpc,
        route53,
      });
      await emitPlan(plan, flags.json ? "json" : flags.format, io);
    });
}

/**
 * Print a plan in `format` with the policy pack's verdicts, and fail (exit 1) on a mandatory violation in
 * every format: a plan that a deploy would refuse is not a plan to act on, however it is drawn.
 */
export async function emitPlan(plan: Plan, format: "text" | "mermaid" | "json", io: CliIo): Promise<void> {
  const { planVerdicts } = await import("../../programs/offline/verdicts");
  const verdicts = await withPolicies("plan", () => planVerdicts(plan));
  const summary = verdictSummary([...verdicts.values()].flat());
  if (format === "json") io.stdout(JSON.stringify(planDocument(plan, verdicts), null, 2) + "\n");
  else if (format === "mermaid") io.stdout(renderPlanMermaid(plan, verdicts));
  else {
    io.stdout(renderPlanText(plan, (_stack, resource) => verdictNote(verdicts.get(resource.urn))));
    io.stdout(summary.text + "\n");
  }
  if (summary.mandatory > 0) {
    throw new CliError(
      `the plan violates ${summary.mandatory} mandatory policies: fix them before deploying`,
      EXIT.failed,
    );
  }
}
