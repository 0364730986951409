// Bootstrapping into an existing VPC through the library: the ids reach the network stack's config, the
// fleets land in its private subnets, every bad input is refused before any engine call, and a network stack
// deployed with another VPC (or other subnets) is refused, naming both, without touching any stack.
import assert from "assert";
import { InvalidInputError, NetworkMismatchError } from "../../automation/errors";
import type { BootstrapOptions } from "../../automation/types";
import { AMI_1, harness, type Harness } from "./harness";

const VPC = "vpc-0a1b2c3d4e5f60718";
const OTHER_VPC = "vpc-0fedcba987654321f";
const PUBLIC = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const PRIVATE = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
const EXISTING = { vpcId: VPC, publicSubnetIds: PUBLIC, privateSubnetIds: PRIVATE };

type Network = NonNullable<BootstrapOptions["network"]>;

describe("bootstrap into an existing VPC", () => {
  let h: Harness;
  beforeEach(() => (h = harness()));
  afterEach(() => h.cleanup());

  const networkConfig = () => h.engine.inspect("shop-prod-network")?.config ?? {};

  it("gives the network stack the VPC and subnets as config, creates no VPC, and the fleets use the private subnets", async () => {
    assert.deepStrictEqual(await h.deployment.bootstrap({ network: { ...EXISTING, appPort: 9000 } }), {
      created: ["network", "router"],
      existing: [],
    });
    const config = networkConfig();
    assert.strictEqual(config["phoenix:vpcId"], VPC);
    assert.deepStrictEqual(JSON.parse(String(config["phoenix:publicSubnetIds"])), PUBLIC);
    assert.deepStrictEqual(JSON.parse(String(config["phoenix:privateSubnetIds"])), PRIVATE);
    assert.strictEqual(config["phoenix:appPort"], "9000", "the other network options still apply");
    const network = h.engine.inspect("shop-prod-network")!;
    assert.deepStrictEqual(
      network.resources.filter((r) => /ec2\/(vpc|subnet):/.test(r.type)),
      [],
      "no VPC or subnet is created in an existing VPC",
    );
    assert.strictEqual(network.outputs.vpcId, VPC);

    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    const group = h.engine
      .inspect("shop-prod-blue")!
      .resources.find((r) => r.type === "aws:autoscaling/group:Group")!;
    assert.deepStrictEqual(group.inputs.vpcZoneIdentifiers, PRIVATE);
  });

  it("without VPC options creates the VPC as before: no VPC keys in the config", async () => {
    await h.deployment.bootstrap();
    const config = networkConfig();
    for (const key of ["vpcId", "publicSubnetIds", "privateSubnetIds"])
      assert.strictEqual(config[`phoenix:${key}`], undefined, key);
  });

  it("is idempotent with the same VPC, subnets in any order", async () => {
    await h.deployment.bootstrap({ network: EXISTING });
    const again = await h.deployment.bootstrap({
      network: { ...EXISTING, publicSubnetIds: [...PUBLIC].reverse() },
    });
    assert.deepStrictEqual(again, { created: [], existing: ["network", "router"] });
    assert.deepStrictEqual(await h.deployment.bootstrap(), { created: [], existing: ["network", "router"] });
  });

  it("a retry after a failed bootstrap uses the VPC it is given now, not the failed attempt's", async () => {
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === "shop-prod-network" ? "midway" : undefined,
    );
    await assert.rejects(h.deployment.bootstrap({ network: EXISTING }), /injected fault/);
    h.engine.clearFaults();
    await h.deployment.bootstrap();
    const config = networkConfig();
    assert.deepStrictEqual(
      ["vpcId", "publicSubnetIds", "privateSubnetIds"].map((key) => config[`phoenix:${key}`]),
      ["", "", ""],
      "blanked: an empty value reads as unset",
    );
    assert.notStrictEqual(h.engine.inspect("shop-prod-network")!.outputs.vpcId, VPC);
  });

  it("a retry into an existing VPC after a failed bootstrap drops the failed attempt's VPC CIDR", async () => {
    h.engine.failWhen((call) =>
      call.method === "up" && call.stack === "shop-prod-network" ? "midway" : undefined,
    );
    await assert.rejects(h.deployment.bootstrap({ network: { vpcCidr: "10.1.0.0/16" } }), /injected fault/);
    h.engine.clearFaults();
    await h.deployment.bootstrap({ network: EXISTING });
    assert.strictEqual(networkConfig()["phoenix:vpcCidr"], "");
    assert.strictEqual(h.engine.inspect("shop-prod-network")!.outputs.vpcId, VPC);
  });

  describe("a network stack deployed with another VPC", () => {
    const refused = async (network: Network, message: RegExp) => {
      const before = h.engine.calls.filter((c) => c.method === "up" || c.method === "setAllConfig").length;
      await assert.rejects(h.deployment.bootstrap({ network }), (error: Error) => {
        assert.ok(error instanceof NetworkMismatchError, `${error.name}: ${error.message}`);
        assert.match(error.message, message);
        return true;
      });
      assert.strictEqual(
        h.engine.calls.filter((c) => c.method === "up" || c.method === "setAllConfig").length,
        before,
        "no stack was changed",
      );
    };

    it("refuses another VPC, naming both, and changes no stack (not even a missing router)", async () => {
      await h.deployment.bootstrap({ network: EXISTING });
      await h.engine.createOrSelectStack("shop-prod-router", "router").then((s) => s.destroy());
      await refused(
        { ...EXISTING, vpcId: OTHER_VPC },
        new RegExp(
          `^shop-prod-network uses VPC ${VPC}, not ${OTHER_VPC}: nothing was changed\\. .*would replace its load balancer`,
        ),
      );
    });

    it("refuses an existing VPC for a network whose VPC Phoenix created", async () => {
      await h.deployment.bootstrap();
      const created = String(h.engine.inspect("shop-prod-network")!.outputs.vpcId);
      await refused(EXISTING, new RegExp(`shop-prod-network uses VPC ${created}, not ${VPC}`));
    });

    it("refuses other subnets of the same VPC, naming both sets", async () => {
      await h.deployment.bootstrap({ network: EXISTING });
      await refused(
        { ...EXISTING, privateSubnetIds: ["subnet-0ccccccccccccccc1"] },
        /uses VPC vpc-0a1b2c3d4e5f60718 with public subnets .*; private subnets subnet-0bbbbbbbbbbbbbbb1, subnet-0bbbbbbbbbbbbbbb2; bootstrap was given .*private subnets subnet-0ccccccccccccccc1: nothing was changed/,
      );
    });

    it("carries both VPCs as fields, for callers that branch on them", async () => {
      await h.deployment.bootstrap({ network: EXISTING });
      const error = await h.deployment.bootstrap({ network: { ...EXISTING, vpcId: OTHER_VPC } }).then(
        () => assert.fail("refused"),
        (e: unknown) => e as NetworkMismatchError,
      );
      assert.deepStrictEqual(
        [error.stack, error.deployed.vpcId, error.requested.vpcId],
        ["shop-prod-network", VPC, OTHER_VPC],
      );
    });
  });

  describe("validation, before any engine call", () => {
    const CASES: [string, Network, RegExp[]][] = [
      [
        "a VPC id of the wrong shape",
        { ...EXISTING, vpcId: "vpc-XYZ" },
        [/`network.vpcId` \("vpc-XYZ"\) must be a VPC id: `vpc-` and 8 to 17 lower-case hex digits/],
      ],
      [
        "a subnet id of the wrong shape",
        { ...EXISTING, publicSubnetIds: [PUBLIC[0], "subnet-1"] },
        [/`network.publicSubnetIds` \("subnet-1"\) is not a subnet id: `subnet-` and 8 to 17/],
      ],
      [
        "the VPC id alone",
        { vpcId: VPC },
        [
          /`network.publicSubnetIds` is required with `network.vpcId`: an existing VPC needs all three/,
          /`network.privateSubnetIds` is required with `network.vpcId`:/,
        ],
      ],
      [
        "the subnets without the VPC id",
        { publicSubnetIds: PUBLIC, privateSubnetIds: PRIVATE },
        [/`network.vpcId` is required with `network.publicSubnetIds` and `network.privateSubnetIds`/],
      ],
      [
        "one public subnet (an ALB needs two Availability Zones)",
        { ...EXISTING, publicSubnetIds: [PUBLIC[0]] },
        [
          /`network.publicSubnetIds` \(\["subnet-0aaaaaaaaaaaaaaa1"\]\) must list at least 2 different subnets, each in its own Availability Zone/,
        ],
      ],
      [
        "no private subnet",
        { ...EXISTING, privateSubnetIds: [] },
        [/`network.privateSubnetIds` \(\[\]\) must list at least one subnet/],
      ],
      [
        "a subnet listed twice",
        { ...EXISTING, privateSubnetIds: [PRIVATE[0], PRIVATE[0]] },
        [/`network.privateSubnetIds` \("subnet-0bbbbbbbbbbbbbbb1"\) is listed more than once/],
      ],
      [
        "a subnet both public and private",
        { ...EXISTING, privateSubnetIds: [PUBLIC[1], PRIVATE[0]] },
        [
          /`network.privateSubnetIds` \("subnet-0aaaaaaaaaaaaaaa2"\) is also in `network.publicSubnetIds`: a subnet is either public/,
        ],
      ],
      [
        "a VPC CIDR with an existing VPC",
        { ...EXISTING, vpcCidr: "10.1.0.0/16" },
        [/`network.vpcCidr` \("10.1.0.0\/16"\) cannot be used with `network.vpcId`: the VPC already exists/],
      ],
      [
        "a subnet list that is not a list",
        { ...EXISTING, publicSubnetIds: "subnet-0aaaaaaaaaaaaaaa1" as unknown as string[] },
        [/`network.publicSubnetIds` \("subnet-0aaaaaaaaaaaaaaa1"\) must be a list of subnet ids/],
      ],
    ];
    for (const [name, network, messages] of CASES) {
      it(`refuses ${name}`, async () => {
        await assert.rejects(h.deployment.bootstrap({ network }), (error: Error) => {
          assert.ok(error instanceof InvalidInputError, `${error.name}: ${error.message}`);
          for (const message of messages) assert.match(error.message, message);
          assert.strictEqual(error.problems.length, messages.length, error.message);
          return true;
        });
        assert.strictEqual(h.engine.callCount, 0);
      });
    }

    it("reports every problem at once", async () => {
      await assert.rejects(
        h.deployment.bootstrap({
          network: { vpcId: "vpc-1", publicSubnetIds: ["subnet-x"], appPort: 0 },
        }),
        (error: InvalidInputError) => {
          assert.strictEqual(error.problems.length, 5, error.message);
          return true;
        },
      );
    });
  });
});
