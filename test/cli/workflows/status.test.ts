// `phoenix status` beyond the happy picture (unhealthy colours, an interrupted workflow, no bootstrap),
// and the default WorkflowContext against a machine without the Pulumi CLI.
import { strict as assert } from "assert";
import { mkdirSync, mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { EXIT } from "../../../cli/exitCodes";
import { memoryIo } from "../../../cli/io";
import { runCli } from "../../../cli/main";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness } from "./harness";

describe("phoenix status", () => {
  let h: CliHarness;
  beforeEach(() => (h = cliHarness()));
  afterEach(() => h.cleanup());

  it("says how to bootstrap an app/env that has no stacks yet", async () => {
    const run = await h.phoenix(["status", ...TARGET]);
    assert.equal(run.code, EXIT.ok);
    assert.equal(
      run.out,
      "shop/prod\nNot bootstrapped (missing shop-prod-network, shop-prod-router; " +
        `project ${h.projectDir}, backend file://${h.projectDir}/.phoenix/state): ` +
        "phoenix bootstrap --app shop --env prod\n",
    );
  });

  it("before the first swap: both colours at 0 %, no colour live, the listener answering 503", async () => {
    assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
    const empty = await h.phoenix(["status", ...TARGET]);
    assert.equal(empty.code, EXIT.ok, empty.err);
    assert.match(empty.out, /└─ listener \(stack shop-prod-router\): answers 503, no release is live yet$/m);
    assert.match(empty.out, /├── {3}0% ──▶ blue {3}\(no fleet\)$/m);
    assert.match(empty.out, /└── {3}0% ──▶ green {2}\(no fleet\)$/m);
    assert.match(
      empty.out,
      /^ {2}live {6}none: no release is live yet \(the listener answers 503\)\. Deploy one: phoenix up --app shop --env prod --release <name> --image-id <ami>$/m,
    );
    assert.doesNotMatch(empty.out, /split/);

    assert.equal((await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1])).code, EXIT.ok);
    const deployed = await h.phoenix(["status", ...TARGET]);
    assert.match(deployed.out, /├── {3}0% ──▶ blue {3}release v1 · ami-0123456789abcdef0 · 2\/2 healthy$/m);
    assert.match(deployed.out, /^ {2}live {6}none: .*Put it live: phoenix swap --app shop --env prod$/m);
    const json = JSON.parse((await h.phoenix(["status", ...TARGET, "--json"])).out) as {
      result: { nothingLive: boolean; live?: string; weights: unknown };
    };
    assert.deepEqual(
      [json.result.nothingLive, json.result.live, json.result.weights],
      [true, undefined, { blue: 0, green: 0 }],
    );
  });

  it("before the first swap: swap asks to put the release live at once, rollback refuses with exit 1", async () => {
    assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
    assert.equal((await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1])).code, EXIT.ok);
    const rollback = await h.phoenix(["rollback", ...TARGET, "--yes"]);
    assert.equal(rollback.code, EXIT.failed);
    assert.match(rollback.err, /No release has gone live yet \(the router is at 0\/0\)/);
    const declined = await h.phoenix(["swap", ...TARGET, "--steps", "10,50,100"], {
      isTTY: true,
      answers: [false],
    });
    assert.equal(declined.code, EXIT.aborted);
    assert.deepEqual(declined.questions, [
      "No release of shop/prod is live yet: this puts blue (release v1) live at 100 % at once (nothing to share the traffic with, so no canary steps). Continue?",
    ]);
    assert.deepEqual(h.weights(), { blue: 0, green: 0 });
  });

  it("shows an unhealthy colour with its target states", async () => {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
      ["swap", ...TARGET, "--yes"],
      ["up", ...TARGET, "--release", "v2", "--image-id", AMI_2],
    ])
      assert.equal((await h.phoenix(argv)).code, EXIT.ok, argv.join(" "));
    h.probe.setHealthy("shop", "prod", "green", false);
    const run = await h.phoenix(["status", ...TARGET]);
    assert.match(
      run.out,
      /── {3}0% ──▶ green {2}release v2 · ami-0fedcba9876543210 · 0\/2 NOT healthy \(unhealthy 2\)$/m,
    );
    assert.match(run.out, /── 100% ──▶ blue {3}release v1 · ami-0123456789abcdef0 · 2\/2 healthy$/m);
  });

  it("flags a workflow that could not finish; the next workflow completes it", async () => {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
    ])
      assert.equal((await h.phoenix(argv)).code, EXIT.ok);
    // The destroy of blue fails half way (after it took effect): the journal keeps it open.
    h.engine.failWhen((call) =>
      call.method === "destroy" && call.stack === "shop-prod-blue" ? "after" : undefined,
    );
    const destroy = await h.phoenix(["destroy", ...TARGET, "--colour", "blue", "--yes"]);
    assert.equal(destroy.code, EXIT.failed);
    h.engine.clearFaults();
    const status = await h.phoenix(["status", ...TARGET]);
    assert.match(
      status.out,
      /^ {2}INTERRUPTED destroy \(started .+, stopped at destroy\): the next workflow completes or undoes it$/m,
    );
    const history = await h.phoenix(["history", ...TARGET, "--json"]);
    const records = (JSON.parse(history.out) as { result: { workflow: string; status: string }[] }).result;
    assert.deepEqual(records.at(-1), { ...records.at(-1), workflow: "destroy", status: "interrupted" });

    assert.equal(
      (await h.phoenix(["rollback", ...TARGET, "--yes"])).code,
      EXIT.failed,
      "nothing to roll back to",
    );
    const after = await h.phoenix(["status", ...TARGET]);
    assert.doesNotMatch(after.out, /INTERRUPTED/);
  });
});

describe("the default workflow context", () => {
  it("exits 4 with the install hint when no pulumi is on PATH", async function () {
    this.timeout(60_000); // loads the Automation API and the AWS SDK on first use
    const empty = mkdtempSync(join(tmpdir(), "phoenix-nopath-"));
    const project = join(empty, "project");
    mkdirSync(join(project, ".phoenix"), { recursive: true });
    const path = process.env.PATH;
    process.env.PATH = empty;
    try {
      const io = memoryIo();
      const code = await runCli(
        [
          "status",
          ...TARGET,
          "--project-dir",
          project,
          "--backend",
          `file://${empty}/state`,
          "--region",
          "eu-west-1",
        ],
        io,
      );
      assert.equal(code, EXIT.missingPrerequisite, io.err);
      assert.match(
        io.err,
        /^phoenix: The Pulumi CLI \(`pulumi`\) was not found on PATH\. .*Install it \(https:\/\/www\.pulumi\.com\/docs\/install\/\)/,
      );
      assert.equal(io.out, "");
    } finally {
      process.env.PATH = path;
      rmSync(empty, { recursive: true, force: true });
    }
  });
});
