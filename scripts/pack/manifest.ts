// The pack's package.json follows the package's: `pulumi policy publish` publishes the pack under the
// version in the pack directory's package.json (the policy SDK reads `${cwd}/package.json`,
// @pulumi/policy policy.js:55-60), and `npm install` there installs the ranges it declares
// (pkg/backend/httpstate/policypack.go:534-580). One truth: the root package.json; this derives the rest.

/** The packages the compiled pack requires at run time (everything else it needs is compiled in). */
export const PACK_RUNTIME_PACKAGES = ["@pulumi/policy", "@pulumi/pulumi", "ipaddr.js"] as const;

export interface Manifest {
  version?: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  [key: string]: unknown;
}

/**
 * The pack's manifest with its version and dependency ranges taken from the root manifest. Throws naming
 * the package when the root declares no range for one the pack needs.
 */
export function syncedPackManifest(root: Manifest, pack: Manifest): Manifest {
  const dependencies: Record<string, string> = {};
  for (const name of PACK_RUNTIME_PACKAGES) {
    const range = root.dependencies?.[name] ?? root.peerDependencies?.[name] ?? root.devDependencies?.[name];
    if (range === undefined) {
      throw new Error(
        `the pack needs ${name} at run time, but the root package.json declares no range for it ` +
          "(in dependencies, peerDependencies or devDependencies)",
      );
    }
    dependencies[name] = range;
  }
  return { ...pack, version: root.version, dependencies };
}
