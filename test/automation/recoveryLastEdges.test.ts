// The last edges of issue 12's mutation run of automation/recovery: a heal killed before its swap never
// destroys the colour that serves; a recovery that fails ends failed and names why; heal's network update for
// a security group changed beyond its rules; a drifted live fleet whose idle colour's stack is gone; the steps of
// a heal with both colours drifted; an existing VPC compared with the deployed one as sets.
import assert from "assert";
import { NetworkMismatchError } from "../../automation/errors";
import { assertSameVpc } from "../../automation/existingVpc";
import { crashable, crashDuring, type Crashable } from "./crash";
import { AMI_1, AMI_2, APP, ENV, deployedOnce, harness, releaseOf, weights, type Harness } from "./harness";

const NETWORK = `${APP}-${ENV}-network`;
const BLUE = `${APP}-${ENV}-blue`;
const GREEN = `${APP}-${ENV}-green`;
const SG = "aws:ec2/securityGroup:SecurityGroup";

describe("recovery, last edges", () => {
  let c: Crashable;
  beforeEach(() => (c = crashable()));
  afterEach(() => c.h.cleanup());

  it("a heal killed while deploying the new fleet: that fleet destroyed, the drifted colour (serving) kept", async () => {
    const { h } = c;
    await deployedOnce(h);
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 7 });
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === GREEN));
    await crashDuring(h.deployment.heal(), () => hung);
    c.kill();
    await h.deployment.bootstrap();
    assert.deepStrictEqual(h.violations, []);
    assert.strictEqual(releaseOf(h.engine, "blue"), "v1");
    assert.ok(!h.engine.stackNames().includes(GREEN));
    assert.deepStrictEqual(weights(h.engine), { blue: 100, green: 0 });
  });

  it("a recovery that fails ends failed with the error, and the workflow that ran it fails with it", async () => {
    const { h } = c;
    await h.deployment.bootstrap();
    let hung = false;
    c.arm((call) => (hung = call.method === "up" && call.stack === BLUE));
    await crashDuring(h.deployment.up({ release: "v1", imageId: AMI_1 }), () => hung);
    c.kill();
    h.engine.failWhen((call) => (call.method === "destroy" && call.stack === BLUE ? "before" : undefined));
    await assert.rejects(
      h.deployment.bootstrap(),
      /injected fault before engine call #\d+ \(destroy shop-prod-blue\)/,
    );
    h.engine.failWhen(undefined);
    const end = (await h.journal()).filter((l) => l.type === "end").at(-1)!;
    assert.ok(end.type === "end");
    assert.deepStrictEqual([end.workflow, end.status], ["recover", "failed"]);
    assert.match(end.error!, /^injected fault before engine call #\d+ \(destroy shop-prod-blue\)$/);
  });
});

describe("heal, last edges", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await deployedOnce(h);
  });
  afterEach(() => h.cleanup());

  it("a security group with a stray rule and changed tags: the rule revoked and the network updated", async () => {
    const group = h.engine
      .inspect(NETWORK)!
      .resources.find((r) => r.type === SG && /fleet/.test(r.name))!.name;
    const live = h.engine.liveOutputs(NETWORK, group)!;
    h.engine.simulateDrift(NETWORK, group, {
      tags: { changed: "by hand" },
      ingress: [
        ...(Array.isArray(live.ingress) ? live.ingress : []),
        { protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] },
      ],
    });
    const result = await h.deployment.heal();
    assert.deepStrictEqual([result.revokedRules?.length, result.networkRestored], [1, true]);
  });

  it("a drifted live fleet whose idle colour's stack is gone (retired, then destroyed): replaced all the same", async () => {
    await h.deployment.up({ release: "v2", imageId: AMI_2 });
    await h.deployment.swap();
    await h.deployment.destroy({ colour: "blue", force: true });
    h.engine.simulateDrift(GREEN, `${GREEN}-asg`, { maxSize: 9 });
    const result = await h.deployment.heal();
    assert.deepStrictEqual([result.from, result.to], ["green", "blue"]);
    assert.strictEqual(releaseOf(h.engine, "blue"), "v2");
  });

  it("both colours drifted: the idle one destroyed, the state read again, then the same release deployed there", async () => {
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    h.engine.simulateDrift(BLUE, `${BLUE}-asg`, { maxSize: 9 });
    h.engine.simulateDrift(GREEN, `${GREEN}-asg`, { maxSize: 7 });
    const from = (await h.journal()).length;
    await h.deployment.heal();
    const steps = (await h.journal())
      .slice(from)
      .flatMap((l) => (l.type === "step" && l.status === "started" ? [l.step] : []));
    const at = steps.indexOf("up:destroy-old");
    assert.deepStrictEqual(steps.slice(at, at + 3), ["up:destroy-old", "up:read-state", "read-live-config"]);
  });
});

