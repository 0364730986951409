// The keep-warm window belongs to a fleet that served: the release that just lost the traffic is the rollback
// target for `keepWarmMs`, and replacing it inside that window takes `force`. A release that never went live has
// no window of its own, even on a colour whose earlier fleet's window is still running.
import assert from "assert";
import { KeepWarmError } from "../../automation/errors";
import { AMI_1, AMI_2, deployedOnce, harness, releaseOf, type Harness } from "./harness";

describe("keep-warm window", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await deployedOnce(h); // v1 live on blue
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap(); // v2 live on green, v1 retired on blue just now: its window runs
  });
  afterEach(() => h.cleanup());

  it("replacing the release that just lost the traffic, inside its window, is refused without force", async () => {
    await assert.rejects(h.deployment.up({ release: "v3", imageId: AMI_1 }), KeepWarmError);
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
  });

  it("a release that never went live has no window of its own: replaced without force", async () => {
    await h.deployment.up({ release: "v3", imageId: AMI_1, force: true }); // v3 over the warm v1, never live
    const status = await h.deployment.status();
    assert.strictEqual(status.colours.blue.release, "v3");
    assert.strictEqual(status.colours.blue.rollbackTargetUntil, undefined, "v3 is nobody's rollback target");

    // Still inside v1's window (the clock has not moved), v4 replaces v3 without force.
    await h.deployment.up({ release: "v4", imageId: AMI_2 });
    assert.strictEqual(releaseOf(h.engine, "blue"), "v4");
  });

  it("after the window, the release that served is replaced without force", async () => {
    h.clock.now += 60 * 60_000 + 1;
    await h.deployment.up({ release: "v3", imageId: AMI_1 });
    assert.strictEqual(releaseOf(h.engine, "blue"), "v3");
  });
});
