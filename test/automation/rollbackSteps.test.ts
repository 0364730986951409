// Rollback's refusals word for word and its steps (issue 12): nothing live, no fleet on the other colour, the
// steps it journals (health first, with the release and deployment it goes back to, then one route), and its
// result.
import assert from "assert";
import { NothingToRollBackError } from "../../automation/errors";
import { AMI_2, APP, ENV, deployedOnce, harness, weights, type Harness } from "./harness";

describe("rollback, refusals and steps", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("with nothing live: refused, pointing at swap", async () => {
    await h.deployment.bootstrap();
    await h.deployment.up({ release: "v1", imageId: AMI_2 });
    await assert.rejects(
      h.deployment.rollback(),
      (error: unknown) =>
        error instanceof NothingToRollBackError &&
        error.message ===
          "No release has gone live yet (the router is at 0/0), so there is no previous colour to roll back to: " +
            "put a deployed release live with `phoenix swap` instead.",
    );
  });

  it("with no fleet on the other colour: refused, naming the stack and what to do", async () => {
    await deployedOnce(h);
    await assert.rejects(
      h.deployment.rollback(),
      (error: unknown) =>
        error instanceof NothingToRollBackError &&
        error.message ===
          "There is no previous colour to roll back to: the green stack holds no fleet (destroyed, or never " +
            "deployed). Deploy the previous release with `phoenix up` and swap to it instead.",
    );
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("before bootstrap: NotBootstrappedError naming both stacks", async () => {
    await assert.rejects(h.deployment.rollback(), {
      name: "NotBootstrappedError",
      missing: [`${APP}-${ENV}-network`, `${APP}-${ENV}-router`],
    });
  });

  it("journals the health check (release and deployment named) and one route; returns both sides", async () => {
    await deployedOnce(h);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    const from = (await h.journal()).length;
    const result = await h.deployment.rollback();
    assert.deepStrictEqual(result, {
      from: "green",
      fromRelease: "v2",
      to: "blue",
      release: "v1",
      deploymentId: "20260101t000000000z-11",
    });
    const started = (await h.journal())
      .slice(from)
      .flatMap((l) => (l.type === "step" && l.status === "started" ? [[l.step, l.colour, l.detail]] : []));
    assert.deepStrictEqual(started, [
      ["read-state", undefined, undefined],
      ["check-health", "blue", "release v1, deployment 20260101t000000000z-11"],
      ["route", "blue", "blue 100 % / green 0 %"],
    ]);
    const end = (await h.journal()).at(-1)!;
    assert.deepStrictEqual(end.type === "end" && [end.status, end.retired], [
      "ok",
      { colour: "green", release: "v2", deploymentId: "20260101t000000000z-35" },
    ]);
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });
});
