// immutable-release-identity and fleet-template-in-same-stack: the message of each violation (it names the
// resource, the name, the identity found and the identity expected), the user-data digest tag in each form
// user data takes, and the references a group may make to its template. Identities are pinned literals.
import { strict as assert } from "assert";
import { createHash } from "crypto";
import { launchTemplateIdentity } from "../../components/immutability/identity";
import { AWS } from "../../policies/lib/types";
import { evaluateResources } from "../../policies/offline";
import { fleetTemplateInSameStack, immutableReleaseIdentity as policy } from "../../policies/releaseIdentity";
import { UNKNOWN } from "./harness";
import { TEMPLATE, TEMPLATE_NAME } from "./pinnedTemplate";
import { inEngine, offline } from "./verdicts";

const PHOENIX = { "phoenix:app": "shop" };
const USER_DATA = "IyEvYmluL3NoCg==";
/** The identity of TEMPLATE with USER_DATA, and the SHA-256 of USER_DATA (both recomputed once below). */
const WITH_USER_DATA = "55t7s4jusp";
const DIGEST = "3dcecd6922b17ceaf7e2ff4a246cb28fd0c7487529d6090c90b98423489ee10b";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";
const SECRET_VALUE = "1b47061264138c4ac30d75fd1eb44270";

const template = (props: Record<string, unknown>) =>
  inEngine(policy, AWS.launchTemplate, { ...TEMPLATE, ...props });
const group = (props: Record<string, unknown>) =>
  inEngine(policy, AWS.autoScalingGroup, { tags: [{ key: "phoenix:app", value: "shop" }], ...props });

describe("immutable-release-identity: messages and the user-data digest", () => {
  it("the pinned identity and digest of the template with user data are what Phoenix and node:crypto compute", () => {
    assert.equal(launchTemplateIdentity({ ...TEMPLATE, userData: USER_DATA }), WITH_USER_DATA);
    assert.equal(createHash("sha256").update(USER_DATA).digest("hex"), DIGEST);
  });

  describe("launch templates", () => {
    it("a template with no name: names the identity its name should end in", () => {
      assert.deepEqual(template({ tags: PHOENIX }).messages, [
        'Launch template "subject" must have a physical `name` ending in the release identity of its inputs ' +
          '("-2kcn7wpbk4"); it has none (auto-named or `namePrefix`), so an input change could be applied in place.',
      ]);
    });

    it("a template with no name and an input unknown during preview: a violation all the same, no identity shown", () => {
      assert.deepEqual(template({ imageId: UNKNOWN, tags: PHOENIX }).messages, [
        'Launch template "subject" must have a physical `name` ending in the release identity of its inputs; ' +
          "it has none (auto-named or `namePrefix`), so an input change could be applied in place.",
      ]);
    });

    it("a name carrying another identity: names both", () => {
      assert.deepEqual(template({ name: "shop-web-aaaaaaaaaa", tags: PHOENIX }).messages, [
        'Launch template "subject" must carry the release identity of its inputs in its name: "shop-web-aaaaaaaaaa" ' +
          'carries "aaaaaaaaaa", the inputs hash to "2kcn7wpbk4" (an immutable input changed without a new release).',
      ]);
    });

    it("a digest tag that is not the SHA-256 of plain user data: a violation naming both digests", () => {
      const tags = { ...PHOENIX, "phoenix:user-data-sha256": "abc" };
      assert.deepEqual(template({ name: `shop-web-${WITH_USER_DATA}`, userData: USER_DATA, tags }).messages, [
        `Launch template "subject" must tag \`phoenix:user-data-sha256\` with the SHA-256 of its user data: "abc" ≠ "${DIGEST}".`,
      ]);
    });

    it("a digest tag on a template without user data: the message says there is none", () => {
      const tags = { ...PHOENIX, "phoenix:user-data-sha256": "abc" };
      assert.deepEqual(template({ name: TEMPLATE_NAME, tags }).messages, [
        'Launch template "subject" must tag `phoenix:user-data-sha256` with the SHA-256 of its user data: "abc" ≠ "(no user data)".',
      ]);
    });

    it("a digest tag beside user data unknown during preview: no verdict, in the engine or offline", () => {
      const tags = { ...PHOENIX, "phoenix:user-data-sha256": DIGEST };
      const props = { ...TEMPLATE, name: `shop-web-${WITH_USER_DATA}`, userData: UNKNOWN, tags };
      assert.equal(inEngine(policy, AWS.launchTemplate, props).verdict, "undecided");
      // Offline the digest itself can't be computed: still no verdict, not a mismatch.
      assert.equal(offline(policy, AWS.launchTemplate, props).verdict, "undecided");
    });

    it("offline, a secret whose plaintext the export carries is checked against its digest tag", () => {
      const userData = { [SECRET_SIG]: SECRET_VALUE, plaintext: JSON.stringify(USER_DATA) };
      const props = { ...TEMPLATE, name: `shop-web-${WITH_USER_DATA}`, userData };
      assert.equal(
        offline(policy, AWS.launchTemplate, {
          ...props,
          tags: { ...PHOENIX, "phoenix:user-data-sha256": DIGEST },
        }).verdict,
        "pass",
      );
      assert.deepEqual(
        offline(policy, AWS.launchTemplate, {
          ...props,
          tags: { ...PHOENIX, "phoenix:user-data-sha256": "abc" },
        }).messages,
        [
          `Launch template "subject" must tag \`phoenix:user-data-sha256\` with the SHA-256 of its user data: "abc" ≠ "${DIGEST}".`,
        ],
      );
    });
  });

  describe("auto scaling groups", () => {
    const runs = { launchTemplate: { name: TEMPLATE_NAME, version: "1" } };

    it("a group with no launch template", () => {
      assert.deepEqual(group({}).messages, [
        'Auto scaling group "subject" must launch from a launch template (`launchTemplate`) whose name carries a release identity.',
      ]);
    });

    it("a group whose template's name carries no identity", () => {
      assert.deepEqual(group({ launchTemplate: { name: "plain", version: "1" } }).messages, [
        'Auto scaling group "subject" must run a launch template whose name carries a release identity: "plain" carries none.',
      ]);
    });

    it("a group with no name", () => {
      assert.deepEqual(group(runs).messages, [
        'Auto scaling group "subject" must carry the release identity of its launch template in its name: it has no ' +
          '`name`, its template "shop-web-2kcn7wpbk4" carries "2kcn7wpbk4".',
      ]);
    });

    it("a group whose name carries another identity", () => {
      assert.deepEqual(group({ ...runs, name: "web-aaaaaaaaaa" }).messages, [
        'Auto scaling group "subject" must carry the release identity of its launch template in its name: ' +
          '"web-aaaaaaaaaa" carries "aaaaaaaaaa", its template "shop-web-2kcn7wpbk4" carries "2kcn7wpbk4".',
      ]);
    });

    it("a group whose name carries none", () => {
      assert.deepEqual(group({ ...runs, name: "web" }).messages, [
        'Auto scaling group "subject" must carry the release identity of its launch template in its name: ' +
          '"web" carries none, its template "shop-web-2kcn7wpbk4" carries "2kcn7wpbk4".',
      ]);
    });
  });
});

