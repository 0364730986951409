// More of what the workflows take and report (issue 12): bootstrap's steps and its router options' problems,
// destroy without options, swap's pause problem, the lock's stale age, a release's deploy result, and the
// engine operation named on each forwarded engine event.
import assert from "assert";
import { mkdirSync, utimesSync, writeFileSync } from "fs";
import { join } from "path";
import { InvalidInputError, LockedError } from "../../automation/errors";
import type { DestroyColourOptions } from "../../automation/types";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, type Harness } from "./harness";

/** A lock left by a process on another host, last refreshed `ageMs` ago. */
function foreignLock(h: Harness, ageMs: number): void {
  const dir = join(h.stateDir, "shop-prod.lock");
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(h.stateDir, "shop-prod.lock-holder.json"),
    JSON.stringify({ pid: 1, host: "elsewhere", workflow: "swap", since: "2026-01-01T00:00:00Z" }),
  );
  const then = new Date(Date.now() - ageMs);
  utimesSync(dir, then, then);
}

describe("what the workflows take and report, more", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("bootstrap journals read-state and one create step per stack it creates", async () => {
    await h.deployment.bootstrap();
    const started = (await h.journal()).flatMap((l) =>
      l.type === "step" && l.status === "started" ? [l.step] : [],
    );
    assert.deepStrictEqual(started, ["read-state", "create-network", "create-router"]);
  });

  it("bootstrap reports bad router ports and stickiness, naming each option and its range", async () => {
    await assert.rejects(
      h.deployment.bootstrap({ router: { listenerPort: 0, stickinessSeconds: 7 * 24 * 3600 + 1 } }),
      (error: unknown) => {
        assert.ok(error instanceof InvalidInputError);
        assert.match(error.message, /`router\.listenerPort` \(0\) must be an integer from 1 to 65535/);
        assert.match(
          error.message,
          /`router\.stickinessSeconds` \(604801\) must be an integer from 0 to 604800/,
        );
        return true;
      },
    );
    assert.deepStrictEqual(await h.deployment.bootstrap({ router: { stickinessSeconds: 604800 } }), {
      created: ["network", "router"],
      existing: [],
    });
  });

  it("destroy without options is refused as bad input, naming the colour", async () => {
    await assert.rejects(
      h.deployment.destroy(undefined as unknown as DestroyColourOptions),
      (error: unknown) => error instanceof InvalidInputError && /`colour` \(undefined\)/.test(error.message),
    );
  });

  it("swap refuses a pause that is no duration, naming pauseMs", async () => {
    await assert.rejects(
      h.deployment.swap({ pauseMs: -1 }),
      /`pauseMs` \(-1\) must be a whole number of milliseconds/,
    );
  });

  it("takes over a lock older than lockStaleMs, and only then", async () => {
    foreignLock(h, 10_000);
    await assert.rejects(h.deployment.bootstrap(), LockedError, "30 s by default: still held");
    await h.another({ lockStaleMs: 5000 }).bootstrap();
  });

  it("a release's deploy result names the AMI as given and whether it was tagged", async () => {
    await deployedOnce(h);
    const result = await h.deployment.release({ strategy: "blue-green", release: "v2", imageId: AMI_2 });
    assert.deepStrictEqual(
      [result.deploy.image, result.deploy.taggedInUse, result.deploy.release],
      [{ imageId: AMI_2, source: "given" }, false, "v2"],
    );
  });

  it("names the engine operation of each forwarded event: up, preview, destroy", async () => {
    const ops = () => {
      const seen = new Set(
        h.events.flatMap((e) =>
          e.kind === "engine" && e.event.summaryEvent ? [`${e.stack} ${e.operation}`] : [],
        ),
      );
      h.events.length = 0;
      return [...seen];
    };
    await h.deployment.bootstrap();
    assert.deepStrictEqual(ops(), [`${APP}-${ENV}-network up`, `${APP}-${ENV}-router up`]);
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    assert.deepStrictEqual(ops(), [`${APP}-${ENV}-blue preview`, `${APP}-${ENV}-blue up`]);
    await h.deployment.swap();
    assert.deepStrictEqual(ops(), [`${APP}-${ENV}-router up`]);
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.destroy({ colour: "green" });
    assert.deepStrictEqual(ops(), [
      `${APP}-${ENV}-green preview`,
      `${APP}-${ENV}-green up`,
      `${APP}-${ENV}-green destroy`,
    ]);
  });
});
