// The LocalWorkspace adapter against what the real Pulumi CLI v3.274.0 answered (test/fixtures/transcripts,
// recorded in the rig by `npm run record:transcripts`): each transcript is replayed command by command, the
// adapter must run exactly the recorded command lines, and what it makes of the answers (results, events,
// typed errors) is asserted here. No CLI, Go or Python: fixtures only.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CommandError,
  ConcurrentUpdateError,
  StackNotFoundError,
  type EngineEvent,
} from "@pulumi/pulumi/automation";
import {
  createLocalWorkspaceEngine,
  StackLockedError,
  type RoleProgram,
} from "../../../automation/localWorkspace";
import { driftedResources } from "../../../automation/drift";
import { exitCodeOf } from "../../../cli/workflows/errors";
import { EXIT } from "../../../cli/exitCodes";
import type { Role } from "../../../programs/contract";
import { spawnSync } from "child_process";
import { FakeEngineModel } from "./fakeEngineModel";
import { TranscriptCli } from "./transcriptCli";
import { recorded, transcript, type Scenario, type TranscriptCommand } from "./transcripts";

const ALL: Scenario[] = [
  "stack-init",
  "config",
  "preview",
  "up",
  "stack-ls",
  "stack-select",
  "refresh-no-drift",
  "preview-refresh-drift",
  "refresh-drift",
  "destroy",
  "stack-rm",
  "missing-stack",
  "policy-violation",
  "hook-failure",
  "locked-stack",
  "cancel",
  "cancel-preview",
  "stale-lock",
];

/** What the SDK's CommandError keeps of a failed command. */
interface CommandFailure {
  commandResult: { code: number; stderr: string; err?: { exitCode?: number } };
}

const kindOf = (event: EngineEvent): string =>
  Object.keys(event).find((key) => key !== "sequence" && key !== "timestamp") as string;

