// `inOwnProcessGroup` (automation/localWorkspace/pulumiProcessGroup.ts) against the SDK's own
// `PulumiCommand`, both running a fake `pulumi` (fakePulumi.ts): the same command line, results and errors, and
// a process group of its own. What signals reach pulumi (terminal Ctrl-C, kill -INT) takes real time, so it is
// tested in the engine suite (test/engine/processGroupSignals.test.ts).
import * as assert from "assert";
import * as fs from "fs";
import * as path from "path";
import type { PulumiCommand } from "@pulumi/pulumi/automation";
import {
  inOwnProcessGroup,
  type RunnablePulumiCommand,
} from "../../../automation/localWorkspace/pulumiProcessGroup";
import { fakePulumiRoot, processGroupOf, skipOnWindows } from "./fakePulumi";
import { RecordingPulumiCommand } from "./recordingPulumiCommand";

describe("pulumi in a process group of its own (inOwnProcessGroup)", function () {
  this.timeout(60_000);
  let root: string;
  let sdk: RunnablePulumiCommand;
  let own: RunnablePulumiCommand;

  before(async function () {
    if (process.platform === "win32") skipOnWindows(this);
    let command: PulumiCommand;
    ({ root, command } = await fakePulumiRoot());
    sdk = command as unknown as RunnablePulumiCommand;
    own = inOwnProcessGroup(command) as unknown as RunnablePulumiCommand;
  });

  after(() => {
    if (root) fs.rmSync(root, { recursive: true, force: true });
  });

  it("runs pulumi as the SDK does: the same command line, environment, result and typed errors", async () => {
    const run = (command: RunnablePulumiCommand) =>
      command.run(["echo", "a b"], root, {}) as Promise<{ stdout: string; stderr: string; code: number }>;
    const [expected, actual] = await Promise.all([run(sdk), run(own)]);
    assert.equal(expected.stdout, `a b --non-interactive true ${path.join(root, "bin")}`);
    assert.deepEqual(
      { stdout: actual.stdout, stderr: actual.stderr, code: actual.code },
      { stdout: expected.stdout, stderr: expected.stderr, code: expected.code },
    );
    const failure = (command: RunnablePulumiCommand) =>
      command.run(["fail"], root, {}).then(
        () => assert.fail("pulumi fail must fail"),
        (error: Error & { commandResult: { stderr: string; code: number } }) => error,
      );
    const [sdkError, ownError] = await Promise.all([failure(sdk), failure(own)]);
    assert.equal(sdkError.name, "StackNotFoundError");
    assert.equal(ownError.name, sdkError.name);
    assert.equal(ownError.constructor, sdkError.constructor);
    assert.equal(ownError.commandResult.code, sdkError.commandResult.code);
    assert.equal(ownError.commandResult.stderr, sdkError.commandResult.stderr);
  });

  it("each pulumi leads a process group of its own, outside its parent's", async () => {
    const parentGroup = processGroupOf(process.pid);
    const groupOf = async (command: RunnablePulumiCommand) =>
      Number(((await command.run(["group"], root, {})) as { stdout: string }).stdout);
    assert.equal(await groupOf(sdk), parentGroup, "the SDK's pulumi shares its parent's group");
    assert.notEqual(await groupOf(own), parentGroup);
  });

  it("leaves anything but the SDK's own PulumiCommand as it is (a test double)", () => {
    const double = new RecordingPulumiCommand() as unknown as PulumiCommand;
    assert.equal(inOwnProcessGroup(double), double);
  });
});
