// `phoenix bootstrap` into an existing VPC: --vpc-id, --public-subnets and --private-subnets, or their
// PHOENIX_ variables (a flag wins over its variable), checked before anything is built, and a network stack
// deployed in another VPC refused with exit 1, naming both.
import { strict as assert } from "assert";
import { EXIT } from "../../../cli/exitCodes";
import { AMI_1, cliHarness, TARGET, type CliHarness } from "./harness";

const VPC = "vpc-0a1b2c3d4e5f60718";
const OTHER_VPC = "vpc-0fedcba987654321f";
const PUBLIC = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const PRIVATE = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
const FLAGS = ["--vpc-id", VPC, "--public-subnets", PUBLIC.join(","), "--private-subnets", PRIVATE.join(",")];
const VARIABLES = ["PHOENIX_VPC_ID", "PHOENIX_PUBLIC_SUBNETS", "PHOENIX_PRIVATE_SUBNETS"] as const;

describe("phoenix bootstrap into an existing VPC", () => {
  let h: CliHarness;
  let saved: Partial<Record<(typeof VARIABLES)[number], string>>;
  beforeEach(() => {
    // The rig exports these variables: every test here starts without them and puts back what was there.
    saved = Object.fromEntries(VARIABLES.map((v) => [v, process.env[v]]));
    for (const v of VARIABLES) delete process.env[v];
    h = cliHarness();
  });
  afterEach(() => {
    h.cleanup();
    for (const v of VARIABLES) {
      if (saved[v] === undefined) delete process.env[v];
      else process.env[v] = saved[v];
    }
  });

  const network = () => h.engine.inspect("shop-prod-network");
  const networkVpc = () => {
    const config = network()?.config ?? {};
    const list = (key: string) =>
      config[key] === undefined ? undefined : (JSON.parse(String(config[key])) as string[]);
    return {
      vpcId: config["phoenix:vpcId"],
      publicSubnetIds: list("phoenix:publicSubnetIds"),
      privateSubnetIds: list("phoenix:privateSubnetIds"),
    };
  };

  it("puts the network into the VPC given by flags, and the fleets into its private subnets", async () => {
    const run = await h.phoenix(["bootstrap", ...TARGET, ...FLAGS]);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.deepEqual(networkVpc(), { vpcId: VPC, publicSubnetIds: PUBLIC, privateSubnetIds: PRIVATE });
    assert.equal(network()?.outputs.vpcId, VPC);
    const up = await h.phoenix(["up", ...TARGET, "--release", "v1", "--image-id", AMI_1]);
    assert.equal(up.code, EXIT.ok, up.err);
    const group = h.engine
      .inspect("shop-prod-blue")!
      .resources.find((r) => r.type === "aws:autoscaling/group:Group")!;
    assert.deepEqual(group.inputs.vpcZoneIdentifiers, PRIVATE);
  });

  it("takes the VPC from PHOENIX_VPC_ID, PHOENIX_PUBLIC_SUBNETS and PHOENIX_PRIVATE_SUBNETS (spaces allowed)", async () => {
    process.env.PHOENIX_VPC_ID = VPC;
    process.env.PHOENIX_PUBLIC_SUBNETS = PUBLIC.join(", ");
    process.env.PHOENIX_PRIVATE_SUBNETS = PRIVATE.join(" , ");
    const run = await h.phoenix(["bootstrap", ...TARGET]);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.deepEqual(networkVpc(), { vpcId: VPC, publicSubnetIds: PUBLIC, privateSubnetIds: PRIVATE });
  });

  it("lets each flag win over its variable", async () => {
    process.env.PHOENIX_VPC_ID = OTHER_VPC;
    process.env.PHOENIX_PUBLIC_SUBNETS = "subnet-0ccccccccccccccc1,subnet-0ccccccccccccccc2";
    process.env.PHOENIX_PRIVATE_SUBNETS = "subnet-0ddddddddddddddd1";
    const run = await h.phoenix(["bootstrap", ...TARGET, ...FLAGS]);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.deepEqual(networkVpc(), { vpcId: VPC, publicSubnetIds: PUBLIC, privateSubnetIds: PRIVATE });
  });

  it("takes empty variables for not given: Phoenix creates the VPC", async () => {
    for (const v of VARIABLES) process.env[v] = "";
    const run = await h.phoenix(["bootstrap", ...TARGET]);
    assert.equal(run.code, EXIT.ok, run.err);
    assert.deepEqual(networkVpc(), {
      vpcId: undefined,
      publicSubnetIds: undefined,
      privateSubnetIds: undefined,
    });
  });

  describe("refuses bad input with exit 2 before anything is built", () => {
    const refused = async (argv: string[], messages: RegExp[]) => {
      const run = await h.phoenix(["bootstrap", ...TARGET, ...argv]);
      assert.equal(run.code, EXIT.badInput, run.err);
      assert.match(run.err, /^phoenix: invalid input, nothing was changed:\n/);
      for (const message of messages) assert.match(run.err, message);
      assert.equal(run.err.split("\n").filter((l) => l.startsWith("  - ")).length, messages.length, run.err);
      assert.equal(h.created.length, 0, "no deployment was even built");
      assert.equal(h.engine.callCount, 0);
    };

    it("names exactly which of the three is missing, and the variables", async () => {
      process.env.PHOENIX_VPC_ID = VPC;
      await refused(
        [],
        [
          /`--public-subnets` is required with `--vpc-id`: an existing VPC needs all three, .*\(each a flag or its variable: PHOENIX_VPC_ID, PHOENIX_PUBLIC_SUBNETS, PHOENIX_PRIVATE_SUBNETS\)/,
          /`--private-subnets` is required with `--vpc-id`:/,
        ],
      );
    });

    it("refuses subnets without a VPC id", async () => {
      await refused(
        ["--public-subnets", PUBLIC.join(","), "--private-subnets", PRIVATE.join(",")],
        [/`--vpc-id` is required with `--public-subnets` and `--private-subnets`/],
      );
    });

    it("reports every bad id, count, duplicate and overlap at once", async () => {
      await refused(
        [
          "--vpc-id",
          "vpc-123",
          "--public-subnets",
          "subnet-0aaaaaaaaaaaaaaa1",
          "--private-subnets",
          "subnet-0aaaaaaaaaaaaaaa1,subnet-nothex0,subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb1",
          "--vpc-cidr",
          "10.1.0.0/16",
        ],
        [
          /`--vpc-id` \("vpc-123"\) must be a VPC id: `vpc-` and 8 to 17 lower-case hex digits/,
          /`--vpc-cidr` \("10.1.0.0\/16"\) cannot be used with `--vpc-id`: the VPC already exists/,
          /`--private-subnets` \("subnet-nothex0"\) is not a subnet id/,
          /`--private-subnets` \("subnet-0bbbbbbbbbbbbbbb1"\) is listed more than once/,
          /`--public-subnets` \(\["subnet-0aaaaaaaaaaaaaaa1"\]\) must list at least 2 different subnets, each in its own Availability Zone: an Application Load Balancer needs subnets in at least two Availability Zones/,
          /`--private-subnets` \("subnet-0aaaaaaaaaaaaaaa1"\) is also in `--public-subnets`: a subnet is either public .* or private .*, not both/,
        ],
      );
    });

    it("refuses a bad id that came from a variable, naming its flag", async () => {
      process.env.PHOENIX_PUBLIC_SUBNETS = "subnet-0aaaaaaaaaaaaaaa1,sn-2";
      await refused(
        ["--vpc-id", VPC, "--private-subnets", PRIVATE.join(",")],
        [/`--public-subnets` \("sn-2"\) is not a subnet id/],
      );
    });
  });

  describe("a network stack deployed in another VPC", () => {
    it("is refused with exit 1, naming both VPCs, and nothing changes", async () => {
      assert.equal((await h.phoenix(["bootstrap", ...TARGET, ...FLAGS])).code, EXIT.ok);
      const ups = h.engine.calls.filter((c) => c.method === "up").length;
      const run = await h.phoenix(["bootstrap", ...TARGET, ...FLAGS.slice(2), "--vpc-id", OTHER_VPC]);
      assert.equal(run.code, EXIT.failed, run.err);
      assert.match(
        run.err,
        new RegExp(
          `^phoenix: shop-prod-network uses VPC ${VPC}, not ${OTHER_VPC}: nothing was changed\\. Bootstrap never moves an existing network`,
          "m",
        ),
      );
      assert.equal(h.engine.calls.filter((c) => c.method === "up").length, ups);
      assert.equal(network()?.outputs.vpcId, VPC);
    });

    it("reports the refusal as NetworkMismatchError in the --json document", async () => {
      assert.equal((await h.phoenix(["bootstrap", ...TARGET])).code, EXIT.ok);
      const run = await h.phoenix(["bootstrap", ...TARGET, ...FLAGS, "--json"]);
      assert.equal(run.code, EXIT.failed);
      const document = JSON.parse(run.out) as { ok: boolean; error: { type: string; message: string } };
      assert.deepEqual([document.ok, document.error.type], [false, "NetworkMismatchError"]);
      assert.match(document.error.message, new RegExp(`uses VPC vpc-[0-9a-f]{17}, not ${VPC}`));
    });

    it("is idempotent when given the VPC it uses", async () => {
      assert.equal((await h.phoenix(["bootstrap", ...TARGET, ...FLAGS])).code, EXIT.ok);
      const again = await h.phoenix(["bootstrap", ...TARGET, ...FLAGS]);
      assert.equal(again.code, EXIT.ok, again.err);
      assert.match(again.out, /already bootstrapped: nothing to create/);
    });
  });
});