describe("recovery and heal, the very last edges", () => {
  it("a rollback after a rolling release killed before its scale-up changed anything: no capacity to put back", async () => {
    const c = crashable();
    try {
      const { h } = c;
      await h.deployment.bootstrap();
      await h.deployment.up({ release: "v1", imageId: AMI_1, capacity: { min: 1, max: 6, desired: 4 } });
      await h.deployment.swap();
      await h.deployment.release({ strategy: "rolling", release: "v2", imageId: AMI_2, batch: "50%" });
      let hung = false;
      // Killed as it writes the scale-up's config: the capacity it journaled it would change is unchanged.
      c.arm((call) => (hung = call.method === "setAllConfig" && call.stack === BLUE));
      await crashDuring(h.deployment.rollback(), () => hung);
      c.kill();
      await h.deployment.bootstrap();
      const recovered = (await h.deployment.history()).find((r) => r.status === "recovered");
      assert.deepStrictEqual([recovered?.workflow, recovered?.recovery], ["rollback", "nothing to undo"]);
      assert.strictEqual(h.engine.inspect(BLUE)?.outputs.desiredCapacity, 0);
    } finally {
      c.h.cleanup();
    }
  });

  it("a stray egress rule alone is revoked; the network needs no update", async () => {
    const h = harness();
    try {
      await deployedOnce(h);
      const group = h.engine
        .inspect(NETWORK)!
        .resources.find((r) => r.type === SG && /fleet/.test(r.name))!.name;
      const live = h.engine.liveOutputs(NETWORK, group)!;
      h.engine.simulateDrift(NETWORK, group, {
        egress: [
          ...(Array.isArray(live.egress) ? live.egress : []),
          { protocol: "tcp", fromPort: 25, toPort: 25, cidrBlocks: ["203.0.113.7/32"] },
        ],
      });
      const { drift: _drift, revokedRules, ...result } = await h.deployment.heal();
      assert.deepStrictEqual(result, { healed: true });
      assert.deepStrictEqual(
        revokedRules?.map((r) => [r.direction, r.fromPort]),
        [["egress", 25]],
      );
    } finally {
      h.cleanup();
    }
  });
});

describe("an existing VPC against the deployed one", () => {
  const deployed = {
    vpcId: "vpc-0123abcd",
    publicSubnetIds: ["subnet-0a1b2c3d", "subnet-4e5f6a7b"],
    privateSubnetIds: ["subnet-11111111"],
  };

  it("accepts the same subnets in another order, and anything when nothing is deployed", () => {
    assertSameVpc("n", deployed, { ...deployed, publicSubnetIds: ["subnet-4e5f6a7b", "subnet-0a1b2c3d"] });
    assertSameVpc("n", undefined, deployed);
  });

  it("refuses as many subnets but another one, and fewer subnets", () => {
    assert.throws(
      () =>
        assertSameVpc("n", deployed, {
          ...deployed,
          publicSubnetIds: ["subnet-0a1b2c3d", "subnet-99999999"],
        }),
      NetworkMismatchError,
    );
    assert.throws(
      () => assertSameVpc("n", deployed, { ...deployed, publicSubnetIds: ["subnet-0a1b2c3d"] }),
      NetworkMismatchError,
    );
    assert.throws(
      () =>
        assertSameVpc("n", deployed, {
          ...deployed,
          publicSubnetIds: [...deployed.publicSubnetIds, "subnet-99999999"],
        }),
      NetworkMismatchError,
      "more subnets, the deployed ones among them",
    );
  });
});
