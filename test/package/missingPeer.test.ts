// An optional peer that is not installed is named, with what needs it and how to install it; `phoenix check`
// and `phoenix plan` without @pulumi/policy end as a missing prerequisite (exit 4).
import assert from "node:assert/strict";
import { EXIT } from "../../cli/exitCodes";
import { withPolicies } from "../../cli/policiesPeer";
import { importNeeding, loadPeer, MissingPeerDependencyError } from "../../components/peers";

const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /x.js`), {
    code: "MODULE_NOT_FOUND",
  });

describe("optional peer dependencies", () => {
  it("loadPeer names the package, what needs it and the install command", () => {
    assert.throws(
      () => loadPeer("@pulumi/not-installed-here", "A Network that creates its own VPC"),
      (error: unknown) =>
        error instanceof MissingPeerDependencyError &&
        error.packageName === "@pulumi/not-installed-here" &&
        /^A Network that creates its own VPC needs the package @pulumi\/not-installed-here, .* npm install @pulumi\/not-installed-here$/.test(
          error.message,
        ),
    );
  });

  it("a module the peer itself cannot find is not mistaken for the peer missing", async () => {
    await assert.rejects(
      importNeeding(() => Promise.reject(notFound("left-pad")), "@pulumi/policy", "x"),
      (error: unknown) => !(error instanceof MissingPeerDependencyError),
    );
  });

  it("phoenix check and plan without @pulumi/policy exit 4, naming it", async () => {
    await assert.rejects(
      withPolicies("check", () => Promise.reject(notFound("@pulumi/policy"))),
      (error: unknown) => {
        const { exitCode, message } = error as { exitCode: number; message: string };
        assert.equal(exitCode, EXIT.missingPrerequisite);
        assert.match(message, /^`phoenix check` \(it runs the policies\) needs the package @pulumi\/policy/);
        return true;
      },
    );
    assert.equal(await withPolicies("plan", async () => 42), 42);
  });
});
