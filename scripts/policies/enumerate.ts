// Coverage by enumeration: list, from the installed @pulumi/aws type definitions, every resource type with an
// input that admits ports, installs a key pair, launches instances or sets instance metadata options — at
// any depth of its args (nested input types followed), and every type that is or can grant an interactive
// way in other than ports (see SHELL_TYPES). test/policies/coverage.test.ts checks that this list
// equals the types the policies cover plus the ones docs/policies.md lists as out of scope, so a new
// @pulumi/aws type fails the build until someone decides.
//
//   npx ts-node --transpile-only scripts/policies/enumerate.ts          # one line per type and concern
//
// The .d.ts files are parsed, not type-checked (the TypeScript parser, one file at a time): the whole of
// @pulumi/aws type-checked would take minutes.
import { readFileSync, readdirSync, statSync } from "fs";
import { dirname, join } from "path";
import * as ts from "typescript";

/** What an input can do to a server, by the property names that do it. */
export const CONCERNS = {
  ports: ["fromPort", "toPort", "ingress"],
  keys: ["keyName", "keyPair", "keyPairName", "ec2SshKey", "ec2KeyName", "ec2KeyPair", "sshKeyName"],
  launches: [
    "imageId",
    "ami",
    "launchTemplate",
    "launchTemplateConfig",
    "launchTemplateConfigs",
    "launchSpecification",
    "launchSpecifications",
    "launchConfiguration",
  ],
  metadata: ["metadataOptions", "instanceMetadataOptions", "httpTokens"],
} as const;
export type Concern = keyof typeof CONCERNS | "shell";

/**
 * Interactive ways in other than ports (`no-remote-shell`): types that are one by what they are (an EC2
 * Instance Connect endpoint, serial console access), and IAM types with inputs that can grant Session
 * Manager (a managed policy or a policy document).
 */
const SHELL_TYPES = /InstanceConnect|SerialConsole/;
const SHELL_GRANTS = ["policy", "policyArn", "policyArns", "managedPolicyArns", "inlinePolicies"];

/** One enumerated type: its token and the concerns it has, each with the first property path found. */
export interface EnumeratedType {
  token: string;
  concerns: Partial<Record<Concern, string>>;
}

type Members = Map<string, string>; // property name → its type text

function interfacesIn(file: string, within?: string): Map<string, Members> {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, false);
  const found = new Map<string, Members>();
  const visit = (node: ts.Node, namespace: string) => {
    if (ts.isModuleDeclaration(node) && node.body) {
      const inner = namespace ? `${namespace}.${node.name.getText(source)}` : node.name.getText(source);
      ts.forEachChild(node.body, (child) => visit(child, inner));
      return;
    }
    if (ts.isInterfaceDeclaration(node)) {
      const members: Members = new Map();
      for (const member of node.members) {
        if (ts.isPropertySignature(member) && member.name) {
          members.set(member.name.getText(source), member.type?.getText(source) ?? "");
        }
      }
      found.set(namespace ? `${namespace}.${node.name.text}` : node.name.text, members);
      return;
    }
    ts.forEachChild(node, (child) => visit(child, namespace));
  };
  visit(source, within ?? "");
  return found;
}

/** Names of `inputs.*` types a type text refers to (`pulumi.Input<inputs.ec2.X>[]` → `ec2.X`). */
function referencedInputs(typeText: string): string[] {
  return [...typeText.matchAll(/inputs\.([A-Za-z0-9_.]+)/g)].map((m) => m[1]);
}

/** The first path under `members` to a property of `names`, following nested input types. */
function findPath(
  members: Members,
  names: readonly string[],
  inputs: Map<string, Members>,
  seen: Set<string> = new Set(),
): string | undefined {
  for (const [name] of members) if (names.includes(name)) return name;
  for (const [name, type] of members) {
    for (const ref of referencedInputs(type)) {
      if (seen.has(ref)) continue;
      seen.add(ref);
      const nested = inputs.get(ref);
      const below = nested && findPath(nested, names, inputs, seen);
      if (below) return `${name}.${below}`;
    }
  }
  return undefined;
}

/** Every resource of @pulumi/aws with at least one concern, sorted by token. */
export function enumerate(awsDir = dirname(require.resolve("@pulumi/aws/package.json"))): EnumeratedType[] {
  const inputs = interfacesIn(join(awsDir, "types", "input.d.ts"));
  const result: EnumeratedType[] = [];
  for (const module of readdirSync(awsDir)) {
    const dir = join(awsDir, module);
    if (module === "types" || module === "node_modules" || !statSync(dir).isDirectory()) continue;
    for (const file of readdirSync(dir)) {
      if (!file.endsWith(".d.ts") || file === "index.d.ts") continue;
      const path = join(dir, file);
      const text = readFileSync(path, "utf8");
      // Resources only (not functions): the generated class extends CustomResource and names its token.
      if (!/extends pulumi\.CustomResource/.test(text)) continue;
      const js = readFileSync(path.replace(/\.d\.ts$/, ".js"), "utf8");
      const token = /__pulumiType = '([^']+)'/.exec(js)?.[1];
      if (!token) continue;
      const className = token.slice(token.lastIndexOf(":") + 1);
      const args = interfacesIn(path).get(`${className}Args`);
      if (!args) continue;
      const concerns: EnumeratedType["concerns"] = {};
      for (const [concern, names] of Object.entries(CONCERNS) as Array<[Concern, readonly string[]]>) {
        const found = findPath(args, names, inputs);
        if (found) concerns[concern] = found;
      }
      if (SHELL_TYPES.test(className)) concerns.shell = "(the type itself)";
      else if (module === "iam") {
        const grant = findPath(args, SHELL_GRANTS, inputs);
        if (grant) concerns.shell = grant;
      }
      if (Object.keys(concerns).length > 0) result.push({ token, concerns });
    }
  }
  return result.sort((a, b) => a.token.localeCompare(b.token));
}

if (require.main === module) {
  for (const { token, concerns } of enumerate()) {
    const text = Object.entries(concerns)
      .map(([concern, path]) => `${concern}=${path}`)
      .join(" ");
    process.stdout.write(`${token} ${text}\n`);
  }
}
