// User data through the real LocalWorkspace adapter and the Automation API (the recording PulumiCommand as the
// engine): the workflows hand it to `pulumi config set-all` as `--secret`, so the stack settings hold only its
// ciphertext; it is in no progress event and nowhere in the project directory (workspace, records, lock).
import * as assert from "assert";
import { randomBytes } from "crypto";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { BlueGreenDeployment } from "../../../automation";
import type { ProgressEvent } from "../../../automation/events";
import { createLocalWorkspaceEngine, type RoleProgram } from "../../../automation/localWorkspace";
import type { CloudProbe, TargetGroupHealth } from "../../../automation/seams";
import { ROLES, type Role } from "../../../programs/contract";
import { FakeEngineModel } from "./fakeEngineModel";
import { DeployFailedError } from "../../../automation/errors";
import { RecordingPulumiCommand, valueOf, type ScriptedFailure } from "./recordingPulumiCommand";

class HealthyProbe implements CloudProbe {
  async targetGroupHealth(targetGroupArn: string): Promise<TargetGroupHealth> {
    return { targetGroupArn, healthy: 2, byState: { healthy: 2 } };
  }
  async desiredCapacity(): Promise<number> {
    return 2;
  }
  async alarmsInAlarm(): Promise<string[]> {
    return [];
  }
}

const UNUSED_PROGRAMS = Object.fromEntries(ROLES.map((role) => [role, async () => ({})])) as Record<
  Role,
  RoleProgram
>;

function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((entry) =>
      entry.isDirectory() ? filesUnder(path.join(dir, entry.name)) : [path.join(dir, entry.name)],
    );
}

describe("user data over the LocalWorkspace adapter: secret config", function () {
  this.timeout(60_000);
  const dirs: string[] = [];
  after(() => dirs.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));

  const marker = `phoenix-secret-marker-${randomBytes(6).toString("hex")}`;
  // Several lines, as a real script: a quoted command line may break it up.
  const userData = `#!/bin/sh\nexport API_TOKEN=${marker}\nexec /opt/app/run\n`;
  const forbidden = [marker, Buffer.from(userData).toString("base64")];

  function setUp(failWhen?: (args: string[]) => ScriptedFailure | undefined) {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-secret-"));
    const packDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-secret-pack-"));
    dirs.push(projectDir, packDir);
    fs.writeFileSync(path.join(packDir, "PulumiPolicy.yaml"), "runtime: nodejs\n");
    const cli = new RecordingPulumiCommand({ model: new FakeEngineModel(), version: "3.220.0", failWhen });
    const engine = createLocalWorkspaceEngine({
      projectDir,
      pulumiCommand: cli.asPulumiCommand(),
      policyPacks: [packDir],
      envVars: { PULUMI_CONFIG_PASSPHRASE: "contract" },
      programs: UNUSED_PROGRAMS,
    });
    const events: ProgressEvent[] = [];
    const deployment = new BlueGreenDeployment({
      app: "shop",
      env: "prod",
      engine,
      probe: new HealthyProbe(),
      stateDir: engine.localStateDir,
      keepWarmMs: 0,
      healthPollMs: 1,
      onProgress: (event) => events.push(event),
    });
    return { projectDir, cli, events, deployment };
  }

  /** Where the marker or the base64 is found: the events, every project file, the error and its cause. */
  function findings(projectDir: string, events: ProgressEvent[], error?: unknown): string[] {
    const holds = (where: string, text: string) =>
      forbidden.filter((s) => text.includes(s)).map((s) => `${where}: ${s}`);
    const errorText =
      error instanceof Error
        ? [error.message, error.stack, (error.cause as Error | undefined)?.message].join("\n")
        : "";
    return [
      ...events.flatMap((event, i) => holds(`progress event ${i}`, JSON.stringify(event))),
      ...filesUnder(projectDir).flatMap((file) => holds(file, fs.readFileSync(file, "latin1"))),
      ...holds("the error", errorText),
    ];
  }

  it("is set with --secret, kept secret by the stack, and found in no event and no project file", async () => {
    const { projectDir, cli, events, deployment } = setUp();
    await deployment.bootstrap();
    const { colour } = await deployment.up({ release: "r1", imageId: "ami-0123456789abcdef0", userData });
    const stack = `shop-prod-${colour}`;

    const setAll = cli.callsOf("config", "set-all").filter((call) => valueOf(call.args, "--stack") === stack);
    assert.strictEqual(setAll.length, 1);
    const at = setAll[0].args.findIndex((arg) => arg.startsWith("phoenix:userData="));
    assert.ok(at > 0, setAll[0].args.join(" "));
    assert.strictEqual(setAll[0].args[at - 1], "--secret", "user data is set as a secret");
    assert.deepStrictEqual(cli.stacks.get(stack)?.config["phoenix:userData"], {
      value: userData,
      secret: true,
    });
    // Everything else stays plain config.
    assert.strictEqual(setAll[0].args[setAll[0].args.indexOf(`phoenix:release=r1`) - 1], "--plaintext");

    assert.ok(events.some((event) => event.kind === "engine"));
    assert.deepStrictEqual(findings(projectDir, events), []);
  });

  it("is in no error, record or event when `config set-all` fails (the SDK quotes its command line)", async () => {
    const failing = (args: string[]): ScriptedFailure | undefined =>
      args[0] === "config" && args[1] === "set-all" && args.some((arg) => arg.startsWith("phoenix:userData="))
        ? { code: 255, stderr: "error: could not save the stack settings\n" }
        : undefined;
    const { projectDir, events, deployment } = setUp(failing);
    await deployment.bootstrap();
    const error = await deployment.up({ release: "r1", imageId: "ami-0123456789abcdef0", userData }).then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof DeployFailedError, String(error));
    // The failure still says what failed, with the secret shown as "[secret]".
    assert.match(error.message, /config set-all .*--secret phoenix:userData=\[secret\]/s);
    assert.match(error.message, /could not save the stack settings/);
    assert.deepStrictEqual(findings(projectDir, events, error), []);
  });
});
