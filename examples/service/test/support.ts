// The service on loopback over phoenix-fleet/testing's in-memory engine and probe, on a fake clock (health polls
// and swap pauses take no real time), and an HTTP client for the tests.
import { mkdtempSync, rmSync } from "fs";
import type { AddressInfo } from "net";
import { tmpdir } from "os";
import { join } from "path";
import { BlueGreenDeployment } from "phoenix-fleet";
import { MemoryCloudProbe, MemoryEngine } from "phoenix-fleet/testing";
import { createReleaseService, type ReleaseService } from "../src/server";

export const APP = "shop";
export const ENV = "dev";

/** Holds every engine call while closed, so a test can look at the service in the middle of a release. */
export class Gate {
  private opened = true;
  private waiting: (() => void)[] = [];
  private onArrival?: () => void;
  /** Resolves when something waits at the closed gate. */
  arrival(): Promise<void> {
    return new Promise((resolve) => (this.onArrival = resolve));
  }
  close(): void {
    this.opened = false;
  }
  open(): void {
    this.opened = true;
    for (const resume of this.waiting.splice(0)) resume();
  }
  wait(signal?: AbortSignal): Promise<void> {
    if (this.opened) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      this.onArrival?.();
      signal?.addEventListener("abort", () => reject(signal.reason), { once: true });
    });
  }
}

/** The pause between swap steps that waits at `Running.pause` (no health poll waits this long: theirs top out at 15 s). */
export const CANARY_PAUSE_MS = 60_000;

export interface Running {
  url: string;
  engine: MemoryEngine;
  probe: MemoryCloudProbe;
  deployment: BlueGreenDeployment;
  service: ReleaseService;
  gate: Gate;
  /** Holds the workflows' pauses of CANARY_PAUSE_MS while closed. */
  pause: Gate;
  stateDir: string;
  stop(): Promise<void>;
}

/** A bootstrapped app/env (network and router stacks, nothing live yet) served on 127.0.0.1 at a free port. */
export async function startService(): Promise<Running> {
  const stateDir = mkdtempSync(join(tmpdir(), "phoenix-service-"));
  const gate = new Gate();
  const pause = new Gate();
  const engine = new MemoryEngine({ latencyMs: 1, sleep: (_ms, signal) => gate.wait(signal) });
  const probe = new MemoryCloudProbe(engine);
  let now = Date.parse("2026-12-01T10:00:00Z");
  const deployment = new BlueGreenDeployment({
    app: APP,
    env: ENV,
    engine,
    probe,
    stateDir,
    healthTimeoutMs: 5 * 60_000,
    now: () => now,
    sleep: async (ms, signal) => {
      if (signal?.aborted) throw signal.reason;
      if (ms === CANARY_PAUSE_MS) await pause.wait(signal);
      now += ms;
    },
  });
  // In an existing VPC: a network that creates its own VPC needs the optional peer @pulumi/awsx, which this
  // service does not install (the in-memory engine runs the real network program).
  await deployment.bootstrap({
    network: {
      vpcId: "vpc-0123456789abcdef0",
      publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
      privateSubnetIds: ["subnet-0cccccccccccccccc"],
    },
  });
  const service = createReleaseService(deployment);
  await new Promise<void>((resolve) => service.server.listen(0, "127.0.0.1", resolve));
  const { port } = service.server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    engine,
    probe,
    deployment,
    service,
    gate,
    pause,
    stateDir,
    async stop() {
      gate.open();
      pause.open();
      await service.close();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

export interface Reply {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

export async function request(
  url: string,
  method = "GET",
  body?: unknown,
  contentType = "application/json",
): Promise<Reply> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? {} : { "Content-Type": contentType },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

export interface ServerSentEvent {
  id: number;
  event: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  data: any;
}

/** Open a release's event stream (resolves once the service has answered with its headers). */
export async function openEvents(
  url: string,
  lastEventId?: number,
): Promise<{ read(): Promise<ServerSentEvent[]> }> {
  const response = await fetch(url, {
    headers: lastEventId === undefined ? {} : { "Last-Event-ID": String(lastEventId) },
  });
  if (response.headers.get("content-type") !== "text/event-stream")
    throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return {
    /** Every event to the end of the stream (the service closes it after the `end` event). */
    async read() {
      const text = await response.text();
      return text
        .split("\n\n")
        .filter((block) => block.trim() !== "")
        .map((block) => {
          const fields = Object.fromEntries(
            block
              .split("\n")
              .map((line) => [line.slice(0, line.indexOf(":")), line.slice(line.indexOf(":") + 2)]),
          );
          return { id: Number(fields.id), event: fields.event, data: JSON.parse(fields.data) };
        });
    },
  };
}

/** Read a release's event stream to its end. */
export async function readEvents(url: string, lastEventId?: number): Promise<ServerSentEvent[]> {
  return (await openEvents(url, lastEventId)).read();
}

/** Post a release and follow it to its end. */
export async function release(url: string, body: Record<string, unknown>) {
  const posted = await request(`${url}/releases`, "POST", body);
  if (posted.status !== 202)
    throw new Error(`POST /releases: ${posted.status} ${JSON.stringify(posted.body)}`);
  const events = await readEvents(`${url}${posted.body.events}`);
  return { posted, events, end: events[events.length - 1] };
}
