// `phoenix release --strategy …` end to end on the in-memory engine: rolling then a rollback, recreate with
// its own --accept-downtime, and every bad strategy option refused (exit 2) before any engine call.
import { strict as assert } from "assert";
import type { ReleaseResult } from "../../../automation/strategies/types";
import { EXIT } from "../../../cli/exitCodes";
import type { WorkflowDocument } from "../../../cli/workflows/command";
import { AMI_1, AMI_2, TARGET, cliHarness, type CliHarness } from "./harness";

const V2 = ["--release", "v2", "--image-id", AMI_2];

describe("phoenix release --strategy", () => {
  let h: CliHarness;
  beforeEach(() => (h = cliHarness()));
  afterEach(() => h.cleanup());

  async function blueServesV1(): Promise<void> {
    assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
    const up = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1, "--desired", "2"]);
    assert.equal(up.code, EXIT.ok, up.err);
    assert.equal((await h.phoenix(["swap", ...TARGET, "--yes"])).code, EXIT.ok);
  }

  it("rolling in batches of 50 %, then a rollback that scales the old colour back up", async () => {
    await blueServesV1();
    const run = await h.phoenix([
      "release",
      ...TARGET,
      "--strategy",
      "rolling",
      "--batch",
      "50%",
      ...V2,
      "--yes",
      "--json",
    ]);
    assert.equal(run.code, EXIT.ok, run.err);
    const document = JSON.parse(run.out) as Extract<WorkflowDocument<ReleaseResult>, { ok: true }>;
    assert.deepEqual(
      document.result.batches?.map((b) => b.weight),
      [50, 100],
    );
    assert.equal(document.result.previous, "scaled-to-zero");
    assert.deepEqual(h.weights(), { blue: 0, green: 100 });
    assert.equal(h.engine.inspect("shop-prod-blue")?.outputs.desiredCapacity, 0);

    const text = await h.phoenix(["status", ...TARGET]);
    assert.equal(text.code, EXIT.ok, text.err);
    // The old colour is kept at zero on purpose: status says so instead of calling it unhealthy.
    assert.match(text.out, /── {3}0% ──▶ blue {3}release v1 · .* · scaled to zero$/m);
    const rollback = await h.phoenix(["rollback", ...TARGET, "--yes"]);
    assert.equal(rollback.code, EXIT.ok, rollback.err);
    assert.deepEqual(h.weights(), { blue: 100, green: 0 });
    assert.equal(h.engine.inspect("shop-prod-blue")?.outputs.desiredCapacity, 2);
  });

  it("recreate needs --accept-downtime: --yes alone is refused, naming the flag, with nothing changed", async () => {
    await blueServesV1();
    const calls = h.engine.callCount;
    const refused = await h.phoenix(["release", ...TARGET, "--strategy", "recreate", ...V2, "--yes"]);
    assert.equal(refused.code, EXIT.badInput);
    assert.match(refused.err, /`--accept-downtime` \(false\) must be given for recreate/);
    assert.equal(h.engine.callCount, calls, "no engine call");

    const run = await h.phoenix([
      "release",
      ...TARGET,
      "--strategy",
      "recreate",
      "--accept-downtime",
      ...V2,
      "--yes",
    ]);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.match(run.out, /^Released v2 to shop\/prod \(recreate\): 100 % on (blue|green)\.$/m);
    assert.match(run.out, /Release v1 on blue was destroyed; no colour served for \d+ s \(503\)/);
  });

  const refusals: [string[], RegExp][] = [
    [["--strategy", "foo"], /`--strategy` \("foo"\) must be one of blue-green, canary, rolling, recreate/],
    [["--strategy", "rolling", "--batch", "0"], /`--batch` \(0\) must be a whole number of instances/],
    [["--strategy", "rolling", "--batch", "150%"], /`--batch` \("150%"\) must be .*at most 100/],
    [["--strategy", "canary", "--batch", "2"], /`--batch` \(2\) is for rolling only, not `canary`/],
    [
      ["--strategy", "rolling", "--steps", "50,100"],
      /`--steps` \(\[50,100\]\) is for blue-green and canary only/,
    ],
    [["--strategy", "canary", "--accept-downtime"], /`--accept-downtime` \(true\) is for recreate only/],
    [[], /`--strategy` is required/],
  ];
  for (const [flags, message] of refusals) {
    it(`refuses ${flags.join(" ") || "no --strategy"} before any change (exit 2)`, async () => {
      await blueServesV1();
      const calls = h.engine.callCount;
      const run = await h.phoenix(["release", ...TARGET, ...flags, ...V2, "--yes"]);
      assert.equal(run.code, EXIT.badInput, run.err);
      assert.match(run.err, message);
      assert.equal(h.engine.callCount, calls, "no engine call");
      assert.deepEqual(h.weights(), { blue: 100, green: 0 });
    });
  }
});
