// No human access: no ingress rule may admit a remote-access port (SSH, RDP) to an immutable fleet.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { cidrReach } from "./lib/cidr";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { attempt, Unreadable, isSetField, isUnreadable, itemsOf, undecided, readKey } from "./lib/unreadable";
import { asNumber, asRecord, asString, isPresent } from "./lib/values";

export interface NoSshAccessConfig {
  /** Remote-access ports no ingress rule may admit. */
  ports: number[];
  /** When true, only CIDRs reaching outside 10/8, 172.16/12, 192.168/16 and fc00::/7 are violations. */
  allowPrivateSources: boolean;
}

export const NO_SSH_ACCESS_DEFAULTS: NoSshAccessConfig = { ports: [22, 3389], allowPrivateSources: false };

/** One ingress rule in a common shape, whatever resource it came from. */
export interface IngressRule {
  /** How messages name the rule: `ingress[0]` of an inline group, or the rule resource itself. */
  label: string;
  protocol: unknown;
  fromPort: unknown;
  toPort: unknown;
  /** CIDR sources; one that can't be read is still a source, of unknown reach. */
  cidrs: Array<string | Unreadable>;
  /** Non-CIDR sources (security groups, prefix lists, `self`), described for messages. */
  otherSources: Array<string | Unreadable>;
  /** Source fields that can't be read at all (an unknown list may hold no source, or some). */
  unreadableSources: Array<{ cidr: boolean; value: Unreadable }>;
}

/**
 * The ports of `ports` that a rule admits: tcp/6 admits fromPort..toPort, -1/all admits every port.
 * Unreadable when that depends on a value that can't be read (a bound of a tcp rule that could admit one).
 */
export function admittedPorts(
  rule: Pick<IngressRule, "protocol" | "fromPort" | "toPort">,
  ports: number[],
): number[] | Unreadable {
  if (isUnreadable(rule.protocol)) return ports.length === 0 ? [] : rule.protocol;
  const protocol = String(rule.protocol ?? "")
    .trim()
    .toLowerCase();
  if (protocol === "-1" || protocol === "all") return [...ports];
  if (protocol !== "tcp" && protocol !== "6") return [];
  // A tcp rule with a missing bound is read as open on that side: never assume a narrower rule.
  const from = isUnreadable(rule.fromPort) ? undefined : (asNumber(rule.fromPort) ?? 0);
  const to = isUnreadable(rule.toPort) ? undefined : (asNumber(rule.toPort) ?? 65535);
  const candidates = ports.filter((port) => (from ?? port) <= port && port <= (to ?? port));
  if (candidates.length > 0 && from === undefined) return rule.fromPort as Unreadable;
  if (candidates.length > 0 && to === undefined) return rule.toPort as Unreadable;
  return candidates;
}

/**
 * The sources of a rule that make it a violation under the config, each described for the message;
 * Unreadable when that depends on a source that can't be read. By default every source offends, so an
 * encrypted or unknown source is a violation as surely as `0.0.0.0/0`; with private sources allowed, a
 * CIDR that can't be read could be private or not, and only a readable public one decides.
 */
export function offendingSources(rule: IngressRule, allowPrivateSources: boolean): string[] | Unreadable {
  if (!allowPrivateSources) {
    const all = [...rule.cidrs, ...rule.otherSources].map(String);
    if (all.length > 0 || rule.unreadableSources.length === 0) return all;
    return rule.unreadableSources[0].value;
  }
  const offending: string[] = [];
  let unsure: Unreadable | undefined;
  for (const cidr of rule.cidrs) {
    if (isUnreadable(cidr)) {
      unsure ??= cidr;
      continue;
    }
    const reach = cidrReach(cidr);
    if (reach.kind === "public") offending.push(cidr);
    if (reach.kind === "invalid") offending.push(`${cidr} (not a valid CIDR, so not provably private)`);
  }
  unsure ??= rule.unreadableSources.find((s) => s.cidr)?.value;
  return offending.length === 0 && unsure ? unsure : offending;
}

