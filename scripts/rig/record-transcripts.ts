// `npm run record:transcripts`: record what the real Pulumi CLI prints and streams for every command Phoenix's
// LocalWorkspace adapter runs, into test/fixtures/transcripts/*.json, which the main suite replays (the recording
// `PulumiCommand` double, test/automation/adapters/). The commands go through the adapter itself
// (createLocalWorkspaceEngine: the Automation API, an inline program on `--client`, the Phoenix policy pack on
// every preview and up), with a `PulumiCommand` that records each command line, its exit code, stdout, stderr
// and the engine events the SDK received (the `--event-log` stream). The program is small (a security group and
// one ingress rule) and runs against the rig's test aws provider in moto, on a rig of its own (`transcripts`),
// started fresh and stopped at the end.
//
// Everything run-specific is replaced by a placeholder, so that a re-record diffs only where the CLI changed:
// temporary paths, ports, host, user, pids, UUIDs, AWS ids, times and durations.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { EC2Client, CreateTagsCommand, RevokeSecurityGroupIngressCommand } from "@aws-sdk/client-ec2";
import * as grpc from "@grpc/grpc-js";
import * as prettier from "prettier";
import type { EngineEvent, PulumiCommand } from "@pulumi/pulumi/automation";
import { EventsClient, EventsService } from "@pulumi/pulumi/proto/events_grpc_pb";
import type { EventRequest } from "@pulumi/pulumi/proto/events_pb";

import type { EngineStack } from "../../automation/seams";
import type { Transcript, TranscriptCommand } from "../../test/automation/adapters/transcripts";
import { REPO_ROOT } from "./cache";
import { startRig, stopRig } from "./rig";

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Empty } = require("google-protobuf/google/protobuf/empty_pb") as { Empty: new () => object };
type Empty = object;

const RIG_NAME = "transcripts";
const OUT_DIR = path.join(REPO_ROOT, "test", "fixtures", "transcripts");
const ROLES = ["network", "fleet", "router", "golden-ami"] as const;

/** One command line as the CLI ran it. */

const PROVIDER_NOTE =
  "the rig's test aws provider (test/engine/provider), not pulumi-aws: it sends no detailedDiff, so step " +
  "events carry no `diffs`/`detailedDiff` where the real provider would";

type Mode = "base" | "hook" | "policy" | "gated";

/** What the inline program does on its next run. */
const program = {
  mode: "base" as Mode,
  /** A gated run waits here before registering anything (lock and cancel). */
  gate: undefined as Promise<void> | undefined,
  entered: 0,
};

async function inlineProgram(): Promise<Record<string, unknown>> {
  // Loaded here: @pulumi/aws and @pulumi/pulumi must be the ones the SDK's runtime runs the program with.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pulumi = require("@pulumi/pulumi") as typeof import("@pulumi/pulumi");
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const aws = require("@pulumi/aws") as typeof import("@pulumi/aws");
  const mode = program.mode;
  program.entered++;
  if (mode === "gated" && program.gate) await program.gate;
  const config = new pulumi.Config("phoenix");
  const release = config.get("release") ?? "v1";
  const hooks =
    mode === "hook"
      ? {
          beforeUpdate: [
            new pulumi.ResourceHook("transcript-update-guard", () => {
              throw new Error(
                "release identity: an in-place update of release v1 is refused; deploy a new release",
              );
            }),
          ],
        }
      : undefined;
  const sg = new aws.ec2.SecurityGroup(
    "web",
    { description: "phoenix transcripts", vpcId: process.env.PHOENIX_VPC_ID, tags: { app: "tx", release } },
    { hooks },
  );
  const rule = new aws.vpc.SecurityGroupIngressRule("http", {
    securityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: mode === "policy" ? 22 : 80,
    toPort: mode === "policy" ? 22 : 80,
    cidrIpv4: mode === "policy" ? "0.0.0.0/0" : "10.0.0.0/8",
  });
  return { sgId: sg.id, ruleId: rule.id };
}

/**
 * Records every command of the adapter, delegating to the real CLI. An engine operation's `--event-log
 * tcp://…` (the SDK's events server, CLI > 3.205) is pointed at a proxy that records each event as the CLI
 * sent it and forwards it to the SDK: so the events are recorded whole even when the adapter drops them (a
 * failed preview delivers none to its caller).
 */
