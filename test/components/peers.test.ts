// Optional peer dependencies in-process: a package that is missing gets an error naming it and what needs it,
// word for word; a package that is there but fails (or misses something of its own) keeps its own error.
import { strict as assert } from "assert";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import { importNeeding, isMissing, loadPeer, MissingPeerDependencyError } from "../../components/peers";

const notFound = (name: string) =>
  Object.assign(new Error(`Cannot find module '${name}'\nRequire stack:\n- /x.js`), {
    code: "MODULE_NOT_FOUND",
  });

describe("optional peer dependencies", () => {
  it("names the package, what needs it and how to install it", () => {
    const error = new MissingPeerDependencyError("@pulumi/awsx", "A Network without an existing VPC");
    assert.equal(
      error.message,
      "A Network without an existing VPC needs the package @pulumi/awsx, an optional peer dependency of " +
        "phoenix-fleet that is not installed: npm install @pulumi/awsx",
    );
    assert.equal(error.name, "MissingPeerDependencyError");
    assert.equal(error.packageName, "@pulumi/awsx");
    assert.equal(error.neededFor, "A Network without an existing VPC");
  });

  it("a package is missing only when the error is MODULE_NOT_FOUND for that very package", () => {
    assert.equal(isMissing(notFound("@pulumi/awsx"), "@pulumi/awsx"), true);
    assert.equal(isMissing(notFound("@pulumi/docker"), "@pulumi/awsx"), false);
    assert.equal(isMissing({ message: "Cannot find module '@pulumi/awsx'" }, "@pulumi/awsx"), false);
    assert.equal(isMissing({ code: "MODULE_NOT_FOUND" }, "@pulumi/awsx"), false);
    assert.equal(isMissing(undefined, "@pulumi/awsx"), false);
    assert.equal(isMissing(null, "@pulumi/awsx"), false);
  });

  it("loads an installed package, and names a missing one", () => {
    assert.equal(loadPeer<typeof import("path")>("path", "a test").join("a", "b"), "a/b");
    assert.throws(
      () => loadPeer("phoenix-no-such-package", "The test"),
      (error: Error) => {
        assert.ok(error instanceof MissingPeerDependencyError);
        assert.equal(error.packageName, "phoenix-no-such-package");
        assert.match(error.message, /^The test needs the package phoenix-no-such-package,/);
        return true;
      },
    );
  });

  it("a package that is there but fails to load keeps its own error", () => {
    const dir = mkdtempSync(join(tmpdir(), "phoenix-peer-"));
    try {
      const file = join(dir, "broken.js");
      writeFileSync(file, 'throw new RangeError("broken on load");\n');
      assert.throws(
        () => loadPeer(file, "The test"),
        (error: Error) => error instanceof RangeError,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an import that needs a missing package names it; any other failure is its own", async () => {
    assert.equal(await importNeeding(async () => 42, "@pulumi/policy", "Policies"), 42);
    await assert.rejects(
      importNeeding(() => Promise.reject(notFound("@pulumi/policy")), "@pulumi/policy", "Policies"),
      (error: Error) => {
        assert.ok(error instanceof MissingPeerDependencyError);
        assert.equal(error.neededFor, "Policies");
        return true;
      },
    );
    const other = notFound("left-pad");
    await assert.rejects(
      importNeeding(() => Promise.reject(other), "@pulumi/policy", "Policies"),
      (error: Error) => error === other,
    );
    const broken = new SyntaxError("Unexpected token");
    await assert.rejects(
      importNeeding(() => Promise.reject(broken), "@pulumi/policy", "Policies"),
      (error: Error) => error === broken,
    );
  });
});
