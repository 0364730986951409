// `phoenix demo`: the whole cycle runs through the real commands on the in-memory engine and ends with v1
// live again after the rollback.
import assert from "node:assert/strict";
import { existsSync } from "fs";
import { DEMO_STEPS } from "../../cli/commands/demo";
import { memoryIo } from "../../cli/io";
import { runCli } from "../../cli/main";

describe("phoenix demo", () => {
  it("runs bootstrap, two releases, a canary and a rollback, printing each command's normal output", async function () {
    this.timeout(120_000);
    const io = memoryIo("");
    assert.equal(await runCli(["demo"], io), 0, io.err);
    const commands = [...io.out.matchAll(/^\$ phoenix (.*) --app demo --env dev$/gm)].map((m) =>
      m[1].split(" "),
    );
    assert.deepEqual(commands, DEMO_STEPS);
    assert.match(io.out, /10 % → 50 % → 100 %/);
    assert.match(io.out, /Rolled demo\/dev back: 100 % on blue \(release v1\)/);
    const lastStatus = io.out.slice(io.out.lastIndexOf("$ phoenix status"));
    assert.match(lastStatus, /live {6}blue \(release v1\)/);
    const project = /\(project (\S+)\):/.exec(io.out)![1];
    assert.equal(existsSync(project), false, "the demo left its project directory behind");
  });
});
