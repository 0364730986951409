// Bootstrapping into a VPC the team already has: checking the VPC id and subnet lists before any stack is
// touched, turning them into the network stack's config, and refusing to point an existing network stack at
// another VPC (that would replace the load balancer, the target groups and every fleet). Pure: no engine call.
import type { OutputMap } from "@pulumi/pulumi/automation";
import { NetworkMismatchError, type NetworkVpc } from "./errors";

/** An existing VPC to bootstrap into: its id, the load balancer's subnets and the fleets' subnets. */
export type ExistingVpc = NetworkVpc;

/** The same rules as the network program's config (programs/config.ts), so both accept the same ids. */
export const VPC_ID_PATTERN = /^vpc-[0-9a-f]{8,17}$/;
export const SUBNET_ID_PATTERN = /^subnet-[0-9a-f]{8,17}$/;

/**
 * An Application Load Balancer needs subnets in at least two Availability Zones: "[Application Load
 * Balancers] You must specify subnets from at least two Availability Zones."
 * https://docs.aws.amazon.com/elasticloadbalancing/latest/APIReference/API_CreateLoadBalancer.html
 * Phoenix cannot see the zones without an EC2 call, so it checks the count; AWS refuses two subnets of one zone.
 */
export const MIN_PUBLIC_SUBNETS = 2;

type Key = "vpcId" | "publicSubnetIds" | "privateSubnetIds";
const KEYS: readonly Key[] = ["vpcId", "publicSubnetIds", "privateSubnetIds"];

/** How the caller spells each input in its messages: `network.vpcId` (library) or `--vpc-id` (CLI). */
export interface ExistingVpcNames extends Record<Key, string> {
  vpcCidr: string;
  /** Appended to the message about a missing input (the CLI names its environment variables). */
  missingHint?: string;
}

export const LIBRARY_NAMES: ExistingVpcNames = {
  vpcId: "network.vpcId",
  publicSubnetIds: "network.publicSubnetIds",
  privateSubnetIds: "network.privateSubnetIds",
  vpcCidr: "network.vpcCidr",
};

export interface ExistingVpcInput {
  vpcId?: unknown;
  publicSubnetIds?: unknown;
  privateSubnetIds?: unknown;
  vpcCidr?: unknown;
}

const show = (value: unknown): string => JSON.stringify(value) ?? String(value);

/**
 * Every problem of the existing-VPC inputs, each naming the input, the value and what is allowed; none when
 * none of the three is given (Phoenix creates the VPC) or all three are valid together.
 */
export function existingVpcProblems(input: ExistingVpcInput, names: ExistingVpcNames): string[] {
  const problems: string[] = [];
  const add = (name: string, value: unknown, allowed: string) =>
    problems.push(`\`${name}\` (${show(value)}) ${allowed}`);
  const given = KEYS.filter((key) => input[key] !== undefined);
  if (given.length === 0) return problems;

  for (const key of KEYS.filter((k) => input[k] === undefined)) {
    problems.push(
      `\`${names[key]}\` is required with ${given.map((k) => `\`${names[k]}\``).join(" and ")}: an existing ` +
        `VPC needs all three, its id (\`${names.vpcId}\`), the load balancer's public subnets ` +
        `(\`${names.publicSubnetIds}\`) and the fleets' private subnets (\`${names.privateSubnetIds}\`)` +
        (names.missingHint ?? ""),
    );
  }
  if (input.vpcId !== undefined && (typeof input.vpcId !== "string" || !VPC_ID_PATTERN.test(input.vpcId)))
    add(names.vpcId, input.vpcId, "must be a VPC id: `vpc-` and 8 to 17 lower-case hex digits");
  if (input.vpcCidr !== undefined)
    add(names.vpcCidr, input.vpcCidr, `cannot be used with \`${names.vpcId}\`: the VPC already exists`);

  const publicIds = subnetList(add, names.publicSubnetIds, input.publicSubnetIds);
  const privateIds = subnetList(add, names.privateSubnetIds, input.privateSubnetIds);
  if (publicIds && new Set(publicIds).size < MIN_PUBLIC_SUBNETS)
    add(
      names.publicSubnetIds,
      publicIds,
      `must list at least ${MIN_PUBLIC_SUBNETS} different subnets, each in its own Availability Zone: ` +
        "an Application Load Balancer needs subnets in at least two Availability Zones",
    );
  if (privateIds && privateIds.length === 0)
    add(names.privateSubnetIds, privateIds, "must list at least one subnet: the fleets' instances run there");
  if (publicIds && privateIds) {
    for (const id of new Set(privateIds.filter((p) => publicIds.includes(p))))
      add(
        names.privateSubnetIds,
        id,
        `is also in \`${names.publicSubnetIds}\`: a subnet is either public (the load balancer's) or ` +
          "private (the fleets'), not both",
      );
  }
  return problems;
}

