// BlueGreenDeployment's own options (issue 12): every problem reported at once, word for word, before anything
// is read; the records store stands in for `stateDir`.
import assert from "assert";
import { BlueGreenDeployment } from "../../automation/blueGreen";
import { InvalidInputError } from "../../automation/errors";
import { FileRecordStore } from "../../automation/records/fileStore";
import type { BlueGreenDeploymentOptions } from "../../automation/types";
import { harness, type Harness } from "./harness";

const DURATION = "must be a whole number of milliseconds from 0 to 604800000 (7 days)";

function problemsOf(options: Partial<BlueGreenDeploymentOptions>): string[] {
  try {
    new BlueGreenDeployment({ app: "shop", env: "prod", ...options } as BlueGreenDeploymentOptions);
  } catch (error) {
    assert.ok(error instanceof InvalidInputError, String(error));
    return error.message.split("\n").slice(1);
  }
  return [];
}

describe("BlueGreenDeployment's options", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  it("reports every problem at once: durations, undo attempts, state dir, engine and probe", () => {
    assert.deepStrictEqual(
      problemsOf({
        keepWarmMs: -5,
        healthTimeoutMs: -1,
        healthPollMs: 1.5,
        lockStaleMs: -1,
        undoAttempts: 11,
      }),
      [
        `  - \`keepWarmMs\` (-5) ${DURATION}`,
        `  - \`healthTimeoutMs\` (-1) ${DURATION}`,
        `  - \`healthPollMs\` (1.5) ${DURATION}`,
        `  - \`lockStaleMs\` (-1) ${DURATION}`,
        "  - `undoAttempts` (11) must be an integer from 1 to 10",
        "  - `stateDir` (undefined) must be a directory path (or pass `records`)",
        "  - `engine` (undefined) is required (an Engine: createLocalWorkspaceEngine(…) or new MemoryEngine())",
        "  - `probe` (undefined) is required (a CloudProbe)",
      ],
    );
  });

  it("refuses a state dir that is not a string, and no undo attempt at all", () => {
    assert.deepStrictEqual(
      problemsOf({
        engine: h.engine,
        probe: h.probe,
        stateDir: 7 as unknown as string,
        undoAttempts: 0,
      }),
      [
        "  - `undoAttempts` (0) must be an integer from 1 to 10",
        "  - `stateDir` (7) must be a directory path (or pass `records`)",
      ],
    );
  });

  it("accepts a records store without a state dir, and the bounds of the ranges", () => {
    const records = new FileRecordStore(h.stateDir);
    assert.deepStrictEqual(
      problemsOf({ engine: h.engine, probe: h.probe, records, undoAttempts: 1, keepWarmMs: 0 }),
      [],
    );
    assert.deepStrictEqual(
      problemsOf({ engine: h.engine, probe: h.probe, stateDir: h.stateDir, undoAttempts: 10 }),
      [],
    );
  });
});
