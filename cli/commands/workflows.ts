// `phoenix bootstrap|up|swap|rollback|destroy|status|history|drift|heal`: the blue/green workflows of
// automation/ for one app/env. Thin: parse, confirm, call the library, render. Progress goes to stderr,
// results to stdout (`--json`: the library's result object).
import { Option, type Command } from "commander";
import { BlueGreenDeployment } from "../../automation/blueGreen";
import type { CallOptions } from "../../automation/events";
import { COLOURS, type Colour } from "../../programs/contract";
import { CliError, EXIT } from "../exitCodes";
import type { CliIo } from "../io";
import { workflowDeps, type WorkflowFlags } from "../workflows/deps";
import { toCliError } from "../workflows/errors";
import { collect, parseCapacity, parseCount, parseDuration, parseSteps } from "../workflows/parse";
import { progressRenderer } from "../workflows/progress";
import * as render from "../workflows/render";

type Flags = WorkflowFlags & Record<string, unknown>;

interface WorkflowCommand<R> {
  name: string;
  summary: string;
  description: string;
  examples: string[];
  options?(command: Command): Command;
  /** The question to confirm before running, when this run is destructive (skipped with --yes). */
  confirm?(flags: Flags): string | undefined;
  run(deployment: BlueGreenDeployment, flags: Flags, call: CallOptions): Promise<R>;
  render(result: R): string;
  /** A result that is not a success for scripts (drift found): its message, printed after the result. */
  problem?(result: R): string | undefined;
}

function deploymentOptions(flags: Flags) {
  return {
    keepWarmMs:
      flags.keepWarm === undefined ? undefined : parseDuration("--keep-warm", String(flags.keepWarm)),
    healthTimeoutMs:
      flags.healthTimeout === undefined
        ? undefined
        : parseDuration("--health-timeout", String(flags.healthTimeout)),
  };
}

function add<R>(program: Command, io: CliIo, spec: WorkflowCommand<R>): void {
  let command = program
    .command(spec.name)
    .summary(spec.summary)
    .description(spec.description)
    .requiredOption("--app <name>", "application name (part of every stack name)")
    .requiredOption("--env <name>", "environment name (part of every stack name)")
    .option("--backend <url>", "Pulumi state backend URL (file://, s3://, https://api.pulumi.com)", undefined)
    .option("--region <region>", "AWS region of the health checks (default: the AWS SDK's chain)")
    .option("--json", "print the result as JSON on stdout")
    .option("-y, --yes", "do not ask for confirmation");
  if (spec.options) command = spec.options(command);
  command.addHelpText("after", `\nExamples:\n${spec.examples.map((e) => `  ${e}`).join("\n")}\n`);
  command.action(async (flags: Flags) => {
    const deps = workflowDeps();
    const progress = progressRenderer(io);
    const interrupt = deps.interrupt();
    try {
      const { engine, probe, stateDir } = await deps.connect(flags);
      const deployment = new BlueGreenDeployment({
        app: flags.app,
        env: flags.env,
        engine,
        probe,
        stateDir,
        ...deploymentOptions(flags),
      });
      const question = spec.confirm?.(flags);
      if (question && !flags.yes) {
        const answer = await deps.confirm(question);
        if (answer === undefined)
          throw new CliError(
            `${question} Refusing to go on without --yes: there is no terminal to ask on.`,
            EXIT.aborted,
          );
        if (!answer) throw new CliError("cancelled, nothing changed", EXIT.aborted);
      }
      const result = await spec.run(deployment, flags, {
        signal: interrupt.signal,
        onProgress: progress.listener,
      });
      progress.finish();
      io.stdout(flags.json ? `${JSON.stringify(result, null, 2)}\n` : spec.render(result));
      const problem = spec.problem?.(result);
      if (problem) throw new CliError(problem, EXIT.failed);
    } catch (error) {
      progress.finish();
      throw toCliError(error);
    } finally {
      interrupt.dispose();
    }
  });
}

const colourOption = () =>
  new Option("--colour <colour>", "the colour").choices(COLOURS).makeOptionMandatory();
const stepsOption = (command: Command) =>
  command.option("--steps <percentages>", "traffic on the new colour after each step, ending at 100", "100");
