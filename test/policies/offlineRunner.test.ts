// evaluateResources as the runner of any pack's policies (EvaluateOptions.policies): it must call them as
// `@pulumi/policy`'s server does (node_modules/@pulumi/policy/server.js) — a typed validation only on its
// type and an untyped one on every resource; isType/asType by `__pulumiType` (isTypeOf, server.js:523);
// notApplicable ends a validation with no verdict (server.js:292, 428); a stack resource's parent and
// dependencies linked to the stack's resource objects, URNs not in the stack dropped (server.js:388-405).
// What the engine would report elsewhere, offline is an error: a policy's own exception, a promise.
import { strict as assert } from "assert";
import type {
  PolicyResource,
  ResourceValidation,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationPolicy,
} from "@pulumi/policy";
import { AWS } from "../../policies/lib/types";
import { evaluateResources, nameOfUrn, type OfflineResource } from "../../policies/offline";
import { noRemoteShell } from "../../policies/remoteShell";
import { UNKNOWN } from "./harness";

/** Stand-ins for resource classes: the SDK knows a class by its `__pulumiType` (getPulumiType). */
const SecurityGroup = { __pulumiType: AWS.securityGroup };
const Instance = { __pulumiType: AWS.instance };

const urn = (type: string, name: string) => `urn:pulumi:dev::shop::${type}::${name}`;
const sg: OfflineResource = {
  urn: urn(AWS.securityGroup, "web-sg"),
  type: AWS.securityGroup,
  inputs: { name: "sg" },
};
const vm: OfflineResource = {
  urn: urn(AWS.instance, "web-vm"),
  type: AWS.instance,
  inputs: { ami: "ami-1" },
};

function typed(type: string, validate: ResourceValidation): ResourceValidation {
  return Object.assign(validate, { __pulumiType: type });
}
const resourcePolicy = (name: string, validateResource: ResourceValidationPolicy["validateResource"]) =>
  ({
    name,
    description: `Checks that ${name}`,
    enforcementLevel: "mandatory",
    validateResource,
  }) as ResourceValidationPolicy;
const stackPolicy = (name: string, validateStack: StackValidation) =>
  ({
    name,
    description: `Checks that ${name}`,
    enforcementLevel: "mandatory",
    validateStack,
  }) as StackValidationPolicy;

/** Verdicts as [policy, kind, urn, type, name, message]. */
function run(
  resources: OfflineResource[],
  policies: Array<ResourceValidationPolicy | StackValidationPolicy>,
  stackTags?: Map<string, string>,
) {
  return evaluateResources(resources, { policies, stackTags }).map((v) => [
    v.policy,
    v.kind,
    v.urn,
    v.type,
    v.name,
    v.message,
  ]);
}

