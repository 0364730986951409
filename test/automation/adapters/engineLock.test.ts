// Reading the engine's stack lock from the CLI's message, and judging it stale (automation/localWorkspace/
// engineLock.ts). The message is the rig's CLI's (pulumi v3.274.0) after phoenix was killed mid-up; the SDK's
// error repeats the CLI's stderr, so each holder appears twice in it.
import * as assert from "assert";
import { spawnSync } from "child_process";
import * as os from "os";
import {
  describeHolder,
  isStale,
  lockHoldersIn,
  processRuns,
} from "../../../automation/localWorkspace/engineLock";

const LINE =
  "  file:///work/main/.rig/crash/state/.pulumi/locks/organization/phoenix/shop-a1-blue/" +
  "1cba8bcd-60cd-459e-91db-c6ac97159d06.json?no_tmp_dir=true: created by root@vm (pid 27994) at 2026-12-03T02:18:00Z";
const RECORDED =
  "code: -2\n stdout: \n stderr: Command failed with exit code 1: pulumi destroy --yes --stack shop-a1-blue\n" +
  "error: the stack is currently locked by 1 lock(s). Either wait for the other process(es) to end or delete the " +
  `lock file with \`pulumi cancel\`.\n${LINE}\n err?: Error: Command failed with exit code 1: pulumi destroy\n` +
  `error: the stack is currently locked by 1 lock(s). Either wait …\n${LINE}\n`;

describe("the engine's stack lock, as the CLI describes it", () => {
  it("reads each holder once: url, user, host, pid and time", () => {
    assert.deepStrictEqual(lockHoldersIn(RECORDED), [
      {
        url:
          "file:///work/main/.rig/crash/state/.pulumi/locks/organization/phoenix/shop-a1-blue/" +
          "1cba8bcd-60cd-459e-91db-c6ac97159d06.json?no_tmp_dir=true",
        user: "root",
        host: "vm",
        pid: 27994,
        since: "2026-12-03T02:18:00Z",
      },
    ]);
    assert.strictEqual(
      describeHolder(lockHoldersIn(RECORDED)[0]),
      "root@vm (pid 27994) since 2026-12-03T02:18:00Z",
    );
  });

  it("reads every holder of a stack locked twice, and none from Pulumi Cloud's 409", () => {
    const second = LINE.replace("1cba8bcd", "2dcb9ace").replace("pid 27994", "pid 31");
    assert.deepStrictEqual(
      lockHoldersIn(`locked by 2 lock(s).\n${LINE}\n${second}\n`).map((holder) => holder.pid),
      [27994, 31],
    );
    assert.deepStrictEqual(
      lockHoldersIn("error: [409] Conflict: Another update is currently in progress."),
      [],
    );
  });

  it("knows whether a process runs", () => {
    assert.strictEqual(processRuns(process.pid), true);
    assert.strictEqual(processRuns(spawnSync(process.execPath, ["-e", ""]).pid), false);
  });

  it("judges stale only a lock taken on this host by a process that no longer runs", () => {
    const holder = { url: "u", user: "ci", host: os.hostname(), pid: 42, since: "t" };
    assert.strictEqual(
      isStale(holder, os.hostname(), () => false),
      true,
    );
    assert.strictEqual(
      isStale(holder, os.hostname(), () => true),
      false,
    );
    assert.strictEqual(
      isStale({ ...holder, host: "runner-7" }, os.hostname(), () => false),
      false,
    );
  });
});
