// The pack as the engine runs it: started the way Pulumi's Node.js language host starts a policy pack,
// then driven over the Analyzer gRPC protocol with the SDK's generated client, properties encoded as the
// engine encodes them (google.protobuf.Struct; unknowns as the engine's sentinel; secrets signed).
import { strict as assert } from "assert";
import { launchTemplateIdentity, nameWithIdentity } from "../../components/immutability/identity";
import { IDENTITY, TEMPLATE, TEMPLATE_NAME } from "./pinnedTemplate";
import { AWS } from "../../policies/lib/types";
import {
  PACK_DIR,
  ROOT,
  ensurePackBuilt,
  startEngine,
  startPack,
  type EngineServer,
  type StartedPack,
} from "./languageHost";
import { UNKNOWN } from "./harness";
import {
  ADVISORY,
  LEVEL,
  REMEDIATE,
  analyzeRequest,
  connectAnalyzer,
  pb,
  stackResource,
  type AnalyzerClient,
} from "./analyzerClient";

/* eslint-disable @typescript-eslint/no-explicit-any */

// The pack's version is the package's (scripts/pack/build.ts keeps policies/package.json in step).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ROOT_VERSION: string = require(`${ROOT}/package.json`).version;

const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET = "1b47061264138c4ac30d75fd1eb44270";

