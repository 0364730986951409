// `phoenix plan --offline --router route53`: the Route 53 path in the plan, its drawing and its Mermaid picture.
import { strict as assert } from "assert";
import { runCli } from "../../cli/main";
import { memoryIo } from "../../cli/io";
import type { PlanDocument } from "../../cli/plan/document";

const ROUTE53 = ["--router", "route53", "--zone-id", "Z0123456789ABC", "--record-name", "shop.example.com"];

async function plan(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(["plan", "--offline", ...args], io);
  return { code, out: io.out, err: io.err };
}

describe("phoenix plan --offline --router route53", function () {
  this.timeout(120_000);

  it("plans one load balancer per colour and two weighted records, and the JSON traffic says so", async () => {
    const { code, out, err } = await plan(...ROUTE53, "--json");
    assert.equal(code, 0, err);
    const doc = JSON.parse(out) as PlanDocument;
    const types = (stack: string) => doc.stacks.find((s) => s.name === stack)!.resources.map((r) => r.type);
    assert.equal(
      types("shop-demo-network").filter((t) => t === "aws:lb/loadBalancer:LoadBalancer").length,
      2,
    );
    const router = types("shop-demo-router");
    assert.equal(router.filter((t) => t === "aws:route53/record:Record").length, 2);
    assert.equal(router.filter((t) => t === "aws:route53/healthCheck:HealthCheck").length, 2);
    assert.ok(!router.includes("aws:lb/listener:Listener"));
    assert.equal(doc.traffic.dns?.recordName, "shop.example.com");
    assert.deepEqual(doc.traffic.weights, { blue: 100, green: 0 });
    assert.match(String(doc.traffic.dns?.loadBalancers.green), /^shop-demo-alb-green-/);
  });

  it("draws Route 53 → each colour's ALB → its fleet, in text and in Mermaid", async () => {
    const text = await plan(...ROUTE53, "--colour", "green");
    assert.equal(text.code, 0, text.err);
    assert.match(text.out, /clients ──▶ Route 53 shop\.example\.com \(zone Z0123456789ABC\)/);
    assert.match(text.out, / 0% ──▶ blue {3}ALB shop-demo-alb-blue-/);
    assert.match(text.out, /100% ──▶ green {2}ALB shop-demo-alb-green-/);
    const mermaid = await plan(...ROUTE53, "--format", "mermaid");
    assert.equal(mermaid.code, 0, mermaid.err);
    assert.match(
      mermaid.out,
      /clients\(\(clients\)\) --> dns\{\{"Route 53 shop\.example\.com: weighted alias records"\}\}/,
    );
    assert.match(mermaid.out, /dns -- "100%" --> blueAlb\["ALB shop-demo-alb-blue-/);
    assert.match(mermaid.out, /greenAlb --> green\["green: \(no fleet\)"\]/);
  });

  it("refuses a route53 plan without a zone, or a record name in alb mode, naming each flag, and plans nothing", async () => {
    const missing = await plan("--router", "route53", "--record-name", "Shop.example.com");
    assert.equal(missing.code, 2);
    assert.match(missing.err, /`--zone-id` is required with --router route53/);
    assert.match(missing.err, /`--record-name` \("Shop\.example\.com"\) must be a lower-case DNS name/);
    const alb = await plan("--record-name", "shop.example.com");
    assert.equal(alb.code, 2);
    assert.match(alb.err, /`--record-name` \("shop\.example\.com"\) needs --router route53/);
    const unknown = await plan("--router", "nlb");
    assert.match(unknown.err, /`--router` \("nlb"\) must be one of alb, route53/);
    assert.equal(missing.out + alb.out, "");
  });
});
