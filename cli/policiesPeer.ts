// `phoenix check` and `phoenix plan` run the policies offline, and the policies need @pulumi/policy (an
// optional peer dependency): loaded here, on demand, its absence a missing prerequisite (exit 4) named.
import { importNeeding, MissingPeerDependencyError } from "../components/peers";
import { CliError, EXIT } from "./exitCodes";

export async function withPolicies<T>(command: string, load: () => Promise<T>): Promise<T> {
  try {
    return await importNeeding(load, "@pulumi/policy", `\`phoenix ${command}\` (it runs the policies)`);
  } catch (error) {
    if (error instanceof MissingPeerDependencyError)
      throw new CliError(error.message, EXIT.missingPrerequisite);
    throw error;
  }
}
