// Standalone instances: a user-data change must replace the instance, never be applied to a running one
// (the provider's default is to stop the instance, change user data and start it again — in place).
import type { ReportViolation, ResourceValidationArgs, ResourceValidationPolicy } from "@pulumi/policy";
import { configOf, schemaWithDefaults } from "./lib/config";
import { AWS, describeResource, validateTypes } from "./lib/types";
import { isSetField, isUnreadable, readOrUndecided, undecided, readKey } from "./lib/unreadable";
import { asBoolean } from "./lib/values";

export interface ReplaceOnUserDataConfig {
  /** When true, only instances that set `userData` or `userDataBase64` are checked. */
  onlyWithUserData: boolean;
}

export const REPLACE_ON_USER_DATA_DEFAULTS: ReplaceOnUserDataConfig = { onlyWithUserData: false };

function validateInstance(
  props: Record<string, unknown>,
  args: ResourceValidationArgs,
  report: ReportViolation,
) {
  const { onlyWithUserData } = configOf(args, REPLACE_ON_USER_DATA_DEFAULTS);
  if (onlyWithUserData) {
    // Encrypted user data is user data all the same; user data not known until apply may be none.
    const given = [isSetField(readKey(props, "userData")), isSetField(readKey(props, "userDataBase64"))];
    if (!given.includes(true)) {
      const unsure = given.find(isUnreadable);
      if (!unsure) return;
      // Whether it is checked at all can't be told: only a compliant instance passes either way.
      const replace = readKey(props, "userDataReplaceOnChange");
      if (!isUnreadable(replace) && asBoolean(replace) === true) return;
      undecided(unsure);
    }
  }
  if (asBoolean(readOrUndecided(readKey(props, "userDataReplaceOnChange"))) === true) return;
  report(
    `${describeResource(args.type, args.name)} must set \`userDataReplaceOnChange: true\`, so a user-data ` +
      "change replaces the instance instead of restarting it with new user data in place.",
  );
}

export const instanceReplaceOnUserData: ResourceValidationPolicy = {
  name: "instance-replace-on-user-data",
  description:
    "Checks that every EC2 instance sets `userDataReplaceOnChange: true`, so a change of user data " +
    "replaces the instance rather than mutating it.",
  enforcementLevel: "mandatory",
  severity: "medium",
  configSchema: schemaWithDefaults(REPLACE_ON_USER_DATA_DEFAULTS, {
    onlyWithUserData: {
      type: "boolean",
      description: "Check only instances that set `userData` or `userDataBase64`.",
    },
  }),
  validateResource: validateTypes([AWS.instance], validateInstance),
};
