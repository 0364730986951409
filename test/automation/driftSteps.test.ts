// What `drift` journals and reports while it refresh-previews each stack (automation/driftCheck.ts): one step
// per stack, named as recovery reads them, the colour or the stack on each; the engine's events forwarded as
// `refresh` progress; an abort honoured inside a refresh; a clear refusal when no fleet is live.
import { strict as assert } from "assert";
import { AbortedError, ColourMissingError, NothingLiveError } from "../../automation/errors";
import type { JournalEntry } from "../../automation/journal";
import { AMI_2, deployedOnce, harness, splitByHand, type Harness } from "./harness";

/** The drift workflow's steps as started: name, colour, detail. */
function driftSteps(journal: JournalEntry[]): [string, string | undefined, string | undefined][] {
  return journal.flatMap((e) =>
    e.type === "step" && e.workflow === "drift" && e.status === "started"
      ? [[e.step, e.colour, e.detail]]
      : [],
  ) as [string, string | undefined, string | undefined][];
}

describe("drift's steps across the stacks", () => {
  let h: Harness;
  afterEach(() => h.cleanup());

  it("journals one refresh-preview per stack: the network and router by stack name, the colours by colour", async () => {
    h = harness();
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    await h.deployment.drift();
    assert.deepEqual(
      driftSteps(await h.journal()).filter(([step]) => step.startsWith("refresh-preview")),
      [
        ["refresh-preview:network", undefined, "shop-prod-network"],
        ["refresh-preview:router", undefined, "shop-prod-router"],
        ["refresh-preview", "green", undefined],
        ["refresh-preview:idle", "blue", undefined],
      ],
    );
  });

  it("forwards the engine's events of each refresh as drift progress of operation `refresh`", async () => {
    h = harness();
    await deployedOnce(h);
    h.events.length = 0;
    await h.deployment.drift();
    const stacks = new Set<string>();
    for (const event of h.events) {
      if (event.kind !== "engine") continue;
      assert.equal(event.workflow, "drift");
      assert.equal(event.operation, "refresh");
      stacks.add(event.stack);
    }
    assert.deepEqual([...stacks], ["shop-prod-network", "shop-prod-router", "shop-prod-blue"]);
  });

  it("stops inside a refresh when aborted there", async () => {
    const controller = new AbortController();
    let refreshes = 0;
    h = harness({
      engine: {
        // Each refresh takes a moment; the last one (the live colour) is where the user aborts.
        latencyMs: (call) => (call.method === "refresh" ? 1 : 0),
        sleep: async (_ms, signal) => {
          if (++refreshes === 3) controller.abort();
          signal?.throwIfAborted();
        },
      },
    });
    await deployedOnce(h);
    refreshes = 0;
    await assert.rejects(h.deployment.drift({ signal: controller.signal }), AbortedError);
  });

  it("refuses when no release is live, and when the live colour holds no fleet", async () => {
    h = harness();
    await h.deployment.bootstrap();
    await assert.rejects(
      h.deployment.drift(),
      (error: unknown) =>
        error instanceof NothingLiveError &&
        error.message ===
          "No release is live yet (the router is at 0/0 and answers 503), so there is no live fleet to check for " +
            "drift: deploy with `phoenix up` and put it live with `phoenix swap` first.",
    );
    await splitByHand(h, 100, 0);
    await assert.rejects(
      h.deployment.drift(),
      (error: unknown) =>
        error instanceof ColourMissingError &&
        error.message ===
          "The blue colour has no fleet, so there is no live fleet to check for drift: deploy one with " +
            "`phoenix up --release <name> --image <ami>`.",
    );
  });
});
