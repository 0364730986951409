// The engine bench: Phoenix through the real Pulumi CLI, against moto's server, in a rig of its own
// (`.rig/bench`, stopped at the end, also on failure). Measured side by side in this one run (the machine is
// shared, so only ratios within one run mean anything): the physical limit (one ELBv2 `ModifyListener`), the
// floor (an Automation API `up`, which always passes `--skip-preview`, of a one-listener inline stack whose
// listener changes), a swap step (Phoenix's router update alone: the `route` step without health checks,
// verification or pause), each workflow's wall time split into engine time (inside `pulumi` calls) and
// Phoenix's own, and the time until traffic is back on a rollback. Then the cuts issue 7 names, measured.
//
// Runs only when asked (`npm run bench -- engine`, or PHOENIX_BENCH_ENGINE=1) and when the rig's CLI is
// built (`npm run rig -- start` once); otherwise it prints why it was skipped. PHOENIX_BENCH_ENGINE_N sets
// the rounds of the interleaved step measurements (default 5).
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { ElasticLoadBalancingV2Client } from "@aws-sdk/client-elastic-load-balancing-v2";
import type { PulumiCommand, Stack } from "@pulumi/pulumi/automation";
import type { RunnablePulumiCommand } from "../automation/localWorkspace/pulumiProcessGroup";
import type { Colour } from "../programs/contract";

// Loaded only when the bench runs: `npm run bench` without the rig must not load the AWS SDK or the rig.
type Elbv2 = typeof import("@aws-sdk/client-elastic-load-balancing-v2");

const APP = "shop";
const ENV = "bench";
const RIG = "bench";
const ROUNDS = Number(process.env.PHOENIX_BENCH_ENGINE_N ?? 5);

// ---------------------------------------------------------------- when to run

/** Why the bench does not run now, or undefined when it does. */
function skipReason(): string | undefined {
  const asked =
    process.env.PHOENIX_BENCH_ENGINE === "1" || process.argv.slice(2).some((arg) => arg.includes("engine"));
  if (!asked) return "not asked for (run `npm run bench -- engine` or set PHOENIX_BENCH_ENGINE=1)";
  if (process.env.PHOENIX_RIG_PULUMI_DIR) return undefined;
  const cache =
    process.env.PHOENIX_RIG_CACHE ??
    path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), ".cache"), "phoenix-rig");
  const built = (prefix: string, marker: string) =>
    fs.existsSync(cache) &&
    fs.readdirSync(cache).some((d) => d.startsWith(prefix) && fs.existsSync(path.join(cache, d, marker)));
  if (!built("pulumi-v", "built"))
    return `the rig's Pulumi CLI is not built in ${cache} (run \`npm run rig -- start\` once; it needs Go)`;
  if (!built("moto-v", "installed"))
    return `the rig's moto server is not installed in ${cache} (run \`npm run rig -- start\` once; it needs Python)`;
  // scripts/rig/build-pulumi.sh asks the Go module proxy for the version on every start, built or not.
  const missing = ["go", "python3"].filter((tool) => !onPath(tool));
  if (missing.length === 1)
    return `${missing[0]} is not on PATH (starting the rig runs it, even with its CLI built)`;
  if (missing.length > 1)
    return `go and python3 are not on PATH (starting the rig runs them, even with its CLI built)`;
  return undefined;
}

function onPath(tool: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && fs.existsSync(path.join(dir, tool)));
}

// ---------------------------------------------------------------- engine time: every `pulumi` call, timed

interface CliCall {
  label: string;
  startedAt: number;
  ms: number;
}

/** Every `pulumi` command the run makes, in order, with how long it took. */
const calls: CliCall[] = [];

/** `up +pack +target`, `stack output`, `config set-all`…: the command and the flags that change its cost. */
function labelOf(args: string[]): string {
  const words: string[] = [];
  for (const arg of args) {
    if (arg.startsWith("-") || words.length === 2) break;
    words.push(arg);
  }
  if (words[0] !== "stack" && words[0] !== "config") words.length = 1;
  const flags = [
    ["--refresh", "+refresh"],
    ["--policy-pack", "+pack"],
    ["--target", "+target"],
  ].filter(([flag]) => args.includes(flag));
  return [words.join(" "), ...flags.map(([, mark]) => mark)].join(" ");
}

