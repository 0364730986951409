// The service driven over HTTP on loopback, with the in-memory engine and probe of phoenix-fleet/testing.
import assert from "node:assert/strict";
import { FileRecordStore } from "phoenix-fleet";
import {
  APP,
  CANARY_PAUSE_MS,
  ENV,
  openEvents,
  readEvents,
  release,
  request,
  startService,
  type Running,
} from "./support";

const V1 = { release: "v1", imageId: "ami-0123456789abcdef0" };
const V2 = { release: "v2", imageId: "ami-0fedcba9876543210" };

describe("the release service", () => {
  let running: Running;
  let url: string;

  beforeEach(async () => {
    running = await startService();
    url = running.url;
  });
  afterEach(() => running?.stop());

  it("runs a release and streams its progress as server-sent events", async () => {
    const { posted, events, end } = await release(url, V1);
    assert.equal(posted.status, 202);
    assert.equal(posted.headers.get("location"), `/releases/${posted.body.id}`);
    assert.equal(posted.body.state, "running");

    assert.deepEqual(
      events.map((e) => e.id),
      events.map((_, i) => i + 1),
    );
    const workflows = events
      .filter((e) => e.event === "workflow-start" || e.event === "workflow-end")
      .map((e) => `${e.event} ${e.data.workflow}${e.data.status ? ` ${e.data.status}` : ""}`);
    assert.deepEqual(workflows, ["workflow-start release", "workflow-end release ok"]);
    assert.ok(events.some((e) => e.event === "health" && e.data.healthy === e.data.desired));
    const created = events.filter((e) => e.event === "engine" && e.data.op === "create" && e.data.done);
    assert.ok(
      created.some((e) => /aws:autoscaling\/group:Group/.test(e.data.urn)),
      "no group created",
    );
    assert.ok(
      events.filter((e) => e.event === "engine").every((e) => !("event" in e.data)),
      "an engine event went out whole",
    );
    assert.equal(end.event, "end");
    assert.equal(end.data.state, "succeeded");
    assert.equal(end.data.strategy, "blue-green");
    assert.equal(end.data.deploy.release, "v1");
    assert.deepEqual(
      end.data.steps.map((s: { weight: number }) => s.weight),
      [100],
    );

    const status = await request(`${url}/status`);
    assert.equal(status.status, 200);
    assert.equal(status.body.running, undefined);
    const live = status.body.deployment.live;
    assert.equal(live, end.data.to);
    assert.equal(status.body.deployment.colours[live].release, "v1");
    assert.equal(status.body.deployment.weights[live], 100);
    assert.equal((await request(`${url}/releases/${posted.body.id}`)).body.state, "succeeded");
  });

  it("takes a canary's steps and puts the new release live; the old one stays as the rollback target", async () => {
    await release(url, V1);
    const { end } = await release(url, { ...V2, strategy: "canary", pauseMs: CANARY_PAUSE_MS });
    assert.equal(end.data.state, "succeeded");
    assert.deepEqual(
      end.data.steps.map((s: { weight: number }) => s.weight),
      [10, 50, 100],
    );
    const { deployment } = (await request(`${url}/status`)).body;
    assert.equal(deployment.colours[deployment.live].release, "v2");
    assert.equal(deployment.rollback.available, true);
    assert.equal(deployment.rollback.release, "v1");
    assert.deepEqual(
      (await request(`${url}/releases`)).body.map((r: { release: string }) => r.release),
      ["v1", "v2"],
    );
  });

  it("answers GET /status in the middle of a canary: the running release and the weights so far", async () => {
    const { end: first } = await release(url, V1);
    const [old, next] = first.data.to === "blue" ? ["blue", "green"] : ["green", "blue"];
    running.pause.close();
    const paused = running.pause.arrival();
    const posted = await request(`${url}/releases`, "POST", {
      ...V2,
      strategy: "canary",
      steps: [10, 50, 100],
      pauseMs: CANARY_PAUSE_MS,
    });
    await paused; // after the 10 % step, before the 50 % one
    const status = (await request(`${url}/status`)).body;
    assert.equal(status.running.id, posted.body.id);
    assert.equal(status.running.state, "running");
    assert.deepEqual(status.deployment.weights, { [old]: 90, [next]: 10 });
    running.pause.open();
    const [end] = (await readEvents(`${url}${posted.body.events}`)).slice(-1);
    assert.equal(end.data.state, "succeeded");
    assert.deepEqual((await request(`${url}/status`)).body.deployment.weights, { [old]: 0, [next]: 100 });
  });

  it("runs one release at a time: 409 while one runs, and the next is taken once it has ended", async () => {
    running.gate.close(); // every engine call waits: the first release stays in the middle of its `up`
    const first = await request(`${url}/releases`, "POST", V1);
    assert.equal(first.status, 202);
    const busy = await request(`${url}/releases`, "POST", V2);
    assert.equal(busy.status, 409);
    assert.equal(busy.body.error, "BusyError");
    assert.match(busy.body.message, new RegExp(`release v1 \\(${first.body.id}\\) is still running`));
    assert.equal((await request(`${url}/releases/${first.body.id}`)).body.state, "running");

    running.gate.open();
    const [end] = (await readEvents(`${url}${first.body.events}`)).slice(-1);
    assert.equal(end.data.state, "succeeded");
    const { end: next } = await release(url, V2);
    assert.equal(next.data.state, "succeeded");
  });

  it("answers 409 with the library's LockedError while another process holds the app/env lock", async () => {
    // What `phoenix swap` run by hand on this machine holds while it runs: the same lock file.
    const held = await new FileRecordStore(running.stateDir).acquireLock({ app: APP, env: ENV }, "swap");
    try {
      const refused = await request(`${url}/releases`, "POST", V1);
      assert.equal(refused.status, 409);
      assert.equal(refused.body.error, "LockedError");
      assert.match(
        refused.body.message,
        /`swap` \(pid \d+.*\) holds the lock .*: wait for it to finish and retry/,
      );
      assert.deepEqual((await request(`${url}/releases`)).body, []);
      assert.equal((await request(`${url}/status`)).body.running, undefined);
    } finally {
      await held.release();
    }
    assert.equal((await release(url, V1)).end.data.state, "succeeded");
  });

  describe("refuses bad input with 400, naming the field, the value and what is allowed, before any engine call", () => {
    const cases: [string, unknown, RegExp, string?][] = [
      ["a body that is not JSON", "release=v1", /the body must be JSON/],
      [
        "a body that is not an object",
        ["v1"],
        /the body \(\["v1"\]\) must be a JSON object with the fields release, imageId/,
      ],
      [
        "a field the API does not have",
        { ...V1, colour: "blue" },
        /`colour` \("blue"\) is not a field of a release: allowed are release, imageId/,
      ],
      ["force that is not a boolean", { ...V1, force: "yes" }, /`force` \("yes"\) must be true or false/],
      ["a release name the library refuses", { ...V1, release: "Version 1" }, /`release` \("Version 1"\)/],
      ["an AMI id the library refuses", { ...V1, imageId: "ubuntu" }, /`imageId` \("ubuntu"\)/],
      [
        "canary steps the library refuses",
        { ...V1, strategy: "canary", steps: [50, 10] },
        /`steps` \(\[50,10\]\)/,
      ],
      ["a strategy the library does not have", { ...V1, strategy: "big-bang" }, /`strategy` \("big-bang"\)/],
      [
        "a body that is not application/json",
        JSON.stringify(V1),
        /Content-Type \("text\/plain"\) must be application\/json/,
        "text/plain",
      ],
    ];
    for (const [what, body, message, contentType] of cases) {
      it(what, async () => {
        const calls = running.engine.callCount;
        const reply = await request(`${url}/releases`, "POST", body, contentType);
        assert.equal(reply.status, 400, JSON.stringify(reply.body));
        assert.match(reply.body.message, message);
        assert.equal(running.engine.callCount, calls, "the engine was called");
        assert.deepEqual((await request(`${url}/releases`)).body, []);
      });
    }

    it("reports every problem at once", async () => {
      const reply = await request(`${url}/releases`, "POST", {
        release: "Version 1",
        imageId: "ubuntu",
        steps: [0],
      });
      assert.equal(reply.status, 400);
      const named = reply.body.problems.map((p: string) => /^`(\w+)`/.exec(p)?.[1]);
      assert.deepEqual([...new Set(named)].sort(), ["imageId", "release", "steps"]);
      assert.ok(
        reply.body.problems.some((p: string) => /must be \[100\] for blue-green/.test(p)),
        "the strategy's own rule on steps",
      );
    });
  });

  it("streams a failed release to its end; the traffic stays on the live release", async () => {
    const { end: first } = await release(url, V1);
    const idle = first.data.to === "blue" ? "green" : "blue";
    running.probe.setHealthy(APP, ENV, idle, false);
    const { end } = await release(url, V2);
    assert.equal(end.data.state, "failed");
    assert.equal(end.data.error, "DeployFailedError");
    assert.match(end.data.message, /Deploying v2 to .* failed: .*Traffic was not touched/);
    const { deployment } = (await request(`${url}/status`)).body;
    assert.equal(deployment.colours[deployment.live].release, "v1");
    assert.equal(deployment.colours[idle].exists, false);
  });

  it("replays a stream from after Last-Event-ID", async () => {
    const { posted, events } = await release(url, V1);
    const resumed = await readEvents(`${url}${posted.body.events}`, 3);
    assert.deepEqual(resumed, events.slice(3));
    const bad = await fetch(`${url}${posted.body.events}`, { headers: { "Last-Event-ID": "three" } });
    assert.equal(bad.status, 400);
  });

  it("answers 404 for an unknown release or route and 405 for a method a route does not take", async () => {
    assert.equal((await request(`${url}/releases/nope/events`)).status, 404);
    assert.equal((await request(`${url}/releases/nope`)).status, 404);
    assert.equal((await request(`${url}/deploy`)).status, 404);
    const wrong = await request(`${url}/releases`, "DELETE");
    assert.equal(wrong.status, 405);
    assert.equal(wrong.headers.get("allow"), "GET, POST");
  });

  it("aborts the running release when it shuts down: the library undoes it and the stream ends", async () => {
    running.gate.close();
    const posted = await request(`${url}/releases`, "POST", V1);
    const stream = await openEvents(`${url}${posted.body.events}`);
    const closing = running.service.close();
    running.gate.open(); // the engine call in flight ends; the workflow sees the abort at its next step
    await closing;
    const [end] = (await stream.read()).slice(-1);
    assert.equal(end.data.state, "failed");
    assert.equal(end.data.error, "AbortedError");
    const status = await running.deployment.status();
    assert.equal(status.live, undefined);
    assert.deepEqual(
      Object.values(status.colours).map((c) => c.exists),
      [false, false],
    );
  });
});
