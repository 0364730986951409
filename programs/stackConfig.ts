// Reads the current stack's `phoenix:*` config through the Pulumi runtime (works for `pulumi up`, the
// Automation API's inline programs and the mock runtime alike).
import * as pulumi from "@pulumi/pulumi";
import { CONFIG_NAMESPACE, stackName, type StackPart } from "./contract";
import type { ConfigLookup } from "./config";

export function stackConfigLookup(): ConfigLookup {
  const config = new pulumi.Config(CONFIG_NAMESPACE);
  return (key) => config.get(key);
}

/** A reference to another stack of the same app/env, in this project and organisation. */
export function siblingStack(app: string, env: string, part: StackPart): pulumi.StackReference {
  const name = `${pulumi.getOrganization()}/${pulumi.getProject()}/${stackName(app, env, part)}`;
  return new pulumi.StackReference(`${stackName(app, env, part)}-ref`, { name });
}

/** A required output of another stack, with an error that says which stack to deploy first. */
export function requireOutput<T>(ref: pulumi.StackReference, key: string, part: StackPart): pulumi.Output<T> {
  return ref.getOutput(key).apply((value) => {
    if (value === undefined || value === null) {
      throw new Error(
        `stack output \`${key}\` of the ${part} stack is missing: deploy the ${part} stack first (\`phoenix bootstrap\`)`,
      );
    }
    return value as T;
  });
}

/** Common tags of every resource of an app/env. */
export function commonTags(app: string, env: string): Record<string, string> {
  return { "phoenix:app": app, "phoenix:env": env, "managed-by": "phoenix" };
}
