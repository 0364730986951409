// The repair of a file backend's blob sidecar left empty by a killed `pulumi` (automation/localWorkspace/
// fileBackendRepair.ts). The failure is the real CLI's, recorded in the rig (pulumi v3.274.0, after phoenix was
// killed mid-up): `pulumi stack ls --json` exited 1 with "error: EOF".
import * as assert from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  emptySidecars,
  isSidecarEof,
  SIDECAR_QUIET_MS,
  withSidecarRepair,
} from "../../../automation/localWorkspace/fileBackendRepair";

const RECORDED_EOF = new Error(
  "code: -2\n stdout: \n stderr: Command failed with exit code 1: pulumi stack ls --json --non-interactive\n" +
    "error: EOF\n err?: Error: Command failed with exit code 1: pulumi stack ls --json --non-interactive\nerror: EOF\n",
);

/** A file backend with one stack, its checkpoint beside a sidecar holding `sidecar`, written `ageMs` ago. */
function backend(sidecar: string, ageMs = 10 * SIDECAR_QUIET_MS) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-backend-"));
  const stacks = path.join(dir, ".pulumi", "stacks", "phoenix");
  fs.mkdirSync(stacks, { recursive: true });
  const checkpoint = path.join(stacks, "shop-prod-blue.json");
  fs.writeFileSync(checkpoint, '{"version":3}');
  fs.writeFileSync(`${checkpoint}.attrs`, sidecar);
  const then = new Date(Date.now() - ageMs);
  fs.utimesSync(`${checkpoint}.attrs`, then, then);
  return { dir, sidecar: `${checkpoint}.attrs`, checkpoint };
}

/** A command that fails with the recorded EOF while `sidecar` is empty, as the CLI does. */
const readsSidecar = (sidecar: string) => async () => {
  if (fs.existsSync(sidecar) && fs.statSync(sidecar).size === 0) throw RECORDED_EOF;
  return "listed";
};

describe("file backend repair: an empty blob sidecar left by a killed pulumi", () => {
  it("recognises the CLI's EOF and nothing else", () => {
    assert.strictEqual(isSidecarEof(RECORDED_EOF), true);
    assert.strictEqual(isSidecarEof(new Error("error: EOF while reading the program")), false);
    assert.strictEqual(isSidecarEof(new Error("error: the stack is currently locked")), false);
  });

  it("removes the empty sidecar, keeps the checkpoint, and runs the command once more", async () => {
    const { dir, sidecar, checkpoint } = backend("");
    let runs = 0;
    const result = await withSidecarRepair(dir, () => (runs++, readsSidecar(sidecar)()));
    assert.strictEqual(result, "listed");
    assert.strictEqual(runs, 2);
    assert.strictEqual(fs.existsSync(sidecar), false);
    assert.strictEqual(fs.readFileSync(checkpoint, "utf8"), '{"version":3}');
  });

  it("leaves a sidecar that is being written now (empty for less than the quiet time), and fails", async () => {
    const { dir, sidecar } = backend("", 0);
    assert.deepStrictEqual(emptySidecars(dir), []);
    await assert.rejects(withSidecarRepair(dir, readsSidecar(sidecar)), /error: EOF/);
    assert.strictEqual(fs.existsSync(sidecar), true);
  });

  it("counts a sidecar as quiet from exactly the quiet time on", () => {
    const { dir, sidecar } = backend("");
    const written = fs.statSync(sidecar).mtimeMs;
    assert.deepStrictEqual(emptySidecars(dir, written + SIDECAR_QUIET_MS), [sidecar]);
    assert.deepStrictEqual(emptySidecars(dir, written + SIDECAR_QUIET_MS - 1), []);
    assert.deepStrictEqual(emptySidecars(path.join(dir, "nothing-here")), []);
  });

  it("never touches a sidecar with content, nor runs a command twice for another error", async () => {
    const { dir, sidecar } = backend('{"user.content_type":"application/json"}\n');
    assert.deepStrictEqual(emptySidecars(dir), []);
    let runs = 0;
    await assert.rejects(
      withSidecarRepair(dir, async () => {
        runs++;
        throw RECORDED_EOF;
      }),
      /error: EOF/,
    );
    assert.strictEqual(runs, 1, "nothing repaired: not run again");
    assert.strictEqual(fs.readFileSync(sidecar, "utf8").length > 0, true);
  });

  it("passes other backends' failures through unchanged", async () => {
    let runs = 0;
    await assert.rejects(
      withSidecarRepair(undefined, async () => {
        runs++;
        throw RECORDED_EOF;
      }),
      (error) => error === RECORDED_EOF,
    );
    assert.strictEqual(runs, 1);
  });
});
