// MemoryEngine's stacks hold what the real role programs create, exactly as `phoenix plan --offline` plans
// them (same URNs, so the same types, names and parents; the same inputs; the same outputs), every type they
// create has a row in the one ForceNew table, and running them leaves the caller's own mocks alone.
import assert from "assert";
import * as pulumi from "@pulumi/pulumi";
import type { ConfigMap, EngineEvent } from "@pulumi/pulumi/automation";
import { FORCE_NEW, replaceOnKeys } from "../../automation/memory/forceNew";
import { FAKE_PROGRAMS, REPLACE_KEYS } from "../../automation/memory/fakePrograms";
import { programRuns } from "../../automation/memory/programRunner";
import { MemoryEngine } from "../../automation/memoryEngine";
import { stackName, type Role, type StackPart } from "../../programs/contract";
import { withMocks } from "../helpers/mocks";

const cfg = (values: Record<string, string>): ConfigMap =>
  Object.fromEntries(Object.entries(values).map(([k, v]) => [`phoenix:${k}`, { value: v }]));

/** Every stack of one app/env up in a MemoryEngine, in dependency order, with the planner's own config. */
async function engineWithPlan(plan: import("../../programs/offline/planner").Plan): Promise<MemoryEngine> {
  const engine = new MemoryEngine();
  const { PLAN_DEFAULTS } = await import("../../programs/offline/defaults");
  const common = { app: plan.app, env: plan.env };
  const configs: Record<Role, Record<string, string>> = {
    "golden-ami": { ...common, role: "golden-ami", parentImage: PLAN_DEFAULTS.parentImage },
    network: { ...common, role: "network" },
    fleet: { ...common, role: "fleet", colour: plan.colour, release: plan.release, imageId: plan.imageId },
    router: {
      ...common,
      role: "router",
      blueWeight: plan.colour === "blue" ? "100" : "0",
      greenWeight: plan.colour === "green" ? "100" : "0",
    },
  };
  for (const planned of plan.stacks) {
    const stack = await engine.createOrSelectStack(planned.name, planned.role);
    await stack.setAllConfig(cfg(configs[planned.role]));
    await stack.up();
  }
  return engine;
}

/** What one role's program registers, under plan --offline's runtime in this thread, for a config. */
async function plannedHere(role: Role, stack: string, config: Record<string, string>, siblings = {}) {
  const mocks = await withMocks({
    stack,
    config: Object.fromEntries(Object.entries(config).map(([k, v]) => [`phoenix:${k}`, v])),
    stacks: siblings,
  });
  const { PROGRAMS } = await import("../../programs");
  const outputs = await mocks.run(PROGRAMS[role]);
  const resources = mocks.resources
    .filter((r) => !r.type.startsWith("pulumi:pulumi:"))
    .map((r) => ({ urn: r.urn, inputs: r.inputs }));
  return { resources, outputs };
}

/** The same through MemoryEngine's runner (its URNs built as MemoryEngine builds them). */
function ranByRunner(role: Role, stack: string, config: Record<string, string>, siblings = {}) {
  const result = FAKE_PROGRAMS[role]({
    stack,
    config,
    stackOutputs: (name) => (siblings as Record<string, Record<string, unknown>>)[name],
  });
  const resources = result.resources.map((r) => ({
    urn: `urn:pulumi:${stack}::phoenix::${r.parentType ? `${r.parentType}$` : ""}${r.type}::${r.name}`,
    inputs: r.inputs,
  }));
  return { resources, outputs: result.outputs };
}

class Thing extends pulumi.CustomResource {
  constructor(name: string) {
    super("test:index:Thing", name, { value: 1 });
  }
}

