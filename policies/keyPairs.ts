// No key pairs: an immutable server has no login, so nothing may give it an SSH key.
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { asList, asRecord, isPresent } from "./lib/values";

export interface NoKeyPairsConfig {
  /** When true (the default), declaring an `aws.ec2.KeyPair` at all is a violation. */
  forbidKeyPairResources: boolean;
}

export const NO_KEY_PAIRS_DEFAULTS: NoKeyPairsConfig = { forbidKeyPairResources: true };

/** Where each resource type can name a key pair, as paths for the message. */
export function keyNamesOf(
  type: string,
  props: Record<string, unknown>,
): Array<{ path: string; key: string }> {
  const found: Array<{ path: string; key: string }> = [];
  if (type === AWS.spotFleetRequest) {
    asList(props.launchSpecifications).forEach((spec, i) => {
      const keyName = asRecord(spec).keyName;
      if (isPresent(keyName))
        found.push({ path: `launchSpecifications[${i}].keyName`, key: String(keyName) });
    });
    return found;
  }
  if (isPresent(props.keyName)) found.push({ path: "keyName", key: String(props.keyName) });
  return found;
}

function validateKeyNames(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  for (const { path, key } of keyNamesOf(args.type, props)) {
    report(`${describeResource(args.type, args.name)} must not set a key pair: \`${path}\` is "${key}".`);
  }
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
    "Checks that no launch template or configuration, instance, spot instance request or spot fleet " +
    "sets a key pair, and that no EC2 key pair is declared.",
  enforcementLevel: "mandatory",
  severity: "high",
  configSchema: schemaWithDefaults(NO_KEY_PAIRS_DEFAULTS, {
    forbidKeyPairResources: {
      type: "boolean",
      description: "Whether declaring an `aws.ec2.KeyPair` resource is itself a violation.",
    },
  }),
  validateResource: [
    validateTypes<Record<string, unknown>>(
      [
        AWS.launchTemplate,
        AWS.launchConfiguration,
        AWS.instance,
        AWS.spotInstanceRequest,
        AWS.spotFleetRequest,
      ],
      validateKeyNames,
    ),
    validateTypes<Record<string, unknown>>([AWS.keyPair], validateKeyPair),
  ].flat(),
};
