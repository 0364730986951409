// Every bad input is refused before any engine call, with a message naming the input, the value and what
// is allowed.
import assert from "assert";
import { BlueGreenDeployment } from "../../automation/blueGreen";
import { InvalidInputError } from "../../automation/errors";
import { AMI_1, harness, type Harness } from "./harness";

type Call = (h: Harness) => Promise<unknown>;

const CASES: [string, Call, RegExp][] = [
  [
    "release with upper case",
    (h) => h.deployment.up({ release: "V1", imageId: AMI_1 }),
    /`release` \("V1"\) must be 1–40 lower-case/,
  ],
  [
    "release too long",
    (h) => h.deployment.up({ release: "a".repeat(41), imageId: AMI_1 }),
    /`release` \("a{41}"\)/,
  ],
  [
    "release ending in a dash",
    (h) => h.deployment.up({ release: "v1-", imageId: AMI_1 }),
    /`release` \("v1-"\)/,
  ],
  [
    "AMI id",
    (h) => h.deployment.up({ release: "v1", imageId: "ami-123" }),
    /`imageId` \("ami-123"\) must be an AMI id: `ami-` and 8 or 17 hex digits/,
  ],
  [
    "instance type",
    (h) => h.deployment.up({ release: "v1", imageId: AMI_1, instanceType: "large" }),
    /`instanceType` \("large"\) must be an EC2 instance type/,
  ],
  [
    "capacity 0",
    (h) => h.deployment.up({ release: "v1", imageId: AMI_1, capacity: 0 }),
    /`capacity` \(0\) must be an integer from 1 to 1000/,
  ],
  [
    "capacity fraction",
    (h) => h.deployment.up({ release: "v1", imageId: AMI_1, capacity: 1.5 }),
    /`capacity` \(1.5\)/,
  ],
  [
    "desired outside min..max",
    (h) => h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 2, max: 4, desired: 5 } }),
    /`capacity.desired` \(5\) must be between `capacity.min` \(2\) and `capacity.max` \(4\)/,
  ],
  [
    "steps not ending at 100",
    (h) => h.deployment.swap({ steps: [10, 50] }),
    /`steps` \(\[10,50\]\) must be a list of integer percentages .* ending at 100/,
  ],
  ["steps not increasing", (h) => h.deployment.swap({ steps: [50, 10, 100] }), /`steps` \(\[50,10,100\]\)/],
  ["steps with a fraction", (h) => h.deployment.swap({ steps: [12.5, 100] }), /`steps` \(\[12.5,100\]\)/],
  ["steps above 100", (h) => h.deployment.swap({ steps: [50, 150] }), /`steps` \(\[50,150\]\)/],
  ["no steps", (h) => h.deployment.swap({ steps: [] }), /`steps` \(\[\]\).*\(1 to 20 steps\)/],
  [
    "negative pause",
    (h) => h.deployment.swap({ pauseMs: -1 }),
    /`pauseMs` \(-1\) must be a whole number of milliseconds/,
  ],
  [
    "infinite settle",
    (h) => h.deployment.swap({ verify: { settleMs: Infinity } }),
    /`verify.settleMs` \(Infinity\)/,
  ],
  [
    "empty alarm name",
    (h) => h.deployment.swap({ verify: { alarmNames: [""] } }),
    /`verify.alarmNames` \(\[""\]\) must be a list of up to 100 CloudWatch alarm names/,
  ],
  [
    "colour",
    (h) => h.deployment.destroy({ colour: "red" as "blue" }),
    /`colour` \("red"\) must be one of blue, green/,
  ],
  ["heal steps", (h) => h.deployment.heal({ steps: [0, 100] }), /`steps` \(\[0,100\]\)/],
  [
    "bootstrap port",
    (h) => h.deployment.bootstrap({ network: { appPort: 70000 } }),
    /`network.appPort` \(70000\) must be an integer from 1 to 65535/,
  ],
  ["history limit", (h) => h.deployment.history({ limit: 0 }), /`limit` \(0\) must be an integer from 1/],
];

describe("workflow input validation", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  for (const [name, call, message] of CASES) {
    it(`refuses a bad ${name} before any engine call`, async () => {
      await assert.rejects(call(h), (error: Error) => {
        assert.ok(error instanceof InvalidInputError, `${error.name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
      assert.strictEqual(h.engine.callCount, 0);
    });
  }

  it("reports every problem of one call at once", async () => {
    await assert.rejects(
      h.deployment.up({ release: "V1", imageId: "ami-x", instanceType: "x" }),
      (error: InvalidInputError) => error.problems.length === 3,
    );
  });

  it("refuses app and env names that are not safe in stack names", () => {
    const base = { engine: h.engine, probe: h.probe, stateDir: h.stateDir };
    assert.throws(
      () => new BlueGreenDeployment({ ...base, app: "My_App", env: "prod" }),
      /`app` \("My_App"\) must be 2–32 lower-case letters/,
    );
    assert.throws(() => new BlueGreenDeployment({ ...base, app: "shop", env: "-prod" }), /`env` \("-prod"\)/);
    assert.throws(
      () => new BlueGreenDeployment({ ...base, app: "shop", env: "prod", keepWarmMs: 1.5 }),
      /`keepWarmMs` \(1.5\)/,
    );
    assert.throws(
      () => new BlueGreenDeployment({ ...base, app: "shop", env: "prod", stateDir: "" }),
      /`stateDir` \(""\) must be a directory path/,
    );
  });
});
