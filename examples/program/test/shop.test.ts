// Unit tests of the shop under Pulumi's mock runtime, with phoenix-fleet/testing: `setPhoenixMocks` answers every
// resource with realistic outputs (the golden AMI's id included) and supports the resource hooks ImmutableFleet
// registers; `valueOf` awaits an output. Nothing here needs the Pulumi CLI or an AWS account.
import assert from "node:assert/strict";
import { setPhoenixMocks, valueOf } from "phoenix-fleet/testing";
import { createShop, shopProblems, type Shop, type ShopArgs } from "../shop";

const PINNED_AMI = "ami-0123456789abcdef0";

function args(overrides: Partial<ShopArgs> = {}): ShopArgs {
  return {
    vpcId: "vpc-0123456789abcdef0",
    publicSubnetIds: ["subnet-0aaaaaaaaaaaaaaaa", "subnet-0bbbbbbbbbbbbbbbb"],
    privateSubnetIds: ["subnet-0cccccccccccccccc"],
    parentImage: "ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64",
    buildSteps: ["dnf install -y nginx"],
    fleets: { blue: { release: "v1", imageId: PINNED_AMI }, green: { release: "v2" } },
    live: "blue",
    ...overrides,
  };
}

interface ForwardAction {
  type: string;
  forward?: { targetGroups: { arn: string; weight?: number }[] };
}

describe("the shop", () => {
  before(async () => {
    // Before any resource is created (shop.ts creates them only when createShop is called).
    await setPhoenixMocks({ project: "shop", stack: "dev" });
  });

  describe("with blue pinned to v1's AMI, green on v2 from the golden AMI, green live", () => {
    // One shop for the assertions that only read it: each shop is five components and about twenty resources.
    let shop: Shop;
    before(() => {
      shop = createShop("dev", args({ live: "green" }));
    });

    it("boots the new release from the golden AMI it bakes, and the pinned one from its own AMI", async () => {
      const golden = await valueOf(shop.ami.imageId);
      assert.match(golden, /^ami-[0-9a-f]{17}$/);
      assert.notEqual(golden, PINNED_AMI);
      assert.equal(await valueOf(shop.fleets.green!.launchTemplate.imageId), golden);
      assert.equal(await valueOf(shop.fleets.blue!.launchTemplate.imageId), PINNED_AMI);
    });

    it("registers each colour's fleet in its own target group, in the private subnets", async () => {
      for (const colour of ["blue", "green"] as const) {
        const group = shop.fleets[colour]!.autoScalingGroup;
        assert.deepEqual(await valueOf(group.targetGroupArns), [
          await valueOf(shop.network.targetGroups[colour].arn),
        ]);
        assert.deepEqual(await valueOf(group.vpcZoneIdentifiers), ["subnet-0cccccccccccccccc"]);
      }
    });

    it("sends all the traffic to the live colour", async () => {
      assert.deepEqual(shop.router.weights, { blue: 0, green: 100 });
      const [action] = (await valueOf(shop.router.listener.defaultActions)) as ForwardAction[];
      const weights = Object.fromEntries(action.forward!.targetGroups.map((g) => [g.arn, g.weight]));
      assert.deepEqual(weights, {
        [await valueOf(shop.network.targetGroups.blue.arn)]: 0,
        [await valueOf(shop.network.targetGroups.green.arn)]: 100,
      });
    });
  });

  it("gives a new release a new identity, so the engine replaces the fleet instead of updating it", async () => {
    const v1 = createShop("v1", args({ fleets: { blue: { release: "v1", imageId: PINNED_AMI } } }));
    const v2 = createShop("v2", args({ fleets: { blue: { release: "v2", imageId: PINNED_AMI } } }));
    const [name1, name2] = [
      await valueOf(v1.fleets.blue!.launchTemplateName),
      await valueOf(v2.fleets.blue!.launchTemplateName),
    ];
    assert.notEqual(await valueOf(v1.fleets.blue!.identity), await valueOf(v2.fleets.blue!.identity));
    assert.notEqual(name1, name2);
  });

  it("sizes a fleet from its capacity", async () => {
    const capacity = { min: 2, max: 6, desired: 4 };
    const shop = createShop("sized", args({ fleets: { blue: { release: "v1", capacity } } }));
    const group = shop.fleets.blue!.autoScalingGroup;
    assert.deepEqual(
      [await valueOf(group.minSize), await valueOf(group.maxSize), await valueOf(group.desiredCapacity)],
      [2, 6, 4],
    );
  });

  it("refuses a live colour without a fleet, naming the input, the value and what is allowed", () => {
    assert.throws(
      () => createShop("nofleet", args({ fleets: { blue: { release: "v1" } }, live: "green" })),
      /`live` \("green"\) must be a colour that has a fleet \("blue"\) or "none"/,
    );
  });

  it("refuses a colour that does not exist", () => {
    const fleets = { purple: { release: "v1" } } as unknown as ShopArgs["fleets"];
    assert.throws(
      () => createShop("purple", args({ fleets, live: "none" })),
      /`fleets` has \["purple"\]: the colours are "blue" and "green"/,
    );
  });

  it("reports the components' problems too, all at once, from their own checks", () => {
    const bad = args({
      parentImage: "ubuntu",
      fleets: { blue: { release: "Version 1!", capacity: { min: 3, max: 2, desired: 2 } } },
    });
    assert.deepEqual(
      shopProblems("bad", bad).map((problem) => problem.split("\n")[0]),
      [
        'Invalid arguments for GoldenAmi "bad" (1 problem):',
        'Invalid arguments for ImmutableFleet "bad-blue" (2 problems):',
      ],
    );
    assert.throws(() => createShop("bad", bad), /`release` \("Version 1!"\)[\s\S]*`minSize` \(3\)/);
  });
});
