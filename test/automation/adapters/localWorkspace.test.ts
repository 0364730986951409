// Contract tests of the LocalWorkspace engine without a Pulumi CLI: a recording `PulumiCommand` double
// receives the command lines the Automation API builds and answers like the CLI (see
// recordingPulumiCommand.ts). They pin the flags that reach `pulumi` (--policy-pack, --expect-no-changes,
// --target, --stack, the backend, --json …) and that results and engine events are parsed back.
import * as assert from "assert";
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import type { EngineEvent } from "@pulumi/pulumi/automation";
import { CommandError, ConcurrentUpdateError, StackNotFoundError } from "@pulumi/pulumi/automation";
import {
  createLocalWorkspaceEngine,
  defaultPolicyPackDir,
  EngineEventsIncompleteError,
  InvalidEngineInputError,
  loadDefaultPrograms,
  PassphraseMissingError,
  PolicyPackNotFoundError,
  PulumiCliNotFoundError,
  PulumiCliTooOldError,
  StackLockedError,
  type LocalWorkspaceEngineOptions,
  type RoleProgram,
} from "../../../automation/localWorkspace";
import type { Role } from "../../../programs/contract";
import {
  RecordingPulumiCommand,
  summary,
  valueOf,
  valuesOf,
  type RecordingPulumiCommandOptions,
} from "./recordingPulumiCommand";
import { recorded } from "./transcripts";
import { waitFor } from "../waitFor";

const REPO = path.resolve(__dirname, "..", "..", "..");

/** Programs the engine hands to the SDK; the double never runs them (no engine), so calls stay at 0. */
function recordingPrograms(): { programs: Record<Role, RoleProgram>; runs: Role[] } {
  const runs: Role[] = [];
  const program = (role: Role) => async () => {
    runs.push(role);
    return { role };
  };
  return {
    runs,
    programs: {
      network: program("network"),
      fleet: program("fleet"),
      router: program("router"),
      "golden-ami": program("golden-ami"),
    },
  };
}

interface Harness {
  cli: RecordingPulumiCommand;
  projectDir: string;
  packDir: string;
  engine: ReturnType<typeof createLocalWorkspaceEngine>;
}

const tempDirs: string[] = [];
function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  tempDirs.push(dir);
  return dir;
}

function policyPack(): string {
  const dir = tempDir("phoenix-pack-");
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
  return dir;
}

function harness(
  cliOptions: RecordingPulumiCommandOptions = {},
  engineOptions: LocalWorkspaceEngineOptions = {},
): Harness {
  const cli = new RecordingPulumiCommand(cliOptions);
  const projectDir = tempDir("phoenix-project-");
  const packDir = policyPack();
  const engine = createLocalWorkspaceEngine({
    projectDir,
    pulumiCommand: cli.asPulumiCommand(),
    policyPacks: [packDir],
    envVars: { PULUMI_CONFIG_PASSPHRASE: "contract-test" },
    programs: recordingPrograms().programs,
    ...engineOptions,
  });
  return { cli, projectDir, packDir, engine };
}

/** A preview that would update a launch template in place: what the workflow guard looks for. */
function launchTemplateUpdate(): EngineEvent[] {
  return [
    { sequence: 0, timestamp: 0, preludeEvent: { config: { "phoenix:role": "fleet" } } },
    {
      sequence: 0,
      timestamp: 0,
      resourcePreEvent: {
        metadata: {
          op: "update" as never,
          urn: "urn:pulumi:shop-prod-blue::phoenix::aws:ec2/launchTemplate:LaunchTemplate::lt",
          type: "aws:ec2/launchTemplate:LaunchTemplate",
          provider: "",
          diffs: ["imageId"],
        },
      },
    },
    { sequence: 0, timestamp: 0, summaryEvent: summary({ update: 1, same: 4 }) },
  ];
}