class RecordingCli {
  entries: TranscriptCommand[] = [];
  constructor(private readonly real: PulumiCommand) {}
  get command(): string {
    return this.real.command;
  }
  get version(): PulumiCommand["version"] {
    return this.real.version;
  }
  async run(
    args: string[],
    cwd: string,
    env: Record<string, string>,
    onOutput?: (data: string) => void,
    onError?: (data: string) => void,
    signal?: AbortSignal,
  ): Promise<unknown> {
    const entry: TranscriptCommand = { argv: [...args], exitCode: null, stdout: "", stderr: "" };
    this.entries.push(entry);
    const real = this.real as unknown as RecordingCli;
    const at = args.indexOf("--event-log");
    const target = at >= 0 ? args[at + 1] : undefined;
    let proxy: EventProxy | undefined;
    const forwarded = [...args];
    if (target?.startsWith("tcp://")) {
      proxy = await EventProxy.start(target.slice("tcp://".length));
      entry.events = proxy.events;
      forwarded[at + 1] = `tcp://${proxy.address}`;
    }
    try {
      const result = (await real.run(forwarded, cwd, env, onOutput, onError, signal)) as {
        stdout: string;
        stderr: string;
        code: number;
      };
      Object.assign(entry, { exitCode: result.code, stdout: result.stdout, stderr: result.stderr });
      return result;
    } catch (error) {
      const err = (error as { commandResult?: { err?: Record<string, unknown> } }).commandResult?.err ?? {};
      entry.exitCode = typeof err.exitCode === "number" ? err.exitCode : null;
      if (typeof err.signal === "string") entry.signal = err.signal;
      entry.stdout = String(err.stdout ?? "");
      entry.stderr = String(err.stderr ?? "");
      entry.sdkError = (error as Error).name;
      throw error;
    } finally {
      // The SDK appends `--non-interactive` to the array it was given: record the line as the CLI got it.
      entry.argv = forwarded.map((arg, i) => (i === at + 1 && target ? target : arg));
      await proxy?.close();
    }
  }
}

/** A gRPC `Events` server that records and forwards every event to the SDK's own server. */
class EventProxy {
  private constructor(
    readonly events: EngineEvent[],
    private readonly server: grpc.Server,
    readonly address: string,
    private readonly done: Promise<void>[],
  ) {}

  static async start(upstream: string): Promise<EventProxy> {
    const server = new grpc.Server();
    const done: Promise<void>[] = [];
    const events: EngineEvent[] = [];
    server.addService(EventsService, {
      streamEvents(
        call: grpc.ServerReadableStream<EventRequest, Empty>,
        callback: grpc.sendUnaryData<Empty>,
      ) {
        const client = new EventsClient(upstream, grpc.credentials.createInsecure());
        let closed!: () => void;
        done.push(new Promise<void>((resolve) => (closed = resolve)));
        const out = client.streamEvents((error) => {
          client.close();
          closed();
          callback(error ?? null, new Empty());
        });
        call.on("data", (request: EventRequest) => {
          const event = JSON.parse(request.getEvent()) as EngineEvent;
          // Debug diagnostics (the SDK's RPC log) are left out: noise, in racing order. The events kept are
          // numbered again from 0 (so that a debug line moving does not renumber them all).
          // (The SDK's type knows no "debug" severity; the CLI sends it.)
          if ((event.diagnosticEvent?.severity as string | undefined) !== "debug") {
            events.push({ ...event, sequence: events.length });
          }
          out.write(request);
        });
        call.on("end", () => out.end());
        call.on("error", () => out.end());
      },
    });
    const port = await new Promise<number>((resolve, reject) =>
      server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, p) =>
        error ? reject(error) : resolve(p),
      ),
    );
    return new EventProxy(events, server, `127.0.0.1:${port}`, done);
  }

  async close(): Promise<void> {
    await Promise.all(this.done);
    await new Promise<void>((resolve) => this.server.tryShutdown(() => resolve()));
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== "ESRCH";
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(what: string, check: () => boolean, timeoutMs = 60_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(100);
  }
}

async function main(): Promise<void> {
  await stopRig(RIG_NAME);
  const rig = await startRig(RIG_NAME);
  Object.assign(process.env, rig.env);
  const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-transcripts-"));
  try {
    await record(rig.pulumiVersion, projectDir, rig.dir, rig.endpoint);
  } finally {
    fs.rmSync(projectDir, { recursive: true, force: true });
    await stopRig(RIG_NAME);
  }
}

