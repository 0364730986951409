// Route53 router mode through the real CLI, the real role programs and the emulator's Route 53: bootstrap into
// a hosted zone created in moto, two releases, a swap of two records per step, a rollback, and the mode fixed.
// After each traffic move the weighted records are read back from moto (ListResourceRecordSets).
import { strict as assert } from "assert";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CreateHostedZoneCommand,
  ListHealthChecksCommand,
  ListResourceRecordSetsCommand,
  Route53Client,
} from "@aws-sdk/client-route-53";
import { registerImage } from "./support/emulator";
import { phoenix } from "./support/phoenix";
import { stackOutputs } from "./support/stacks";
import { requireLanguageHost } from "./rigHooks";

const APP = "shop";
const ENV = "dns";
const ZONE_NAME = "phoenix-rig.example";
const RECORD = `shop.${ZONE_NAME}`;

describe("route53 router mode through the real engine", function () {
  const project = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-route53-"));
  const route53 = new Route53Client({});
  let zoneId: string;
  let balancers: Record<"blue" | "green", { dnsName: string; zoneId: string }>;
  const images: Record<string, string> = {};

  const run = (args: string[], options?: { allowFailure?: boolean }) =>
    phoenix(APP, ENV, args, project, options);

  /** The weighted alias records of the name, by set identifier, as moto holds them. */
  async function records(): Promise<
    Record<string, { weight?: number; target?: string; healthCheckId?: string }>
  > {
    const { ResourceRecordSets = [] } = await route53.send(
      new ListResourceRecordSetsCommand({
        HostedZoneId: zoneId,
        StartRecordName: RECORD,
        StartRecordType: "A",
      }),
    );
    return Object.fromEntries(
      ResourceRecordSets.filter((set) => set.Name?.replace(/\.$/, "") === RECORD && set.Type === "A").map(
        (set) => [
          String(set.SetIdentifier),
          {
            weight: set.Weight,
            target: set.AliasTarget?.DNSName?.replace(/\.$/, "").toLowerCase(),
            healthCheckId: set.HealthCheckId,
          },
        ],
      ),
    );
  }
  const weights = async () =>
    Object.fromEntries(Object.entries(await records()).map(([colour, r]) => [colour, r.weight]));

  before(async function () {
    requireLanguageHost(this);
    const { HostedZone } = await route53.send(
      new CreateHostedZoneCommand({ Name: ZONE_NAME, CallerReference: `phoenix-rig-${Date.now()}` }),
    );
    zoneId = String(HostedZone?.Id).replace("/hostedzone/", "");
    images.v1 = await registerImage("shop-dns-v1");
    images.v2 = await registerImage("shop-dns-v2");
  });

  after(() => {
    route53.destroy();
    fs.rmSync(project, { recursive: true, force: true });
  });

  it("bootstraps a load balancer per colour and, with nothing live, health checks but no record", async () => {
    const result = await run([
      "bootstrap",
      "--router",
      "route53",
      "--zone-id",
      zoneId,
      "--record-name",
      RECORD,
    ]);
    assert.equal(result.json.ok, true, result.stderr);
    const network = stackOutputs(project, `${APP}-${ENV}-network`);
    assert.equal(network.routerMode, "route53");
    balancers = network.colourLoadBalancers as typeof balancers;
    assert.notEqual(balancers.blue.dnsName, balancers.green.dnsName);
    assert.deepEqual(await records(), {});
    const { HealthChecks = [] } = await route53.send(new ListHealthChecksCommand({}));
    for (const colour of ["blue", "green"] as const)
      assert.ok(
        HealthChecks.some((c) => c.HealthCheckConfig?.FullyQualifiedDomainName === balancers[colour].dnsName),
        `a Route 53 health check of the ${colour} load balancer`,
      );
    assert.equal(stackOutputs(project, `${APP}-${ENV}-router`).url, `http://${RECORD}/`);
  });

  it("the first swap creates the two records: blue 100, green 0, each an alias of its colour's load balancer", async () => {
    await run(["up", "--release", "v1", "--image-id", images.v1]);
    const swap = await run(["swap", "--dns-settle", "1s"]);
    const steps = swap.json.result?.steps as { changedResources: number }[];
    assert.deepEqual(
      steps.map((s) => s.changedResources),
      [2],
    );
    const found = await records();
    assert.deepEqual(await weights(), { blue: 100, green: 0 });
    for (const colour of ["blue", "green"] as const) {
      assert.equal(found[colour].target, balancers[colour].dnsName.toLowerCase());
      assert.ok(found[colour].healthCheckId, `${colour} record carries its health check`);
    }
  });

  it("a canary of v2 changes the two records at each step; rollback puts all back on v1", async () => {
    await run(["up", "--release", "v2", "--image-id", images.v2]);
    const swap = await run(["swap", "--steps", "50,100", "--dns-settle", "1s"]);
    const steps = swap.json.result?.steps as { weight: number; changedResources: number }[];
    assert.deepEqual(
      steps.map((s) => [s.weight, s.changedResources]),
      [
        [50, 2],
        [100, 2],
      ],
    );
    assert.deepEqual(await weights(), { blue: 0, green: 100 });
    const rollback = await run(["rollback"]);
    assert.equal(rollback.json.result?.release, "v1");
    assert.deepEqual(await weights(), { blue: 100, green: 0 });
  });

  it("refuses another router mode on the existing app/env, before any change", async () => {
    const before = await records();
    const alb = await run(["bootstrap", "--router", "alb"], { allowFailure: true });
    assert.equal(alb.code, 2, alb.stderr);
    assert.match(
      String(alb.json.error?.message),
      /differs from the mode shop-dns-network was bootstrapped with \(route53\)/,
    );
    assert.deepEqual(await records(), before);
  });
});
