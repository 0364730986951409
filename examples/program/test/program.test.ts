// The whole program as `pulumi up` runs it on the `dev` stack: its config read from Pulumi.dev.yaml (passed to
// the program as the CLI passes it: every value a string, objects as JSON) and its stack outputs checked.
import assert from "node:assert/strict";
import { readFileSync } from "fs";
import { join } from "path";
import * as pulumi from "@pulumi/pulumi";
import { setPhoenixMocks, valueOf } from "phoenix-fleet/testing";
import { parse } from "yaml";

function stackConfig(stack: string): Record<string, string> {
  const file = parse(readFileSync(join(__dirname, "..", `Pulumi.${stack}.yaml`), "utf8")) as {
    config: Record<string, unknown>;
  };
  return Object.fromEntries(
    Object.entries(file.config).map(([key, value]) => [
      key,
      typeof value === "string" ? value : JSON.stringify(value),
    ]),
  );
}

describe("the program on the dev stack", () => {
  let outputs: typeof import("../index");

  before(async () => {
    await setPhoenixMocks({ project: "shop", stack: "dev" });
    pulumi.runtime.setAllConfig(stackConfig("dev"));
    // index.ts creates its resources as it loads, so it is loaded only now, under the mocks and with the config.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    outputs = require("../index");
  });

  it("puts the live colour's release behind the load balancer", async () => {
    assert.deepEqual(await valueOf(outputs.weights), { blue: 100, green: 0 });
    assert.match(await valueOf(outputs.url), /^http:\/\/.+elb\.amazonaws\.com$/);
  });

  it("runs v1 on blue and v2 on green, each in its own auto scaling group", async () => {
    const fleets = await valueOf(outputs.fleets);
    assert.equal(fleets.blue.release, "v1");
    assert.equal(fleets.green.release, "v2");
    assert.notEqual(fleets.blue.autoScalingGroup, fleets.green.autoScalingGroup);
    assert.match(await valueOf(outputs.goldenImageId), /^ami-[0-9a-f]{17}$/);
  });
});
