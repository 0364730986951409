// Route 53 mode, edges of the workflows (issue 12): status names the record, and heal's restore of the router
// must change one or two resources (the two weighted records), or it fails saying so.
import assert from "assert";
import type { EngineStack } from "../../automation/seams";
import { AMI_1, APP, ENV, harness, type Harness } from "./harness";

const ROUTE53 = { mode: "route53" as const, zoneId: "Z0123456789ABC", recordName: "shop.example.com" };
const ROUTER = `${APP}-${ENV}-router`;

describe("route53 mode, workflow edges", () => {
  let h: Harness;
  beforeEach(async () => {
    h = harness();
    await h.deployment.bootstrap({ router: ROUTE53 });
    await h.deployment.up({ release: "v1", imageId: AMI_1 });
    await h.deployment.swap();
  });
  afterEach(() => h.cleanup());

  it("status names the record", async () => {
    assert.deepStrictEqual((await h.deployment.status()).route53, { recordName: "shop.example.com" });
  });

  it("a router restore that changed three resources fails, naming the two records it may change", async () => {
    const record = h.engine.inspect(ROUTER)!.resources.find((r) => r.type === "aws:route53/record:Record")!;
    h.engine.simulateDrift(ROUTER, record.name, { weightedRoutingPolicies: [{ weight: 7 }] });
    const select = h.engine.createOrSelectStack.bind(h.engine);
    h.engine.createOrSelectStack = async (name, role) => {
      const stack = await select(name, role);
      if (name !== ROUTER) return stack;
      const up = stack.up.bind(stack);
      return Object.assign(stack, {
        up: async (...args: Parameters<EngineStack["up"]>) => {
          const result = await up(...args);
          return { ...result, summary: { ...result.summary, resourceChanges: { same: 0, update: 3 } } };
        },
      });
    };
    await assert.rejects(h.deployment.heal(), {
      name: "VerifyFailedError",
      message: "restoring the router changed 3 resources; it must change 1 or 2 (the two weighted records)",
    });
  });
});
