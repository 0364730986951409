// The pack's package.json follows the root's: its version is the one `pulumi policy publish` publishes.
import { strict as assert } from "assert";
import { readFileSync } from "fs";
import { join } from "path";
import { syncedPackManifest, type Manifest } from "../../scripts/pack/manifest";

const ROOT = join(__dirname, "..", "..");
const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), "utf8")) as Manifest;

describe("the pack's manifest (scripts/pack/manifest.ts)", () => {
  it("is committed in step with the root package.json (run `npm run build` after changing either)", () => {
    const pack = read("policies/package.json");
    assert.deepEqual(pack, syncedPackManifest(read("package.json"), pack));
  });

  it("takes the version and the ranges of the pack's run-time packages from the root", () => {
    const root = {
      version: "2.3.4",
      dependencies: { "@pulumi/pulumi": "^3.300.0", "ipaddr.js": "^2.6.0", commander: "^14.0.0" },
      peerDependencies: { "@pulumi/policy": "^1.22.0" },
    };
    const synced = syncedPackManifest(root, { name: "p", version: "0.0.1", main: "bin/x.js" });
    assert.equal(synced.version, "2.3.4");
    assert.equal(synced.main, "bin/x.js");
    assert.deepEqual(synced.dependencies, {
      "@pulumi/policy": "^1.22.0",
      "@pulumi/pulumi": "^3.300.0",
      "ipaddr.js": "^2.6.0",
    });
  });

  it("refuses a root that declares no range for a package the pack needs, naming it", () => {
    assert.throws(
      () => syncedPackManifest({ version: "1.0.0", dependencies: { "@pulumi/pulumi": "^3" } }, {}),
      /the pack needs @pulumi\/policy at run time, but the root package.json declares no range for it/,
    );
  });
});
