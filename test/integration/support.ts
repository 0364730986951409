// What the integration suite needs: finding `pulumi` and AWS configuration (without any network call),
// visible skips, throw-away projects, a scripted healthy probe, and "cloudless" programs.
//
// Cloudless programs run under the real CLI and engine but create nothing in a cloud: each role's
// resources (what the real role program registers, run under the mock runtime as MemoryEngine runs it:
// automation/memory/fakePrograms.ts, with the same outputs) become component resources, and the router's listener a dynamic
// provider resource (run by the `pulumi-nodejs` dynamic provider that ships with the CLI), so that a swap
// step is a real one-resource update. Sibling stack outputs are read through the engine itself.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import type { Engine } from "../../automation/seams";
import type { CloudProbe, TargetGroupHealth } from "../../automation/seams";
import { FAKE_PROGRAMS, type FakeResource } from "../../automation/memory/fakePrograms";
import type { RoleProgram } from "../../automation/localWorkspace";
import { ROLES, roleOfPart, stackName, type Role, type StackPart } from "../../programs/contract";

export const REPO = path.resolve(__dirname, "..", "..");
export const INSTALL_HINT = "install it to run the integration suite (https://www.pulumi.com/docs/install/)";

/** The `pulumi` executable on PATH, as the Automation API will find it; undefined when there is none. */
export function pulumiOnPath(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    const candidate = path.join(dir, process.platform === "win32" ? "pulumi.exe" : "pulumi");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/**
 * Why AWS cannot be used, or undefined when a region and some credential source are configured. Only the
 * environment and the shared files are looked at: the SDK's chain would also ask the instance metadata
 * service, a network call this check must not make.
 */
export function awsUnavailableReason(): string | undefined {
  const env = process.env;
  const home = os.homedir();
  const configFile = env.AWS_CONFIG_FILE ?? path.join(home, ".aws", "config");
  const credentialsFile = env.AWS_SHARED_CREDENTIALS_FILE ?? path.join(home, ".aws", "credentials");
  const hasCredentials =
    (env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) ||
    env.AWS_PROFILE ||
    env.AWS_WEB_IDENTITY_TOKEN_FILE ||
    env.AWS_CONTAINER_CREDENTIALS_FULL_URI ||
    env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI ||
    fs.existsSync(credentialsFile);
  if (!hasCredentials) {
    return "no AWS credentials (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, web identity or ~/.aws/credentials)";
  }
  const hasRegion = env.AWS_REGION || env.AWS_DEFAULT_REGION || fs.existsSync(configFile);
  if (!hasRegion) return "no AWS region (AWS_REGION or ~/.aws/config)";
  return undefined;
}

/** Skip the whole `describe` (from its `before` hook) with a reason printed where CI shows it. */
export function skipSuite(context: Mocha.Context, reason: string): never {
  console.log(`      skipped: ${reason}`);
  context.skip();
}

/** Skip unless `pulumi` is on PATH. */
export function requirePulumi(context: Mocha.Context): string {
  const pulumi = pulumiOnPath();
  if (!pulumi) skipSuite(context, `no \`pulumi\` on PATH — ${INSTALL_HINT}`);
  return pulumi;
}

const made: string[] = [];

/**
 * A throw-away project directory. It gets a `node_modules` link to the repository's, because the
 * `pulumi-nodejs` dynamic provider resolves `@pulumi/pulumi` from the workspace directory
 * (`<project>/.phoenix`) upwards.
 */
export function throwAwayProject(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "phoenix-integration-"));
  made.push(dir);
  fs.symlinkSync(
    path.join(REPO, "node_modules"),
    path.join(dir, "node_modules"),
    process.platform === "win32" ? "junction" : "dir",
  );
  return dir;
}