describe("fleet-template-in-same-stack: how a group names its template", () => {
  const TAGS = [{ key: "phoenix:app", value: "shop" }];
  const urn = (type: string, name: string) => `urn:pulumi:shop-dev-blue::phoenix::${type}::${name}`;
  const resource = (type: string, name: string, inputs: Record<string, unknown>) => ({
    urn: urn(type, name),
    type,
    name,
    inputs,
  });
  const templateResource = (inputs: Record<string, unknown>) =>
    resource(AWS.launchTemplate, "web-lt", inputs);
  const groupResource = (launchTemplate: Record<string, unknown>) =>
    resource(AWS.autoScalingGroup, "web-asg", { launchTemplate, tags: TAGS });
  const judge = (resources: ReturnType<typeof resource>[]) =>
    evaluateResources(resources, {
      policies: [fleetTemplateInSameStack],
      config: { "fleet-template-in-same-stack": "mandatory" },
    }).map((v) => ({ kind: v.kind, urn: v.urn, message: v.message }));

  it("passes a group naming its template by id only, when the stack declares that id", () => {
    assert.deepEqual(
      judge([templateResource({ id: "lt-1" }), groupResource({ id: "lt-1", version: "1" })]),
      [],
    );
  });

  it("fails a group naming by id a template the stack does not declare, showing the id", () => {
    assert.deepEqual(judge([templateResource({ id: "lt-1" }), groupResource({ id: "lt-9", version: "1" })]), [
      {
        kind: "violation",
        urn: urn(AWS.autoScalingGroup, "web-asg"),
        message:
          'Auto scaling group "web-asg" must run a launch template of its own stack: `launchTemplate` names id lt-9, ' +
          "which this stack does not declare.",
      },
    ]);
  });

  it("fails a reference that names no template at all, saying so", () => {
    assert.deepEqual(
      judge([templateResource({ id: "lt-1" }), groupResource({ version: "1" })]).map((v) => v.message),
      [
        'Auto scaling group "web-asg" must run a launch template of its own stack: `launchTemplate` names nothing, ' +
          "which this stack does not declare.",
      ],
    );
  });

  it("gives no verdict on a group naming an undeclared template when its id is unknown (it may be a declared one's)", () => {
    const verdicts = judge([
      templateResource({ id: "lt-1", name: "web" }),
      groupResource({ name: "other", id: UNKNOWN }),
    ]);
    assert.deepEqual(
      verdicts.map((v) => v.kind),
      ["undecided"],
    );
  });

  it("judges auto scaling groups only: a Phoenix-tagged instance's template is not its concern", () => {
    const instance = resource(AWS.instance, "web-1", {
      launchTemplate: { name: "elsewhere", version: "1" },
      tags: PHOENIX,
    });
    assert.deepEqual(judge([instance]), []);
  });
});