/** Collects a rule's sources from fields read one by one (a field that can't be read is noted). */
class SourceCollector {
  readonly cidrs: Array<string | Unreadable> = [];
  readonly otherSources: Array<string | Unreadable> = [];
  readonly unreadableSources: IngressRule["unreadableSources"] = [];

  /** A list of CIDRs: an item that can't be read is a source; the list unread may hold none. */
  cidrList(read: () => unknown): this {
    return this.list(read, true, String);
  }

  otherList(read: () => unknown, describe: (value: string) => string): this {
    return this.list(read, false, describe);
  }

  /** One source field: encrypted, it is set; not known until apply, it may be unset (see isSetField). */
  scalar(read: () => unknown, cidr: boolean, describe: (value: string) => string = String): this {
    const value = attempt(read);
    const set = isSetField(value);
    if (isUnreadable(set)) this.unreadableSources.push({ cidr, value: set });
    else if (set)
      (cidr ? this.cidrs : this.otherSources).push(isUnreadable(value) ? value : describe(String(value)));
    return this;
  }

  self(read: () => unknown): this {
    const self = attempt(read);
    if (isUnreadable(self)) this.unreadableSources.push({ cidr: false, value: self });
    else if (self === true || self === "true") this.otherSources.push("self");
    return this;
  }

  private list(read: () => unknown, cidr: boolean, describe: (value: string) => string): this {
    const items = itemsOf(read);
    if (isUnreadable(items)) this.unreadableSources.push({ cidr, value: items });
    else
      (cidr ? this.cidrs : this.otherSources).push(
        ...presentItems(items).map((v) => (isUnreadable(v) ? v : describe(String(v)))),
      );
    return this;
  }
}

function presentItems(items: unknown[]): unknown[] {
  return items.filter((item) => isUnreadable(item) || isPresent(item));
}

/**
 * An EC2-classic-shaped rule (an inline security group ingress entry, or an `aws.ec2.SecurityGroupRule`): the
 * same fields but for where the source security groups are.
 */
function classicRule(
  label: string,
  rule: Record<string, unknown>,
  groups: "securityGroups" | "sourceSecurityGroupId",
): RuleHead {
  return {
    label,
    protocol: readKey(rule, "protocol"),
    fromPort: readKey(rule, "fromPort"),
    toPort: readKey(rule, "toPort"),
    sources: () => {
      const group = (g: string) => `security group ${g}`;
      const sources = new SourceCollector()
        .cidrList(() => rule.cidrBlocks)
        .cidrList(() => rule.ipv6CidrBlocks);
      // An inline rule lists its source groups; a rule resource names one.
      if (groups === "securityGroups") sources.otherList(() => rule.securityGroups, group);
      else sources.scalar(() => rule.sourceSecurityGroupId, false, group);
      return sources
        .otherList(
          () => rule.prefixListIds,
          (p) => `prefix list ${p}`,
        )
        .self(() => rule.self);
    },
  };
}

/**
 * The ingress rules a resource declares (egress rules and egress-typed rule resources are none); an
 * inline rule that can't be read at all, or a list of them, is Unreadable in its place.
 */
export function ingressRulesOf(
  type: string,
  props: Record<string, unknown>,
): Array<IngressRule | Unreadable> {
  return ruleHeadsOf(type, props).map((rule) => (isUnreadable(rule) ? rule : withSources(rule)));
}

/** A rule's protocol and ports, and a way to read its sources: read only when a port admitted needs them. */
interface RuleHead extends Pick<IngressRule, "label" | "protocol" | "fromPort" | "toPort"> {
  sources(): Pick<IngressRule, "cidrs" | "otherSources" | "unreadableSources">;
}