async function withEnv<T>(changes: Record<string, string | undefined>, body: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(changes).map((key) => [key, process.env[key]]));
  const apply = (values: Record<string, string | undefined>) => {
    for (const [key, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  };
  apply(changes);
  try {
    return await body();
  } finally {
    apply(saved);
  }
}

describe("LocalWorkspace engine (contract, through a recording PulumiCommand)", function () {
  this.timeout(20_000);

  after(() => {
    for (const dir of tempDirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  describe("workspace and stacks", () => {
    it("lists the stacks after removing a blob sidecar a killed pulumi left empty (the CLI's `error: EOF`)", async () => {
      let sidecar = "";
      const { cli, engine } = harness({
        failWhen: (args) =>
          args[0] === "stack" &&
          args[1] === "ls" &&
          fs.statSync(sidecar, { throwIfNoEntry: false })?.size === 0
            ? { stderr: "error: EOF" }
            : undefined,
      });
      const stacks = path.join(engine.localStateDir, ".pulumi", "stacks", "phoenix");
      fs.mkdirSync(stacks, { recursive: true });
      sidecar = path.join(stacks, "shop-prod-blue.json.attrs");
      fs.writeFileSync(sidecar, "");
      fs.utimesSync(sidecar, new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      assert.deepStrictEqual(await engine.listStacks(), []);
      assert.strictEqual(fs.existsSync(sidecar), false);
      assert.strictEqual(cli.calls.filter((call) => call.args[1] === "ls").length, 2);
    });

    it("creates a missing stack after `stack select` reports it absent, in <projectDir>/.phoenix, with a file backend", async () => {
      const { cli, engine, projectDir } = harness();
      const stack = await engine.createOrSelectStack("shop-prod-network", "network");
      assert.strictEqual(stack.name, "shop-prod-network");
      assert.deepStrictEqual(
        cli.calls.map((call) => call.args.slice(0, 2)),
        [
          ["stack", "select"],
          ["stack", "init"],
        ],
      );
      assert.deepStrictEqual(cli.calls[0].args, [
        "stack",
        "select",
        "--stack",
        "shop-prod-network",
        "--non-interactive",
      ]);
      assert.strictEqual(cli.calls[1].args[2], "shop-prod-network");
      const workDir = path.join(projectDir, ".phoenix");
      const backend = `file://${path.join(workDir, "state")}`;
      for (const call of cli.calls) {
        assert.strictEqual(call.cwd, workDir);
        assert.strictEqual(call.env.PULUMI_BACKEND_URL, backend);
        assert.strictEqual(call.env.PULUMI_CONFIG_PASSPHRASE, "contract-test");
        assert.strictEqual(call.env.PULUMI_SKIP_UPDATE_CHECK, "true");
      }
      assert.ok(
        fs.statSync(path.join(workDir, "state")).isDirectory(),
        "the file backend directory is created",
      );
      const project = fs.readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8");
      assert.match(project, /^name: phoenix$/m);
      assert.match(project, /^runtime: nodejs$/m);
      assert.ok(project.includes(`url: ${JSON.stringify(backend)}`), project);
      const written = fs.statSync(path.join(workDir, "Pulumi.yaml")).mtimeMs;
      await engine.createOrSelectStack("shop-prod-router", "router");
      assert.strictEqual(
        fs.statSync(path.join(workDir, "Pulumi.yaml")).mtimeMs,
        written,
        "written once, not per stack",
      );
      assert.strictEqual(engine.backendUrl, backend);
      assert.strictEqual(engine.localStateDir, path.join(workDir, "state"));
    });

    it("only selects a stack that exists", async () => {
      const { cli, engine } = harness({ stacks: ["shop-prod-router"] });
      await engine.createOrSelectStack("shop-prod-router", "router");
      assert.deepStrictEqual(
        cli.calls.map((call) => call.args.join(" ")),
        ["stack select --stack shop-prod-router --non-interactive"],
      );
    });

    it("selects a stack once, and again after removeStack or when the CLI says it is gone", async () => {
      const { cli, engine } = harness();
      const selections = () => cli.callsOf("stack", "select").length + cli.callsOf("stack", "init").length;
      const first = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      assert.strictEqual(await engine.createOrSelectStack("shop-prod-blue", "fleet"), first);
      assert.strictEqual(selections(), 2, "select (absent) and init, once");

      await engine.removeStack("shop-prod-blue");
      await engine.createOrSelectStack("shop-prod-blue", "fleet");
      assert.strictEqual(selections(), 4, "removed: selected and created again");

      cli.stacks.delete("shop-prod-blue"); // another process removed it
      const stale = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await assert.rejects(stale.up(), StackNotFoundError);
      const fresh = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      assert.notStrictEqual(fresh, stale);
      assert.ok(cli.stacks.has("shop-prod-blue"), "created again on the next selection");
    });

    it("runs every command with --non-interactive, once, as the SDK's PulumiCommand.run adds it", async () => {
      // @pulumi/pulumi automation/cmd.js `run`: "all commands should be run in non-interactive mode"; the
      // double plays that part of `run` too, so that the recorded command lines are the CLI's.
      const { cli, engine } = harness();
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await stack.setAllConfig({ "phoenix:role": { value: "fleet" } });
      await stack.preview();
      await stack.up();
      await stack.refresh({ previewOnly: true });
      await stack.destroy();
      await engine.listStacks();
      await engine.removeStack("shop-prod-blue");
      assert.ok(cli.calls.length >= 10, `${cli.calls.length} commands`);
      for (const call of cli.calls) {
        const count = call.args.filter((arg) => arg === "--non-interactive").length;
        assert.strictEqual(count, 1, call.args.join(" "));
      }
    });

    it("passes the secrets provider to `stack init` and needs no passphrase then", async () => {
      const { cli, engine } = harness({}, { secretsProvider: "awskms://alias/phoenix", envVars: {} });
      await withEnv({ PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: undefined }, () =>
        engine.createOrSelectStack("shop-prod-blue", "fleet"),
      );
      const init = cli.callsOf("stack", "init")[0];
      assert.strictEqual(valueOf(init.args, "--secrets-provider"), "awskms://alias/phoenix");
    });

    it("sends any backend URL as PULUMI_BACKEND_URL and creates no local state for it", async () => {
      const { cli, engine, projectDir } = harness({}, { backendUrl: "s3://phoenix-state/prod" });
      await engine.createOrSelectStack("shop-prod-network", "network");
      assert.ok(cli.calls.every((call) => call.env.PULUMI_BACKEND_URL === "s3://phoenix-state/prod"));
      assert.strictEqual(fs.existsSync(path.join(projectDir, ".phoenix", "state")), false);
      assert.strictEqual(
        engine.localStateDir,
        path.join(projectDir, ".phoenix"),
        "journal and lock stay local",
      );
    });

    it("passes PULUMI_HOME and the caller's environment to every command", async () => {
      const home = tempDir("phoenix-home-");
      const { cli, engine } = harness(
        {},
        { pulumiHome: home, envVars: { PULUMI_CONFIG_PASSPHRASE: "p", AWS_PROFILE: "deploy" } },
      );
      await engine.createOrSelectStack("shop-prod-network", "network");
      for (const call of cli.calls) {
        assert.strictEqual(call.env.PULUMI_HOME, home);
        assert.strictEqual(call.env.AWS_PROFILE, "deploy");
      }
    });

    it("lists stacks by the names `stack ls --json` gives, a qualified name stripped to the stack's own", async () => {
      const { cli, engine } = harness({ stacks: ["shop-prod-network", "shop-prod-blue"] });
      assert.deepStrictEqual(await engine.listStacks(), ["shop-prod-blue", "shop-prod-network"]);
      assert.deepStrictEqual(cli.calls.at(-1)?.args, ["stack", "ls", "--json", "--non-interactive"]);
      // Pulumi Cloud lists a stack of an organization other than the default as `org/stack`
      // (pkg/backend/httpstate/stack.go:58-86); `pulumi -Q` qualifies every name.
      const cloud = harness({ stacks: ["shop-prod-blue"], listedName: (name) => `acme/${name}` });
      assert.deepStrictEqual(await cloud.engine.listStacks(), ["shop-prod-blue"]);
    });

    it("removes a stack with `stack rm --yes <name>` and surfaces the CLI's refusal for one with resources", async () => {
      const { cli, engine } = harness({
        stacks: ["shop-prod-green"],
        outputsAfterUp: () => ({ x: { value: 1, secret: false } }),
      });
      await engine.removeStack("shop-prod-green");
      assert.deepStrictEqual(cli.calls.at(-1)?.args, [
        "stack",
        "rm",
        "--yes",
        "shop-prod-green",
        "--non-interactive",
      ]);
      assert.deepStrictEqual(await engine.listStacks(), []);

      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await stack.up();
      await assert.rejects(engine.removeStack("shop-prod-blue"), (error: unknown) => {
        assert.ok(error instanceof CommandError);
        assert.match(String(error), /still has resources/);
        return true;
      });
    });
  });

  describe("config", () => {
    it("sets all config in one `config set-all` with --plaintext/--secret pairs and reads it back", async () => {
      const { cli, engine } = harness();
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await stack.setAllConfig({
        "phoenix:role": { value: "fleet" },
        "phoenix:release": { value: "v42" },
        "phoenix:userData": { value: "#!/bin/sh", secret: true },
      });
      const setAll = cli.callsOf("config", "set-all")[0];
      assert.deepStrictEqual(setAll.args, [
        "config",
        "set-all",
        "--stack",
        "shop-prod-blue",
        "--plaintext",
        "phoenix:role=fleet",
        "--plaintext",
        "phoenix:release=v42",
        "--secret",
        "phoenix:userData=#!/bin/sh",
        "--non-interactive",
      ]);
      const config = await stack.getAllConfig();
      assert.deepStrictEqual(config["phoenix:release"], { value: "v42", secret: false });
      assert.deepStrictEqual(config["phoenix:userData"], { value: "#!/bin/sh", secret: true });
      assert.deepStrictEqual(cli.calls.at(-1)?.args, [
        "config",
        "--show-secrets",
        "--json",
        "--stack",
        "shop-prod-blue",
        "--non-interactive",
      ]);
    });
  });

  for (const version of ["3.205.0", "3.220.0"]) {
    const delivery = version === "3.205.0" ? "file" : "grpc";
    describe(`preview (CLI ${version}: events by ${delivery})`, () => {
      it("runs the inline program over --client, checks the policy pack, and parses events and the change summary", async () => {
        const { cli, engine, packDir } = harness({ version, events: () => launchTemplateUpdate() });
        const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
        const events: EngineEvent[] = [];
        const result = await stack.preview({ onEvent: (event) => events.push(event) });

        const preview = cli.callsOf("preview")[0];
        assert.deepStrictEqual(valuesOf(preview.args, "--policy-pack"), [packDir]);
        assert.strictEqual(valueOf(preview.args, "--stack"), "shop-prod-blue");
        assert.strictEqual(valueOf(preview.args, "--exec-kind"), "auto.inline");
        assert.match(valueOf(preview.args, "--client"), /^127\.0\.0\.1:\d+$/);
        assert.strictEqual(preview.programReachable, true, "the inline program's language runtime answered");
        assert.strictEqual(preview.eventDelivery, delivery);
        assert.strictEqual(preview.hadSignal, false);

        assert.deepStrictEqual(result.changeSummary, { update: 1, same: 4 });
        const pre = events
          .filter((event) => event.resourcePreEvent)
          .map((event) => event.resourcePreEvent?.metadata);
        assert.strictEqual(pre.length, 1);
        assert.strictEqual(pre[0]?.op, "update");
        assert.strictEqual(pre[0]?.type, "aws:ec2/launchTemplate:LaunchTemplate");
        assert.deepStrictEqual(pre[0]?.diffs, ["imageId"]);
        // Numbered from 0, a policyLoadEvent first (a pack runs) and a cancelEvent last, as the real CLI
        // streams them (transcript preview).
        assert.deepStrictEqual(
          events.map((event) => event.sequence),
          [0, 1, 2, 3, 4],
        );
      });
    });
  }

  describe("a preview whose event stream lost its end", () => {
    const withoutSummary = (): EngineEvent[] => launchTemplateUpdate().filter((event) => !event.summaryEvent);
    // The double drops the summary itself; events travel over gRPC (CLI 3.220) so that the SDK's own
    // file-tailing race (CLI 3.205) cannot drop a second event and make these tests flaky under load.
    const GRPC_EVENTS = "3.220.0";

    it("is retried once, and the caller gets the complete events exactly once", async () => {
      let previews = 0;
      const { cli, engine } = harness({
        version: GRPC_EVENTS,
        events: (operation) =>
          operation === "preview" && ++previews === 1 ? withoutSummary() : launchTemplateUpdate(),
      });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const events: EngineEvent[] = [];
      const result = await stack.preview({ onEvent: (event) => events.push(event) });
      assert.strictEqual(cli.callsOf("preview").length, 2);
      assert.strictEqual(events.length, 5, "policyLoad, prelude, the update, the summary, cancelEvent: once");
      assert.deepStrictEqual(result.changeSummary, { update: 1, same: 4 });
    });

    it("is not retried once the signal aborted", async () => {
      const controller = new AbortController();
      const { cli, engine } = harness({
        version: GRPC_EVENTS,
        events: () => {
          controller.abort(new Error("operator cancelled"));
          return withoutSummary();
        },
      });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await assert.rejects(stack.preview({ signal: controller.signal }), /operator cancelled/);
      assert.strictEqual(cli.callsOf("preview").length, 1);
    });

    it("is refused after the second try: a partial preview could hide an in-place update", async () => {
      const { cli, engine } = harness({ version: GRPC_EVENTS, events: () => withoutSummary() });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const events: EngineEvent[] = [];
      await assert.rejects(stack.preview({ onEvent: (event) => events.push(event) }), (error: unknown) => {
        assert.ok(error instanceof EngineEventsIncompleteError);
        assert.strictEqual(error.code, "ENGINE_EVENTS_INCOMPLETE");
        assert.match(error.message, /`preview` on stack shop-prod-blue ended without their summary 2 times/);
        return true;
      });
      assert.strictEqual(cli.callsOf("preview").length, 2);
      assert.deepStrictEqual(events, [], "nothing partial reaches the caller");

      await assert.rejects(stack.refresh({ previewOnly: true }), EngineEventsIncompleteError);
      assert.strictEqual(cli.callsOf("refresh").length, 2);
      await stack.refresh();
      assert.strictEqual(cli.callsOf("refresh").length, 3, "a real refresh is not a preview: not checked");
    });
  });

  describe("up", () => {
    it("adds the engine's packs before the caller's, and passes --target, --message and the outputs", async () => {
      // CLI 3.220 streams events over gRPC: with a tailed event log (3.205), the SDK can drop the last line
      // when the command returns between two polls, and this test's event count flaked under load.
      const { cli, engine, packDir } = harness({
        version: "3.220.0",
        outputsAfterUp: () => ({
          release: { value: "v42", secret: false },
          userDataHash: { value: "abc", secret: true },
        }),
        events: (operation) =>
          operation === "up"
            ? [{ sequence: 0, timestamp: 0, summaryEvent: summary({ create: 5 }) }]
            : [{ sequence: 0, timestamp: 0, summaryEvent: summary({ same: 5 }) }],
      });
      const extraPack = policyPack();
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const urn = "urn:pulumi:shop-prod-blue::phoenix::aws:autoscaling/group:Group::asg";
      const events: EngineEvent[] = [];
      const result = await stack.up({
        policyPacks: [extraPack, packDir],
        target: [urn],
        message: "phoenix up v42",
        onEvent: (event) => events.push(event),
      });

      const up = cli.callsOf("up")[0];
      assert.deepStrictEqual(up.args.slice(0, 3), ["up", "--yes", "--skip-preview"]);
      assert.deepStrictEqual(
        valuesOf(up.args, "--policy-pack"),
        [packDir, extraPack],
        "each pack once, engine's first",
      );
      await stack.preview({ policyPacks: [path.relative(process.cwd(), extraPack)] });
      assert.deepStrictEqual(
        valuesOf(cli.callsOf("preview")[0].args, "--policy-pack"),
        [packDir, extraPack],
        "a caller's relative pack path is made absolute from the process directory, not the workspace",
      );
      assert.deepStrictEqual(valuesOf(up.args, "--target"), [urn]);
      assert.strictEqual(valueOf(up.args, "--message"), "phoenix up v42");
      assert.strictEqual(valueOf(up.args, "--exec-kind"), "auto.inline");
      assert.strictEqual(up.programReachable, true);
      assert.strictEqual(up.eventDelivery, "grpc");
      assert.deepStrictEqual(
        events.map((event) => Object.keys(event).find((key) => key !== "sequence" && key !== "timestamp")),
        ["policyLoadEvent", "summaryEvent", "cancelEvent"],
        "as the real CLI streams them (transcript up)",
      );

      assert.deepStrictEqual(result.outputs, {
        release: { value: "v42", secret: false },
        userDataHash: { value: "abc", secret: true },
      });
      assert.strictEqual(result.summary.kind, "update");
      assert.strictEqual(result.summary.result, "succeeded");
      assert.deepStrictEqual(result.summary.resourceChanges, { create: 5 });
      assert.ok(result.summary.startTime instanceof Date, "history times are parsed into Dates");
      // Outputs are read twice (masked, then --show-secrets) to learn which are secret.
      const outputCalls = cli.callsOf("stack", "output").map((call) => call.args.join(" "));
      assert.deepStrictEqual(outputCalls, [
        "stack output --json --stack shop-prod-blue --non-interactive",
        "stack output --json --show-secrets --stack shop-prod-blue --non-interactive",
      ]);
      assert.deepStrictEqual(cli.callsOf("stack", "history")[0].args, [
        "stack",
        "history",
        "--json",
        "--show-secrets",
        "--page-size",
        "1",
        "--page",
        "1",
        "--stack",
        "shop-prod-blue",
        "--non-interactive",
      ]);
    });

    it("runs no policy pack when CrossGuard is turned off with `policyPacks: false`", async () => {
      const { cli, engine } = harness({}, { policyPacks: false });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await stack.up();
      await stack.preview();
      assert.deepStrictEqual(engine.policyPacks, []);
      assert.ok(cli.calls.every((call) => !call.args.includes("--policy-pack")));
    });

    it("pairs policy pack configs with packs by position", async () => {
      const config = path.join(os.tmpdir(), "pack-config.json");
      const { cli, engine, packDir } = harness({}, { policyPackConfigs: [config] });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      await stack.up();
      const up = cli.callsOf("up")[0];
      assert.deepStrictEqual(valuesOf(up.args, "--policy-pack"), [packDir]);
      assert.deepStrictEqual(valuesOf(up.args, "--policy-pack-config"), [config]);
      await assert.rejects(stack.up({ policyPacks: [policyPack()] }), /must pair one to one/);
    });

    describe("the engine's stack lock", () => {
      // What a DIY backend prints for a locked stack (pkg/backend/diy/lock.go checkForLock, v3.274.0), as the
      // real CLI printed it in the transcript locked-stack, with its placeholders filled in.
      const lockedBy = (pid: number, host = os.hostname()) => ({
        stderr: Object.entries({
          "tx-lock": "shop-prod-blue",
          "<project>": "/project",
          "<uuid>": "1cba8bcd",
          "root@<host>": `ci@${host}`,
          "<pid>": String(pid),
          "<time>": "2026-12-03T02:18:00Z",
        }).reduce(
          (text, [from, to]) => text.split(from).join(to),
          recorded("locked-stack", ["up"], 1).stderr,
        ),
      });
      /** The pid of a process that has ended. */
      const deadPid = () => spawnSync(process.execPath, ["-e", ""]).pid;
      const lockedOnce = (stderr: { stderr: string }) => {
        let ups = 0;
        return (args: string[]) => (args[0] === "up" && ++ups === 1 ? stderr : undefined);
      };

      it("clears a lock whose process is gone from this machine with pulumi cancel, then runs the command", async () => {
        const { cli, engine } = harness({ failWhen: lockedOnce(lockedBy(deadPid())) });
        const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
        await stack.up();
        assert.deepStrictEqual(
          cli.calls.map((call) => call.args[0]).filter((command) => ["up", "cancel"].includes(command)),
          ["up", "cancel", "up"],
        );
        assert.strictEqual(valueOf(cli.callsOf("cancel")[0].args, "--stack"), "shop-prod-blue");
      });

      it("keeps the lock of a process that runs: a StackLockedError naming it, and no cancel", async () => {
        const { cli, engine } = harness({ failWhen: lockedOnce(lockedBy(process.pid)) });
        const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
        const error = await stack.up().then(
          () => assert.fail("the up must be refused"),
          (caught: unknown) => caught,
        );
        assert.ok(error instanceof StackLockedError);
        assert.strictEqual(error.code, "STACK_LOCKED");
        assert.deepStrictEqual(
          error.holders.map((holder) => [holder.user, holder.host, holder.pid]),
          [["ci", os.hostname(), process.pid]],
        );
        assert.match(error.message, new RegExp(`Stack shop-prod-blue is locked .* \\(pid ${process.pid}\\)`));
        assert.match(error.message, /pulumi cancel --stack shop-prod-blue/);
        assert.deepStrictEqual(cli.callsOf("cancel"), []);
      });

      it("keeps a lock taken on another machine, whose process cannot be seen from here", async () => {
        const { cli, engine } = harness({ failWhen: lockedOnce(lockedBy(deadPid(), "runner-7")) });
        const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
        await assert.rejects(stack.up(), StackLockedError);
        assert.deepStrictEqual(cli.callsOf("cancel"), []);
      });

      it("refuses a lock that is back after the cancel instead of clearing it again", async () => {
        const stale = lockedBy(deadPid());
        const { cli, engine } = harness({ failWhen: (args) => (args[0] === "up" ? stale : undefined) });
        const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
        await assert.rejects(stack.up(), StackLockedError);
        assert.strictEqual(cli.callsOf("cancel").length, 1);
        assert.strictEqual(cli.callsOf("up").length, 2);
      });

      it("refuses a lock the backend does not describe (Pulumi Cloud's 409) as a StackLockedError", async () => {
        const { cli, engine } = harness({
          failWhen: (args) =>
            args[0] === "up"
              ? { stderr: "error: [409] Conflict: Another update is currently in progress." }
              : undefined,
        });
        const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
        await assert.rejects(stack.up(), (error: unknown) => {
          assert.ok(error instanceof StackLockedError);
          assert.deepStrictEqual(error.holders, []);
          assert.ok(error.cause instanceof ConcurrentUpdateError);
          return true;
        });
        assert.deepStrictEqual(cli.callsOf("cancel"), []);
      });
    });

    it("refuses an already aborted signal before any command starts", async () => {
      const { cli, engine } = harness();
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const controller = new AbortController();
      controller.abort(new Error("operator cancelled"));
      await assert.rejects(stack.up({ signal: controller.signal }), /operator cancelled/);
      await assert.rejects(stack.destroy({ signal: controller.signal }), /operator cancelled/);
      assert.strictEqual(cli.callsOf("up").length + cli.callsOf("destroy").length, 0);
    });

    it("hands the signal to the CLI, and an abort mid-up ends as the CLI's graceful cancel", async () => {
      const { cli, engine } = harness({ version: "3.220.0", hangWhen: (args) => args[0] === "up" });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const controller = new AbortController();
      const events: EngineEvent[] = [];
      const up = stack.up({ signal: controller.signal, onEvent: (event) => events.push(event) });
      // Aborted once the CLI runs the up (it hangs there), not after a guessed delay.
      await waitFor(() => cli.callsOf("up").length > 0, "the CLI to start the up");
      controller.abort();
      // The CLI cancels gracefully and exits 1, the step in flight failing with "context canceled" (transcript
      // cancel, see cliOutcomes.ts); it is not killed.
      await assert.rejects(up, (error: unknown) => {
        assert.ok(error instanceof CommandError, String(error));
        assert.match(String(error), /\^C received; cancelling\./);
        assert.match(String(error), /error: context canceled/);
        assert.doesNotMatch(String(error), /killed with SIGINT/);
        return true;
      });
      assert.strictEqual(cli.callsOf("up")[0].hadSignal, true);
      assert.ok(
        events.some((event) => event.cancelEvent),
        "the engine's cancelEvent reached the caller",
      );
      const [last] = await stack.automationStack.history(1);
      assert.strictEqual(last.result, "failed", "a cancelled update is recorded as failed");
    });
  });

  describe("refresh and destroy", () => {
    // A drifted resource as the engine reports it (pulumi v3.260): the pre-event before the provider's Read
    // (op refresh, no diffs), the drift in the outputs event (pkg/resource/deploy/step.go:1446, :1511).
    const asg = "urn:pulumi:shop-prod-blue::phoenix::aws:autoscaling/group:Group::asg";
    const before = {
      type: "aws:autoscaling/group:Group",
      urn: asg,
      id: "asg",
      parent: "",
      provider: "",
      inputs: {},
      outputs: { maxSize: 3 },
    };
    const drift: EngineEvent[] = [
      {
        sequence: 0,
        timestamp: 0,
        resourcePreEvent: {
          metadata: {
            op: "refresh" as never,
            urn: asg,
            type: before.type,
            provider: "",
            old: before,
            new: before,
          },
          planning: true,
        },
      },
      {
        sequence: 0,
        timestamp: 0,
        resOutputsEvent: {
          metadata: {
            op: "update" as never,
            urn: asg,
            type: before.type,
            provider: "",
            old: before,
            new: { ...before, outputs: { maxSize: 9 } },
          },
          planning: true,
        },
      },
      { sequence: 0, timestamp: 0, summaryEvent: summary({ update: 1 }) },
    ];

    it("refresh-preview for drift: --preview-only, no --yes, no policy pack, the outputs events parsed", async () => {
      const { cli, engine } = harness({ events: () => drift });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const events: EngineEvent[] = [];
      await stack.refresh({ previewOnly: true, onEvent: (event) => events.push(event) });
      const refresh = cli.callsOf("refresh")[0];
      assert.deepStrictEqual(refresh.args.slice(0, 2), ["refresh", "--preview-only"]);
      assert.ok(!refresh.args.includes("--yes"), "a preview-only refresh changes nothing");
      assert.ok(!refresh.args.includes("--policy-pack"));
      assert.strictEqual(refresh.programReachable, true);
      assert.deepStrictEqual(
        events.flatMap((event) =>
          event.resOutputsEvent ? [event.resOutputsEvent.metadata.new?.outputs] : [],
        ),
        [{ maxSize: 9 }],
      );
      assert.strictEqual(cli.stacks.get("shop-prod-blue")?.history.length, 0, "a preview leaves no history");
    });

    it("refresh --expect-no-changes fails on drift as the CLI does, with exit code 7; without drift it passes", async () => {
      const { cli, engine } = harness({ events: () => drift });
      const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
      const events: EngineEvent[] = [];
      await assert.rejects(
        stack.refresh({ previewOnly: true, expectNoChanges: true, onEvent: (event) => events.push(event) }),
        // Wrapped as the SDK's exec wraps every failure (code -2, the exit code in `err`), as recorded in the
        // transcript refresh-drift.
        (error: unknown) =>
          error instanceof CommandError &&
          (error as unknown as { commandResult: { err?: { exitCode?: number } } }).commandResult.err
            ?.exitCode === 7 &&
          /exit code 7: .*\nerror: no changes were expected for refresh but changes were proposed/s.test(
            String(error),
          ),
      );
      assert.ok(cli.callsOf("refresh")[0].args.includes("--expect-no-changes"));
      const clean = harness({
        events: () => [{ sequence: 0, timestamp: 0, summaryEvent: summary({ same: 1 }) }],
      });
      const cleanStack = await clean.engine.createOrSelectStack("shop-prod-blue", "fleet");
      await cleanStack.refresh({ previewOnly: true, expectNoChanges: true });
    });

    it("destroy: --yes --skip-preview, the inline program attached, and the result's summary", async () => {
      const { cli, engine } = harness({
        outputsAfterUp: () => ({ release: { value: "v1", secret: false } }),
      });
      const stack = await engine.createOrSelectStack("shop-prod-green", "fleet");
      await stack.up();
      const result = await stack.destroy();
      const destroy = cli.callsOf("destroy")[0];
      assert.deepStrictEqual(destroy.args.slice(0, 3), ["destroy", "--yes", "--skip-preview"]);
      assert.strictEqual(valueOf(destroy.args, "--exec-kind"), "auto.inline");
      assert.ok(!destroy.args.includes("--policy-pack"));
      assert.strictEqual(destroy.eventDelivery, "none", "no onEvent, no event log");
      assert.strictEqual(result.summary.kind, "destroy");
      assert.deepStrictEqual(await stack.outputs(), {});
    });
  });

  describe("what is checked before any command", () => {
    it("names every bad option at once", () => {
      assert.throws(
        () =>
          createLocalWorkspaceEngine({
            projectDir: "/definitely/not/here",
            backendUrl: "phoenix-state",
            policyPacks: [policyPack()],
            policyPackConfigs: ["a.json", "b.json"],
            programs: { network: async () => ({}) } as unknown as Record<Role, RoleProgram>,
          }),
        (error: unknown) => {
          assert.ok(error instanceof InvalidEngineInputError);
          assert.strictEqual(error.problems.length, 4, error.message);
          assert.match(
            error.message,
            /`projectDir` \("\/definitely\/not\/here"\) must be an existing directory/,
          );
          assert.match(error.message, /`backendUrl` \("phoenix-state"\) must be a Pulumi backend URL/);
          assert.match(error.message, /`policyPackConfigs` has 2 files for 1 policy packs/);
          assert.match(error.message, /missing: fleet, router, golden-ami/);
          return true;
        },
      );
    });

    it("refuses a bad stack name or role without calling the CLI", async () => {
      const { cli, engine } = harness();
      await assert.rejects(
        engine.createOrSelectStack("shop prod/blue", "fleet"),
        /stack name \("shop prod\/blue"\)/,
      );
      await assert.rejects(
        engine.createOrSelectStack("shop-prod-blue", "web" as Role),
        /role \("web"\) must be one of network, fleet, router, golden-ami/,
      );
      assert.strictEqual(cli.calls.length, 0);
    });

    it("says how to install pulumi when it is not on PATH", async () => {
      const emptyPath = tempDir("phoenix-empty-path-");
      const engine = createLocalWorkspaceEngine({
        projectDir: tempDir("phoenix-project-"),
        policyPacks: false,
        envVars: { PULUMI_CONFIG_PASSPHRASE: "p" },
      });
      await withEnv({ PATH: emptyPath }, async () => {
        await assert.rejects(engine.listStacks(), (error: unknown) => {
          assert.ok(error instanceof PulumiCliNotFoundError, String(error));
          assert.strictEqual(error.code, "PULUMI_CLI_NOT_FOUND");
          assert.match(error.message, /was not found on PATH/);
          assert.match(error.message, /https:\/\/www\.pulumi\.com\/docs\/install\//);
          return true;
        });
      });
    });

    it("refuses a CLI too old for inline refresh and destroy", async () => {
      const { engine, cli } = harness({ version: "3.150.0" });
      await assert.rejects(engine.createOrSelectStack("shop-prod-blue", "fleet"), (error: unknown) => {
        assert.ok(error instanceof PulumiCliTooOldError);
        assert.match(error.message, /version 3\.150\.0; Phoenix needs 3\.182\.0 or newer/);
        return true;
      });
      assert.strictEqual(cli.calls.length, 0);
    });

    it("refuses 3.181, whose engine has no resource hooks (every fleet program registers one), and takes 3.182", async () => {
      // pulumi CHANGELOG.md, "## 3.182.0": "[engine] Implement ResourceHooks in the engine"; on an older engine
      // the Node SDK throws "The Pulumi CLI does not support resource hooks" (sdk/nodejs/runtime/resource.ts,
      // registerResourceHook).
      const old = harness({ version: "3.181.0" });
      await assert.rejects(old.engine.createOrSelectStack("shop-prod-blue", "fleet"), (error: unknown) => {
        assert.ok(error instanceof PulumiCliTooOldError);
        assert.match(error.message, /version 3\.181\.0; Phoenix needs 3\.182\.0 or newer \(resource hooks/);
        return true;
      });
      assert.strictEqual(old.cli.calls.length, 0);
      const enough = harness({ version: "3.182.0" });
      await enough.engine.createOrSelectStack("shop-prod-blue", "fleet");
    });

    it("requires a passphrase for a self-managed backend, and none for Pulumi Cloud", async () => {
      await withEnv(
        { PULUMI_CONFIG_PASSPHRASE: undefined, PULUMI_CONFIG_PASSPHRASE_FILE: undefined },
        async () => {
          const local = harness({}, { envVars: {} });
          await assert.rejects(local.engine.listStacks(), (error: unknown) => {
            assert.ok(error instanceof PassphraseMissingError);
            assert.match(error.message, /PULUMI_CONFIG_PASSPHRASE nor PULUMI_CONFIG_PASSPHRASE_FILE is set/);
            assert.ok(error.message.includes(local.engine.backendUrl));
            return true;
          });
          assert.strictEqual(local.cli.calls.length, 0);

          const cloud = harness({}, { envVars: {}, backendUrl: "https://api.pulumi.com" });
          assert.deepStrictEqual(await cloud.engine.listStacks(), []);
        },
      );
      // Once the passphrase is there, the same engine works: a failed preparation is not cached.
      await withEnv({ PULUMI_CONFIG_PASSPHRASE: "now-set" }, async () => {
        const local = harness({}, { envVars: {} });
        await assert.rejects(
          withEnv({ PULUMI_CONFIG_PASSPHRASE: undefined }, () => local.engine.listStacks()),
          PassphraseMissingError,
        );
        assert.deepStrictEqual(await local.engine.listStacks(), []);
      });
    });

    it("refuses a policy pack directory without PulumiPolicy.yaml", async () => {
      const notAPack = tempDir("phoenix-not-a-pack-");
      const { engine } = harness({}, { policyPacks: [notAPack] });
      await assert.rejects(engine.createOrSelectStack("shop-prod-blue", "fleet"), (error: unknown) => {
        assert.ok(error instanceof PolicyPackNotFoundError);
        assert.ok(error.message.includes(notAPack));
        return true;
      });
    });

    it("defaults CrossGuard to the package's own pack in <package>/policies", () => {
      assert.strictEqual(defaultPolicyPackDir(), path.join(REPO, "policies"));
      const { engine } = harness({}, { policyPacks: undefined });
      assert.deepStrictEqual(engine.policyPacks, [path.join(REPO, "policies")]);
    });
  });

  describe("programs", () => {
    it("never runs a program itself: only the engine does, through the language runtime", async () => {
      const { programs, runs } = recordingPrograms();
      const { engine } = harness({}, { programs });
      const stack = await engine.createOrSelectStack("shop-prod-network", "network");
      await stack.preview();
      await stack.up();
      assert.deepStrictEqual(runs, []);
    });

    it("defaults to PROGRAMS of programs/, one per role", async () => {
      const { PROGRAMS } = await import("../../../programs");
      const loaded = loadDefaultPrograms();
      for (const role of ["network", "fleet", "router", "golden-ami"] as Role[]) {
        assert.strictEqual(loaded[role], PROGRAMS[role], role);
      }
    });

    it("importing the adapter loads neither programs/ nor @pulumi/aws (they load on first stack use)", () => {
      const script = [
        "require('./automation/localWorkspace');",
        "const loaded = Object.keys(require.cache);",
        "process.stdout.write(JSON.stringify({",
        "  aws: loaded.some((f) => f.includes(`${require('path').sep}@pulumi${require('path').sep}aws${require('path').sep}`)),",
        "  programs: loaded.some((f) => /[\\\\/]programs[\\\\/](index|network|fleet)\\.ts$/.test(f)),",
        "}));",
      ].join("\n");
      const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], {
        cwd: REPO,
        encoding: "utf8",
      });
      assert.deepStrictEqual(JSON.parse(out), { aws: false, programs: false });
    });
  });
});