/**
 * The CLI on PATH as the engine runs it (in a process group of its own), its (internal) `run` wrapped to time
 * each command. The engine takes a command that is not the SDK's own as it is, so the wrapper stays in place;
 * the floor runs the same one.
 */
async function timedPulumiCommand(): Promise<PulumiCommand> {
  const { PulumiCommand } = await import("@pulumi/pulumi/automation");
  const { inOwnProcessGroup } = await import("../automation/localWorkspace/pulumiProcessGroup");
  const command = inOwnProcessGroup(await PulumiCommand.get()) as unknown as RunnablePulumiCommand;
  const timed: RunnablePulumiCommand = {
    command: command.command,
    version: command.version,
    async run(args, ...rest) {
      const label = labelOf(args);
      const startedAt = performance.now();
      try {
        return await command.run(args, ...rest);
      } finally {
        calls.push({ label, startedAt, ms: performance.now() - startedAt });
      }
    },
  };
  return timed as unknown as PulumiCommand;
}

// ---------------------------------------------------------------- figures

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
const ms = (value: number): string => `${value.toFixed(0).padStart(6)} ms`;

interface Timed {
  wallMs: number;
  engineMs: number;
  /** Time in health checks and waits (probe calls and their pauses), Phoenix's own but not overhead. */
  healthMs: number;
  calls: CliCall[];
}

/** The `pulumi` calls made since `from` (an index into `calls`), by label: `up +pack ×1 4200 ms, …`. */
function breakdown(made: CliCall[]): string {
  const byLabel = new Map<string, { n: number; ms: number }>();
  for (const call of made) {
    const entry = byLabel.get(call.label) ?? { n: 0, ms: 0 };
    entry.n += 1;
    entry.ms += call.ms;
    byLabel.set(call.label, entry);
  }
  return [...byLabel.entries()].map(([label, e]) => `${label} ×${e.n} ${e.ms.toFixed(0)} ms`).join(", ");
}

// ---------------------------------------------------------------- the bench

export default async function bench(): Promise<void> {
  const reason = skipReason();
  if (reason) {
    console.log(`skipped: ${reason}`);
    return;
  }
  const { startRig, stopRig } = await import("../scripts/rig/rig");
  const savedEnv = { ...process.env };
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-engine-bench-"));
  const onSignal = () =>
    void stopRig(RIG).finally(() => {
      fs.rmSync(project, { recursive: true, force: true });
      process.exit(130);
    });
  // `on`, removed at the end, never `once`: signal-exit (loaded with the Automation API's execa) ends the process
  // by the signal as soon as its own listeners are the only ones left, before the rig is stopped.
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  try {
    await stopRig(RIG); // a fresh emulator and backend
    const rig = await startRig(RIG);
    // The inline programs run in this process and the `pulumi` children inherit its environment.
    Object.assign(process.env, rig.env);
    console.log(
      `pulumi ${rig.pulumiVersion}, AWS API ${rig.endpoint} (moto), policy pack ${
        rig.languageHost ? "on (language host built)" : "off: the Node.js language host is missing"
      }; ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)}; medians of ${ROUNDS} interleaved rounds`,
    );
    await measure(project, rig.network.publicSubnetIds, rig.network.vpcId, rig.languageHost);
  } finally {
    await stopRig(RIG);
    process.removeListener("SIGINT", onSignal);
    process.removeListener("SIGTERM", onSignal);
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    fs.rmSync(project, { recursive: true, force: true });
  }
}