function withSources(rule: RuleHead): IngressRule {
  const { cidrs, otherSources, unreadableSources } = rule.sources();
  const { label, protocol, fromPort, toPort } = rule;
  return { label, protocol, fromPort, toPort, cidrs, otherSources, unreadableSources };
}

/**
 * ingressRulesOf, sources left unread: most rules of a stack admit no remote-access port (443, 8080, an
 * egress rule), and `phoenix check` meets thousands of them.
 */
function ruleHeadsOf(type: string, props: Record<string, unknown>): Array<RuleHead | Unreadable> {
  if (type === AWS.securityGroup || type === AWS.defaultSecurityGroup) {
    const entries = itemsOf(() => props.ingress);
    if (isUnreadable(entries)) return [entries];
    return entries.map((entry, i) =>
      isUnreadable(entry) ? entry : classicRule(`ingress[${i}]`, asRecord(entry), "securityGroups"),
    );
  }
  if (type === AWS.securityGroupRule) {
    const ruleType = readKey(props, "type");
    if (isUnreadable(ruleType)) return [ruleType];
    if (String(ruleType ?? "").toLowerCase() !== "ingress") return [];
    return [classicRule("the rule", props, "sourceSecurityGroupId")];
  }
  if (type === AWS.gameLiftFleet)
    return listedRules(() => props.ec2InboundPermissions, "ec2InboundPermissions", gameLiftRule);
  if (type === AWS.lightsailPublicPorts)
    return listedRules(() => props.portInfos, "portInfos", lightsailRule);
  if (type === AWS.eksNodeGroup) return nodeGroupRules(props);
  if (type === AWS.securityGroupIngressRule) {
    return [
      {
        label: "the rule",
        protocol: readKey(props, "ipProtocol"),
        fromPort: readKey(props, "fromPort"),
        toPort: readKey(props, "toPort"),
        sources: () =>
          new SourceCollector()
            .scalar(() => props.cidrIpv4, true)
            .scalar(() => props.cidrIpv6, true)
            .scalar(
              () => props.referencedSecurityGroupId,
              false,
              (g) => `security group ${g}`,
            )
            .scalar(
              () => props.prefixListId,
              false,
              (p) => `prefix list ${p}`,
            ),
      },
    ];
  }
  return [];
}

/** Rules listed in one input, each mapped by `rule`; an entry or the list that can't be read stays Unreadable. */
function listedRules(
  read: () => unknown,
  field: string,
  rule: (label: string, entry: Record<string, unknown>) => RuleHead,
): Array<RuleHead | Unreadable> {
  const entries = itemsOf(read);
  if (isUnreadable(entries)) return [entries];
  return entries.map((entry, i) => (isUnreadable(entry) ? entry : rule(`${field}[${i}]`, asRecord(entry))));
}

/** A GameLift fleet's inbound permission: one IP range to a port range of its instances. */
function gameLiftRule(label: string, entry: Record<string, unknown>): RuleHead {
  return {
    label,
    protocol: readKey(entry, "protocol"),
    fromPort: readKey(entry, "fromPort"),
    toPort: readKey(entry, "toPort"),
    sources: () => new SourceCollector().scalar(() => entry.ipRange, true),
  };
}

/** A Lightsail instance's public port: IPv4 and IPv6 CIDRs, and CIDR aliases (AWS-defined ranges). */
function lightsailRule(label: string, entry: Record<string, unknown>): RuleHead {
  return {
    label,
    protocol: readKey(entry, "protocol"),
    fromPort: readKey(entry, "fromPort"),
    toPort: readKey(entry, "toPort"),
    sources: () =>
      new SourceCollector()
        .cidrList(() => entry.cidrs)
        .cidrList(() => entry.ipv6Cidrs)
        .otherList(
          () => entry.cidrListAliases,
          (alias) => `CIDR alias ${alias}`,
        ),
  };
}

