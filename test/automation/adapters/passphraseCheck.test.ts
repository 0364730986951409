// The LocalWorkspace engine's passphrase pre-check agrees with the Pulumi CLI on when a passphrase is needed
// and when the environment gives one (sources cited in automation/localWorkspace/passphrase.ts). The engine
// runs against the recording `PulumiCommand` double; a refused engine has made no call at all.
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  createLocalWorkspaceEngine,
  PassphraseMissingError,
  type LocalWorkspaceEngineOptions,
} from "../../../automation/localWorkspace";
import { RecordingPulumiCommand } from "./recordingPulumiCommand";

const PASSPHRASE_VARIABLES = ["PULUMI_CONFIG_PASSPHRASE", "PULUMI_CONFIG_PASSPHRASE_FILE"] as const;

describe("LocalWorkspace engine: the passphrase pre-check follows the CLI", function () {
  this.timeout(20_000);
  const dirs: string[] = [];
  const saved = Object.fromEntries(PASSPHRASE_VARIABLES.map((key) => [key, process.env[key]]));

  beforeEach(() => {
    for (const key of PASSPHRASE_VARIABLES) delete process.env[key];
  });
  afterEach(() => {
    for (const key of PASSPHRASE_VARIABLES) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  after(() => {
    for (const dir of dirs) fs.rmSync(dir, { recursive: true, force: true });
  });

  function engineWith(options: LocalWorkspaceEngineOptions) {
    const projectDir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-passphrase-"));
    dirs.push(projectDir);
    const cli = new RecordingPulumiCommand();
    const engine = createLocalWorkspaceEngine({
      projectDir,
      pulumiCommand: cli.asPulumiCommand(),
      policyPacks: false,
      ...options,
    });
    return { cli, engine };
  }

  function passphraseFile(): string {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-passphrase-file-"));
    dirs.push(dir);
    fs.writeFileSync(path.join(dir, "passphrase"), "secret\n");
    return path.join(dir, "passphrase");
  }

  async function refused(options: LocalWorkspaceEngineOptions): Promise<PassphraseMissingError> {
    const { cli, engine } = engineWith(options);
    let caught: unknown;
    await engine.listStacks().catch((error: unknown) => (caught = error));
    assert.ok(
      caught instanceof PassphraseMissingError,
      `expected PassphraseMissingError, got ${String(caught)}`,
    );
    assert.strictEqual(cli.calls.length, 0, "refused before any command");
    return caught;
  }

  async function accepted(options: LocalWorkspaceEngineOptions): Promise<void> {
    const { cli, engine } = engineWith(options);
    await engine.listStacks();
    assert.deepStrictEqual(cli.calls.at(-1)?.args.slice(0, 2), ["stack", "ls"]);
  }

  it("refuses an empty PULUMI_CONFIG_PASSPHRASE_FILE, in envVars or in the environment: the CLI ignores it", async () => {
    const error = await refused({ envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: "" } });
    assert.match(error.message, /PULUMI_CONFIG_PASSPHRASE_FILE is empty/);
    process.env.PULUMI_CONFIG_PASSPHRASE_FILE = "";
    await refused({ envVars: {} });
  });

  it("judges the environment the CLI gets: envVars over the process's own", async () => {
    process.env.PULUMI_CONFIG_PASSPHRASE_FILE = passphraseFile();
    await refused({ envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: "" } });
    await accepted({ envVars: {} });
  });

  it("accepts an empty PULUMI_CONFIG_PASSPHRASE (the CLI takes any value that is set) and a named file", async () => {
    await accepted({ envVars: { PULUMI_CONFIG_PASSPHRASE: "" } });
    await accepted({ envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: passphraseFile() } });
    process.env.PULUMI_CONFIG_PASSPHRASE = "";
    await accepted({ envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: "" } });
  });

  it("gives the CLI a relative PULUMI_CONFIG_PASSPHRASE_FILE as an absolute path, from this process's directory", async () => {
    // The CLI reads the file at filepath.Abs(name) (manager.go:384-392), from its own directory: the workspace,
    // `<projectDir>/.phoenix`. Real CLI v3.274.0 run one directory below the file: "unable to read
    // PULUMI_CONFIG_PASSPHRASE_FILE: open /tmp/rigcheck/proj/pp.txt: no such file or directory".
    const file = passphraseFile();
    const relative = path.relative(process.cwd(), file);
    assert.ok(!path.isAbsolute(relative));
    process.env.PULUMI_CONFIG_PASSPHRASE_FILE = relative;
    const { cli, engine } = engineWith({ envVars: {} });
    await engine.listStacks();
    assert.strictEqual(cli.calls[0].env.PULUMI_CONFIG_PASSPHRASE_FILE, file);
  });

  it("refuses a PULUMI_CONFIG_PASSPHRASE_FILE that cannot be read, before any command", async () => {
    const missing = path.join(os.tmpdir(), "phoenix-no-such-passphrase-file");
    const error = await refused({ envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: missing } });
    assert.match(
      error.message,
      /PULUMI_CONFIG_PASSPHRASE_FILE \(.*phoenix-no-such-passphrase-file\) cannot be read/,
    );
    await accepted({ envVars: { PULUMI_CONFIG_PASSPHRASE_FILE: missing, PULUMI_CONFIG_PASSPHRASE: "p" } });
  });

  it('needs a passphrase for secretsProvider "default" (and "passphrase") on a self-managed backend', async () => {
    for (const secretsProvider of ["default", "passphrase", ""]) {
      await refused({ secretsProvider, envVars: {} });
      await refused({ secretsProvider, envVars: {}, backendUrl: "s3://phoenix-state/prod" });
    }
    await accepted({ secretsProvider: "awskms://alias/phoenix", envVars: {} });
  });

  it('needs one for secretsProvider "passphrase" on Pulumi Cloud too, and none for its default', async () => {
    const cloud = "https://api.pulumi.com";
    await refused({ secretsProvider: "passphrase", envVars: {}, backendUrl: cloud });
    await accepted({ secretsProvider: "default", envVars: {}, backendUrl: cloud });
    await accepted({ envVars: {}, backendUrl: cloud });
  });
});
