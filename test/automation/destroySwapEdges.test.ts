// Edges of destroy and swap (issue 12): a colour that does not exist, an empty stack, a colour with traffic,
// a destroy that fails half way; a first swap with both colours deployed and no journal to say which came last;
// a router update that changed another number of resources than a swap step must.
import assert from "assert";
import { mkdtempSync, rmSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { ColourInUseError, SwapFailedError, WorkflowError } from "../../automation/errors";
import type { EngineStack } from "../../automation/seams";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const GREEN = `${APP}-${ENV}-green`;
const ROUTER = `${APP}-${ENV}-router`;

/** The started lines from journal line `from` on: [step, colour, detail]. */
async function startedFrom(h: Harness, from: number): Promise<(string | undefined)[][]> {
  return (await h.journal())
    .slice(from)
    .flatMap((l) => (l.type === "step" && l.status === "started" ? [[l.step, l.colour, l.detail]] : []));
}

describe("destroy and swap edges", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await deployedOnce(h);
  });
  afterEach(() => h.cleanup());

  describe("destroy", () => {
    it("a colour without a stack: nothing destroyed, no destroy step", async () => {
      const from = (await h.journal()).length;
      assert.deepStrictEqual(await h.deployment.destroy({ colour: "green" }), {
        colour: "green",
        destroyed: false,
      });
      assert.deepStrictEqual(await startedFrom(h, from), [["read-state", undefined, undefined]]);
    });

    it("an empty stack (no fleet): destroyed and removed, its step says so", async () => {
      await h.engine.createOrSelectStack(GREEN, "fleet");
      const from = (await h.journal()).length;
      assert.deepStrictEqual(await h.deployment.destroy({ colour: "green" }), {
        colour: "green",
        destroyed: true,
        release: undefined,
      });
      assert.deepStrictEqual(await startedFrom(h, from), [
        ["read-state", undefined, undefined],
        ["destroy", "green", "empty stack"],
      ]);
      assert.ok(!h.engine.stackNames().includes(GREEN));
    });

    it("an idle fleet: its release named on the step and in the result", async () => {
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      const from = (await h.journal()).length;
      assert.deepStrictEqual(await h.deployment.destroy({ colour: "green" }), {
        colour: "green",
        destroyed: true,
        release: "v2",
      });
      assert.deepStrictEqual((await startedFrom(h, from)).at(-1), ["destroy", "green", "release v2"]);
    });

    it("the live colour: refused word for word, nothing destroyed", async () => {
      const calls = h.engine.calls.filter((c) => c.method === "destroy").length;
      await assert.rejects(
        h.deployment.destroy({ colour: "blue", force: true }),
        (error: unknown) =>
          error instanceof ColourInUseError &&
          error.message ===
            "The blue colour has 100 % of the traffic: swap the traffic away first (`phoenix swap` or " +
              "`phoenix rollback`), then destroy it.",
      );
      assert.strictEqual(h.engine.calls.filter((c) => c.method === "destroy").length, calls);
      assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
    });

    it("a destroy that fails half way is left open, and the next workflow completes it", async () => {
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      h.engine.failWhen((call) => (call.method === "destroy" && call.stack === GREEN ? "midway" : undefined));
      await assert.rejects(h.deployment.destroy({ colour: "green" }), /injected fault midway/);
      h.engine.failWhen(undefined);
      const status = await h.deployment.status();
      assert.deepStrictEqual(
        [status.interrupted?.workflow, status.interrupted?.lastStep],
        ["destroy", "destroy"],
      );
      await h.deployment.bootstrap();
      assert.ok(!h.engine.stackNames().includes(GREEN));
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });
  });

  describe("swap", () => {
    it("a first swap with both colours deployed and no journal saying which came last: refused, naming both", async () => {
      h.cleanup();
      h = harness();
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1 });
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      // Another machine with records of its own (none): the stacks alone cannot say which was deployed last.
      const elsewhere = mkdtempSync(join(tmpdir(), "phoenix-elsewhere-"));
      try {
        await assert.rejects(
          h.another({ stateDir: elsewhere }).swap(),
          (error: unknown) =>
            error instanceof WorkflowError &&
            error.message ===
              "No release is live yet and both colours hold one (blue v1, green v2), and the journal does not " +
                "say which was deployed last: destroy the one that must not go live (`phoenix destroy --colour " +
                "<colour>`), then swap.",
        );
      } finally {
        rmSync(elsewhere, { recursive: true, force: true });
      }
      assert.deepStrictEqual(weights(h.engine), { blue: 0, green: 0 });
      // With the journal, the colour deployed last goes live.
      assert.strictEqual((await h.deployment.swap()).to, "green");
    });

    it("a step whose router update changed two resources fails, and the traffic goes back", async () => {
      await h.deployment.up({ release: "v2", imageId: AMI_2 });
      const select = h.engine.createOrSelectStack.bind(h.engine);
      let ups = 0;
      h.engine.createOrSelectStack = async (name, role) => {
        const stack = await select(name, role);
        if (name !== ROUTER) return stack;
        const up = stack.up.bind(stack);
        return Object.assign(stack, {
          up: async (...args: Parameters<EngineStack["up"]>) => {
            const result = await up(...args);
            // The first router update (the swap step) reports a second resource changed.
            return ++ups > 1
              ? result
              : { ...result, summary: { ...result.summary, resourceChanges: { same: 0, update: 2 } } };
          },
        });
      };
      await assert.rejects(
        h.deployment.swap(),
        (error: unknown) =>
          error instanceof SwapFailedError &&
          error.reason ===
            "the router update changed 2 resources; a swap step must change exactly 1 (the listener)" &&
          error.restoredTo === "blue",
      );
      assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
    });
  });
});
