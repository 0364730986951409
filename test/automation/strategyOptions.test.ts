// The strategy options' rule, pure (the library and the CLI both call it, each with its own names): what each
// strategy accepts, and every refusal with the option, the value and what is allowed.
import assert from "assert";
import { checkStrategyOptions, LIBRARY_NAMES } from "../../automation/strategies/validate";
import type { ReleaseOptions } from "../../automation/strategies/types";
import { Problems } from "../../automation/validate";

type StrategyOptions = Parameters<typeof checkStrategyOptions>[1];

function problemsOf(options: Partial<ReleaseOptions>): string[] {
  const problems = new Problems();
  checkStrategyOptions(problems, options as StrategyOptions, LIBRARY_NAMES);
  return problems.list;
}

describe("the strategy options' rule", () => {
  it("accepts each strategy's own options", () => {
    for (const options of [
      { strategy: "blue-green", steps: [100], pauseMs: 0, verify: {}, acceptDowntime: false },
      { strategy: "canary", steps: [5, 100], pauseMs: 1000 },
      { strategy: "rolling", batch: 2, pauseMs: 1000, verify: { alarmNames: ["shop-5xx"] } },
      { strategy: "rolling", batch: "12.5%" },
      { strategy: "recreate", acceptDowntime: true },
    ] as Partial<ReleaseOptions>[])
      assert.deepStrictEqual(problemsOf(options), [], JSON.stringify(options));
  });

  it("blue-green takes [100] only: steps that start at 100 but go on are a canary's", () => {
    assert.deepStrictEqual(problemsOf({ strategy: "blue-green", steps: [100, 100] }), [
      "`steps` ([100,100]) must be [100] for blue-green (all at once); steps before 100 are a canary",
    ]);
  });

  it("recreate refuses a pause (nothing to pause between) and requires accepting downtime, saying why", () => {
    assert.deepStrictEqual(problemsOf({ strategy: "recreate", pauseMs: 1000 }), [
      "`pauseMs` (1000) is for blue-green, canary and rolling only, not `recreate`",
      "`acceptDowntime` (undefined) must be given for recreate: the old colour is destroyed before the new one " +
        "serves, so the router answers 503 in between (confirming the run does not accept downtime)",
    ]);
  });

  it("a batch: 1 to 1000 instances, or a percentage above 0 up to 100 (spaces around it ignored)", () => {
    for (const batch of [1000, "100%", " 50% "])
      assert.deepStrictEqual(problemsOf({ strategy: "rolling", batch: batch as never }), [], String(batch));
    const allowed =
      'must be a whole number of instances from 1 to 1000 (2) or a percentage above 0 and at most 100 ("25%")';
    assert.deepStrictEqual(
      [1001, true, "100.5%"].map((batch) => problemsOf({ strategy: "rolling", batch: batch as never })),
      [[`\`batch\` (1001) ${allowed}`], [`\`batch\` (true) ${allowed}`], [`\`batch\` ("100.5%") ${allowed}`]],
    );
  });

  it("steps are for blue-green and canary: refused with recreate; blue-green's one step must be 100", () => {
    assert.deepStrictEqual(problemsOf({ strategy: "recreate", acceptDowntime: true, steps: [100] }), [
      "`steps` ([100]) is for blue-green and canary only, not `recreate`",
    ]);
    assert.deepStrictEqual(problemsOf({ strategy: "blue-green", steps: [50] }), [
      "`steps` ([50]) must be [100] for blue-green (all at once); steps before 100 are a canary",
    ]);
  });

  it("acceptDowntime true is for recreate only", () => {
    assert.deepStrictEqual(problemsOf({ strategy: "rolling", acceptDowntime: true }), [
      "`acceptDowntime` (true) is for recreate only, not `rolling`",
    ]);
  });
});