describe("MemoryEngine runs the real role programs", function () {
  this.timeout(120_000);

  it("holds, stack by stack, exactly what `phoenix plan --offline` plans: resources, parents, inputs, outputs", async () => {
    const { planOffline } = await import("../../programs/offline/planner");
    const { PROGRAMS } = await import("../../programs");
    const plan = await planOffline(PROGRAMS, { app: "parity", env: "check" });
    const engine = await engineWithPlan(plan);
    assert.deepStrictEqual(plan.stacks.map((s) => s.part).sort(), ["ami", "blue", "network", "router"]);
    for (const planned of plan.stacks) {
      const held = engine.inspect(planned.name)!;
      const resources = held.resources.filter((r) => r.type !== "pulumi:pulumi:Stack");
      assert.deepStrictEqual(
        resources.map((r) => r.urn),
        planned.resources.map((r) => r.urn),
        `${planned.name}: the same resources, in registration order, under the same parents`,
      );
      for (const [i, resource] of resources.entries())
        assert.deepStrictEqual(resource.inputs, planned.resources[i].inputs, resource.urn);
      assert.deepStrictEqual(held.outputs, planned.outputs, `${planned.name}: the same outputs`);
    }
  });

  it("agrees with the programs run in this thread for the config variants the plan leaves out", async () => {
    const network = { role: "network", app: "vary", env: "own" };
    const existing = {
      ...network,
      env: "byo",
      vpcId: "vpc-0a1b2c3d4e5f60718",
      publicSubnetIds: JSON.stringify(["subnet-0a000000000000001", "subnet-0a000000000000002"]),
      privateSubnetIds: JSON.stringify(["subnet-0b000000000000001", "subnet-0b000000000000002"]),
      appPort: "9000",
      healthCheckPath: "/ready",
    };
    const siblings = {
      "vary-own-network": (await plannedHere("network", "vary-own-network", network)).outputs,
      "vary-own-ami": {
        imageId: "ami-0aaaaaaaaaaaaaaaa",
        imageArn: "arn:aws:imagebuilder:::image/x/1.0.0/1",
      },
    };
    const variants: Array<[Role, string, Record<string, string>]> = [
      ["network", "vary-byo-network", existing],
      [
        "golden-ami",
        "vary-own-ami",
        {
          role: "golden-ami",
          app: "vary",
          env: "own",
          parentImage: "ami-0c02fb55956c7d316",
          buildSteps: JSON.stringify(["dnf install -y nginx"]),
          schedule: "cron(0 3 ? * MON *)",
        },
      ],
      [
        "fleet",
        "vary-own-green",
        {
          role: "fleet",
          app: "vary",
          env: "own",
          colour: "green",
          release: "2026.12.02-1",
          instanceType: "m7g.large",
          userData: "#!/bin/sh\necho hi\n",
          minSize: "2",
          maxSize: "6",
          desiredCapacity: "4",
        },
      ],
      [
        "router",
        "vary-own-router",
        {
          role: "router",
          app: "vary",
          env: "own",
          greenWeight: "30",
          certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/abc",
          listenerPort: "8443",
          stickinessSeconds: "60",
        },
      ],
    ];
    for (const [role, stack, config] of variants) {
      const here = await plannedHere(role, stack, config, siblings);
      assert.deepStrictEqual(ranByRunner(role, stack, config, siblings), here, `${role} (${stack})`);
    }
  });

  it("gives every resource type the programs create a ForceNew row that cites the Terraform provider", () => {
    const created = new Set<string>();
    const network = FAKE_PROGRAMS.network({
      stack: "types-all-network",
      config: { role: "network", app: "types", env: "all" },
      stackOutputs: () => undefined,
    });
    const siblings: Record<string, Record<string, unknown>> = { "types-all-network": network.outputs };
    const runs = [
      network,
      FAKE_PROGRAMS["golden-ami"]({
        stack: "types-all-ami",
        config: {
          role: "golden-ami",
          app: "types",
          env: "all",
          parentImage: "ami-0c02fb55956c7d316",
          buildSteps: '["true"]',
          schedule: "cron(0 3 ? * MON *)",
        },
        stackOutputs: () => undefined,
      }),
      FAKE_PROGRAMS.fleet({
        stack: "types-all-blue",
        config: {
          role: "fleet",
          app: "types",
          env: "all",
          colour: "blue",
          release: "v1",
          imageId: "ami-0123456789abcdef0",
        },
        stackOutputs: (name) => siblings[name],
      }),
      FAKE_PROGRAMS.router({
        stack: "types-all-router",
        config: { role: "router", app: "types", env: "all", certificateArn: "arn:aws:acm:::certificate/x" },
        stackOutputs: (name) => siblings[name],
      }),
    ];
    for (const run of runs) for (const r of run.resources) if (r.type.startsWith("aws:")) created.add(r.type);
    assert.ok(created.size >= 15, [...created].join(", "));
    for (const type of created) {
      const row = FORCE_NEW[type];
      assert.ok(row, `${type} has no row in automation/memory/forceNew.ts`);
      assert.match(row.source, /^internal\/service\/[a-z0-9]+\/[a-z0-9_]+\.go/, type);
      assert.deepStrictEqual(
        REPLACE_KEYS[type],
        [...row.replaceOn],
        `MemoryEngine replaces ${type} on its row`,
      );
    }
  });

  it("replaces on the ForceNew table in MemoryEngine's diff, a rule's change of source kind included", async () => {
    let bend: (inputs: Record<string, unknown>) => void = () => undefined;
    const engine = new MemoryEngine({
      programs: {
        network: (context) => {
          const result = FAKE_PROGRAMS.network(context);
          bend(result.resources.find((r) => r.name === "force-new-alb-in-80-0")!.inputs);
          return result;
        },
      },
    });
    const stack = await engine.createOrSelectStack("force-new-network", "network");
    await stack.setAllConfig(cfg({ role: "network", app: "force", env: "new" }));
    await stack.up();
    const ops = async () => {
      const events: EngineEvent[] = [];
      await stack.preview({ onEvent: (e) => events.push(e) });
      return events.flatMap((e) => {
        const m = e.resourcePreEvent?.metadata;
        return m && m.op !== "same" ? [[m.op, m.urn.split("::").pop(), m.keys ?? m.diffs]] : [];
      });
    };
    bend = (inputs) => void (inputs.toPort = 81);
    assert.deepStrictEqual(await ops(), [["update", "force-new-alb-in-80-0", ["toPort"]]]);
    bend = (inputs) => {
      delete inputs.cidrIpv4;
      inputs.prefixListId = "pl-0123456789abcdef0";
    };
    assert.deepStrictEqual(await ops(), [["replace", "force-new-alb-in-80-0", ["cidrIpv4", "prefixListId"]]]);
    bend = (inputs) => void (inputs.description = "another");
    assert.deepStrictEqual(await ops(), [["update", "force-new-alb-in-80-0", ["description"]]]);
    assert.deepStrictEqual(
      replaceOnKeys("aws:lb/listener:Listener", {}, {}),
      ["loadBalancerArn"],
      "a row of the table as it is",
    );
    assert.deepStrictEqual(replaceOnKeys("phoenix:aws:Network", {}, {}), [], "no row: updates in place");
  });

  it("runs a program once per role, stack, config and sibling outputs read; a changed sibling output runs it again", async () => {
    const engine = new MemoryEngine();
    const up = async (name: string, role: Role, config: Record<string, string>) => {
      const stack = await engine.createOrSelectStack(name, role);
      await stack.setAllConfig(cfg({ role, app: "memo", env: "test", ...config }));
      await stack.up();
    };
    const part = (p: StackPart) => stackName("memo", "test", p);
    await up(part("network"), "network", {});
    const fleet = { colour: "blue", release: "v1", imageId: "ami-0123456789abcdef0" };
    await up(part("blue"), "fleet", fleet);
    const before = programRuns();
    await up(part("blue"), "fleet", fleet);
    await up(part("blue"), "fleet", fleet);
    assert.strictEqual(programRuns(), before, "the same inputs: no new run");
    await up(part("network"), "network", { appPort: "9000" });
    await up(part("blue"), "fleet", fleet);
    assert.strictEqual(programRuns(), before + 2, "the network ran again, and the fleet for its new outputs");
    const bent = FAKE_PROGRAMS.fleet({
      stack: part("blue"),
      config: { role: "fleet", app: "memo", env: "test", ...fleet },
      stackOutputs: (name) => engine.inspect(name)?.outputs,
    });
    bent.resources.length = 0;
    assert.ok(engine.inspect(part("blue"))!.resources.length > 1, "callers get copies");
    assert.strictEqual(programRuns(), before + 2);
  });

  it("leaves the mocks of the thread that uses it alone", async () => {
    const mocks = await withMocks({ stack: "caller-own", config: { "phoenix:mine": "yes" } });
    const engine = new MemoryEngine();
    const stack = await engine.createOrSelectStack("alone-test-network", "network");
    await stack.setAllConfig(cfg({ role: "network", app: "alone", env: "test" }));
    const runs = programRuns();
    await stack.up();
    assert.strictEqual(programRuns(), runs + 1, "the program really ran");
    const outputs = await mocks.run(async () => {
      new Thing("mine");
      return { stack: pulumi.getStack(), mine: new pulumi.Config("phoenix").get("mine") };
    });
    assert.deepStrictEqual(outputs, { stack: "caller-own", mine: "yes" });
    assert.deepStrictEqual(
      mocks.resources.map((r) => r.type),
      ["pulumi:pulumi:Stack", "test:index:Thing"],
      "none of the network program's resources reached the caller's mocks",
    );
  });

  it("reports a program's own error, and the next run still works", () => {
    assert.throws(
      () =>
        FAKE_PROGRAMS.router({
          stack: "bad-weights-router",
          config: { role: "router", app: "bad", env: "weights", blueWeight: "30", greenWeight: "30" },
          stackOutputs: () => undefined,
        }),
      /`phoenix:blueWeight` \(30\) and `phoenix:greenWeight` \(30\)/,
    );
    const result = FAKE_PROGRAMS.network({
      stack: "good-after-network",
      config: { role: "network", app: "good", env: "after" },
      stackOutputs: () => undefined,
    });
    assert.ok(result.resources.length > 0);
  });
});
