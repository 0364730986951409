// A bake with a fault injected at each of its engine calls, before, midway and after the call takes effect:
// a bake that reports success recorded the AMI its stack now outputs; one that fails recorded nothing; and the
// next bake, without faults, succeeds from whatever the failed one left.
import { strict as assert } from "assert";
import type { FaultMode } from "../../automation/memoryEngine";
import { harness } from "../automation/harness";

const PARENT = "ami-0c02fb55956c7d316";
const MODES: FaultMode[] = ["before", "midway", "after"];

describe("bake under engine faults", () => {
  it("records an AMI only for a bake that succeeded, and a later bake always works", async function () {
    this.timeout(120_000);
    // How many engine calls a bake makes, from a clean run.
    const probe = harness();
    await probe.deployment.bake({ parentImage: PARENT });
    const calls = probe.engine.callCount;
    probe.cleanup();
    assert.ok(calls >= 3, `a bake makes ${calls} engine calls`);

    for (let index = 1; index <= calls; index++) {
      for (const mode of MODES) {
        const h = harness();
        const label = `fault ${mode} call #${index}`;
        h.engine.failCall(index, mode);
        const outcome = await h.deployment.bake({ parentImage: PARENT }).then(
          (record) => ({ record }),
          (error: unknown) => ({ error }),
        );
        h.engine.clearFaults();
        const records = (await h.journal()).filter((e) => e.type === "step" && e.baked);
        const stackImage = h.engine.inspect("shop-prod-ami")?.outputs.imageId;
        if ("record" in outcome) {
          assert.equal(records.length, 1, label);
          assert.equal(outcome.record.imageId, stackImage, `${label}: the record names the stack's AMI`);
          assert.ok(h.engine.images.get(outcome.record.imageId), `${label}: the AMI exists`);
        } else {
          assert.equal(records.length, 0, `${label}: a failed bake records nothing`);
        }
        const again = await h.deployment.bake({ parentImage: PARENT });
        assert.equal(again.imageId, h.engine.inspect("shop-prod-ami")?.outputs.imageId, `${label}: rebake`);
        assert.equal(
          (await h.journal()).filter((e) => e.type === "step" && e.baked).length,
          records.length + 1,
        );
        h.cleanup();
      }
    }
  });
});