/**
 * An EKS managed node group with `remoteAccess.ec2SshKey`: AWS opens port 22 (3389 on Windows) on its nodes,
 * from `sourceSecurityGroupIds`, or from the internet when there are none (the provider's documentation of
 * `NodeGroupRemoteAccess.ec2SshKey`).
 */
function nodeGroupRules(props: Record<string, unknown>): Array<RuleHead | Unreadable> {
  const remoteAccess = readKey(props, "remoteAccess");
  if (isUnreadable(remoteAccess)) return [remoteAccess];
  const access = asRecord(remoteAccess);
  const key = isSetField(readKey(access, "ec2SshKey"));
  if (key === false) return [];
  if (isUnreadable(key)) return [key];
  const sources = new SourceCollector().otherList(
    () => access.sourceSecurityGroupIds,
    (g) => `security group ${g}`,
  );
  if (sources.otherSources.length === 0 && sources.unreadableSources.length === 0) {
    sources.cidrs.push("0.0.0.0/0 (no `sourceSecurityGroupIds`: AWS opens it to the internet)");
  }
  return [22, 3389].map((port) => ({
    label: `remoteAccess (port ${port === 22 ? "22, or 3389 on Windows nodes" : "3389 on Windows nodes"})`,
    protocol: "tcp",
    fromPort: port,
    toPort: port,
    sources: () => sources,
  }));
}

function validateIngress(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const config = configOf(args, NO_SSH_ACCESS_DEFAULTS);
  // A violation found in one rule decides the verdict whatever another rule that can't be read holds.
  let unsure: Unreadable | undefined;
  let violated = false;
  const rules = ruleHeadsOf(args.type, props);
  for (let r = 0; r < rules.length; r++) {
    const head = rules[r];
    if (isUnreadable(head)) {
      unsure ??= head;
      continue;
    }
    const ports = admittedPorts(head, config.ports);
    if (isUnreadable(ports)) {
      unsure ??= ports;
      continue;
    }
    if (ports.length === 0) continue;
    const rule = withSources(head);
    const sources = offendingSources(rule, config.allowPrivateSources);
    if (isUnreadable(sources)) {
      unsure ??= sources;
      continue;
    }
    if (sources.length === 0) continue;
    const protocol = asString(rule.protocol) ?? String(rule.protocol);
    violated = true;
    report(
      `${describeResource(args.type, args.name)} must not admit remote access: ${rule.label} ` +
        `(protocol ${protocol}) admits port ${ports.join(", ")} from ${sources.join(", ")}.`,
    );
  }
  if (!violated && unsure) undecided(unsure);
}

/** Every type whose ingress no-ssh-access judges (the enumeration test checks this list). */
export const INGRESS_TYPES = [
  AWS.securityGroup,
  AWS.defaultSecurityGroup,
  AWS.securityGroupRule,
  AWS.securityGroupIngressRule,
  AWS.gameLiftFleet,
  AWS.lightsailPublicPorts,
  AWS.eksNodeGroup,
];

export const noSshAccess: ResourceValidationPolicy = {
  name: "no-ssh-access",
  description:
    "Checks that no ingress rule admits SSH or RDP (or other configured remote-access ports): " +
    "immutable servers are replaced, never logged into.",
  enforcementLevel: "mandatory",
  severity: "critical",
  configSchema: schemaWithDefaults(NO_SSH_ACCESS_DEFAULTS, {
    ports: {
      type: "array",
      items: { type: "integer", minimum: 0, maximum: 65535 },
      description: "Remote-access ports no ingress rule may admit.",
    },
    allowPrivateSources: {
      type: "boolean",
      description:
        "Allow these ports from CIDRs entirely inside 10/8, 172.16/12, 192.168/16 and fc00::/7 " +
        "(security groups, prefix lists and self stay allowed too). By default any source is a violation.",
    },
  }),
  validateResource: validateTypes<Record<string, unknown>>(INGRESS_TYPES, validateIngress),
};