async function record(
  pulumiVersion: string,
  projectDir: string,
  rigDir: string,
  endpoint: string,
): Promise<void> {
  const { PulumiCommand: Command } = await import("@pulumi/pulumi/automation");
  const { createLocalWorkspaceEngine } = await import("../../automation/localWorkspace");
  const real = await Command.get();
  const cli = new RecordingCli(real);
  const programs = Object.fromEntries(ROLES.map((role) => [role, inlineProgram]));
  const newEngine = () =>
    createLocalWorkspaceEngine({
      projectDir,
      pulumiCommand: cli as unknown as PulumiCommand,
      programs: programs as never,
      envVars: { PULUMI_CONFIG_PASSPHRASE: "transcripts" },
    });
  const engine = newEngine();
  const ec2 = new EC2Client({});
  const written: string[] = [];

  /** Run `body`, keep the commands it ran as one transcript. */
  async function scenario(name: string, description: string, body: () => Promise<void>): Promise<void> {
    cli.entries = [];
    program.mode = "base";
    const started = Date.now();
    await body();
    const transcript: Transcript = {
      scenario: name,
      description,
      pulumiVersion,
      provider: PROVIDER_NOTE,
      commands: cli.entries,
    };
    const file = path.join(OUT_DIR, `${name}.json`);
    const text = normalise(JSON.stringify(transcript), { projectDir, rigDir, endpoint });
    // Formatted as `npm run lint` (prettier) wants it, so that a re-record diffs line by line.
    const options = (await prettier.resolveConfig(file)) ?? {};
    fs.writeFileSync(file, await prettier.format(text, { ...options, filepath: file }));
    written.push(file);
    console.error(
      `recorded ${name}: ${cli.entries.length} commands in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    );
  }

  /** An engine operation (its events are recorded by the CLI double's proxy), its error returned. */
  async function op<R>(run: (onEvent: (event: EngineEvent) => void) => Promise<R>): Promise<R | Error> {
    return run(() => undefined).catch((error: Error) => error);
  }
  const expectFailure = (result: unknown, what: string) => {
    if (!(result instanceof Error)) throw new Error(`${what} was expected to fail`);
  };
  const expectSuccess = (result: unknown, what: string) => {
    if (result instanceof Error) throw new Error(`${what} failed: ${result.message}`);
  };

  fs.mkdirSync(OUT_DIR, { recursive: true });
  const main = "tx-main";
  let ids: { sgId: string; ruleId: string } | undefined;

  await scenario(
    "stack-init",
    "createOrSelectStack of a new stack: `stack select` fails (no such stack), then `stack init`",
    async () => {
      await engine.createOrSelectStack(main, "fleet");
    },
  );
  const stack = await engine.createOrSelectStack(main, "fleet");
  await scenario(
    "config",
    "setAllConfig / getAllConfig (`config set-all`, `config --json`), then one key (`config set`, `config get`)",
    async () => {
      await stack.setAllConfig({
        "phoenix:release": { value: "v1" },
        "phoenix:token": { value: "s3cret", secret: true },
      });
      await stack.getAllConfig();
      await stack.automationStack.setConfig("phoenix:role", { value: "fleet" });
      await stack.automationStack.getConfig("phoenix:role");
    },
  );
  await scenario("preview", "preview of a new stack (2 creates), with the Phoenix policy pack", async () => {
    expectSuccess(await op((onEvent) => stack.preview({ onEvent })), "preview");
  });
  await scenario("up", "up of a new stack (2 creates), with the Phoenix policy pack", async () => {
    const result = await op((onEvent) => stack.up({ onEvent }));
    expectSuccess(result, "up");
    const outputs = (result as { outputs: Record<string, { value: string }> }).outputs;
    ids = { sgId: outputs.sgId.value, ruleId: outputs.ruleId.value };
  });
  await scenario("stack-ls", "listStacks: `stack ls --json` of a DIY backend", async () => {
    await engine.createOrSelectStack("tx-other", "router");
    await engine.listStacks();
  });
  await scenario(
    "stack-select",
    "createOrSelectStack of an existing stack from a new engine: `stack select`",
    async () => {
      await newEngine().createOrSelectStack(main, "fleet");
    },
  );
  await scenario(
    "refresh-no-drift",
    "refresh --preview-only (what `phoenix drift` runs) with nothing changed, then with --expect-no-changes",
    async () => {
      expectSuccess(await op((onEvent) => stack.refresh({ previewOnly: true, onEvent })), "refresh");
      expectSuccess(
        await op((onEvent) => stack.refresh({ previewOnly: true, expectNoChanges: true, onEvent })),
        "refresh --expect-no-changes",
      );
    },
  );
  await scenario(
    "preview-refresh-drift",
    "out of band in moto: the group's `release` tag changed, its ingress rule revoked; then preview --refresh " +
      "(what heal runs on the network stack)",
    async () => {
      if (!ids) throw new Error("no ids from up");
      await ec2.send(
        new CreateTagsCommand({ Resources: [ids.sgId], Tags: [{ Key: "release", Value: "hotfix" }] }),
      );
      await ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: ids.sgId, SecurityGroupRuleIds: [ids.ruleId] }),
      );
      expectSuccess(await op((onEvent) => stack.preview({ refresh: true, onEvent })), "preview --refresh");
    },
  );
  await scenario(
    "refresh-drift",
    "with the drift of preview-refresh-drift (made out of band in moto): refresh --preview-only, " +
      "refresh --preview-only --expect-no-changes (fails), and refresh (applied)",
    async () => {
      expectSuccess(await op((onEvent) => stack.refresh({ previewOnly: true, onEvent })), "refresh");
      expectFailure(
        await op((onEvent) => stack.refresh({ previewOnly: true, expectNoChanges: true, onEvent })),
        "refresh --expect-no-changes with drift",
      );
      expectSuccess(await op((onEvent) => stack.refresh({ onEvent })), "refresh");
    },
  );
  await scenario("destroy", "destroy of the stack (what is left after the drift refresh)", async () => {
    expectSuccess(await op((onEvent) => stack.destroy({ onEvent })), "destroy");
  });
  await scenario("stack-rm", "removeStack of an empty stack: `stack rm --yes`", async () => {
    await engine.removeStack(main);
  });
  await scenario(
    "missing-stack",
    "a stack removed behind the engine's back: up of it, `stack select` of it, `stack rm` of it",
    async () => {
      expectFailure(await op((onEvent) => stack.up({ onEvent })), "up of a removed stack");
      const workspace = stack.automationStack.workspace;
      const failure = (promise: Promise<unknown>) =>
        promise.then(
          () => undefined,
          (error: Error) => error,
        );
      expectFailure(await failure(workspace.selectStack("tx-nope")), "stack select of a missing stack");
      expectFailure(await failure(workspace.removeStack("tx-nope")), "stack rm of a missing stack");
    },
  );
  await scenario(
    "policy-violation",
    "preview and up of an ingress rule open on port 22 to 0.0.0.0/0: the Phoenix pack's no-ssh-access refuses it",
    async () => {
      const policyStack = await engine.createOrSelectStack("tx-policy", "network");
      program.mode = "policy";
      expectFailure(await op((onEvent) => policyStack.preview({ onEvent })), "preview with SSH");
      program.mode = "policy";
      expectFailure(await op((onEvent) => policyStack.up({ onEvent })), "up with SSH");
    },
  );
  await scenario(
    "hook-failure",
    "up v1, then up with the release tag changed: the group's beforeUpdate hook throws and fails the update",
    async () => {
      const hookStack = await engine.createOrSelectStack("tx-hook", "fleet");
      program.mode = "hook";
      expectSuccess(await op((onEvent) => hookStack.up({ onEvent })), "up v1");
      await hookStack.setAllConfig({ "phoenix:release": { value: "v2" } });
      program.mode = "hook";
      expectFailure(await op((onEvent) => hookStack.up({ onEvent })), "up v2 through the hook");
    },
  );
  await scenario(
    "locked-stack",
    "up while another up of the same stack holds the DIY backend's lock (its program waits): refused",
    async () => {
      const lockStack = await engine.createOrSelectStack("tx-lock", "fleet");
      let open!: () => void;
      program.gate = new Promise<void>((resolve) => (open = resolve));
      program.mode = "gated";
      program.entered = 0;
      const first = op((onEvent) => lockStack.up({ onEvent }));
      await until("the first up's program", () => program.entered > 0);
      program.mode = "base";
      const second = await op((onEvent) => lockStack.up({ onEvent }));
      open();
      expectFailure(second, "the second up");
      expectSuccess(await first, "the first up");
      program.gate = undefined;
    },
  );
  /** Start `operation` on a stack whose program waits, abort it once the program runs, and expect a failure. */
  const cancelWhileTheProgramRuns = async (
    what: string,
    operation: (
      stack: EngineStack,
      onEvent: (event: EngineEvent) => void,
      signal: AbortSignal,
    ) => Promise<unknown>,
  ) => {
    const cancelStack = await engine.createOrSelectStack("tx-cancel", "fleet");
    let open!: () => void;
    program.gate = new Promise<void>((resolve) => (open = resolve));
    program.mode = "gated";
    program.entered = 0;
    const controller = new AbortController();
    const running = op((onEvent) => operation(cancelStack, onEvent, controller.signal));
    await until(`the ${what}'s program`, () => program.entered > 0);
    await sleep(2000);
    controller.abort();
    const settled = await Promise.race([running, sleep(30_000).then(() => "timeout" as const)]);
    open();
    const result = settled === "timeout" ? await running : settled;
    expectFailure(result, `the cancelled ${what}`);
    program.gate = undefined;
  };
  await scenario(
    "cancel",
    "up cancelled through its AbortSignal (the SDK sends SIGINT) while the program runs: graceful cancel",
    () => cancelWhileTheProgramRuns("up", (stack, onEvent, signal) => stack.up({ onEvent, signal })),
  );
  await scenario(
    "cancel-preview",
    "preview cancelled through its AbortSignal while the program runs: graceful cancel",
    () =>
      cancelWhileTheProgramRuns("preview", (stack, onEvent, signal) => stack.preview({ onEvent, signal })),
  );
  await scenario(
    "stale-lock",
    "a `pulumi up` killed (SIGKILL) while it holds the stack's lock leaves the lock file behind; the adapter's " +
      "next up finds the lock's process gone, runs `pulumi cancel`, and the up again",
    async () => {
      const staleStack = await engine.createOrSelectStack("tx-stale", "fleet");
      let open!: () => void;
      program.gate = new Promise<void>((resolve) => (open = resolve));
      program.mode = "gated";
      program.entered = 0;
      const first = op((onEvent) => staleStack.up({ onEvent }));
      await until("the first up's program", () => program.entered > 0);
      const locks = path.join(
        projectDir,
        ".phoenix",
        "state",
        ".pulumi",
        "locks",
        "organization",
        "phoenix",
        "tx-stale",
      );
      const [lockFile] = fs.readdirSync(locks);
      const { pid } = JSON.parse(fs.readFileSync(path.join(locks, lockFile), "utf8")) as { pid: number };
      process.kill(pid, "SIGKILL");
      expectFailure(await first, "the killed up");
      open();
      program.gate = undefined;
      program.mode = "base";
      await until("the killed pulumi to be gone", () => !processRuns(pid));
      expectSuccess(await op((onEvent) => staleStack.up({ onEvent })), "the up after the stale lock");
    },
  );
  console.error(`wrote ${written.length} transcripts to ${path.relative(REPO_ROOT, OUT_DIR)}`);
}

/** Replace what differs from run to run by placeholders, keeping the text otherwise as the CLI wrote it. */
export function normalise(
  text: string,
  where: { projectDir: string; rigDir: string; endpoint: string },
): string {
  const ids = new Map<string, string>();
  const stable = (kind: string, raw: string) => {
    const key = `${kind}:${raw}`;
    if (!ids.has(key))
      ids.set(key, `${kind}-<${[...ids.keys()].filter((k) => k.startsWith(`${kind}:`)).length + 1}>`);
    return ids.get(key) as string;
  };
  let out = text;
  const literal = (from: string, to: string) => {
    if (from) out = out.split(from).join(to);
  };
  literal(fs.realpathSync(where.projectDir), "<project>");
  literal(where.projectDir, "<project>");
  literal(where.rigDir, "<rig>");
  literal(REPO_ROOT, "<repo>");
  literal(where.endpoint, "<aws-endpoint>");
  literal(os.tmpdir(), "<tmp>");
  literal(os.homedir(), "<home>");
  out = out.replace(/127\.0\.0\.1:\d+/g, "127.0.0.1:<port>");
  out = out.replace(/\bpid \d+\b/g, "pid <pid>");
  out = out.replace(/\(pid \d+\)/g, "(pid <pid>)");
  literal(os.hostname(), "<host>");
  out = out.replace(/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, "<uuid>");
  // Auto-names: the logical name and 7 random hex digits (the SDK's and the provider's auto-naming).
  out = out.replace(/\b(web|http)-[0-9a-f]{7}\b/g, "$1-<random>");
  out = out.replace(/\b(sg|sgr|vpc|subnet)-[0-9a-f]{8,17}\b/g, (raw, kind: string) => stable(kind, raw));
  out = out.replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)/g, "<time>");
  out = out.replace(/\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? [+-]\d{4} \w+/g, "<time>");
  out = out.replace(/"(timestamp|durationSeconds)":\d+/g, '"$1":0');
  // The progress ticker of a non-interactive CLI ("@ updating....") prints a line every few seconds.
  out = out.replace(/@ [a-z ]+\.*\\n/g, "");
  out = out.replace(/Duration: (\d+m)?\d+(\.\d+)?s/g, "Duration: <n>s");
  out = out.replace(/\(\d+(\.\d+)?(ms|s)\)/g, "(<n>s)");
  return out;
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(
        `record-transcripts: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
      );
      void stopRig(RIG_NAME).finally(() => process.exit(1));
    },
  );
}
