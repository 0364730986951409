// Secrets stay secret: a release whose user data carries a marker, through the `phoenix` commands and through
// the workflows' own progress events. The marker, and the base64 of the user-data file, must appear nowhere:
// not in the project directory (records, lock), not in any line the CLI printed (text and `--json`, errors
// included), not in progress events, and not in what a backend would store in plaintext (config not flagged
// secret, resource state outside secrets).
import { strict as assert } from "assert";
import { randomBytes } from "crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "../../../automation/blueGreen";
import type { ProgressEvent } from "../../../automation/events";
import { MemoryEngine } from "../../../automation/memoryEngine";
import { MemoryCloudProbe } from "../../../automation/memoryProbe";
import { isSerializedSecret } from "../../../components/immutability/identity";
import { EXIT } from "../../../cli/exitCodes";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness, type CliRun } from "./harness";

const MARKER = `phoenix-secret-marker-${randomBytes(6).toString("hex")}`;
const USER_DATA = `#!/bin/sh\nexport API_TOKEN=${MARKER}\nexec /opt/app/run\n`;
const USER_DATA_BASE64 = Buffer.from(USER_DATA, "utf8").toString("base64");
const FORBIDDEN = [MARKER, USER_DATA_BASE64];

/** Where a forbidden string was found, for the assertion message. */
function findings(where: string, text: string): string[] {
  return FORBIDDEN.filter((secret) => text.includes(secret)).map((secret) => `${where} holds ${secret}`);
}

/** Every file under `dir`, names and contents. */
function searchDirectory(dir: string): string[] {
  const found: string[] = [];
  const walk = (path: string) => {
    for (const entry of readdirSync(path)) {
      const full = join(path, entry);
      found.push(...findings(`the name ${full}`, entry));
      if (statSync(full).isDirectory()) walk(full);
      else found.push(...findings(full, readFileSync(full, "latin1")));
    }
  };
  walk(dir);
  return found;
}

/** A copy without the values under secrets: what a backend keeps readable of a resource's state. */
function withoutSecrets(value: unknown): unknown {
  if (isSerializedSecret(value)) return "[secret]";
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withoutSecrets(v)]));
  }
  return value;
}

/** What a real backend would store in plaintext for every stack: config not flagged secret, state outside secrets. */
async function searchEngine(engine: MemoryEngine): Promise<string[]> {
  const found: string[] = [];
  for (const name of engine.stackNames()) {
    const config = await (await engine.createOrSelectStack(name, engine.inspect(name)!.role)).getAllConfig();
    for (const [key, entry] of Object.entries(config)) {
      if (!entry.secret) found.push(...findings(`${name}'s plain config ${key}`, entry.value));
    }
    for (const resource of engine.inspect(name)!.resources) {
      found.push(
        ...findings(`${name}'s state of ${resource.name}`, JSON.stringify(withoutSecrets(resource.inputs))),
      );
    }
  }
  return found;
}

describe("secrets stay secret: user data with a marker", () => {
  let h: CliHarness;
  let userDataDir: string;
  let userDataFile: string;
  const printed: string[] = [];

  beforeEach(() => {
    h = cliHarness();
    // Outside the project directory: the file itself is the only place the marker may be.
    userDataDir = mkdtempSync(join(tmpdir(), "phoenix-user-data-"));
    userDataFile = join(userDataDir, "boot.sh");
    writeFileSync(userDataFile, USER_DATA);
    printed.length = 0;
  });
  afterEach(() => {
    h.cleanup();
    rmSync(userDataDir, { recursive: true, force: true });
  });

  async function phoenix(argv: string[], expected: number): Promise<CliRun> {
    const run = await h.phoenix(argv);
    printed.push(`$ phoenix ${argv.join(" ")}`, ...run.out.split("\n"), ...run.err.split("\n"));
    assert.equal(run.code, expected, `${argv.join(" ")}\n${run.out}${run.err}`);
    return run;
  }

  it("is found nowhere: project directory, records, CLI output (text, --json, errors), stored state", async () => {
    await phoenix(["bootstrap", ...TARGET], EXIT.ok);
    const userData = ["--user-data", userDataFile];
    await phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, ...userData], EXIT.ok);
    await phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, ...userData, "--json"], EXIT.ok);
    await phoenix(["swap", ...TARGET, "--yes", "--json"], EXIT.ok);
    await phoenix(["status", ...TARGET], EXIT.ok);
    await phoenix(["status", ...TARGET, "--json"], EXIT.ok);
    // A failed up: its error message and its record.
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === "shop-prod-green" ? "before" : undefined,
    );
    const failed = await h.phoenix([
      "up",
      ...TARGET,
      "--release",
      "v2",
      "--image-id",
      AMI_2,
      ...userData,
      "--json",
    ]);
    printed.push(...failed.out.split("\n"), ...failed.err.split("\n"));
    assert.notEqual(failed.code, EXIT.ok, "the injected fault fails the up");
    h.engine.clearFaults();
    await phoenix(["up", ...TARGET, "--release", "v2", "--image-id", AMI_2, ...userData], EXIT.ok);
    await phoenix(["history", ...TARGET], EXIT.ok);
    await phoenix(["history", ...TARGET, "--json"], EXIT.ok);

    // The release really carries the user data, as a secret.
    const green = await (await h.engine.createOrSelectStack("shop-prod-green", "fleet")).getAllConfig();
    assert.deepEqual(green["phoenix:userData"], { value: USER_DATA, secret: true });
    const template = h.engine.inspect("shop-prod-green")!.resources.find((r) => r.name.endsWith("-lt"))!;
    assert.deepEqual(template.inputs.userData, {
      "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
      value: USER_DATA_BASE64,
    });

    assert.ok(printed.length > 20, "the commands printed something to search");
    const records = (dir: string): string[] =>
      readdirSync(dir).flatMap((entry) =>
        statSync(join(dir, entry)).isDirectory()
          ? records(join(dir, entry))
          : [readFileSync(join(dir, entry), "utf8")],
      );
    assert.ok(
      records(h.stateDir).some((text) => text.includes('"v2"')),
      "the records of these workflows are in the directory searched",
    );
    assert.deepEqual(
      [
        ...searchDirectory(h.stateDir),
        ...findings("the CLI output", printed.join("\n")),
        ...(await searchEngine(h.engine)),
      ],
      [],
    );
  });

  it("is found in no progress event of the workflows (engine events included) and no record", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "phoenix-secret-records-"));
    try {
      const engine = new MemoryEngine();
      const events: ProgressEvent[] = [];
      const deployment = new BlueGreenDeployment({
        app: "shop",
        env: "prod",
        engine,
        probe: new MemoryCloudProbe(engine),
        stateDir,
        healthPollMs: 1,
        sleep: async () => {},
        onProgress: (event) => events.push(event),
      });
      await deployment.bootstrap();
      await deployment.up({ release: "v1", imageId: AMI_1, userData: USER_DATA });
      await deployment.swap({});
      await deployment.up({ release: "v2", imageId: AMI_2, userData: USER_DATA });
      await deployment.status();
      await deployment.history();

      const engineEvents = events.filter((e) => e.kind === "engine");
      assert.ok(
        engineEvents.some((e) => JSON.stringify(e).includes('"ciphertext":"[secret]"')),
        "the launch template's user data is in the events, as a secret",
      );
      assert.deepEqual(
        [
          ...events.flatMap((event, i) =>
            findings(`progress event ${i} (${event.kind})`, JSON.stringify(event)),
          ),
          ...searchDirectory(stateDir),
        ],
        [],
      );
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
