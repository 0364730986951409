// examples/org-pack's configs in the pack the way the engine runs it: the pack of the installed tarball
// (`node_modules/phoenix-fleet/policies`) started by run-policy-pack as the Node.js language host starts it, asked
// for its policies (GetAnalyzerInfo), configured with each config file resolved as the engine resolves it before
// `Configure` (pkg/engine/update.go:300-326: the file's config over the policies' defaults,
// resourceanalyzer.ReconcilePolicyPackConfig, pkg/resource/analyzer/config.go:364-428 in Pulumi 3.274; here
// policies/lib/packConfig.ts, which follows it), then every resource of the example's candidate stack analyzed.
// The verdicts must be the ones the example's own test expects of `phoenix check`.
import type { Policies } from "@pulumi/policy";
import assert from "node:assert/strict";
import { readFileSync } from "fs";
import { join } from "path";
import { resolvePackConfig } from "../../policies/lib/packConfig";
import { skipSuite } from "../integration/support";
import { isBuilt, NOT_BUILT } from "../package/tarball";
import {
  analyzeRequest,
  connectAnalyzer,
  LEVEL,
  pb,
  stackResource,
  type AnalyzerClient,
} from "../policies/analyzerClient";
import { startEngine, startPack, type EngineServer, type StartedPack } from "../policies/languageHost";
import { EXAMPLES_DIR, examplesScratch } from "./scratch";

const ORG_PACK = join(EXAMPLES_DIR, "org-pack");
const readJson = (path: string) => JSON.parse(readFileSync(path, "utf8"));
const EXPECTED = readJson(join(ORG_PACK, "test", "expected-verdicts.json")) as Record<
  string,
  { passes: boolean; verdicts: [string, string, string][] }
>;

interface ExportedResource {
  urn: string;
  type: string;
  inputs?: Record<string, unknown>;
}
const CANDIDATE = (
  readJson(join(ORG_PACK, "test", "candidate-stack.json")).deployment.resources as ExportedResource[]
).filter((r) => r.type !== "pulumi:pulumi:Stack");

/* eslint-disable @typescript-eslint/no-explicit-any -- the generated protobuf classes are untyped here */

/** The pack's policies as GetAnalyzerInfo reports them: name, default level and config schema. */
function policiesOf(info: any): Policies {
  return info.getPoliciesList().map((policy: any) => ({
    name: policy.getName(),
    description: policy.getDescription(),
    enforcementLevel: LEVEL[policy.getEnforcementlevel()],
    configSchema: policy.getConfigschema() && {
      properties: policy.getConfigschema().getProperties()?.toJavaScript() ?? {},
    },
    validateResource: () => {},
  }));
}

const LEVEL_NUMBER = Object.fromEntries(Object.entries(LEVEL).map(([n, name]) => [name, Number(n)]));

for (const [stack, expected] of Object.entries(EXPECTED)) {
  describe(`examples/org-pack: policy-config.${stack}.json loaded into the installed pack through run-policy-pack`, function () {
    this.timeout(5 * 60_000);
    let engine: EngineServer;
    let pack: StartedPack;
    let client: AnalyzerClient;

    before(async function () {
      if (!isBuilt) skipSuite(this, NOT_BUILT);
      const packDir = join(examplesScratch(), "node_modules", "phoenix-fleet", "policies");
      engine = await startEngine();
      pack = await startPack(packDir, engine.address);
      client = connectAnalyzer(pack.port);
    });
    after(async () => {
      client?.close();
      await pack?.stop();
      await engine?.stop();
    });

    it("is configured as the engine configures it: the file over the policies' defaults", async () => {
      const info: any = await client.info();
      assert.equal(info.getSupportsconfig(), true);
      // The engine applies a pack's initial config before the file's; this pack declares none.
      assert.equal(info.getInitialconfigMap().getLength(), 0);
      const resolved = resolvePackConfig(
        readJson(join(ORG_PACK, `policy-config.${stack}.json`)),
        policiesOf(info),
      );
      await client.configure(
        Object.fromEntries(
          [...resolved].map(([name, config]) => [
            name,
            [LEVEL_NUMBER[config.enforcementLevel], config.properties],
          ]),
        ),
      );
    });

    it("flags the candidate stack's resources as the example's test expects", async () => {
      const verdicts: [string, string, string][] = [];
      for (const resource of CANDIDATE) {
        const name = resource.urn.slice(resource.urn.lastIndexOf("::") + 2);
        for (const d of await client.diagnostics(analyzeRequest(resource.type, name, resource.inputs ?? {})))
          verdicts.push([d.policy, d.level, name]);
      }
      // Then the stack policies, over every resource, as the engine calls AnalyzeStack at the end of an update.
      const stackRequest = new pb.AnalyzeStackRequest();
      stackRequest.setResourcesList(
        CANDIDATE.map((r) => stackResource(r.type, r.urn.slice(r.urn.lastIndexOf("::") + 2), r.inputs ?? {})),
      );
      const stackResponse: any = await client.call("analyzeStack", stackRequest);
      for (const d of stackResponse.getDiagnosticsList())
        verdicts.push([
          d.getPolicyname(),
          LEVEL[d.getEnforcementlevel()],
          d.getUrn().slice(d.getUrn().lastIndexOf("::") + 2),
        ]);
      assert.deepEqual(verdicts.sort(), [...expected.verdicts].sort());
      assert.equal(
        verdicts.some(([, level]) => level === "mandatory"),
        !expected.passes,
      );
    });

    it("wrote nothing to stderr", () => {
      assert.equal(pack.stderr(), "");
    });
  });
}
