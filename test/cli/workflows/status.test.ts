// `phoenix status` beyond the happy picture (unhealthy colours, an interrupted workflow, no bootstrap),
// and the default WorkflowContext against a machine without the Pulumi CLI.
import { strict as assert } from "assert";
import { mkdtempSync, rmSync } from "fs";
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
      "shop/prod\nNot bootstrapped (missing shop-prod-network, shop-prod-router): phoenix bootstrap --app shop --env prod\n",
    );
  });

  it("shows an unhealthy colour with its target states", async () => {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
      ["swap", ...TARGET, "--yes"],
      ["up", ...TARGET, "--release", "v2", "--image-id", AMI_2],
    ])
      assert.equal((await h.phoenix(argv)).code, EXIT.ok, argv.join(" "));
    h.probe.setHealthy("shop", "prod", "blue", false);
    const run = await h.phoenix(["status", ...TARGET]);
    assert.match(
      run.out,
      /── {3}0% ──▶ blue {3}release v2 · ami-0fedcba9876543210 · 0\/2 NOT healthy \(unhealthy 2\)$/m,
    );
    assert.match(run.out, /── 100% ──▶ green {2}release v1 · ami-0123456789abcdef0 · 2\/2 healthy$/m);
  });

  it("flags a workflow that could not finish; the next workflow completes it", async () => {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
    ])
      assert.equal((await h.phoenix(argv)).code, EXIT.ok);
    // The destroy of green fails half way (after it took effect): the journal keeps it open.
    h.engine.failWhen((call) =>
      call.method === "destroy" && call.stack === "shop-prod-green" ? "after" : undefined,
    );
    const destroy = await h.phoenix(["destroy", ...TARGET, "--colour", "green", "--yes"]);
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
    const path = process.env.PATH;
    process.env.PATH = empty;
    try {
      const io = memoryIo();
      const code = await runCli(
        ["status", ...TARGET, "--backend", `file://${empty}/state`, "--region", "eu-west-1"],
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