async function measure(
  project: string,
  publicSubnets: string[],
  vpcId: string,
  withPack: boolean,
): Promise<void> {
  const [
    { BlueGreenDeployment },
    { createLocalWorkspaceEngine, loadDefaultPrograms },
    { createAwsCloudProbe },
  ] = await Promise.all([
    import("../automation/blueGreen"),
    import("../automation/localWorkspace"),
    import("../automation/aws/cloudProbe"),
  ]);
  const { AppStacks } = await import("../automation/deploymentState");
  const { Journal } = await import("../automation/journal");
  const { WorkflowRun } = await import("../automation/workflowRun");
  const { WorkflowSteps } = await import("../automation/workflowSteps");
  const { changedCount } = await import("../automation/traffic");
  const { registerImage } = await import("../test/engine/support/emulator");
  const elb = await import("@aws-sdk/client-elastic-load-balancing-v2");

  const pulumiCommand = await timedPulumiCommand();
  const backendUrl = String(process.env.PULUMI_BACKEND_URL);
  const probe = createAwsCloudProbe({});
  const newEngine = (pack: boolean) =>
    createLocalWorkspaceEngine({
      projectDir: project,
      backendUrl,
      pulumiCommand,
      ...(pack ? {} : { policyPacks: false as const }),
    });
  const clock = {
    now: Date.now,
    sleep: (wait: number) => new Promise<void>((resolve) => setTimeout(resolve, wait)),
  };

  // ---- 4. the workflows, each with an engine of its own (as each `phoenix` command has)
  const stepMs: Record<string, number[]> = {};
  const timeWorkflow = async (run: (d: InstanceType<typeof BlueGreenDeployment>) => Promise<unknown>) => {
    const engine = newEngine(withPack);
    let healthMs = 0;
    const deployment = new BlueGreenDeployment({
      app: APP,
      env: ENV,
      engine,
      probe,
      stateDir: engine.localStateDir,
      keepWarmMs: 0,
      onProgress: (event) => {
        if (event.kind !== "step-end") return;
        if (/health|verify/.test(event.step)) healthMs += event.durationMs;
        const kind = event.step.replace(/:\d+$/, "");
        (stepMs[kind] ??= []).push(event.durationMs);
      },
    });
    const from = calls.length;
    const started = performance.now();
    await run(deployment);
    const made = calls.slice(from);
    if (made.length === 0) throw new Error("no `pulumi` call went through the bench's timed command");
    const timed: Timed = {
      wallMs: performance.now() - started,
      engineMs: made.reduce((sum, c) => sum + c.ms, 0),
      healthMs,
      calls: made,
    };
    return timed;
  };

  // Every `phoenix` process loads the role programs (and @pulumi/aws) once, on its first engine call: timed
  // apart, so that it does not count in the first workflow's own time.
  const loadStarted = performance.now();
  loadDefaultPrograms();
  const loadMs = performance.now() - loadStarted;

  const workflows: [string, Timed][] = [];
  const vpcOptions = {
    network: {
      vpcId,
      publicSubnetIds: String(process.env.PHOENIX_PUBLIC_SUBNETS).split(","),
      privateSubnetIds: String(process.env.PHOENIX_PRIVATE_SUBNETS).split(","),
    },
  };
  workflows.push(["bootstrap", await timeWorkflow((d) => d.bootstrap(vpcOptions))]);
  const v1 = await registerImage("bench-v1");
  const v2 = await registerImage("bench-v2");
  workflows.push(["up v1 (blue)", await timeWorkflow((d) => d.up({ release: "v1", imageId: v1 }))]);
  workflows.push(["swap (first: blue 100 %)", await timeWorkflow((d) => d.swap())]);
  workflows.push(["up v2 (green)", await timeWorkflow((d) => d.up({ release: "v2", imageId: v2 }))]);
  delete stepMs.route;
  workflows.push([
    "swap [10, 50, 100] to green",
    await timeWorkflow((d) => d.swap({ steps: [10, 50, 100] })),
  ]);
  const canaryRoutes = stepMs.route ?? [];

  // ---- 5. rollback, with the emulator's listener watched for the traffic coming back
  const elbv2 = new elb.ElasticLoadBalancingV2Client({});
  const routerStack = await newEngine(false).createOrSelectStack(`${APP}-${ENV}-router`, "router");
  const listenerArn = String((await routerStack.outputs()).listenerArn.value);
  const network = await (
    await newEngine(false).createOrSelectStack(`${APP}-${ENV}-network`, "network")
  ).outputs();
  const blueGroup = String(network.blueTargetGroupArn.value);
  let trafficBackMs: number | undefined;
  let watching = true;
  const rollbackStarted = performance.now();
  const watcher = (async () => {
    while (watching && trafficBackMs === undefined) {
      const { Listeners } = await elbv2.send(
        new elb.DescribeListenersCommand({ ListenerArns: [listenerArn] }),
      );
      const groups = Listeners?.[0]?.DefaultActions?.find((a) => a.Type === "forward")?.ForwardConfig
        ?.TargetGroups;
      if (groups?.find((g) => g.TargetGroupArn === blueGroup)?.Weight === 100)
        trafficBackMs = performance.now() - rollbackStarted;
      else await new Promise((resolve) => setTimeout(resolve, 50));
    }
  })();
  delete stepMs.route;
  try {
    workflows.push(["rollback to blue", await timeWorkflow((d) => d.rollback())]);
  } finally {
    watching = false;
    await watcher;
  }
  const rollbackRouteMs = stepMs.route?.[0];

  // ---- 1-3, interleaved rounds: ModifyListener, the floor, Phoenix's route step (with and without the pack),
  // and the cut `--target` (the listener and the stack, so that the stack's outputs follow)
  const floor = await floorStack(elb, elbv2, project, pulumiCommand, publicSubnets, vpcId, backendUrl);
  const variants: Record<string, () => Promise<number>> = {};
  // Each listener alternates between two weightings, so that every call changes it.
  const flips = { raw: 0, floor: 0, router: 0 };
  const nextWeights = (on: keyof typeof flips): Record<Colour, number> =>
    ++flips[on] % 2 ? { blue: 50, green: 50 } : { blue: 100, green: 0 };

  variants["ModifyListener (physical limit)"] = async () => {
    const w = nextWeights("raw").blue;
    const t0 = performance.now();
    await elbv2.send(
      new elb.ModifyListenerCommand({
        ListenerArn: floor.rawListenerArn,
        DefaultActions: [forwardAction(floor.groups, w)],
      }),
    );
    return performance.now() - t0;
  };
  variants["floor: Automation API up"] = async () => {
    floor.setWeight(nextWeights("floor").blue);
    const t0 = performance.now();
    await floor.stack.up();
    return performance.now() - t0;
  };

  const steps = (pack: boolean) => {
    const engine = newEngine(pack);
    const journal = new Journal(path.join(project, `route-steps-${pack}.journal.jsonl`));
    const s = new WorkflowSteps({
      stacks: new AppStacks(engine, APP, ENV),
      engine,
      probe,
      journal,
      clock,
      keepWarmMs: 0,
      healthTimeoutMs: 60_000,
      healthPollMs: 200,
      undoAttempts: 1,
    });
    const urns: string[] = [];
    const run = new WorkflowRun(
      "swap",
      journal,
      (event) => {
        const meta = event.kind === "engine" ? event.event.resOutputsEvent?.metadata : undefined;
        if (meta && /Listener$|pulumi:pulumi:Stack$/.test(meta.type) && !urns.includes(meta.urn))
          urns.push(meta.urn);
      },
      clock,
      undefined,
      // No lock to hold: this bench is the only writer of its own journal.
      { check: () => undefined, release: async () => undefined, journal },
    );
    return { stacks: s.ctx.stacks, s, run, urns };
  };
  const routeStep = async (ctx: ReturnType<typeof steps>) => {
    const weights = nextWeights("router");
    const t0 = performance.now();
    const changed = await ctx.run.step(`route:${weights.green}`, () =>
      ctx.s.setWeights(ctx.run, weights, true),
    );
    if (changed !== 1) throw new Error(`the route step changed ${changed} resources`);
    return performance.now() - t0;
  };
  const packed = withPack ? steps(true) : undefined;
  const bare = steps(false);
  if (packed) variants["swap step (route, policy pack)"] = () => routeStep(packed);
  variants["swap step (route, no pack)"] = () => routeStep(bare);
  let targetOutputsRight = true;
  variants["cut: route with --target (no pack)"] = async () => {
    const weights = nextWeights("router");
    const t0 = performance.now();
    await bare.run.step(`route:${weights.green}`, async () => {
      const router = await bare.stacks.select("router");
      await router.setAllConfig(
        bare.stacks.config("router", { blueWeight: weights.blue, greenWeight: weights.green }),
      );
      const result = await router.up({ ...bare.run.engineOptions(router.name, "up"), target: bare.urns });
      const deployed = result.outputs.weights?.value as Record<Colour, number> | undefined;
      if (deployed?.blue !== weights.blue) targetOutputsRight = false;
      if (changedCount(result.summary.resourceChanges) !== 1)
        throw new Error("--target changed more than the listener");
    });
    return performance.now() - t0;
  };

  // The cut "one workspace reused": what a workflow reads before it moves traffic (`read-state`), on an
  // engine of its own (as each `phoenix` command has) and on one reused (as a library caller may).
  const reused = newEngine(false);
  variants["read-state, new engine (each command)"] = async () => {
    const t0 = performance.now();
    await new AppStacks(newEngine(false), APP, ENV).read();
    return performance.now() - t0;
  };
  variants["cut: read-state, engine reused"] = async () => {
    const t0 = performance.now();
    await new AppStacks(reused, APP, ENV).read();
    return performance.now() - t0;
  };

  // A warm-up round (stack selections, the floor's creation, first plugin loads), then the measured ones.
  const samples: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  const callsOf: Record<string, CliCall[]> = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let round = 0; round <= ROUNDS; round++) {
    for (const [name, variant] of Object.entries(variants)) {
      const from = calls.length;
      const took = await variant();
      if (round === 0) continue;
      samples[name].push(took);
      callsOf[name].push(...calls.slice(from));
    }
  }
  // Leave the router where the deployment's records have it (blue 100 %).
  if (flips.router % 2) await routeStep(bare);
  elbv2.destroy();

  // ---- print
  const medians = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  const floorMs = medians["floor: Automation API up"];
  console.log("median of each (a weight change unless named; ratio to the floor):");
  for (const [name, value] of Object.entries(medians)) {
    console.log(
      `  ${name.padEnd(38)} ${ms(value)}  ×${(value / floorMs).toFixed(value < floorMs / 10 ? 4 : 2)}`,
    );
    if (callsOf[name].length > 0) console.log(`      pulumi calls in ${ROUNDS}: ${breakdown(callsOf[name])}`);
  }
  if (canaryRoutes.length > 0)
    console.log(
      `  ${"route steps of the canary swap".padEnd(38)} ${canaryRoutes.map((v) => v.toFixed(0)).join(", ")} ms`,
    );
  const swapStep = medians[withPack ? "swap step (route, policy pack)" : "swap step (route, no pack)"];
  const goal = (value: number) =>
    `${(value / floorMs).toFixed(2)}× the floor (goal ≤ 1.5×: ${value / floorMs <= 1.5 ? "met" : "not met"})`;
  console.log(`swap step / floor: ${goal(swapStep)}`);
  if (withPack)
    console.log(`swap step without the policy pack / floor: ${goal(medians["swap step (route, no pack)"])}`);
  console.log(
    `floor / ModifyListener: ×${(floorMs / medians["ModifyListener (physical limit)"]).toFixed(1)}`,
  );

  console.log(
    "workflows (wall = engine inside `pulumi` calls + health checks and waits + Phoenix's own), " +
      `after loading the role programs once (${ms(loadMs).trim()}, paid by every \`phoenix\` process):`,
  );
  for (const [name, t] of workflows) {
    const own = t.wallMs - t.engineMs - t.healthMs;
    console.log(
      `  ${name.padEnd(30)} wall ${ms(t.wallMs)}, engine ${ms(t.engineMs)}, health ${ms(t.healthMs)}, ` +
        `Phoenix ${ms(own)} (${((100 * own) / t.wallMs).toFixed(0)} %)`,
    );
    console.log(`      pulumi calls: ${breakdown(t.calls)}`);
  }
  console.log(
    `rollback: traffic back on blue after ${trafficBackMs === undefined ? "(never seen)" : ms(trafficBackMs).trim()} ` +
      `(listener polled every 50 ms), its route step ${rollbackRouteMs === undefined ? "?" : ms(rollbackRouteMs).trim()}`,
  );
  const rollbackWall = workflows.find(([name]) => name.startsWith("rollback"))?.[1].wallMs;
  if (trafficBackMs !== undefined && rollbackWall)
    console.log(
      `  that is ${((100 * trafficBackMs) / rollbackWall).toFixed(0)} % of the rollback's wall time`,
    );

  const all = workflows.flatMap(([, t]) => t.calls);
  const count = (pattern: RegExp) => all.filter((c) => pattern.test(c.label)).length;
  console.log("cuts (issue 7):");
  console.log(
    `  no refresh where none is needed: ${count(/^refresh|\+refresh/)} refreshes in these workflows (heal alone refreshes)`,
  );
  console.log(
    `  no second preview: ${count(/^preview/)} previews in these workflows (the guard's, one per up); ` +
      "the Automation API's up always passes --skip-preview",
  );
  console.log(
    `  --target the listener (and the stack): ×${(medians["cut: route with --target (no pack)"] / medians["swap step (route, no pack)"]).toFixed(2)} ` +
      `the route step, stack outputs ${targetOutputsRight ? "follow" : "do NOT follow"}`,
  );
  console.log(
    `  one workspace reused: read-state ×${(medians["cut: read-state, engine reused"] / medians["read-state, new engine (each command)"]).toFixed(2)} ` +
      "on a reused engine (no `stack select`); each `phoenix` command is a process of its own",
  );
}