describe("the policy pack over the Analyzer protocol", function () {
  this.timeout(120_000);
  let engine: EngineServer;
  let pack: StartedPack;
  let client: AnalyzerClient;
  const call = <T>(method: string, request: unknown) => client.call<T>(method, request);
  const diagnostics = (req: unknown) => client.diagnostics(req);
  const configure = (policies: Record<string, [number, Record<string, unknown>]>) =>
    client.configure(policies);

  before(async () => {
    ensurePackBuilt();
    engine = await startEngine();
    pack = await startPack(PACK_DIR, engine.address);
    client = connectAnalyzer(pack.port);
  });

  after(async () => {
    client?.close();
    await pack?.stop();
    await engine?.stop();
  });

  it("describes itself: name, version and every policy with its level and config schema", async () => {
    const info: any = await client.info();
    assert.equal(info.getName(), "phoenix-immutability");
    assert.equal(info.getVersion(), ROOT_VERSION);
    assert.equal(info.getSupportsconfig(), true);
    const policies = new Map<string, any>(info.getPoliciesList().map((p: any) => [p.getName(), p]));
    assert.deepEqual(
      [...policies.keys()].map((n) => [n, LEVEL[policies.get(n).getEnforcementlevel()]]),
      [
        ["no-ssh-access", "mandatory"],
        ["no-key-pairs", "mandatory"],
        ["no-remote-shell", "mandatory"],
        ["session-manager-roles-traced", "advisory"],
        ["imdsv2-required", "mandatory"],
        ["immutable-release-identity", "mandatory"],
        ["launch-template-version-pinned", "mandatory"],
        ["no-ignore-changes-on-immutable", "mandatory"],
        ["no-in-place-config-agents", "advisory"],
        ["instance-replace-on-user-data", "mandatory"],
        ["fleet-replaces-unhealthy-instances", "mandatory"],
        ["fleet-template-in-same-stack", "mandatory"],
      ],
    );
    for (const policy of policies.values()) assert.match(policy.getDescription(), /^Checks that /);
    const sshSchema = policies.get("no-ssh-access").getConfigschema().getProperties().toJavaScript();
    assert.deepEqual(sshSchema.ports.default, [22, 3389]);
    assert.equal(sshSchema.allowPrivateSources.default, false);
  });

  it("Analyze: rejects SSH from the internet, with the policy's message", async () => {
    const sg = { ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }] };
    assert.deepEqual(await diagnostics(analyzeRequest(AWS.securityGroup, "fleet-sg", sg)), [
      {
        policy: "no-ssh-access",
        level: "mandatory",
        message:
          "Checks that no ingress rule admits SSH or RDP (or other configured remote-access ports): immutable servers are replaced, never logged into.\n" +
          'Security group "fleet-sg" must not admit remote access: ingress[0] (protocol tcp) admits port 22 from 0.0.0.0/0.',
      },
    ]);
  });

  it("Analyze: passes a compliant Phoenix launch template whose user data is a secret", async () => {
    // The engine sends the secret signed, with its value; the SDK opens it, so the identity is computed
    // over the plaintext exactly as the component computed it.
    const userData = "IyEvYmluL3NoCg==";
    const identity = launchTemplateIdentity({ ...TEMPLATE, userData });
    const props = {
      ...TEMPLATE,
      userData: { [SECRET_SIG]: SECRET, value: userData },
      name: nameWithIdentity("shop-web", identity),
      tags: { "phoenix:app": "shop", "phoenix:identity": identity },
    };
    assert.deepEqual(await diagnostics(analyzeRequest(AWS.launchTemplate, "web-lt", props)), []);
    const changed = { ...props, userData: { [SECRET_SIG]: SECRET, value: "ZWNobyBoaQo=" } };
    const found = await diagnostics(analyzeRequest(AWS.launchTemplate, "web-lt", changed));
    assert.deepEqual(
      found.map((d: { policy: string }) => d.policy),
      ["immutable-release-identity", "immutable-release-identity"],
    );
  });

  it("Analyze: an unknown input during preview gives an advisory 'can't run', not a verdict", async () => {
    const props = {
      ...TEMPLATE,
      imageId: UNKNOWN,
      name: TEMPLATE_NAME,
      tags: { "phoenix:identity": IDENTITY },
    };
    const found = await diagnostics(analyzeRequest(AWS.launchTemplate, "web-lt", props));
    assert.deepEqual(
      found.map((d: { policy: string; level: string }) => [d.policy, d.level]),
      [["immutable-release-identity", "advisory"]],
    );
    assert.match(
      found[0].message,
      /can't run policy 'immutable-release-identity' .* during preview: string value at \.imageId/,
    );
  });

  it("Analyze: sees resource options (ignoreChanges)", async () => {
    const asg = {
      name: TEMPLATE_NAME,
      launchTemplate: { name: TEMPLATE_NAME, version: "1" },
      tags: [{ key: "phoenix:identity", value: IDENTITY }],
    };
    const found = await diagnostics(analyzeRequest(AWS.autoScalingGroup, "web-asg", asg, ["launchTemplate"]));
    assert.deepEqual(
      found.map((d: { policy: string }) => d.policy),
      ["no-ignore-changes-on-immutable"],
    );
  });

  it("Configure: config changes what Analyze reports", async () => {
    await configure({ "no-ssh-access": [ADVISORY, { ports: [22], allowPrivateSources: true }] });

    const privateOnly = { ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }] };
    assert.deepEqual(await diagnostics(analyzeRequest(AWS.securityGroup, "sg", privateOnly)), []);
    const publicV6 = {
      ingress: [{ protocol: "-1", fromPort: 0, toPort: 0, ipv6CidrBlocks: ["0:0:0:0:0:0:0:0/0"] }],
    };
    const found = await diagnostics(analyzeRequest(AWS.securityGroup, "sg", publicV6));
    assert.deepEqual(
      found.map((d: { policy: string; level: string }) => [d.policy, d.level]),
      [["no-ssh-access", "advisory"]],
    );
    assert.match(found[0].message, /admits port 22 from 0:0:0:0:0:0:0:0\/0\.$/);
  });

  it("Remediate: sets httpTokens to required when the policy is at level remediate", async () => {
    await configure({ "imdsv2-required": [REMEDIATE, {}] });
    const instance = {
      ami: "ami-1",
      instanceType: "t3.micro",
      userDataReplaceOnChange: true,
      metadataOptions: { httpEndpoint: "enabled" },
    };
    const response: any = await call("remediate", analyzeRequest(AWS.instance, "box", instance));
    const remediations = response.getRemediationsList();
    assert.equal(remediations.length, 1);
    assert.equal(remediations[0].getPolicyname(), "imdsv2-required");
    const props = remediations[0].getProperties().toJavaScript();
    assert.deepEqual(props.metadataOptions, { httpEndpoint: "enabled", httpTokens: "required" });
    assert.equal(props.ami, "ami-1");
  });

  it("AnalyzeStack: reports a fleet whose launch template is not in its stack", async () => {
    const req = new pb.AnalyzeStackRequest();
    const group = {
      name: TEMPLATE_NAME,
      launchTemplate: { name: TEMPLATE_NAME, version: "1" },
      tags: [{ key: "phoenix:app", value: "shop" }],
    };
    req.setResourcesList([stackResource(AWS.autoScalingGroup, "web-asg", group)]);
    const response: any = await call("analyzeStack", req);
    const found = response.getDiagnosticsList().map((d: any) => [d.getPolicyname(), d.getUrn()]);
    assert.deepEqual(found, [
      ["fleet-template-in-same-stack", `urn:pulumi:shop-dev-blue::phoenix::${AWS.autoScalingGroup}::web-asg`],
    ]);

    const complete = new pb.AnalyzeStackRequest();
    complete.setResourcesList([
      stackResource(AWS.launchTemplate, "web-lt", { ...TEMPLATE, name: TEMPLATE_NAME }),
      stackResource(AWS.autoScalingGroup, "web-asg", group),
    ]);
    const ok: any = await call("analyzeStack", complete);
    assert.deepEqual(ok.getDiagnosticsList().length, 0);
  });

  it("AnalyzeStack: no-remote-shell follows property dependencies when names are unknown (a preview)", async () => {
    const trust = JSON.stringify({
      Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
    });
    const urnOf = (type: string, name: string) => `urn:pulumi:shop-dev-blue::phoenix::${type}::${name}`;
    const linked = (
      type: string,
      name: string,
      props: Record<string, unknown>,
      deps: Record<string, string>,
    ) => {
      const r = stackResource(type, name, props);
      for (const [key, [depType, depName]] of Object.entries(deps).map(
        ([k, v]) => [k, v.split("|")] as const,
      )) {
        const list = new pb.AnalyzerPropertyDependencies();
        list.setUrnsList([urnOf(depType, depName)]);
        r.getPropertydependenciesMap().set(key, list);
      }
      return r;
    };
    const stack = (policyArn: string) => {
      const req = new pb.AnalyzeStackRequest();
      req.setResourcesList([
        stackResource(AWS.iamRole, "fleet-role", { name: UNKNOWN, assumeRolePolicy: trust }),
        linked(
          AWS.iamRolePolicyAttachment,
          "fleet-ssm",
          { role: UNKNOWN, policyArn },
          { role: `${AWS.iamRole}|fleet-role` },
        ),
        linked(
          AWS.iamInstanceProfile,
          "fleet-profile",
          { role: UNKNOWN },
          { role: `${AWS.iamRole}|fleet-role` },
        ),
        linked(
          AWS.launchTemplate,
          "web-lt",
          { ...TEMPLATE, name: TEMPLATE_NAME, iamInstanceProfile: { arn: UNKNOWN } },
          { iamInstanceProfile: `${AWS.iamInstanceProfile}|fleet-profile` },
        ),
      ]);
      return req;
    };
    const found = async (policyArn: string) => {
      const response: any = await call("analyzeStack", stack(policyArn));
      return response
        .getDiagnosticsList()
        .map((d: any) => [d.getPolicyname(), LEVEL[d.getEnforcementlevel()], d.getUrn()]);
    };
    assert.deepEqual(await found("arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"), [
      ["no-remote-shell", "mandatory", urnOf(AWS.iamRole, "fleet-role")],
    ]);
    assert.deepEqual(await found("arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"), []);
  });

  it("logged no errors to the engine and wrote nothing to stderr", () => {
    assert.deepEqual(
      engine.logs.filter((l) => l.severity >= 3),
      [],
    );
    assert.equal(pack.stderr(), "");
  });
});
