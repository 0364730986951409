// `phoenix rollback` and `phoenix status` name the rollback target (issue 8, item 1): the confirmation, the
// text and `--json` results name the release; a fleet that never served is refused unasked, naming both
// releases and `phoenix swap`, with nothing changed.
import { strict as assert } from "assert";
import type { WorkflowDocument } from "../../../cli/workflows/command";
import type { DeploymentStatus, RollbackResult } from "../../../automation/types";
import { EXIT } from "../../../cli/exitCodes";
import { splitByHand } from "../../automation/harness";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness } from "./harness";

describe("phoenix rollback: only to the fleet that served before the live one", () => {
  let h: CliHarness;
  beforeEach(() => (h = cliHarness()));
  afterEach(() => h.cleanup());

  /** v1 served on blue, v2 live on green. */
  async function v2Live(): Promise<void> {
    for (const argv of [
      ["bootstrap", ...TARGET],
      ["up", ...TARGET, "--release", "v1", "--image-id", AMI_1],
      ["swap", ...TARGET, "--yes"],
      ["up", ...TARGET, "--release", "v2", "--image-id", AMI_2],
      ["swap", ...TARGET, "--yes"],
    ]) {
      const run = await h.phoenix(argv);
      assert.equal(run.code, EXIT.ok, `${argv.join(" ")}: ${run.err}`);
    }
  }
  const deploymentOf = (colour: string) => h.engine.inspect(`shop-prod-${colour}`)?.outputs.deploymentId;

  it("asks naming the target release and deployment, and --json names it in the result", async () => {
    await v2Live();
    const unasked = await h.phoenix(["rollback", ...TARGET]);
    assert.equal(unasked.code, EXIT.aborted, unasked.err);
    assert.match(
      unasked.err,
      /^phoenix: Not confirmed: this moves 100 % of the traffic of shop\/prod at once from green \(release v2\) back to blue \(release v1, deployment \S+, the fleet that served until [0-9T:.Z-]+\)\./,
    );
    assert.ok(unasked.err.includes(String(deploymentOf("blue"))));
    const status = await h.phoenix(["status", ...TARGET]);
    assert.match(
      status.out,
      /^ {2}rollback {2}blue \(release v1\), kept warm until .* \(served until .*\)$/m,
    );
    const run = await h.phoenix(["rollback", ...TARGET, "--yes", "--json"]);
    assert.equal(run.code, EXIT.ok, run.err);
    const document = JSON.parse(run.out) as Extract<WorkflowDocument<RollbackResult>, { ok: true }>;
    assert.deepEqual(document.result, {
      from: "green",
      fromRelease: "v2",
      to: "blue",
      release: "v1",
      deploymentId: deploymentOf("blue"),
    });
  });

  it("out of split traffic: status shows the split and the target, the confirmation names it, rollback moves", async () => {
    await v2Live(); // v1 on blue served, v2 live on green
    await splitByHand(h, 20, 80);
    const status = await h.phoenix(["status", ...TARGET]);
    assert.match(status.out, /^ {2}traffic {3}split: blue 20 % \/ green 80 %$/m);
    assert.match(
      status.out,
      /^ {2}rollback {2}green \(release v2\) back to 100 %: the fleet that last took all the traffic \(at [0-9T:.Z-]+\)$/m,
    );
    const unasked = await h.phoenix(["rollback", ...TARGET]);
    assert.equal(unasked.code, EXIT.aborted, unasked.err);
    assert.match(
      unasked.err,
      /^phoenix: Not confirmed: this moves 100 % of the traffic of shop\/prod, now split \(blue 20 % \/ green 80 %\), to green \(release v2, deployment \S+, the fleet that last took all of it, at [0-9T:.Z-]+\)\./,
    );
    const run = await h.phoenix(["rollback", ...TARGET, "--yes"]);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.deepEqual(h.engine.inspect("shop-prod-router")?.outputs.weights, { blue: 0, green: 100 });
  });

  it("refuses a release that never served, unasked, naming both releases and phoenix swap", async () => {
    await v2Live();
    // --force gives up the kept-warm v1: v3 takes its place and has never served.
    const up = await h.phoenix(["up", ...TARGET, "--release", "v3", "--image-id", AMI_1, "--force", "--yes"]);
    assert.equal(up.code, EXIT.ok, up.err);
    const status = await h.phoenix(["status", ...TARGET]);
    assert.match(
      status.out,
      /^ {2}rollback {2}none: the fleet on blue \(release v3, deployment \S+\) has never served traffic; the release that served before the current one was v1 on blue, and that fleet is gone from blue$/m,
    );
    const statusJson = JSON.parse((await h.phoenix(["status", ...TARGET, "--json"])).out) as Extract<
      WorkflowDocument<DeploymentStatus>,
      { ok: true }
    >;
    assert.equal(statusJson.result.rollback?.available, false);
    assert.equal(statusJson.result.rollback?.release, "v3");
    assert.equal(statusJson.result.rollback?.reason, "never-served");

    const routerUps = h.ups("shop-prod-router");
    const run = await h.phoenix(["rollback", ...TARGET, "--json"]);
    assert.equal(run.code, EXIT.failed, run.err);
    assert.deepEqual(run.questions, [], "nothing to confirm: the library refuses");
    const document = JSON.parse(run.out) as Extract<WorkflowDocument, { ok: false }>;
    assert.equal(document.error.type, "RollbackRefusedError");
    assert.match(document.error.message, /^Refusing to roll back to v3 on blue: /);
    assert.match(document.error.message, /\(v2 on green\)/);
    assert.match(document.error.message, /`phoenix swap`/);
    assert.equal(h.ups("shop-prod-router"), routerUps, "the router was not touched");
    assert.deepEqual(h.weights(), { blue: 0, green: 100 });
  });
});
