// The recording `PulumiCommand` double against what the real CLI v3.274.0 printed for the same commands
// (transcripts and sources in cliOutcomes.ts and recordingPulumiCommand.ts): where they disagree, the double is
// wrong, and tests built on it would mislead.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CommandError, StackNotFoundError, type EngineEvent } from "@pulumi/pulumi/automation";
import { createLocalWorkspaceEngine, type RoleProgram } from "../../../automation/localWorkspace";
import type { Role } from "../../../programs/contract";
import {
  operationFailure,
  RecordingPulumiCommand,
  summary,
  type RecordingPulumiCommandOptions,
} from "./recordingPulumiCommand";
import { recorded } from "./transcripts";
import { waitFor } from "../waitFor";

/** What the SDK's CommandError keeps of a failed command. */
interface CommandFailure {
  commandResult: { code: number; stderr: string; err?: { exitCode?: number } };
}

describe("the recording PulumiCommand answers as the real CLI did", function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function engineOver(options: RecordingPulumiCommandOptions) {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-fidelity-"));
    dirs.push(projectDir);
    const cli = new RecordingPulumiCommand({ version: "3.220.0", ...options });
    const program: RoleProgram = async () => ({});
    const engine = createLocalWorkspaceEngine({
      projectDir,
      pulumiCommand: cli.asPulumiCommand(),
      policyPacks: false,
      envVars: { PULUMI_CONFIG_PASSPHRASE: "fidelity" },
      programs: { network: program, fleet: program, router: program, "golden-ami": program } as Record<
        Role,
        RoleProgram
      >,
    });
    return { cli, engine };
  }

  it("serialises the summary's policy packs as `PolicyPacks`, with isPreview and result", async () => {
    const { engine } = engineOver({
      events: () => [{ sequence: 0, timestamp: 0, summaryEvent: summary({ same: 1 }) }],
    });
    const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
    const seen: EngineEvent[] = [];
    await stack.preview({ onEvent: (event) => seen.push(event) });
    await stack.up({ onEvent: (event) => seen.push(event) });
    const summaries = seen.flatMap((event) => (event.summaryEvent ? [event.summaryEvent] : []));
    assert.deepStrictEqual(
      summaries,
      [true, false].map((isPreview) => ({
        maybeCorrupt: false,
        durationSeconds: 1,
        resourceChanges: { same: 1 },
        PolicyPacks: {},
        isPreview,
        result: "succeeded",
      })),
    );
    for (const s of summaries) {
      assert.ok(!("policyPacks" in s), "the CLI's SummaryEvent (apitype/events.go) has no `policyPacks`");
    }
  });

  it("fails a command as the SDK's exec reports it: code -2, the exit code in `err`, execa's message", async () => {
    const { engine, cli } = engineOver({});
    await engine.createOrSelectStack("shop-prod-blue", "fleet");
    await assert.rejects(cli.run(["stack", "select", "--stack", "nope"], "/", {}), (error: unknown) => {
      assert.ok(error instanceof StackNotFoundError, String(error));
      const result = (error as unknown as CommandFailure).commandResult;
      assert.strictEqual(result.code, -2);
      assert.strictEqual(
        result.err?.exitCode,
        6,
        "ExitStackNotFound, as `pulumi stack select --stack nope` exits",
      );
      assert.strictEqual(
        result.stderr,
        "Command failed with exit code 6: pulumi stack select --stack nope --non-interactive\n" +
          "error: no stack named 'nope' found",
      );
      return true;
    });
  });

  it("lists the current project's stacks as a DIY backend does: short names, sorted, no url", async () => {
    const { cli, engine } = engineOver({ stacks: ["shop-prod-router", "shop-prod-blue"] });
    await engine.createOrSelectStack("shop-prod-router", "router");
    const listed = JSON.parse((await cli.run(["stack", "ls", "--json"], "/", {})).stdout) as Record<
      string,
      unknown
    >[];
    assert.deepStrictEqual(
      listed.map((row) => [row.name, row.current]),
      [
        ["shop-prod-blue", false],
        ["shop-prod-router", true],
      ],
    );
    for (const row of listed) {
      assert.ok(!("url" in row) && !("updateInProgress" in row), JSON.stringify(row));
    }
  });

  it("ends an aborted preview as the recorded graceful cancel: `context canceled`, a failed preview summary, no history", async () => {
    const { cli, engine } = engineOver({ hangWhen: (args) => args[0] === "preview" });
    const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
    const controller = new AbortController();
    const seen: EngineEvent[] = [];
    const preview = stack.automationStack.preview({
      signal: controller.signal,
      onEvent: (event) => seen.push(event),
    });
    // Aborted once the CLI runs the preview (it hangs there), not after a guessed delay.
    await waitFor(() => cli.callsOf("preview").length > 0, "the CLI to start the preview");
    controller.abort();
    await assert.rejects(preview, (error: unknown) => {
      assert.ok(error instanceof CommandError, String(error));
      const result = (error as unknown as CommandFailure).commandResult;
      assert.strictEqual(
        result.err?.exitCode,
        1,
        "a bail, not ExitCancelled (8): exit_codes.go checks IsBail first",
      );
      assert.match(result.stderr, /^Command failed with exit code 1: pulumi preview /);
      assert.match(result.stderr, /\^C received; cancelling\./);
      assert.match(result.stderr, /error: context canceled/);
      return true;
    });
    const summaryEvent = seen.find((event) => event.summaryEvent)?.summaryEvent as unknown as Record<
      string,
      unknown
    >;
    assert.strictEqual(summaryEvent.isPreview, true);
    assert.strictEqual(summaryEvent.result, "failed");
    assert.deepStrictEqual(seen.at(-1), {
      sequence: seen.length - 1, // numbered from 0, as the CLI numbers them
      timestamp: seen.at(-1)?.timestamp,
      cancelEvent: {},
    });
    assert.deepStrictEqual(cli.stacks.get("shop-prod-blue")?.history, []);
  });
  it("streams a failed operation's events as the real CLI did: the error, `update failed`, a failed summary, cancelEvent", async () => {
    const { engine } = engineOver({
      failWhen: (args) =>
        args[0] === "up"
          ? operationFailure("shop-prod-blue", "aws:ec2:SecurityGroup (web)", "boom", "urn:x::web")
          : undefined,
    });
    const stack = await engine.createOrSelectStack("shop-prod-blue", "fleet");
    const seen: EngineEvent[] = [];
    await assert.rejects(stack.up({ onEvent: (event) => seen.push(event) }), (error: unknown) => {
      const result = (error as unknown as CommandFailure).commandResult;
      assert.strictEqual(result.err?.exitCode, 1);
      assert.match(
        result.stderr,
        /error: boom/,
        "the diagnostics are on stdout, which the SDK's message carries",
      );
      return true;
    });
    const kinds = (events: EngineEvent[]) =>
      events
        .map((event) => Object.keys(event).find((key) => key !== "sequence" && key !== "timestamp") as string)
        .filter((kind) => ["diagnosticEvent", "summaryEvent", "cancelEvent"].includes(kind));
    const real = (recorded("hook-failure", ["up"], 1).events ?? []).filter(
      (event) => !event.diagnosticEvent || event.diagnosticEvent.severity === "error",
    );
    assert.deepStrictEqual(kinds(seen), kinds(real));
    assert.strictEqual(seen.find((event) => event.diagnosticEvent?.urn)?.diagnosticEvent?.message, "boom\n");
    const summaryEvent = seen.find((event) => event.summaryEvent)?.summaryEvent as unknown as Record<
      string,
      unknown
    >;
    assert.deepStrictEqual([summaryEvent.isPreview, summaryEvent.result], [false, "failed"]);
  });
});