describe("evaluateResources runs any pack's policies as the engine does", () => {
  describe("resource policies", () => {
    it("runs a typed validation on its type only, and an untyped one on every resource", () => {
      const policies = [
        resourcePolicy("every", (args, report) => report(`saw ${args.name}`)),
        resourcePolicy(
          "groups",
          typed(AWS.securityGroup, (args, report) => report(`group ${args.name}`)),
        ),
      ];
      // Sorted: the engine reports in pack order, offline typed validations come first (not pinned here).
      assert.deepEqual(run([sg, vm], policies).sort(), [
        ["every", "violation", vm.urn, AWS.instance, "web-vm", "saw web-vm"],
        ["every", "violation", sg.urn, AWS.securityGroup, "web-sg", "saw web-sg"],
        ["groups", "violation", sg.urn, AWS.securityGroup, "web-sg", "group web-sg"],
      ]);
    });

    it("runs an untyped validation on a resource no typed validation is for", () => {
      const policies = [resourcePolicy("every", (args, report) => report(`saw ${args.name}`))];
      assert.deepEqual(run([vm], policies), [
        ["every", "violation", vm.urn, AWS.instance, "web-vm", "saw web-vm"],
      ]);
    });

    it("answers isType and asType by the class's __pulumiType", () => {
      const policy = resourcePolicy("types", (args, report) => {
        report(
          `isType(SecurityGroup) ${args.isType(SecurityGroup as never)}, isType(Instance) ${args.isType(Instance as never)}, ` +
            `asType(SecurityGroup) ${JSON.stringify(args.asType(SecurityGroup as never))}, ` +
            `asType(Instance) ${JSON.stringify(args.asType(Instance as never))}`,
        );
      });
      assert.deepEqual(
        run([sg], [policy]).map((v) => v[5]),
        [
          'isType(SecurityGroup) true, isType(Instance) false, asType(SecurityGroup) {"name":"sg"}, asType(Instance) undefined',
        ],
      );
    });

    it("ends a validation that calls notApplicable, with no verdict", () => {
      const policy = resourcePolicy("skips", (args, report) => {
        args.notApplicable("not mine");
        report("reached after notApplicable");
      });
      assert.deepEqual(run([sg], [policy]), []);
    });

    it("lets a policy's own error through, naming it, rather than passing the resource", () => {
      const policy = resourcePolicy("broken", () => {
        throw new Error("boom");
      });
      assert.throws(() => run([sg], [policy]), /^Error: boom$/);
    });

    it("refuses a validation that returns a promise, naming the policy", () => {
      const policy = resourcePolicy("async", async () => undefined);
      assert.throws(() => run([sg], [policy]), {
        message: "policy async returned a promise: offline runs synchronous policies only",
      });
    });
  });

  describe("stack policies", () => {
    it("names the resource a violation is reported on; one reported on no URN, or on one not in the stack, names none", () => {
      const policy = stackPolicy("stack", (_args, report) => {
        report("on the group", sg.urn);
        report("on nothing");
        report("on a stranger", urn(AWS.instance, "elsewhere"));
      });
      assert.deepEqual(run([sg, vm], [policy]), [
        ["stack", "violation", sg.urn, AWS.securityGroup, "web-sg", "on the group"],
        ["stack", "violation", "", "", "", "on nothing"],
        ["stack", "violation", urn(AWS.instance, "elsewhere"), "", "", "on a stranger"],
      ]);
    });

    it("runs both validations of a policy that has both, as the SDK does (policy.js:235, server.js:225 and :328)", () => {
      const both = {
        ...stackPolicy("both", (args, report) => report(`stack of ${args.resources.length}`)),
        validateResource: (args: { name: string }, report: (message: string) => void) =>
          report(`resource ${args.name}`),
      } as unknown as StackValidationPolicy;
      assert.deepEqual(run([sg, vm], [both]), [
        ["both", "violation", sg.urn, AWS.securityGroup, "web-sg", "resource web-sg"],
        ["both", "violation", vm.urn, AWS.instance, "web-vm", "resource web-vm"],
        ["both", "violation", "", "", "", "stack of 2"],
      ]);
    });

    it("gives the stack tags to stack and resource policies", () => {
      const tags = new Map([["env", "prod"]]);
      const policies = [
        stackPolicy("stack", (args, report) => report(`env ${args.stackTags.get("env")}`)),
        resourcePolicy("every", (args, report) => report(`env ${args.stackTags.get("env")}`)),
      ];
      assert.deepEqual(
        run([vm], policies, tags).map((v) => v[5]),
        ["env prod", "env prod"],
      );
    });

    it("links parent (from the resource or its options) and dependencies to the stack's resources, dropping strangers", () => {
      const parent: OfflineResource = { urn: urn("phoenix:aws:Fleet", "fleet"), type: "phoenix:aws:Fleet" };
      const child: OfflineResource = {
        ...vm,
        options: { parent: parent.urn, protect: true },
        dependencies: [sg.urn, urn(AWS.instance, "elsewhere")],
        propertyDependencies: { vpcSecurityGroupIds: [sg.urn, urn(AWS.instance, "elsewhere")] },
      };
      const orphan: OfflineResource = {
        ...sg,
        urn: urn(AWS.securityGroup, "orphan"),
        parent: urn("x", "gone"),
      };
      const seen: string[] = [];
      const policy = stackPolicy("links", (args) => {
        const name = (r?: PolicyResource) => (r ? r.name : "none");
        for (const r of args.resources) {
          seen.push(
            `${r.name}: parent ${name(r.parent)}, dependencies [${r.dependencies.map(name)}], ` +
              `vpcSecurityGroupIds [${(r.propertyDependencies.vpcSecurityGroupIds ?? []).map(name)}], ` +
              `protect ${r.opts.protect}, ignoreChanges [${r.opts.ignoreChanges}]`,
          );
        }
      });
      assert.deepEqual(run([parent, sg, child, orphan], [policy]), []);
      assert.deepEqual(seen, [
        "fleet: parent none, dependencies [], vpcSecurityGroupIds [], protect false, ignoreChanges []",
        "web-sg: parent none, dependencies [], vpcSecurityGroupIds [], protect false, ignoreChanges []",
        "web-vm: parent fleet, dependencies [web-sg], vpcSecurityGroupIds [web-sg], protect true, ignoreChanges []",
        "orphan: parent none, dependencies [], vpcSecurityGroupIds [], protect false, ignoreChanges []",
      ]);
    });

    it("reads the parent a resource names itself", () => {
      const parent: OfflineResource = { urn: urn("phoenix:aws:Fleet", "fleet"), type: "phoenix:aws:Fleet" };
      const policy = stackPolicy("links", (args, report) => {
        for (const r of args.resources) if (r.parent) report(`${r.name} under ${r.parent.name}`);
      });
      assert.deepEqual(
        run([parent, { ...vm, parent: parent.urn }], [policy]).map((v) => v[5]),
        ["web-vm under fleet"],
      );
    });

    it("answers isType and asType on the stack's resources by the class's __pulumiType", () => {
      const policy = stackPolicy("types", (args, report) => {
        for (const r of args.resources)
          report(
            `${r.name} ${r.isType(SecurityGroup as never)} ${JSON.stringify(r.asType(SecurityGroup as never))}`,
          );
      });
      assert.deepEqual(
        run([sg, vm], [policy]).map((v) => v[5]),
        ['web-sg true {"name":"sg"}', "web-vm false undefined"],
      );
    });

    it("ends a stack validation that calls notApplicable, with no verdict", () => {
      const policy = stackPolicy("skips", (args, report) => {
        args.notApplicable("not mine");
        report("reached after notApplicable");
      });
      assert.deepEqual(run([sg], [policy]), []);
    });

    it("refuses a stack validation that returns a promise, naming the policy", () => {
      const policy = stackPolicy("async-stack", async () => undefined);
      assert.throws(() => run([sg], [policy]), {
        message: "policy async-stack returned a promise: offline runs synchronous policies only",
      });
    });

    it("skips a disabled stack policy", () => {
      const serial: OfflineResource = {
        urn: urn(AWS.serialConsoleAccess, "serial"),
        type: AWS.serialConsoleAccess,
        inputs: {},
      };
      assert.equal(evaluateResources([serial], { policies: [noRemoteShell] }).length, 1);
      assert.deepEqual(
        evaluateResources([serial], { policies: [noRemoteShell], config: { "no-remote-shell": "disabled" } }),
        [],
      );
    });

    it("gives an undecided stack verdict on no resource (the stack's, not one resource's)", () => {
      const serial: OfflineResource = {
        urn: urn(AWS.serialConsoleAccess, "serial"),
        type: AWS.serialConsoleAccess,
        inputs: { enabled: UNKNOWN },
      };
      const verdicts = evaluateResources([serial], { policies: [noRemoteShell] });
      assert.deepEqual(
        verdicts.map((v) => [v.kind, v.enforcementLevel, v.urn, v.type, v.name]),
        [["undecided", "advisory", "", "", ""]],
      );
    });
  });

  it("nameOfUrn: the logical name after the URN's last `::`, or the whole text when there is none", () => {
    assert.equal(nameOfUrn(urn(AWS.instance, "web-vm")), "web-vm");
    assert.equal(nameOfUrn("::web-vm"), "web-vm");
    assert.equal(nameOfUrn("web-vm"), "web-vm");
  });
});
