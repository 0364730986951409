// `--vpc-id`, `--public-subnets`, `--private-subnets`: an existing VPC, for `phoenix bootstrap` (also from
// PHOENIX_VPC_ID, PHOENIX_PUBLIC_SUBNETS, PHOENIX_PRIVATE_SUBNETS; a flag wins over its variable) and
// `phoenix plan --offline` (flags only, like its other options). The rules are the library's
// (automation/existingVpc.ts), so the CLI and the library never disagree on what is valid.
import { Option, type Command } from "commander";
import { existingVpcProblems, type ExistingVpcNames } from "../../automation/existingVpc";
import type { NetworkVpc } from "../../automation/errors";

export interface VpcFlags {
  vpcId?: string;
  publicSubnets?: string;
  privateSubnets?: string;
  vpcCidr?: string;
}

export const VPC_ENV = {
  vpcId: "PHOENIX_VPC_ID",
  publicSubnets: "PHOENIX_PUBLIC_SUBNETS",
  privateSubnets: "PHOENIX_PRIVATE_SUBNETS",
} as const;

const NAMES: ExistingVpcNames = {
  vpcId: "--vpc-id",
  publicSubnetIds: "--public-subnets",
  privateSubnetIds: "--private-subnets",
  vpcCidr: "--vpc-cidr",
};

/** Adds the three options; `env` also reads them from their PHOENIX_ variables (commander: the flag wins). */
export function addVpcOptions(command: Command, env: boolean): Command {
  const option = (flags: string, description: string, variable: string) => {
    const created = new Option(flags, description);
    return command.addOption(env ? created.env(variable) : created);
  };
  option("--vpc-id <id>", "use this existing VPC instead of creating one (vpc-…)", VPC_ENV.vpcId);
  option(
    "--public-subnets <ids>",
    "its public subnets for the load balancer, comma-separated: at least two, in different AZs",
    VPC_ENV.publicSubnets,
  );
  option(
    "--private-subnets <ids>",
    "its private subnets for the fleets, comma-separated",
    VPC_ENV.privateSubnets,
  );
  return command;
}

/** `subnet-a, subnet-b` → ["subnet-a", "subnet-b"]; an empty flag or variable counts as not given. */
function list(raw: string | undefined): string[] | undefined {
  if (raw === undefined || raw.trim() === "") return undefined;
  return raw.split(",").map((id) => id.trim());
}

/** The existing VPC the flags name (undefined when none), and every problem with them. */
export function existingVpcFromFlags(
  flags: VpcFlags,
  env: boolean,
): { vpc: NetworkVpc | undefined; problems: string[] } {
  const input = {
    vpcId: flags.vpcId === undefined || flags.vpcId.trim() === "" ? undefined : flags.vpcId.trim(),
    publicSubnetIds: list(flags.publicSubnets),
    privateSubnetIds: list(flags.privateSubnets),
  };
  const missingHint = env
    ? ` (each a flag or its variable: ${Object.values(VPC_ENV).join(", ")})`
    : undefined;
  const problems = existingVpcProblems({ ...input, vpcCidr: flags.vpcCidr }, { ...NAMES, missingHint });
  const vpc =
    problems.length === 0 && input.vpcId !== undefined
      ? {
          vpcId: input.vpcId,
          publicSubnetIds: input.publicSubnetIds!,
          privateSubnetIds: input.privateSubnetIds!,
        }
      : undefined;
  return { vpc, problems };
}
