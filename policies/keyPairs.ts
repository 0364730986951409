// No key pairs: an immutable server has no login, so nothing may give it an SSH key.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, byType, describeResource, validateTypes } from "./lib/types";
import {
  attempt,
  Judgement,
  isSetField,
  isUnreadable,
  itemsOf,
  type Unreadable,
  readKey,
} from "./lib/unreadable";
import { asRecord } from "./lib/values";

export interface NoKeyPairsConfig {
  /** When true (the default), declaring an `aws.ec2.KeyPair` at all is a violation. */
  forbidKeyPairResources: boolean;
}

export const NO_KEY_PAIRS_DEFAULTS: NoKeyPairsConfig = { forbidKeyPairResources: true };

/** A key pair a resource names, at `path`; `key` is Unreadable when the name can't be read. */
export interface KeyName {
  path: string;
  key: string | Unreadable;
  /** False when what can't be read may also be no key at all (see `isSetField`). */
  certain: boolean;
}

/**
 * Where each resource type names a key pair, as paths for the message. An encrypted key name is still a
 * key: the verdict doesn't depend on which. A key name not known until apply, or a launch specification
 * that can't be read at all, may be none: listed, but not certain.
 */
export function keyNamesOf(type: string, props: Record<string, unknown>): KeyName[] {
  const found: KeyName[] = [];
  const add = (path: string, key: unknown) => {
    const set = isSetField(key);
    if (isUnreadable(set)) found.push({ path, key: set, certain: false });
    else if (set) found.push({ path, key: isUnreadable(key) ? key : String(key), certain: true });
  };
  if (type === AWS.spotFleetRequest) {
    const specs = itemsOf(() => props.launchSpecifications);
    if (isUnreadable(specs)) return [{ path: "launchSpecifications", key: specs, certain: false }];
    specs.forEach((spec, i) => {
      const path = `launchSpecifications[${i}]`;
      if (isUnreadable(spec)) found.push({ path, key: spec, certain: false });
      else
        add(
          `${path}.keyName`,
          attempt(() => asRecord(spec).keyName),
        );
    });
    return found;
  }
  const [block, field] = KEY_FIELDS[type] ?? [undefined, "keyName"];
  if (block === undefined) {
    add(field, readKey(props, field));
    return found;
  }
  const inner = readKey(props, block);
  if (isUnreadable(inner)) found.push({ path: block, key: inner, certain: false });
  else
    add(
      `${block}.${field}`,
      attempt(() => asRecord(inner)[field]),
    );
  return found;
}

/**
 * Where types other than the EC2 ones (`keyName`) name a key pair: `[block, field]`, the block absent when
 * the field is top-level. Each installs the key on instances it launches.
 */
const KEY_FIELDS: Record<string, [string | undefined, string]> = {
  [AWS.batchComputeEnvironment]: ["computeResources", "ec2KeyPair"],
  [AWS.eksNodeGroup]: ["remoteAccess", "ec2SshKey"],
  [AWS.emrCluster]: ["ec2Attributes", "keyName"],
  [AWS.imageBuilderInfrastructure]: [undefined, "keyPair"],
  [AWS.lightsailInstance]: [undefined, "keyPairName"],
};

/** Every type whose key pair no-key-pairs judges (the enumeration test checks this list). */
export const KEY_NAME_TYPES = [
  AWS.launchTemplate,
  AWS.launchConfiguration,
  AWS.instance,
  AWS.spotInstanceRequest,
  AWS.spotFleetRequest,
  ...Object.keys(KEY_FIELDS),
];

function validateKeyNames(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const judgement = new Judgement(report);
  for (const { path, key, certain } of keyNamesOf(args.type, props)) {
    if (!certain) {
      judgement.cannotTell(key as Unreadable);
      continue;
    }
    const shown = isUnreadable(key) ? String(key) : `"${key}"`;
    judgement.report(
      `${describeResource(args.type, args.name)} must not set a key pair: \`${path}\` is ${shown}.`,
    );
  }
  judgement.finish();
}

function validateKeyPair(
  _props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  if (!configOf(args, NO_KEY_PAIRS_DEFAULTS).forbidKeyPairResources) return;
  report(`${describeResource(args.type, args.name)} must not exist: immutable servers have no SSH login.`);
}

export const noKeyPairs: ResourceValidationPolicy = {
  name: "no-key-pairs",
  description:
    "Checks that nothing that launches instances (launch templates and configurations, instances, spot " +
    "requests and fleets, EKS node groups, Batch, EMR, Image Builder, Lightsail) sets a key pair, and that no " +
    "EC2 key pair is declared.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: schemaWithDefaults(NO_KEY_PAIRS_DEFAULTS, {
    forbidKeyPairResources: {
      type: "boolean",
      description: "Whether declaring an `aws.ec2.KeyPair` resource is itself a violation.",
    },
  }),
  validateResource: byType(
    validateTypes<Record<string, unknown>>(KEY_NAME_TYPES, validateKeyNames),
    validateTypes<Record<string, unknown>>([AWS.keyPair], validateKeyPair),
  ),
};
