// The HTTP API over Node's own `http`:
//   POST /releases              start a release (BlueGreenDeployment.release): 202 with its id, 400 bad input,
//                               409 busy or locked
//   GET  /releases              the releases this process ran
//   GET  /releases/<id>         one of them
//   GET  /releases/<id>/events  its progress as server-sent events (replayed from the start, or after
//                               `Last-Event-ID`), ending with an `end` event
//   GET  /status                the deployment's status (colours, releases, weights, health) and the running release
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "http";
import type { BlueGreenDeployment } from "phoenix-fleet";
import { BadRequestError, errorBody, httpStatusOf } from "./httpStatus";
import { parseReleaseRequest } from "./releaseRequest";
import { ReleaseRunner, type Release, type StreamEvent } from "./releases";

/** Larger bodies are refused (413): a release request is a few hundred bytes. */
const MAX_BODY_BYTES = 64 * 1024;

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export interface ReleaseService {
  server: Server;
  runner: ReleaseRunner;
  /** Stop taking requests, abort the running release (the library undoes it) and close every connection. */
  close(): Promise<void>;
}

export function createReleaseService(deployment: BlueGreenDeployment): ReleaseService {
  const runner = new ReleaseRunner(deployment);
  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : httpStatusOf(error);
      if (response.headersSent) return void response.end();
      sendJson(response, status, errorBody(error), error instanceof HttpError ? error.headers : {});
    });
  });

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? "/", "http://service").pathname.replace(/\/+$/, "") || "/";
    const [, first, id, rest, ...extra] = path.split("/");
    const allow = (...methods: string[]) => {
      if (!methods.includes(request.method ?? ""))
        throw new HttpError(405, `${request.method} ${path}: allowed are ${methods.join(", ")}`, {
          Allow: methods.join(", "),
        });
    };
    if (path === "/status") {
      allow("GET");
      const running = runner.running;
      return sendJson(response, 200, {
        running: running?.summary(),
        deployment: await deployment.status(),
      });
    }
    if (first === "releases" && id === undefined) {
      allow("GET", "POST");
      if (request.method === "GET")
        return sendJson(
          response,
          200,
          runner.list().map((r) => r.summary()),
        );
      const started = await runner.start(parseReleaseRequest(await readBody(request)));
      return sendJson(response, 202, started.summary(), { Location: `/releases/${started.id}` });
    }
    if (first === "releases" && extra.length === 0 && (rest === undefined || rest === "events")) {
      allow("GET");
      const release = runner.get(id);
      if (!release) throw new HttpError(404, `no release ${JSON.stringify(id)}: GET /releases lists them`);
      if (rest === undefined) return sendJson(response, 200, release.summary());
      return streamEvents(request, response, release);
    }
    throw new HttpError(404, `no route ${request.method} ${path}`);
  }

  return {
    server,
    runner,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      await runner.close(); // its `end` event ends every open stream
      server.closeAllConnections();
      await closed;
    },
  };
}

function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
) {
  response.writeHead(status, { "Content-Type": "application/json", ...headers });
  response.end(JSON.stringify(body, null, 2));
}

async function readBody(request: IncomingMessage): Promise<string> {
  const type = request.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new BadRequestError([`Content-Type (${JSON.stringify(type)}) must be application/json`]);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `the body must be at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Server-sent events: every event of the release after `Last-Event-ID` (all of them without it), live ones after. */
function streamEvents(request: IncomingMessage, response: ServerResponse, release: Release): void {
  const header = request.headers["last-event-id"];
  const lastEventId = header === undefined ? 0 : Number(header);
  if (!Number.isInteger(lastEventId) || lastEventId < 0)
    throw new BadRequestError([`Last-Event-ID (${JSON.stringify(header)}) must be an event id: 0 or more`]);
  response.writeHead(200, {
    "Content-Type": "text/event-stream",
    "Cache-Control": "no-cache",
    Connection: "keep-alive",
  });
  const send = (event: StreamEvent) => {
    response.write(`id: ${event.id}\nevent: ${event.name}\ndata: ${JSON.stringify(event.data)}\n\n`);
    if (event.name === "end") response.end();
  };
  const unsubscribe = release.follow(lastEventId, send);
  response.on("close", unsubscribe);
}
