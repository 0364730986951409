// Optional peer dependencies, loaded where they are needed and nowhere else: `@pulumi/awsx` only for the VPC
// `Network` creates itself, `@pulumi/policy` only for the policies. A user who never needs one never installs
// it, and one who does gets an error that names the package and why, instead of a bare MODULE_NOT_FOUND.

/** An optional peer dependency of phoenix-fleet is needed here and not installed. */
export class MissingPeerDependencyError extends Error {
  constructor(
    readonly packageName: string,
    readonly neededFor: string,
  ) {
    super(
      `${neededFor} needs the package ${packageName}, an optional peer dependency of phoenix-fleet that is not ` +
        `installed: npm install ${packageName}`,
    );
    this.name = "MissingPeerDependencyError";
  }
}

/** Whether `error` says that `packageName` itself (not something it requires) cannot be found. */
export function isMissing(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: string; message?: string };
  return code === "MODULE_NOT_FOUND" && (message ?? "").includes(`'${packageName}'`);
}

/** `require(packageName)`, or MissingPeerDependencyError naming it and what needs it. */
export function loadPeer<T>(packageName: string, neededFor: string): T {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded only where needed, see above
    return require(packageName) as T;
  } catch (error) {
    if (isMissing(error, packageName)) throw new MissingPeerDependencyError(packageName, neededFor);
    throw error;
  }
}

/** `await load()` (a dynamic import that needs `packageName`), or MissingPeerDependencyError naming it. */
export async function importNeeding<T>(
  load: () => Promise<T>,
  packageName: string,
  neededFor: string,
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isMissing(error, packageName)) throw new MissingPeerDependencyError(packageName, neededFor);
    throw error;
  }
}