/** The list's ids when it is a list of strings (bad ids and duplicates reported), else undefined. */
function subnetList(
  add: (name: string, value: unknown, allowed: string) => void,
  name: string,
  value: unknown,
): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) {
    add(name, value, 'must be a list of subnet ids, such as ["subnet-0a1b2c3d", "subnet-4e5f6a7b"]');
    return undefined;
  }
  const ids = value as string[];
  for (const id of ids.filter((item) => !SUBNET_ID_PATTERN.test(item)))
    add(name, id, "is not a subnet id: `subnet-` and 8 to 17 lower-case hex digits");
  for (const id of new Set(ids.filter((item, i) => ids.indexOf(item) !== i)))
    add(name, id, "is listed more than once: list each subnet once");
  return ids;
}

/**
 * The network stack's config keys that choose its VPC: the existing VPC's (lists as JSON, as `pulumi config`
 * stores them), or `vpcCidr` for a VPC Phoenix creates. A stack left behind by a failed bootstrap keeps its
 * config (setAllConfig merges), so when `stackExisted` the keys this run does not use are blanked ("" reads
 * as unset): a retry without the VPC options must not land in the VPC of the failed attempt.
 */
export function vpcConfig(
  vpc: ExistingVpc | undefined,
  vpcCidr: string | undefined,
  stackExisted: boolean,
): Record<string, string | undefined> {
  const unused = stackExisted ? "" : undefined;
  return {
    vpcCidr: vpc ? unused : (vpcCidr ?? unused),
    vpcId: vpc ? vpc.vpcId : unused,
    publicSubnetIds: vpc ? JSON.stringify(vpc.publicSubnetIds) : unused,
    privateSubnetIds: vpc ? JSON.stringify(vpc.privateSubnetIds) : unused,
  };
}

/** The VPC and subnets a deployed network stack uses, from its outputs (undefined before its first up). */
export function deployedVpc(outputs: OutputMap): ExistingVpc | undefined {
  const vpcId = outputs.vpcId?.value;
  if (typeof vpcId !== "string") return undefined;
  const list = (key: string) => {
    const value = outputs[key]?.value;
    return Array.isArray(value) ? value.map(String) : [];
  };
  return { vpcId, publicSubnetIds: list("publicSubnetIds"), privateSubnetIds: list("privateSubnetIds") };
}

/**
 * Bootstrap never changes an existing network stack, so an existing VPC that differs from the one the stack
 * was deployed with is refused (naming both) instead of being silently ignored. Subnets compare as sets.
 */
export function assertSameVpc(
  stack: string,
  deployed: ExistingVpc | undefined,
  requested: ExistingVpc,
): void {
  if (!deployed) return;
  const sameSet = (a: string[], b: string[]) =>
    new Set(a).size === new Set(b).size && a.every((id) => b.includes(id));
  if (
    deployed.vpcId !== requested.vpcId ||
    !sameSet(deployed.publicSubnetIds, requested.publicSubnetIds) ||
    !sameSet(deployed.privateSubnetIds, requested.privateSubnetIds)
  )
    throw new NetworkMismatchError(stack, deployed, requested);
}