const verifyOptions = (command: Command) =>
  command
    .option(
      "--alarm <name>",
      "CloudWatch alarm that must not be in ALARM after each step (repeatable)",
      collect,
    )
    .option("--settle <duration>", "wait after each step before verifying (e.g. 1m)");
const verifyOf = (flags: Flags) => ({
  alarmNames: flags.alarm as string[] | undefined,
  settleMs: flags.settle === undefined ? undefined : parseDuration("--settle", String(flags.settle)),
});

export function registerWorkflows(program: Command, io: CliIo): void {
  add(program, io, {
    name: "bootstrap",
    summary: "create the network and router stacks of an app/env (idempotent)",
    description:
      "Creates <app>-<env>-network (VPC, ALB, target groups) and <app>-<env>-router (the listener, blue 100 %)\nwhen they do not exist yet. Running it again changes nothing.",
    examples: [
      "phoenix bootstrap --app shop --env prod",
      "phoenix bootstrap --app shop --env staging --app-port 3000 --backend s3://my-state",
    ],
    options: (c) => c.option("--app-port <port>", "port the application listens on (default 8080)"),
    run: (d, f, call) =>
      d.bootstrap({
        ...call,
        network:
          f.appPort === undefined ? undefined : { appPort: parseCount("--app-port", String(f.appPort)) },
      }),
    render: render.renderBootstrap,
  });

  add(program, io, {
    name: "up",
    summary: "deploy a release to the idle colour and wait until it is healthy",
    description:
      "Deploys the release to the colour without traffic: a new launch template and auto scaling group, created\nwhole. The idle colour's older release is destroyed first, unless it is the rollback target inside its\nkeep-warm window (then --force). Waits for every desired target to be healthy; on any failure destroys\nwhat it created. Never touches traffic: run `phoenix swap` next.",
    examples: [
      "phoenix up --app shop --env prod --release v1.4.2 --image-id ami-0123456789abcdef0",
      "phoenix up --app shop --env prod --release v1.4.3 --image-id ami-0fedcba9876543210 --capacity 2:6:3 --health-timeout 15m",
    ],
    options: (c) =>
      c
        .requiredOption("--release <name>", "release name, e.g. v1.4.2")
        .requiredOption("--image-id <ami>", "AMI of the release")
        .option("--instance-type <type>", "EC2 instance type (default t3.micro)")
        .option("--capacity <n|min:max:desired>", "fleet size")
        .option("--health-timeout <duration>", "deadline for the fleet to be healthy (default 10m)")
        .option(
          "--keep-warm <duration>",
          "how long the previous colour stays the rollback target (default 60m)",
        )
        .option("--force", "replace the idle colour even while it is the rollback target"),
    confirm: (f) =>
      f.force
        ? `--force destroys the rollback target of ${f.app}/${f.env} if the idle colour holds it. Go on?`
        : undefined,
    run: (d, f, call) =>
      d.up({
        ...call,
        release: String(f.release),
        imageId: String(f.imageId),
        instanceType: f.instanceType as string | undefined,
        capacity: f.capacity === undefined ? undefined : parseCapacity("--capacity", String(f.capacity)),
        force: Boolean(f.force),
      }),
    render: render.renderDeploy,
  });

  add(program, io, {
    name: "swap",
    summary: "move the traffic to the new colour, step by step, verifying after each",
    description:
      "Shifts the router's weights to the other colour in steps (--steps 10,50,100 is a canary). Before each step\nthe new colour must be healthy; after each, its targets must be healthy and no --alarm in ALARM. Any failure\nputs 100 % back on the old colour and says which step failed and why.",
    examples: [
      "phoenix swap --app shop --env prod --yes",
      "phoenix swap --app shop --env prod --steps 10,50,100 --pause 5m --alarm shop-prod-5xx --alarm shop-prod-p99",
    ],
    options: (c) =>
      verifyOptions(stepsOption(c)).option("--pause <duration>", "pause between steps (e.g. 5m)"),
    confirm: (f) => `Move the traffic of ${f.app}/${f.env} to the other colour (steps ${String(f.steps)})?`,
    run: (d, f, call) =>
      d.swap({
        ...call,
        steps: parseSteps("--steps", String(f.steps)),
        pauseMs: f.pause === undefined ? undefined : parseDuration("--pause", String(f.pause)),
        verify: verifyOf(f),
      }),
    render: render.renderSwap,
  });

  add(program, io, {
    name: "rollback",
    summary: "put 100 % of the traffic back on the previous colour",
    description:
      "Instantly routes all traffic back to the previous colour, while its stack exists and it is healthy.",
    examples: ["phoenix rollback --app shop --env prod --yes"],
    confirm: (f) => `Roll ${f.app}/${f.env} back to the previous colour?`,
    run: (d, _f, call) => d.rollback(call),
    render: render.renderRollback,
  });

  add(program, io, {
    name: "destroy",
    summary: "destroy an idle colour's stack",
    description:
      "Destroys the fleet of a colour without traffic. Refuses the live colour and any colour with weight > 0,\nand the rollback target inside its keep-warm window unless --force.",
    examples: [
      "phoenix destroy --app shop --env prod --colour blue",
      "phoenix destroy --app shop --env prod --colour green --force --yes",
    ],
    options: (c) =>
      c
        .addOption(colourOption())
        .option("--force", "destroy even inside the keep-warm window")
        .option("--keep-warm <duration>", "keep-warm window (default 60m)"),
    confirm: (f) => `Destroy the ${String(f.colour)} fleet of ${f.app}/${f.env}?`,
    run: (d, f, call) => d.destroy({ ...call, colour: f.colour as Colour, force: Boolean(f.force) }),
    render: render.renderDestroy,
  });

  add(program, io, {
    name: "status",
    summary: "show the traffic picture: weights, colours, releases, health",
    description:
      "Shows the ALB's weights, each colour's release, AMI, identity and target health, the rollback window,\nand the last (or an interrupted) workflow. Changes nothing and takes no lock.",
    examples: [
      "phoenix status --app shop --env prod",
      "phoenix status --app shop --env prod --json | jq .weights",
    ],
    run: (d, _f, call) => d.status(call),
    render: render.renderStatus,
  });

  add(program, io, {
    name: "history",
    summary: "list the workflows run on an app/env, from the journal",
    description:
      "Lists every workflow from the journal with its status, duration, parameters and error or recovery.",
    examples: ["phoenix history --app shop --env prod --limit 10"],
    options: (c) => c.option("--limit <n>", "most recent workflows only"),
    run: (d, f) =>
      d.history({ limit: f.limit === undefined ? undefined : parseCount("--limit", String(f.limit)) }),
    render: render.renderHistory,
  });

  add(program, io, {
    name: "drift",
    summary: "check the live colour for drift (exit 1 when drifted)",
    description:
      "Refresh-previews the live colour's stack and lists resources changed or deleted outside Pulumi. Changes nothing.",
    examples: ["phoenix drift --app shop --env prod", "phoenix drift --app shop --env prod --json"],
    run: (d, _f, call) => d.drift(call),
    render: render.renderDrift,
    problem: (r) =>
      r.drifted.length > 0 ? `drift found on ${r.colour}: run \`phoenix heal\` to replace it` : undefined,
  });

  add(program, io, {
    name: "heal",
    summary: "replace a drifted live colour: redeploy, swap, destroy",
    description:
      "On drift, deploys the live release with the same config to the idle colour, swaps the traffic to it and\ndestroys the drifted colour (detect, nuke, replace). Does nothing without drift.",
    examples: [
      "phoenix heal --app shop --env prod --yes",
      "phoenix heal --app shop --env prod --steps 25,100 --alarm shop-prod-5xx",
    ],
    options: (c) =>
      verifyOptions(stepsOption(c))
        .option(
          "--health-timeout <duration>",
          "deadline for the replacement fleet to be healthy (default 10m)",
        )
        .option("--force", "replace the idle colour even while it is the rollback target"),
    confirm: (f) =>
      `Heal ${f.app}/${f.env} if drifted (redeploy to the idle colour, swap, destroy the drifted one)?`,
    run: (d, f, call) =>
      d.heal({
        ...call,
        steps: parseSteps("--steps", String(f.steps)),
        verify: verifyOf(f),
        force: Boolean(f.force),
      }),
    render: render.renderHeal,
  });
}
