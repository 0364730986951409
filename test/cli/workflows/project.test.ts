// The project directory: `.phoenix/` found from anywhere below it, `--project-dir` / PHOENIX_PROJECT first,
// only `bootstrap` creating one; commands outside any project refused (naming where they looked) before
// any engine call; "nothing here yet" naming the project and the backend; `--backend` checked by scheme.
import { strict as assert } from "assert";
import { existsSync, mkdirSync, mkdtempSync, realpathSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "../../../automation/blueGreen";
import { MemoryEngine } from "../../../automation/memoryEngine";
import { MemoryCloudProbe } from "../../../automation/memoryProbe";
import { InvalidEngineInputError } from "../../../automation/localWorkspace/errors";
import { resolveEngineOptions } from "../../../automation/localWorkspace/options";
import { BACKEND_SCHEMES } from "../../../automation/localWorkspace/project";
import { EXIT } from "../../../cli/exitCodes";
import { memoryIo } from "../../../cli/io";
import { runCli } from "../../../cli/main";
import { setWorkflowContext, type DeploymentSettings } from "../../../cli/workflows/context";
import { AMI_1, TARGET, cliHarness } from "./harness";

interface Run {
  code: number;
  out: string;
  err: string;
}

/** A directory tree of its own: `<root>/a/b`, no `.phoenix` anywhere unless a test makes one. */
function tree() {
  const base = realpathSync(mkdtempSync(join(tmpdir(), "phoenix-project-")));
  const root = join(base, "root");
  const sub = join(root, "a", "b");
  mkdirSync(sub, { recursive: true });
  return { base, root, sub };
}

describe("the project directory", () => {
  let dirs: ReturnType<typeof tree>;
  let cwd: string;
  let savedEnv: Record<string, string | undefined>;
  let restoreContext: () => void;
  /** Settings of every deployment the commands asked for, in order. */
  let created: DeploymentSettings[];
  /** One in-memory "backend" per project: its engine and its records, as the LocalWorkspace engine keeps them. */
  const engines = new Map<string, MemoryEngine>();
  const clock = { now: Date.parse("2026-01-01T00:00:00Z") };
  /**
   * Where the in-memory context keeps a project's records: outside the project, so that only the CLI can have
   * made its `.phoenix/` (the default-context test puts them where the file backend keeps them).
   */
  let recordsOf: (projectDir: string) => string;

  const phoenix = async (argv: string[], where: string): Promise<Run> => {
    process.chdir(where);
    const io = memoryIo("");
    const code = await runCli(argv, io);
    return { code, out: io.out, err: io.err };
  };
  const json = async (argv: string[], where: string) => {
    const run = await phoenix([...argv, "--json"], where);
    assert.equal(run.code, EXIT.ok, run.err);
    return (JSON.parse(run.out) as { result: unknown }).result;
  };

  // MemoryEngine's program worker starts under ts-node on its first run, which finds its tsconfig from the
  // current directory: start it here, in the repository, before the tests move to their own directories.
  before(async function () {
    this.timeout(120_000);
    const warm = cliHarness();
    try {
      assert.equal((await warm.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
    } finally {
      warm.cleanup();
    }
  });

  beforeEach(() => {
    dirs = tree();
    cwd = process.cwd();
    savedEnv = {
      PHOENIX_PROJECT: process.env.PHOENIX_PROJECT,
      PULUMI_BACKEND_URL: process.env.PULUMI_BACKEND_URL,
    };
    delete process.env.PHOENIX_PROJECT;
    delete process.env.PULUMI_BACKEND_URL;
    created = [];
    engines.clear();
    recordsOf = (projectDir) => join(dirs.base, "records", projectDir.replace(/\//g, "_"));
    restoreContext = setWorkflowContext({
      async createDeployment(settings) {
        created.push(settings);
        let engine = engines.get(settings.projectDir);
        if (!engine) engines.set(settings.projectDir, (engine = new MemoryEngine()));
        return new BlueGreenDeployment({
          app: settings.app,
          env: settings.env,
          engine,
          probe: new MemoryCloudProbe(engine),
          stateDir: recordsOf(settings.projectDir),
          healthTimeoutMs: 60_000,
          healthPollMs: 1000,
          now: () => clock.now,
          sleep: async (ms) => void (clock.now += ms),
        });
      },
      onInterrupt: () => () => undefined,
    });
  });

  afterEach(() => {
    process.chdir(cwd);
    restoreContext();
    for (const [key, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    rmSync(dirs.base, { recursive: true, force: true });
  });

  it("bootstrap creates .phoenix in the current directory", async () => {
    const run = await phoenix(["bootstrap", ...TARGET], dirs.root);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.ok(existsSync(join(dirs.root, ".phoenix")), "root/.phoenix");
    assert.deepEqual(
      created.map((s) => [s.projectDir, s.backendUrl]),
      [[dirs.root, `file://${dirs.root}/.phoenix/state`]],
    );
  });

  it("a command run from a subdirectory finds the project of the root: history and status agree", async () => {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
      ["swap", ...TARGET, "--yes"],
    ])
      assert.equal((await phoenix(argv, dirs.root)).code, EXIT.ok, argv.join(" "));

    const fromRoot = { history: await json(["history", ...TARGET], dirs.root) };
    const fromSub = { history: await json(["history", ...TARGET], dirs.sub) };
    assert.equal((fromRoot.history as unknown[]).length, 3);
    assert.deepEqual(fromSub.history, fromRoot.history);
    const statusRoot = (await json(["status", ...TARGET], dirs.root)) as Record<string, unknown>;
    const statusSub = (await json(["status", ...TARGET], dirs.sub)) as Record<string, unknown>;
    assert.equal(statusSub.bootstrapped, true);
    assert.equal(statusSub.live, "blue");
    assert.deepEqual(statusSub, statusRoot);
    assert.deepEqual(new Set(created.map((s) => s.projectDir)), new Set([dirs.root]));
    assert.ok(!existsSync(join(dirs.sub, ".phoenix")), "nothing created below the project");
  });

  it("bootstrap from a subdirectory of a project bootstraps that project, not a second one", async () => {
    mkdirSync(join(dirs.root, ".phoenix"));
    assert.equal((await phoenix(["bootstrap", ...TARGET], dirs.sub)).code, EXIT.ok);
    assert.equal(created[0].projectDir, dirs.root);
    assert.ok(!existsSync(join(dirs.sub, ".phoenix")));
  });

  it("outside any project, every command but bootstrap is refused before any engine call, naming where it looked", async () => {
    for (const argv of [
      ["status", ...TARGET],
      ["history", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
      ["rollback", ...TARGET, "--yes"],
      ["destroy", ...TARGET, "--colour", "blue", "--yes"],
    ]) {
      const run = await phoenix(argv, dirs.sub);
      assert.equal(run.code, EXIT.failed, argv.join(" "));
      assert.match(
        run.err,
        new RegExp(
          `No Phoenix project found: no \\.phoenix directory in ${dirs.sub}, ${join(dirs.root, "a")}, ${dirs.root}, ${dirs.base}, `,
        ),
      );
      assert.match(run.err, /--project-dir <dir> \(or PHOENIX_PROJECT\).*`phoenix bootstrap`/);
    }
    const asJson = JSON.parse((await phoenix(["history", ...TARGET, "--json"], dirs.sub)).out) as {
      error: { type: string };
    };
    assert.equal(asJson.error.type, "ProjectNotFoundError");
    assert.deepEqual(created, [], "no deployment was built");
    assert.ok(!existsSync(join(dirs.sub, ".phoenix")) && !existsSync(join(dirs.root, ".phoenix")));
  });

  it("--project-dir, then PHOENIX_PROJECT, win over the directory found", async () => {
    const other = join(dirs.base, "other");
    const third = join(dirs.base, "third");
    for (const dir of [dirs.root, other, third]) mkdirSync(join(dir, ".phoenix"), { recursive: true });
    process.env.PHOENIX_PROJECT = other;
    assert.equal((await phoenix(["history", ...TARGET], dirs.sub)).code, EXIT.ok);
    assert.equal(
      (await phoenix(["history", ...TARGET, "--project-dir", "../../../third"], dirs.sub)).code,
      EXIT.ok,
    );
    delete process.env.PHOENIX_PROJECT;
    assert.equal((await phoenix(["history", ...TARGET], dirs.sub)).code, EXIT.ok);
    assert.deepEqual(
      created.map((s) => s.projectDir),
      [other, third, dirs.root],
    );
  });

  it("a --project-dir without .phoenix is refused (bootstrap creates it there); one that does not exist is bad input", async () => {
    const empty = join(dirs.base, "empty");
    mkdirSync(empty);
    const refused = await phoenix(["status", ...TARGET, "--project-dir", empty], dirs.root);
    assert.equal(refused.code, EXIT.failed);
    assert.match(refused.err, new RegExp(`No Phoenix project in ${empty}: it has no \\.phoenix directory`));

    const missing = await phoenix(
      ["bootstrap", ...TARGET, "--project-dir", join(dirs.base, "nope")],
      dirs.root,
    );
    assert.equal(missing.code, EXIT.badInput);
    assert.match(missing.err, /`--project-dir` \(".*nope"\) must be an existing directory/);
    assert.deepEqual(created, []);

    assert.equal((await phoenix(["bootstrap", ...TARGET, "--project-dir", empty], dirs.root)).code, EXIT.ok);
    assert.ok(existsSync(join(empty, ".phoenix")));
    assert.ok(!existsSync(join(dirs.root, ".phoenix")));
  });

  it('"nothing here yet" names the project directory and the backend', async () => {
    mkdirSync(join(dirs.root, ".phoenix"));
    const backend = `file://${dirs.root}/.phoenix/state`;
    const history = await phoenix(["history", ...TARGET], dirs.sub);
    assert.equal(history.out, `No workflows yet for shop/prod (project ${dirs.root}, backend ${backend}).\n`);
    const status = await phoenix(["status", ...TARGET, "--backend", "s3://team-state/phoenix"], dirs.sub);
    assert.match(
      status.out,
      new RegExp(`Not bootstrapped \\(missing .*; project ${dirs.root}, backend s3://team-state/phoenix\\)`),
    );
    const up = await phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1], dirs.sub);
    assert.equal(up.code, EXIT.failed);
    assert.match(
      up.err,
      new RegExp(`is not bootstrapped .* first \\(project ${dirs.root}, backend ${backend}\\)`),
    );
  });

  it("the default context keeps the records in the project found, whatever the current directory", async function () {
    this.timeout(60_000); // loads the Automation API on first use
    // Records written by the in-memory context into <root>/.phoenix/state, where the file backend's are.
    recordsOf = (projectDir) => join(projectDir, ".phoenix", "state");
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
    ])
      assert.equal((await phoenix(argv, dirs.root)).code, EXIT.ok, argv.join(" "));
    const expected = await json(["history", ...TARGET], dirs.root);
    // With a remote backend the records live in the project's .phoenix itself.
    const STAGE = ["--app", "shop", "--env", "stage"];
    recordsOf = (projectDir) => join(projectDir, ".phoenix");
    assert.equal((await phoenix(["bootstrap", ...STAGE], dirs.root)).code, EXIT.ok);
    const remote = ["history", ...STAGE, "--backend", "s3://team-state/phoenix"];
    const expectedRemote = await json(remote, dirs.root);
    assert.equal((expectedRemote as unknown[]).length, 1);
    restoreContext(); // the production context: LocalWorkspace engine (history needs no pulumi call)
    assert.deepEqual(await json(["history", ...TARGET], dirs.sub), expected);
    assert.deepEqual(await json(["history", ...TARGET, "--project-dir", dirs.root], dirs.base), expected);
    assert.deepEqual(await json([...remote, "--project-dir", dirs.root], dirs.base), expectedRemote);
    process.env.PHOENIX_PROJECT = dirs.root;
    assert.deepEqual(await json(["history", ...TARGET], dirs.base), expected);
    assert.deepEqual(await json(remote, dirs.base), expectedRemote);
  });

  describe("--backend", () => {
    beforeEach(() => mkdirSync(join(dirs.root, ".phoenix")));

    it("refuses a scheme Pulumi has no backend for, naming the option, the value and the schemes allowed", async () => {
      for (const url of ["ftp://x", "/srv/state", "file://", "S3://bucket"]) {
        const run = await phoenix(["history", ...TARGET, "--backend", url], dirs.root);
        assert.equal(run.code, EXIT.badInput, url);
        assert.match(
          run.err,
          new RegExp(
            `\`--backend\` \\(${JSON.stringify(url).replace(/[/.]/g, "\\$&")}\\) must be a Pulumi backend URL with one of the schemes file://, s3://, gs://, azblob://, postgres://, http://, https://`,
          ),
        );
      }
      const ftp = await phoenix(["history", ...TARGET, "--backend", "ftp://x"], dirs.root);
      assert.match(ftp.err, /Pulumi has no ftp:\/\/ backend/);
      assert.deepEqual(created, []);
    });

    it("accepts every scheme Pulumi accepts", async () => {
      const urls = {
        file: "file:///srv/phoenix-state",
        s3: "s3://bucket/prefix?region=eu-west-1",
        gs: "gs://bucket",
        azblob: "azblob://container",
        postgres: "postgres://user@db.internal:5432/pulumi",
        http: "http://pulumi.internal:8080",
        https: "https://api.pulumi.com",
      };
      assert.deepEqual(Object.keys(urls), [...BACKEND_SCHEMES]);
      for (const url of Object.values(urls)) {
        const run = await phoenix(["history", ...TARGET, "--backend", url], dirs.root);
        assert.equal(run.code, EXIT.ok, `${url}: ${run.err}`);
      }
      assert.deepEqual(
        created.map((s) => s.backendUrl),
        Object.values(urls),
      );
    });

    it("the library refuses the same URLs (one rule for both)", () => {
      assert.throws(
        () => resolveEngineOptions({ projectDir: dirs.root, backendUrl: "ftp://x", programs: undefined }),
        (error: unknown) =>
          error instanceof InvalidEngineInputError &&
          /`backendUrl` \("ftp:\/\/x"\) must be a Pulumi backend URL .*Pulumi has no ftp:\/\/ backend/.test(
            error.message,
          ),
      );
      assert.equal(
        resolveEngineOptions({ projectDir: dirs.root, backendUrl: "postgres://db/pulumi" }).backendUrl,
        "postgres://db/pulumi",
      );
    });

    it("the library's default project is the nearest directory holding .phoenix", () => {
      process.chdir(dirs.sub);
      assert.equal(resolveEngineOptions({}).projectDir, dirs.root);
    });
  });
});
