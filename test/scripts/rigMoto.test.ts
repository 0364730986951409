// The rig's moto lifecycle (scripts/rig/moto.ts) with a stand-in `moto_server`: a Node script that answers
// `GET /moto-api/config` (and `data.json`) as moto does and starts a child of its own, so that the test sees
// the whole process group. The real server is exercised by `npm run rig -- start` and the engine suite.
import { strict as assert } from "assert";
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { runningMoto, startMoto, stopMoto, type MotoServer } from "../../scripts/rig/moto";

const FAKE_MOTO = `#!${process.execPath}
const { spawn } = require("child_process");
const port = Number(process.argv[process.argv.indexOf("-p") + 1]);
spawn("sleep", ["600"], { stdio: "ignore" }); // a worker in the server's process group
require("http")
  .createServer((req, res) => {
    if (req.url === "/moto-api/config") res.end('{"batch": {}, "lambda": {}}');
    else if (req.url === "/moto-api/data.json") res.end("{}");
    else { res.statusCode = 404; res.end(); }
  })
  .listen(port, "127.0.0.1");
`;

/** The live (not zombie) processes of group `pgid`, from /proc. */
function groupMembers(pgid: number): number[] {
  const members: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (Number(pgrp) === pgid && state !== "Z") members.push(Number(entry));
    } catch {
      // gone
    }
  }
  return members;
}

(process.platform === "linux" ? describe : describe.skip)("rig: the moto server's lifecycle", function () {
  this.timeout(30_000);
  let dir: string;
  let executable: string;
  const started: MotoServer[] = [];

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "phoenix-rig-moto-"));
    executable = join(dir, "moto_server");
    writeFileSync(executable, FAKE_MOTO);
    chmodSync(executable, 0o755);
  });

  afterEach(async () => {
    await stopMoto(dir).catch(() => undefined);
    for (const server of started.splice(0)) {
      try {
        process.kill(-server.pid, "SIGKILL");
      } catch {
        // stopped as it should be
      }
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it("records the server at once, finds it running, and stop ends its whole process group", async () => {
    const server = await startMoto(dir, executable);
    started.push(server);
    assert.deepEqual(JSON.parse(readFileSync(join(dir, "moto.json"), "utf8")), server);
    assert.deepEqual(await runningMoto(dir), server);
    assert.equal(groupMembers(server.pid).length, 2, "the server and its worker");

    assert.equal(await stopMoto(dir), true);
    assert.deepEqual(groupMembers(server.pid), []);
    assert.equal(await runningMoto(dir), undefined);
    assert.equal(await stopMoto(dir), false, "a second stop finds nothing");
  });

  it("kills a recorded server that does not answer before it starts another", async function () {
    const hung = await startMoto(dir, executable);
    started.push(hung);
    process.kill(hung.pid, "SIGSTOP"); // alive, but answers nothing
    assert.equal(await runningMoto(dir), undefined, "a server that does not answer is not running");

    const next = await startMoto(dir, executable);
    started.push(next);
    assert.notEqual(next.pid, hung.pid);
    assert.deepEqual(groupMembers(hung.pid), [], "the hung server and its worker are gone");
    assert.deepEqual(await runningMoto(dir), next);
  });

  it("leaves alone a process that took over a recorded pid", async () => {
    writeFileSync(
      join(dir, "moto.json"),
      JSON.stringify({ pid: process.pid, endpoint: "http://127.0.0.1:9" }),
    );
    assert.equal(await stopMoto(dir), false);
    assert.equal(await runningMoto(dir), undefined);
  });
});
