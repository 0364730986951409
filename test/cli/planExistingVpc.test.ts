// `phoenix plan --offline` in an existing VPC: the same --vpc-id, --public-subnets and --private-subnets as
// `phoenix bootstrap`, checked by the same rules; the network plans no VPC of its own and says which it uses.
import { strict as assert } from "assert";
import { runCli } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import type { PlanDocument } from "../../cli/plan/document";

const VPC = "vpc-0a1b2c3d4e5f60718";
const PUBLIC = ["subnet-0aaaaaaaaaaaaaaa1", "subnet-0aaaaaaaaaaaaaaa2"];
const PRIVATE = ["subnet-0bbbbbbbbbbbbbbb1", "subnet-0bbbbbbbbbbbbbbb2"];
const FLAGS = ["--vpc-id", VPC, "--public-subnets", PUBLIC.join(","), "--private-subnets", PRIVATE.join(",")];

async function plan(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(["plan", "--offline", ...args], io);
  return { code, out: io.out, err: io.err };
}

describe("phoenix plan --offline in an existing VPC", function () {
  this.timeout(120_000);

  it("plans the network without a VPC of its own, the load balancer and fleets in the given subnets", async () => {
    const { code, out, err } = await plan(...FLAGS, "--json");
    assert.equal(code, 0, err);
    const doc = JSON.parse(out) as PlanDocument;
    const network = doc.stacks.find((s) => s.role === "network")!;
    assert.deepEqual(
      network.resources.filter((r) => /^awsx:|:ec2\/(vpc|subnet):/.test(r.type)).map((r) => r.type),
      [],
    );
    const alb = network.resources.find((r) => r.type === "aws:lb/loadBalancer:LoadBalancer")!;
    assert.deepEqual((alb.inputs as { subnets: string[] }).subnets, PUBLIC);
    const group = doc.stacks
      .find((s) => s.role === "fleet")!
      .resources.find((r) => r.type === "aws:autoscaling/group:Group")!;
    assert.deepEqual((group.inputs as { vpcZoneIdentifiers: string[] }).vpcZoneIdentifiers, PRIVATE);
  });

  it("says which VPC the network uses, an existing one or its own", async () => {
    const existing = await plan(...FLAGS);
    assert.equal(existing.code, 0, existing.err);
    assert.match(
      existing.out,
      new RegExp(
        `shop-demo-network .*\\n  in existing VPC ${VPC} · public subnets ${PUBLIC.join(", ")} · private subnets ${PRIVATE.join(", ")}\\n`,
      ),
    );
    const created = await plan();
    assert.match(created.out, /shop-demo-network .*\n {2}in a new VPC that this stack creates\n/);
  });

  it("refuses bad VPC options with the bootstrap rules, every problem at once, and ignores PHOENIX_VPC_ID", async () => {
    const saved = process.env.PHOENIX_VPC_ID;
    process.env.PHOENIX_VPC_ID = VPC;
    try {
      const { code, err } = await plan("--public-subnets", PUBLIC[0], "--app", "Shop");
      assert.equal(code, 2);
      assert.match(err, /invalid options, nothing was planned:/);
      assert.match(err, /`--app` \("Shop"\)/);
      assert.match(err, /`--vpc-id` is required with `--public-subnets`:/);
      assert.match(err, /`--private-subnets` is required with `--public-subnets`:/);
      assert.match(
        err,
        /`--public-subnets` \(\["subnet-0aaaaaaaaaaaaaaa1"\]\) must list at least 2 different subnets/,
      );
      assert.doesNotMatch(err, /PHOENIX_/, "plan takes flags only");
    } finally {
      if (saved === undefined) delete process.env.PHOENIX_VPC_ID;
      else process.env.PHOENIX_VPC_ID = saved;
    }
  });
});