export function removeThrowAwayProjects(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** Every target group healthy at the fleets' desired capacity; alarms all OK. */
export class HealthyProbe implements CloudProbe {
  readonly calls: string[] = [];
  constructor(private readonly capacity: number) {}
  async targetGroupHealth(targetGroupArn: string): Promise<TargetGroupHealth> {
    this.calls.push(`targetGroupHealth ${targetGroupArn}`);
    return { targetGroupArn, healthy: this.capacity, byState: { healthy: this.capacity } };
  }
  async desiredCapacity(autoScalingGroupName: string): Promise<number> {
    this.calls.push(`desiredCapacity ${autoScalingGroupName}`);
    return this.capacity;
  }
  async alarmsInAlarm(alarmNames: string[]): Promise<string[]> {
    this.calls.push(`alarmsInAlarm ${alarmNames.join(",")}`);
    return [];
  }
}

// A resource with real create/update/delete, run by the `pulumi-nodejs` dynamic provider in its own
// process: the inputs are the state, any change of them is an in-place update. The provider object is
// serialized into the state, so its methods use nothing from this module.
const cloudlessProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return {
      id: `cloudless-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      outs: inputs,
    };
  },
  async diff(_id, olds, news) {
    const strip = (props: Record<string, unknown>) => JSON.stringify({ ...props, __provider: undefined });
    return { changes: strip(olds) !== strip(news), replaces: [], deleteBeforeReplace: false };
  },
  async update(_id, _olds, news) {
    return { outs: news };
  },
  async delete() {
    return;
  },
};

/** A custom resource without a cloud: what policies see as a real resource, with its inputs as props. */
export class CloudlessResource extends pulumi.dynamic.Resource {
  constructor(name: string, inputs: Record<string, unknown>, opts?: pulumi.CustomResourceOptions) {
    super(cloudlessProvider, name, inputs, opts);
  }
}

class FakeComponent extends pulumi.ComponentResource {
  constructor(type: string, name: string, opts?: pulumi.ComponentResourceOptions) {
    super(type, name, {}, opts);
    this.registerOutputs({});
  }
}

/** `aws:ec2/vpc:Vpc` → `phoenixtest:ec2/vpc:Vpc`: same shape, no provider package behind it. */
function cloudlessType(type: string): string {
  return `phoenixtest:${type.split(":").slice(1).join(":")}`;
}

function register(resources: FakeResource[]): void {
  const parents = new Map<string, pulumi.Resource>();
  for (const resource of resources.filter((r) => r.parentType === undefined)) {
    parents.set(resource.type, new FakeComponent(cloudlessType(resource.type), resource.name));
  }
  for (const resource of resources.filter((r) => r.parentType !== undefined)) {
    const parent = parents.get(resource.parentType as string);
    if (resource.type === "aws:lb/listener:Listener") {
      new CloudlessResource(resource.name, resource.inputs, { parent });
    } else {
      new FakeComponent(cloudlessType(resource.type), resource.name, { parent });
    }
  }
}

/** The `phoenix:*` config of the running stack, without the namespace (what the fake programs read). */
function phoenixConfig(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(pulumi.runtime.allConfig())
      .filter(([key]) => key.startsWith("phoenix:"))
      .map(([key, value]) => [key.slice("phoenix:".length), value]),
  );
}

/** Inline programs that create nothing in a cloud; `reader` reads sibling stacks' outputs. */
export function cloudlessPrograms(reader: () => Engine): Record<Role, RoleProgram> {
  const program =
    (role: Role): RoleProgram =>
    async () => {
      const stack = pulumi.getStack();
      const config = phoenixConfig();
      const siblings = role === "network" ? {} : await siblingOutputs(reader(), config.app, config.env);
      const result = FAKE_PROGRAMS[role]({ stack, config, stackOutputs: (name) => siblings[name] });
      register(result.resources);
      return result.outputs;
    };
  return Object.fromEntries(ROLES.map((role) => [role, program(role)])) as Record<Role, RoleProgram>;
}

async function siblingOutputs(
  engine: Engine,
  app: string,
  env: string,
): Promise<Record<string, Record<string, unknown>>> {
  const existing = await engine.listStacks();
  const outputs: Record<string, Record<string, unknown>> = {};
  for (const part of ["network", "ami"] as StackPart[]) {
    const name = stackName(app, env, part);
    if (!existing.includes(name)) continue;
    const stack = await engine.createOrSelectStack(name, roleOfPart(part));
    const values = await stack.outputs();
    outputs[name] = Object.fromEntries(Object.entries(values).map(([key, output]) => [key, output.value]));
  }
  return outputs;
}