describe("the adapter against transcripts of the real CLI", function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function replay(replayed: Scenario[] | TranscriptCommand[], fill?: Record<string, string>) {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-transcripts-"));
    dirs.push(projectDir);
    const cli = new TranscriptCli(replayed, projectDir, fill);
    const program: RoleProgram = async () => ({});
    const engine = createLocalWorkspaceEngine({
      projectDir,
      pulumiCommand: cli.asPulumiCommand(),
      envVars: { PULUMI_CONFIG_PASSPHRASE: "transcripts" },
      programs: { network: program, fleet: program, router: program, "golden-ami": program } as Record<
        Role,
        RoleProgram
      >,
    });
    return { cli, engine };
  }

  describe("every transcript", () => {
    for (const scenario of ALL) {
      it(`${scenario}: recorded with the rig's pulumi and test provider, and says so`, () => {
        const t = transcript(scenario);
        assert.match(t.pulumiVersion, /^v3\.\d+\.\d+/);
        assert.match(t.provider, /test aws provider.*no detailedDiff/);
        assert.ok(t.commands.length > 0);
        for (const command of t.commands) {
          assert.strictEqual(
            command.argv.at(-1) === "--non-interactive" || command.argv.includes("--"),
            true,
          );
          for (const event of command.events ?? []) {
            assert.strictEqual(event.timestamp, 0, "timestamps are normalised");
            assert.notStrictEqual(event.diagnosticEvent?.severity, "debug", "debug diagnostics are left out");
          }
        }
      });
    }
  });

  it("stack-init: a new stack is `stack select` (exit 6, StackNotFoundError) then `stack init`", async () => {
    const { cli, engine } = replay(["stack-init"]);
    await engine.createOrSelectStack("tx-main", "fleet");
    assert.ok(cli.done);
    const select = recorded("stack-init", ["stack", "select"]);
    assert.deepStrictEqual([select.exitCode, select.stderr], [6, "error: no stack named 'tx-main' found"]);
    // `stack init` says what it did on stderr, not stdout.
    assert.deepStrictEqual(recorded("stack-init", ["stack", "init"]).stdout, "");
  });

  it("config: set-all and --show-secrets --json round-trip plain and secret values", async () => {
    const { cli, engine } = replay(["stack-select", "config"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    await stack.setAllConfig({
      "phoenix:release": { value: "v1" },
      "phoenix:token": { value: "s3cret", secret: true },
    });
    assert.deepStrictEqual(await stack.getAllConfig(), {
      "phoenix:release": { value: "v1", secret: false },
      "phoenix:token": { value: "s3cret", secret: true },
    });
    await stack.automationStack.setConfig("phoenix:role", { value: "fleet" });
    assert.deepStrictEqual(await stack.automationStack.getConfig("phoenix:role"), {
      value: "fleet",
      secret: false,
    });
    assert.ok(cli.done);
  });

  it("preview: the policy pack runs, events arrive whole with a `PolicyPacks` summary", async () => {
    const { cli, engine } = replay(["stack-select", "preview"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    const seen: EngineEvent[] = [];
    const result = await stack.preview({ onEvent: (event) => seen.push(event) });
    assert.ok(cli.done);
    assert.deepStrictEqual(result.changeSummary, { create: 3 });
    assert.strictEqual(kindOf(seen[0]), "policyLoadEvent");
    assert.strictEqual(
      kindOf(seen.at(-1) as EngineEvent),
      "cancelEvent",
      "every stream ends with a cancelEvent",
    );
    const summary = seen.find((event) => event.summaryEvent)?.summaryEvent as unknown as Record<
      string,
      unknown
    >;
    assert.deepStrictEqual(Object.keys(summary), [
      "maybeCorrupt",
      "durationSeconds",
      "resourceChanges",
      "PolicyPacks",
      "isPreview",
      "result",
    ]);
    assert.deepStrictEqual(summary.PolicyPacks, { "phoenix-immutability|local|<repo>/policies": "0.1.0" });
    // A preview sends resOutputsEvent too, with `planning`.
    const outputs = seen.filter((event) => event.resOutputsEvent);
    assert.ok(outputs.length > 0 && outputs.every((event) => event.resOutputsEvent?.planning === true));
  });

  it("up: the summary, then the outputs from `stack output` (masked and plain)", async () => {
    const { cli, engine } = replay(["stack-select", "up"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    const result = await stack.up({ onEvent: () => undefined });
    assert.ok(cli.done);
    assert.strictEqual(result.summary.result, "succeeded");
    assert.deepStrictEqual(result.summary.resourceChanges, { create: 3 });
    assert.deepStrictEqual(Object.keys(result.outputs).sort(), ["ruleId", "sgId"]);
    assert.match(String(result.outputs.sgId.value), /^sg-<\d+>$/);
  });

  it("stack ls: the DIY backend's short names, sorted, with resourceCount and no url", async () => {
    const { cli, engine } = replay(["stack-ls"]);
    await engine.createOrSelectStack("tx-other", "router");
    assert.deepStrictEqual(await engine.listStacks(), ["tx-main", "tx-other"]);
    assert.ok(cli.done);
    const rows = JSON.parse(recorded("stack-ls", ["stack", "ls"]).stdout) as Record<string, unknown>[];
    for (const row of rows)
      assert.deepStrictEqual(Object.keys(row), ["name", "current", "lastUpdate", "resourceCount"]);
  });

  it("stack select: an existing stack from a new engine costs one `stack select`", async () => {
    const { cli, engine } = replay(["stack-select"]);
    await engine.createOrSelectStack("tx-main", "fleet");
    assert.ok(cli.done);
  });

  it("refresh without drift: nothing drifted, and --expect-no-changes passes", async () => {
    const { cli, engine } = replay(["stack-select", "refresh-no-drift"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    for (const expectNoChanges of [false, true]) {
      const seen: EngineEvent[] = [];
      await stack.refresh({ previewOnly: true, expectNoChanges, onEvent: (event) => seen.push(event) });
      assert.deepStrictEqual(driftedResources(seen), []);
    }
    assert.ok(cli.done);
  });

  it("refresh with drift: drift is in resOutputsEvent (update, delete), never in resourcePreEvent", async () => {
    const { cli, engine } = replay(["stack-select", "refresh-drift"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    const seen: EngineEvent[] = [];
    await stack.refresh({ previewOnly: true, onEvent: (event) => seen.push(event) });
    // The pre-events say nothing: op refresh, no diffs.
    const pre = seen.flatMap((event) => (event.resourcePreEvent ? [event.resourcePreEvent.metadata] : []));
    assert.ok(pre.length > 0);
    for (const metadata of pre) {
      assert.strictEqual(metadata.op, "refresh");
      assert.strictEqual(metadata.diffs, undefined);
    }
    assert.deepStrictEqual(driftedResources(seen.filter((event) => event.resourcePreEvent)), []);
    // The outcome: the group's tag changed (update, old and new outputs differ; no diffs from the test
    // provider), the rule gone (delete, `new` null).
    const after = new Map(
      seen.flatMap((event) =>
        event.resOutputsEvent
          ? [[event.resOutputsEvent.metadata.urn.split("::").pop(), event.resOutputsEvent.metadata] as const]
          : [],
      ),
    );
    const web = after.get("web");
    assert.strictEqual(web?.op, "update");
    assert.strictEqual(web?.diffs, undefined, "the test provider sends no diffs");
    assert.deepStrictEqual(
      [web?.old?.outputs?.tags, web?.new?.outputs?.tags],
      [
        { app: "tx", release: "v1" },
        { app: "tx", release: "hotfix" },
      ],
    );
    assert.strictEqual(after.get("http")?.op, "delete");
    assert.strictEqual(after.get("http")?.new ?? null, null);
    // Phoenix's reading (drift.ts): the group's tags changed, the rule is gone.
    assert.deepStrictEqual(
      driftedResources(seen)
        .map((d) => [d.name, d.properties, d.deleted])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ["http", [], true],
        ["web", ["tags", "tagsAll"], false],
      ],
    );
    // --expect-no-changes fails with exit code 7, wrapped as the SDK's exec wraps every failure.
    const quiet = { onEvent: () => undefined };
    await assert.rejects(
      stack.refresh({ previewOnly: true, expectNoChanges: true, ...quiet }),
      (error: unknown) => {
        assert.ok(error instanceof CommandError && !(error instanceof StackNotFoundError), String(error));
        const result = (error as unknown as CommandFailure).commandResult;
        assert.strictEqual(result.code, -2);
        assert.strictEqual(result.err?.exitCode, 7);
        assert.match(result.stderr, /error: no changes were expected for refresh but changes were proposed/);
        return true;
      },
    );
    const applied = await stack.refresh(quiet);
    assert.deepStrictEqual(applied.summary.resourceChanges, { delete: 1, same: 1, update: 1 });
    assert.ok(cli.done);
  });

  it("preview --refresh with drift (heal's network check): refresh steps report op `refresh`, the plan repairs", async () => {
    const { cli, engine } = replay(["stack-select", "preview-refresh-drift"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    const seen: EngineEvent[] = [];
    const result = await stack.preview({ refresh: true, onEvent: (event) => seen.push(event) });
    assert.ok(cli.done);
    // The summary counts the plan's steps, not the refresh's: the gone rule is created again, the tag updated.
    assert.deepStrictEqual(result.changeSummary, { create: 1, same: 1, update: 1 });
    // Within preview/up --refresh, a refresh step's outcome event says `refresh` whatever Read found: the
    // drift is in its old/new outputs (`new` null for the gone rule), not in its op.
    const refreshed = new Map(
      seen.flatMap((event) =>
        event.resOutputsEvent?.metadata.op === "refresh"
          ? [[event.resOutputsEvent.metadata.urn.split("::").pop(), event.resOutputsEvent.metadata] as const]
          : [],
      ),
    );
    assert.deepStrictEqual([...refreshed.keys()].sort(), [
      "default_7_48_0",
      "http",
      "phoenix-tx-main",
      "web",
    ]);
    assert.strictEqual(refreshed.get("http")?.new ?? null, null);
    assert.deepStrictEqual(refreshed.get("web")?.new?.outputs?.tags, { app: "tx", release: "hotfix" });
    // (So drift is read from `refresh --preview-only`: fed these events, drift.ts would take the plan's
    // `update` step of the group, whose old and new differ by the provider's computed outputs, for drift.)
  });

  it("destroy: the summary counts the deletes", async () => {
    const { cli, engine } = replay(["stack-select", "destroy"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    const result = await stack.destroy({ onEvent: () => undefined });
    assert.strictEqual(result.summary.result, "succeeded");
    assert.ok((result.summary.resourceChanges?.delete ?? 0) > 0);
    assert.ok(cli.done);
  });

  it("stack rm: `stack rm --yes <name>`", async () => {
    const { cli, engine } = replay(["stack-rm"]);
    await engine.removeStack("tx-main");
    assert.ok(cli.done);
  });

  it("missing stack: up, select and rm of a stack that is not there are StackNotFoundError (exit 6)", async () => {
    const { cli, engine } = replay(["stack-select", "missing-stack"]);
    const stack = await engine.createOrSelectStack("tx-main", "fleet");
    const notFound = (error: unknown) => {
      assert.ok(error instanceof StackNotFoundError, String(error));
      assert.strictEqual((error as unknown as CommandFailure).commandResult.err?.exitCode, 6);
      return true;
    };
    await assert.rejects(stack.up({ onEvent: () => undefined }), notFound);
    await assert.rejects(stack.automationStack.workspace.selectStack("tx-nope"), notFound);
    await assert.rejects(engine.removeStack("tx-nope"), notFound);
    assert.ok(cli.done);
  });

  it("policy violation: preview and up fail (exit 1) naming the policy; the up's events carry it", async () => {
    const { cli, engine } = replay(["policy-violation"]);
    const stack = await engine.createOrSelectStack("tx-policy", "network");
    const names = (error: unknown) => {
      assert.ok(error instanceof CommandError, String(error));
      const result = (error as unknown as CommandFailure).commandResult;
      assert.strictEqual(result.err?.exitCode, 1);
      assert.match(result.stderr, /\[mandatory\] \[severity: critical\] {2}no-ssh-access/);
      assert.match(result.stderr, /admits port 22 from 0\.0\.0\.0\/0/);
      return true;
    };
    await assert.rejects(stack.preview({ onEvent: () => undefined }), names);
    const seen: EngineEvent[] = [];
    await assert.rejects(stack.up({ onEvent: (event) => seen.push(event) }), names);
    const violation = seen.find((event) => event.policyEvent)?.policyEvent;
    assert.strictEqual(violation?.policyName, "no-ssh-access");
    assert.strictEqual(violation?.enforcementLevel, "mandatory");
    const summary = seen.find((event) => event.summaryEvent)?.summaryEvent as unknown as Record<
      string,
      unknown
    >;
    assert.strictEqual(summary.result, "failed");
    assert.deepStrictEqual(summary.PolicyPacks, { "phoenix-immutability|local|<repo>/policies": "0.1.0" });
    assert.ok(cli.done);
  });

  it("policy violation: the preview's events are recorded even though the adapter drops a failed preview's", () => {
    const preview = recorded("policy-violation", ["preview"]);
    assert.ok((preview.events ?? []).some((event) => event.policyEvent?.policyName === "no-ssh-access"));
    assert.strictEqual(preview.stderr, "", "the CLI reports a failed operation on stdout");
  });

  it("hook failure: the update fails (exit 1) with the hook's name and message on stdout", async () => {
    const { cli, engine } = replay(["hook-failure"]);
    const stack = await engine.createOrSelectStack("tx-hook", "fleet");
    await stack.up({ onEvent: () => undefined });
    await stack.setAllConfig({ "phoenix:release": { value: "v2" } });
    const seen: EngineEvent[] = [];
    await assert.rejects(stack.up({ onEvent: (event) => seen.push(event) }), (error: unknown) => {
      assert.ok(error instanceof CommandError, String(error));
      const result = (error as unknown as CommandFailure).commandResult;
      assert.strictEqual(result.err?.exitCode, 1);
      assert.match(result.stderr, /error: before hook "transcript-update-guard" failed: release identity/);
      return true;
    });
    const errors = seen.flatMap((event) =>
      event.diagnosticEvent?.severity === "error" ? [event.diagnosticEvent.message] : [],
    );
    assert.ok(
      errors.some((message) => /before hook "transcript-update-guard" failed/.test(message)),
      errors.join(),
    );
    assert.strictEqual(recorded("hook-failure", ["up"], 1).stderr, "");
    assert.ok(cli.done);
  });

  it("locked stack: the DIY backend's lock, held by a running process, is Phoenix's StackLockedError (exit `locked`)", async () => {
    const commands = transcript("locked-stack").commands;
    const locked = recorded("locked-stack", ["up"], 1);
    assert.strictEqual(locked.sdkError, "ConcurrentUpdateError");
    // The holder is this machine's running process: not a stale lock, so no `pulumi cancel`.
    const { cli, engine } = replay([...commands.slice(0, 2), locked], {
      "<host>": os.hostname(),
      "<pid>": String(process.pid),
      "<time>": "2026-12-03T02:18:00Z",
    });
    const stack = await engine.createOrSelectStack("tx-lock", "fleet");
    await assert.rejects(stack.up({ onEvent: () => undefined }), (error: unknown) => {
      assert.ok(error instanceof StackLockedError, String(error));
      assert.ok(error.cause instanceof ConcurrentUpdateError);
      assert.strictEqual((error.cause as unknown as CommandFailure).commandResult.err?.exitCode, 1);
      assert.deepStrictEqual(
        error.holders.map((holder) => [holder.user, holder.host, holder.pid, holder.since]),
        [["root", os.hostname(), process.pid, "2026-12-03T02:18:00Z"]],
      );
      assert.match(
        error.holders[0].url,
        /^file:\/\/.*\/\.pulumi\/locks\/organization\/phoenix\/tx-lock\/<uuid>\.json/,
      );
      assert.strictEqual(exitCodeOf(error), EXIT.locked);
      return true;
    });
    assert.match(locked.stderr, /^error: the stack is currently locked by 1 lock\(s\)\./);
    assert.ok(cli.done);
  });

  for (const [scenario, operation, kind] of [
    ["cancel", "up", "update"],
    ["cancel-preview", "preview", "preview"],
  ] as const) {
    it(`${scenario}: a cancelled ${operation} exits 1 (a bail), says so on stdout, ends with a failed summary and cancelEvent`, async () => {
      const t = transcript(scenario);
      const command = recorded(scenario, [operation]);
      const { cli, engine } = replay(
        operation === "up" ? t.commands : [...transcript("cancel").commands.slice(0, 2), command],
      );
      const stack = await engine.createOrSelectStack("tx-cancel", "fleet");
      const seen: EngineEvent[] = [];
      const run =
        operation === "up"
          ? stack.up({ onEvent: (event) => seen.push(event) })
          : // The adapter hands a failed preview's events to nobody: ask the SDK's stack, with the adapter's pack.
            stack.automationStack.preview({
              onEvent: (event) => seen.push(event),
              policyPacks: engine.policyPacks.slice(),
            });
      await assert.rejects(run, (error: unknown) => {
        assert.ok(error instanceof CommandError, String(error));
        const result = (error as unknown as CommandFailure).commandResult;
        assert.strictEqual(result.err?.exitCode, 1);
        assert.match(result.stderr, /\^C received; cancelling\./);
        return true;
      });
      assert.strictEqual(command.stderr, "");
      assert.match(
        command.stdout,
        new RegExp(`${kind === "update" ? "Updating" : "Previewing update"} \\(tx-cancel\\)`),
      );
      const summary = seen.find((event) => event.summaryEvent)?.summaryEvent as unknown as Record<
        string,
        unknown
      >;
      assert.deepStrictEqual([summary.isPreview, summary.result], [operation === "preview", "failed"]);
      assert.strictEqual(kindOf(seen.at(-1) as EngineEvent), "cancelEvent");
      assert.ok(cli.done);
    });
  }
  it("the FakeEngineModel's refresh events have the shape of the real engine's (keys, planning, `new` null)", () => {
    const real = recorded("refresh-drift", ["refresh"]).events ?? [];
    const model = new FakeEngineModel();
    const urn = (type: string, name: string) => `urn:pulumi:tx-main::phoenix::${type}::${name}`;
    const web = urn("aws:ec2/securityGroup:SecurityGroup", "web");
    const http = urn("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "http");
    model.state.set(
      "tx-main",
      new Map([
        [web, { urn: web, type: "aws:ec2/securityGroup:SecurityGroup", inputs: {}, outputs: { tags: {} } }],
        [
          http,
          {
            urn: http,
            type: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
            inputs: {},
            outputs: {},
          },
        ],
      ]),
    );
    model.simulateDrift("tx-main", "web", { tags: { release: "hotfix" } });
    model.simulateDrift("tx-main", "http", null);
    const played = model.play({
      operation: "refresh",
      stack: "tx-main",
      config: {},
      outputsOf: () => undefined,
      previewOnly: true,
      refresh: false,
    }).events;
    const shape = (events: EngineEvent[]) =>
      events
        .flatMap((event) => {
          const kind = event.resourcePreEvent
            ? "resourcePreEvent"
            : event.resOutputsEvent
              ? "resOutputsEvent"
              : "";
          const payload = event.resourcePreEvent ?? event.resOutputsEvent;
          if (!payload || !payload.metadata.type.startsWith("aws:")) return [];
          const { metadata } = payload;
          return [
            JSON.stringify({
              kind,
              op: metadata.op,
              planning: payload.planning,
              keys: Object.keys(metadata).sort(),
              state: Object.keys(metadata.old ?? {}).sort(),
              deleted: metadata.new === null,
            }),
          ];
        })
        .sort();
    assert.deepStrictEqual(shape(played), shape(real));
  });

  it("stale lock: a killed `pulumi up` left its lock; the adapter runs `pulumi cancel` and the up again", async () => {
    const t = transcript("stale-lock");
    // The killed up was the other process: the adapter's own commands are the rest.
    const killed = recorded("stale-lock", ["up"], 0);
    assert.strictEqual((killed.signal ?? killed.exitCode === null) ? "killed" : "exited", "killed");
    const locked = recorded("stale-lock", ["up"], 1);
    assert.match(locked.stderr, /currently locked by 1 lock\(s\)/);
    const gone = spawnSync(process.execPath, ["-e", ""]).pid;
    const { cli, engine } = replay(
      t.commands.filter((command) => command !== killed),
      { "<host>": os.hostname(), "<pid>": String(gone), "<time>": "2026-12-03T02:18:00Z" },
    );
    const stack = await engine.createOrSelectStack("tx-stale", "fleet");
    const result = await stack.up({ onEvent: () => undefined });
    assert.strictEqual(result.summary.result, "succeeded");
    assert.deepStrictEqual(
      cli.ran.map((args) => args[0]).filter((command) => command === "up" || command === "cancel"),
      ["up", "cancel", "up"],
    );
    assert.ok(cli.done);
  });
});
