// The program runner's memo (automation/memory/programRunner.ts): a run is reused only for the same role,
// stack, config and sibling outputs read, and a program's error is remembered as its result is.
import assert from "assert";
import { FAKE_PROGRAMS } from "../../automation/memory/fakePrograms";
import { programRuns } from "../../automation/memory/programRunner";

const none = () => undefined;

describe("the program runner's memo", () => {
  it("remembers a program's error: the same inputs throw the same message without a new run", () => {
    const config = { role: "router", app: "memo-error", env: "test", blueWeight: "30", greenWeight: "30" };
    const run = () => FAKE_PROGRAMS.router({ stack: "memo-error-test-router", config, stackOutputs: none });
    const message = /`phoenix:blueWeight` \(30\) and `phoenix:greenWeight` \(30\)/;
    const before = programRuns();
    assert.throws(run, message);
    assert.strictEqual(programRuns(), before + 1);
    assert.throws(run, message);
    assert.strictEqual(programRuns(), before + 1, "the error came from the memo");
  });

  it("runs again for another stack or another config, and reuses each", () => {
    const network = (stack: string, appPort: string) =>
      FAKE_PROGRAMS.network({
        stack,
        config: { role: "network", app: "memo-keys", env: "test", appPort },
        stackOutputs: none,
      });
    const before = programRuns();
    const first = network("memo-keys-test-network", "8080");
    network("memo-keys-other-network", "8080");
    const third = network("memo-keys-test-network", "9090");
    assert.strictEqual(programRuns(), before + 3);
    assert.strictEqual(first.outputs.appPort, 8080);
    assert.strictEqual(third.outputs.appPort, 9090);
    network("memo-keys-test-network", "8080");
    network("memo-keys-other-network", "8080");
    assert.strictEqual(programRuns(), before + 3, "all three reused");
  });

  it("runs again once a sibling that had no outputs has some", () => {
    const network = FAKE_PROGRAMS.network({
      stack: "memo-sibling-test-network",
      config: { role: "network", app: "memo-sibling", env: "test" },
      stackOutputs: none,
    });
    const sibling: { outputs?: Record<string, unknown> } = {};
    const fleet = () =>
      FAKE_PROGRAMS.fleet({
        stack: "memo-sibling-test-blue",
        config: {
          role: "fleet",
          app: "memo-sibling",
          env: "test",
          colour: "blue",
          release: "v1",
          imageId: "ami-0123456789abcdef0",
        },
        stackOutputs: (name) => (name === "memo-sibling-test-network" ? sibling.outputs : undefined),
      });
    const before = programRuns();
    assert.throws(fleet, /deploy the network stack first/);
    assert.throws(fleet, /deploy the network stack first/);
    assert.strictEqual(programRuns(), before + 1);
    sibling.outputs = network.outputs;
    assert.strictEqual(fleet().outputs.release, "v1");
    assert.strictEqual(programRuns(), before + 2);
  });

  it("keeps the 500 latest runs: the oldest is run again once 500 newer ones came after it", function () {
    this.timeout(120_000);
    // A router whose weights do not add up fails before creating anything: the cheapest run there is.
    const run = (n: number) => {
      const config = { role: "router", app: "memo-limit", env: "test", blueWeight: "30", greenWeight: "30" };
      assert.throws(() => FAKE_PROGRAMS.router({ stack: `memo-limit-${n}`, config, stackOutputs: none }));
    };
    for (let n = 0; n < 500; n++) run(n);
    const before = programRuns();
    run(0);
    assert.strictEqual(programRuns(), before, "500 runs kept: the oldest of them too");
    run(500);
    run(499);
    assert.strictEqual(programRuns(), before + 1, "only the new one ran");
    run(0);
    assert.strictEqual(programRuns(), before + 2, "the oldest was dropped for it");
  });
});
