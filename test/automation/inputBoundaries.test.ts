// The edges of every input check (automation/validate.ts, automation/fleetOptions.ts): the largest and smallest
// values accepted, the first ones refused, values of the wrong type that would read as valid once turned into
// text, and the refusal as the user reads it (input, value, what is allowed).
import { strict as assert } from "assert";
import { InvalidInputError } from "../../automation/errors";
import { checkCapacity, checkDeployOptions, checkVerify } from "../../automation/fleetOptions";
import type { DeployOptions } from "../../automation/types";
import { checkAppEnv, isColour, MAX_DURATION_MS, Problems } from "../../automation/validate";

const AMI = "ami-0123456789abcdef0";

/** The problems one check finds. */
function problemsOf(check: (problems: Problems) => void): string[] {
  const problems = new Problems();
  check(problems);
  return problems.list;
}

describe("input checks at their edges", () => {
  describe("names, releases, AMI ids, instance types", () => {
    it("refuses values that are not strings even when their text would match", () => {
      assert.deepEqual(
        problemsOf((p) => {
          p.name("app", ["shop"]);
          p.release("release", ["v1"]);
          p.imageId("imageId", [AMI]);
          p.instanceType("instanceType", ["t3.micro"]);
        }),
        [
          '`app` (["shop"]) must be 2–32 lower-case letters, digits or inner dashes, starting with a letter (it is part of stack names)',
          '`release` (["v1"]) must be 1–40 lower-case letters, digits, dots or inner dashes, such as `v1.4.2` or `2024-06-01.3`',
          '`imageId` (["ami-0123456789abcdef0"]) must be an AMI id: `ami-` and 8 or 17 hex digits',
          '`instanceType` (["t3.micro"]) must be an EC2 instance type such as `t3.micro`',
        ],
      );
    });

    it("shows values JSON cannot spell: a symbol by its name, a bigint with its n, a function by its kind", () => {
      assert.deepEqual(
        problemsOf((p) => {
          p.release("release", Symbol("v1"));
          p.integer("limit", 2n, 1, 10);
          p.name("env", () => "prod");
          p.integer("limit", undefined, 1, 10, false);
          const circular: Record<string, unknown> = { min: 1 };
          circular.self = circular;
          p.integer("capacity", circular, 1, 10);
        }),
        [
          "`release` (Symbol(v1)) must be 1–40 lower-case letters, digits, dots or inner dashes, such as `v1.4.2` or `2024-06-01.3`",
          "`limit` (2n) must be an integer from 1 to 10",
          "`env` (a function) must be 2–32 lower-case letters, digits or inner dashes, starting with a letter (it is part of stack names)",
          "`limit` (undefined) must be an integer from 1 to 10",
          "`capacity` (a circular object) must be an integer from 1 to 10",
        ],
      );
    });

    it("accepts a colour and refuses anything else, naming the colours", () => {
      assert.equal(isColour("blue"), true);
      assert.equal(isColour("green"), true);
      assert.equal(isColour("red"), false);
      assert.deepEqual(
        problemsOf((p) => {
          p.colour("colour", "green");
          p.instanceType("instanceType", "t3.micro");
          p.instanceType("instanceType", undefined);
        }),
        [],
      );
      assert.deepEqual(
        problemsOf((p) => p.colour("colour", "Blue")),
        ['`colour` ("Blue") must be one of blue, green'],
      );
    });
  });

  describe("integers and durations", () => {
    it("accepts both ends of an integer's range and refuses one past either", () => {
      assert.deepEqual(
        problemsOf((p) => {
          p.integer("n", 1, 1, 10);
          p.integer("n", 10, 1, 10);
          p.integer("n", 0, 1, 10);
          p.integer("n", 11, 1, 10);
        }),
        ["`n` (0) must be an integer from 1 to 10", "`n` (11) must be an integer from 1 to 10"],
      );
    });

    it("accepts 0 and a week as durations, refuses a week and a millisecond, and lets an unset one pass", () => {
      assert.equal(MAX_DURATION_MS, 604_800_000);
      assert.deepEqual(
        problemsOf((p) => {
          p.duration("pauseMs", 0);
          p.duration("pauseMs", 604_800_000);
          p.duration("pauseMs", undefined);
          p.duration("pauseMs", 604_800_001);
          p.duration("pauseMs", "5");
        }),
        [
          "`pauseMs` (604800001) must be a whole number of milliseconds from 0 to 604800000 (7 days)",
          '`pauseMs` ("5") must be a whole number of milliseconds from 0 to 604800000 (7 days)',
        ],
      );
    });
  });

  describe("swap steps", () => {
    const allowed =
      "must be a list of integer percentages from 1 to 100, strictly increasing, ending at 100, such as [10, 50, 100]";

    it("accepts 1 % as a first step and 20 steps", () => {
      const twenty = Array.from({ length: 20 }, (_, i) => (i + 1) * 5);
      assert.deepEqual(
        problemsOf((p) => {
          p.steps("steps", [1, 100]);
          p.steps("steps", twenty);
          p.steps("steps", [100]);
        }),
        [],
      );
    });

    it("refuses 21 steps, a repeated step and a step of 0", () => {
      const twentyOne = [...Array.from({ length: 20 }, (_, i) => i + 1), 100];
      assert.deepEqual(
        problemsOf((p) => {
          p.steps("steps", twentyOne);
          p.steps("steps", [50, 50, 100]);
          p.steps("steps", [0, 100]);
        }),
        [
          `\`steps\` (${JSON.stringify(twentyOne)}) ${allowed} (1 to 20 steps)`,
          `\`steps\` ([50,50,100]) ${allowed}`,
          `\`steps\` ([0,100]) ${allowed}`,
        ],
      );
    });
  });

  describe("alarm names", () => {
    const allowed = "must be a list of up to 100 CloudWatch alarm names (1–255 characters each)";

    it("accepts no alarms, 100 alarms, and names of 1 and 255 characters", () => {
      assert.deepEqual(
        problemsOf((p) => {
          p.alarmNames("verify.alarmNames", undefined);
          p.alarmNames(
            "verify.alarmNames",
            Array.from({ length: 100 }, (_, i) => `alarm-${i}`),
          );
          p.alarmNames("verify.alarmNames", ["a", "b".repeat(255)]);
        }),
        [],
      );
    });

    it("refuses 101 alarms, a name of 256 characters, an empty name among good ones, and a name that is not text", () => {
      const many = Array.from({ length: 101 }, () => "a");
      assert.deepEqual(
        problemsOf((p) => {
          p.alarmNames("verify.alarmNames", many);
          p.alarmNames("verify.alarmNames", ["c".repeat(256)]);
          p.alarmNames("verify.alarmNames", ["ok", ""]);
          p.alarmNames("verify.alarmNames", [5]);
        }),
        [
          `\`verify.alarmNames\` (${JSON.stringify(many)}) ${allowed}`,
          `\`verify.alarmNames\` (["${"c".repeat(256)}"]) ${allowed}`,
          `\`verify.alarmNames\` (["ok",""]) ${allowed}`,
          `\`verify.alarmNames\` ([5]) ${allowed}`,
        ],
      );
    });
  });

  describe("app and env", () => {
    const nameRule =
      "must be 2–32 lower-case letters, digits or inner dashes, starting with a letter (it is part of stack names)";
    const stackRule = "and `env` together must make stack names of at most 100 characters";

    it("adds the stack-name problem only past 100 characters (`<app>-<env>-network`)", () => {
      const at100 = "a".repeat(87); // 87 + "-prod-network" = 100
      const at101 = "a".repeat(88);
      assert.deepEqual(
        problemsOf((p) => checkAppEnv(p, at100, "prod")),
        [`\`app\` ("${at100}") ${nameRule}`],
      );
      assert.deepEqual(
        problemsOf((p) => checkAppEnv(p, at101, "prod")),
        [`\`app\` ("${at101}") ${nameRule}`, `\`app\` ("${at101}") ${stackRule}`],
      );
    });

    it("judges stack names only when both app and env are strings", () => {
      const long = "a".repeat(120);
      assert.deepEqual(
        problemsOf((p) => checkAppEnv(p, long, 5)),
        [`\`app\` ("${long}") ${nameRule}`, `\`env\` (5) ${nameRule}`],
      );
      assert.deepEqual(
        problemsOf((p) => checkAppEnv(p, 5, long)),
        [`\`app\` (5) ${nameRule}`, `\`env\` ("${long}") ${nameRule}`],
      );
      assert.deepEqual(
        problemsOf((p) => checkAppEnv(p, "shop", "prod")),
        [],
      );
    });

    it("throws every problem at once as InvalidInputError", () => {
      const problems = new Problems();
      checkAppEnv(problems, "A", "B");
      assert.throws(
        () => problems.done(),
        (error: unknown) =>
          error instanceof InvalidInputError &&
          error.message === `Invalid input:\n  - \`app\` ("A") ${nameRule}\n  - \`env\` ("B") ${nameRule}`,
      );
      new Problems().done();
    });
  });

  describe("capacity", () => {
    it("accepts a fixed-size fleet (min = desired = max), 0 as min, and 1000 instances", () => {
      assert.deepEqual(
        problemsOf((p) => {
          checkCapacity(p, { min: 3, max: 3, desired: 3 });
          checkCapacity(p, { min: 0, max: 1, desired: 1 });
          checkCapacity(p, { min: 1, max: 1000, desired: 1000 });
          checkCapacity(p, 1000);
          checkCapacity(p, 1);
          checkCapacity(p, undefined);
        }),
        [],
      );
    });

    it("refuses a min above max, a desired outside min..max, and missing fields", () => {
      assert.deepEqual(
        problemsOf((p) => {
          checkCapacity(p, { min: 4, max: 3, desired: 3 });
          checkCapacity(p, { min: 2, max: 4, desired: 1 });
          checkCapacity(p, { min: 2, max: 4, desired: 5 });
          checkCapacity(p, {} as never);
        }),
        [
          "`capacity.min` (4) must not exceed `capacity.max` (3)",
          "`capacity.desired` (1) must be between `capacity.min` (2) and `capacity.max` (4)",
          "`capacity.desired` (5) must be between `capacity.min` (2) and `capacity.max` (4)",
          "`capacity.min` (undefined) must be an integer from 0 to 1000",
          "`capacity.max` (undefined) must be an integer from 1 to 1000",
          "`capacity.desired` (undefined) must be an integer from 1 to 1000",
        ],
      );
    });

    it("refuses a capacity that is neither a number nor an object", () => {
      assert.deepEqual(
        problemsOf((p) => {
          checkCapacity(p, null as never);
          checkCapacity(p, "3" as never);
          checkCapacity(p, 1001);
        }),
        [
          "`capacity` (null) must be a number of instances or { min, max, desired }",
          '`capacity` ("3") must be a number of instances or { min, max, desired }',
          "`capacity` (1001) must be an integer from 1 to 1000",
        ],
      );
    });
  });

  describe("deploy options and verify", () => {
    const base: DeployOptions = { release: "v1", imageId: AMI };

    it("accepts user data of 16 KiB and refuses one character more, showing its length, not its text", () => {
      assert.deepEqual(
        problemsOf((p) => checkDeployOptions(p, { ...base, userData: "x".repeat(16384) }, "prod")),
        [],
      );
      assert.deepEqual(
        problemsOf((p) => checkDeployOptions(p, { ...base, userData: "x".repeat(16385) }, "prod")),
        ['`userData` ("16385 characters") must be a string of at most 16 KiB'],
      );
      assert.deepEqual(
        problemsOf((p) => checkDeployOptions(p, { ...base, userData: 7 as never }, "prod")),
        ["`userData` (7) must be a string of at most 16 KiB"],
      );
    });

    it("names each verify duration it refuses", () => {
      assert.deepEqual(
        problemsOf((p) => checkVerify(p, { settleMs: -1, dnsSettleMs: -2 })),
        [
          "`verify.settleMs` (-1) must be a whole number of milliseconds from 0 to 604800000 (7 days)",
          "`verify.dnsSettleMs` (-2) must be a whole number of milliseconds from 0 to 604800000 (7 days)",
        ],
      );
      assert.deepEqual(
        problemsOf((p) => checkVerify(p, { settleMs: 5 })),
        [],
      );
    });
  });
});