// ---------------------------------------------------------------- the floor's own listener, out of band

function forwardAction(groups: [string, string], weight: number) {
  return {
    Type: "forward" as const,
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: groups[0], Weight: weight },
        { TargetGroupArn: groups[1], Weight: 100 - weight },
      ],
    },
  };
}

/**
 * A load balancer and two target groups made with the AWS SDK; on it a listener made by the SDK too (what
 * `ModifyListener` changes) and a one-resource inline stack holding another listener (the floor).
 */
async function floorStack(
  elb: Elbv2,
  elbv2: ElasticLoadBalancingV2Client,
  project: string,
  pulumiCommand: PulumiCommand,
  subnets: string[],
  vpcId: string,
  backendUrl: string,
): Promise<{
  stack: Stack;
  setWeight: (w: number) => void;
  rawListenerArn: string;
  groups: [string, string];
}> {
  const lb = await elbv2.send(
    new elb.CreateLoadBalancerCommand({ Name: "bench-floor", Subnets: subnets, Type: "application" }),
  );
  const lbArn = String(lb.LoadBalancers?.[0]?.LoadBalancerArn);
  const groups = [] as unknown as [string, string];
  for (const name of ["bench-floor-a", "bench-floor-b"]) {
    const tg = await elbv2.send(
      new elb.CreateTargetGroupCommand({ Name: name, Protocol: "HTTP", Port: 80, VpcId: vpcId }),
    );
    groups.push(String(tg.TargetGroups?.[0]?.TargetGroupArn));
  }
  const raw = await elbv2.send(
    new elb.CreateListenerCommand({
      LoadBalancerArn: lbArn,
      Port: 8082,
      Protocol: "HTTP",
      DefaultActions: [forwardAction(groups, 50)],
    }),
  );
  let weight = 50;
  const program = async () => {
    const aws = await import("@pulumi/aws");
    const listener = new aws.lb.Listener("floor", {
      loadBalancerArn: lbArn,
      port: 8081,
      protocol: "HTTP",
      defaultActions: [
        {
          type: "forward",
          forward: {
            targetGroups: [
              { arn: groups[0], weight },
              { arn: groups[1], weight: 100 - weight },
            ],
          },
        },
      ],
    });
    return { arn: listener.arn };
  };
  const workDir = path.join(project, "floor");
  fs.mkdirSync(workDir, { recursive: true });
  const { LocalWorkspace } = await import("@pulumi/pulumi/automation");
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: "floor", projectName: "phoenix-bench-floor", program },
    {
      workDir,
      pulumiCommand,
      projectSettings: { name: "phoenix-bench-floor", runtime: "nodejs", backend: { url: backendUrl } },
    },
  );
  return {
    stack,
    setWeight: (w) => void (weight = w),
    rawListenerArn: String(raw.Listeners?.[0]?.ListenerArn),
    groups,
  };
}
