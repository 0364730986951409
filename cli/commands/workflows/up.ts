// `phoenix up`: deploy a release to the idle colour and wait until it is healthy. Traffic is untouched.
import type { Command } from "commander";
import type { DeployOptions } from "../../../automation/types";
import { COLOURS, otherColour, type Colour } from "../../../programs/contract";
import type { CliIo } from "../../io";
import type { Deployment } from "../../workflows/context";
import { registerWorkflowCommand, type Flags } from "../../workflows/command";
import type { FlagParser } from "../../workflows/flags";
import { renderUp } from "../../workflows/render";

/**
 * The colour `up` deploys to, as the library picks it (automation/traffic.ts idleColour): the one without
 * traffic; with no release live, the one already holding `release`, else the one `status` names
 * (`upColour`: one without a fleet, else the one deployed earlier by the records).
 */
async function idleColour(
  deployment: Deployment,
  release: string,
): Promise<{ colour: Colour; release?: string }> {
  const status = await deployment.status();
  const colour = status.live
    ? otherColour(status.live)
    : (COLOURS.find((c) => status.colours[c].release === release) ?? status.upColour ?? "blue");
  return { colour, release: status.colours[colour].release };
}

/** The options of a deployment of a release, shared by `up` and `release`. */
export function addDeployOptions(command: Command): Command {
  return command
    .option("--release <name>", "release name, such as v1.4.2 (required)")
    .option(
      "--image-id <ami>",
      "AMI of the release, such as ami-0123456789abcdef0 (default: the newest baked AMI of the app/env)",
    )
    .option("--image-from-env <env>", "promote: the AMI this other env of the app has live")
    .option("--instance-type <type>", "EC2 instance type (default t3.micro)")
    .option("--min <n>", "minimum fleet size (default 1)")
    .option("--max <n>", "maximum fleet size (default 3, or --desired when larger)")
    .option("--desired <n>", "desired fleet size (default 2)")
    .option("--user-data <file>", "cloud-init user data file, or - for standard input")
    .option("--force", "replace the idle colour even while it is the rollback target");
}

export async function parseDeployOptions(
  flags: Flags,
  parser: FlagParser,
  cliIo: CliIo,
): Promise<DeployOptions> {
  const release = parser.required(
    "--release",
    flags.release as string | undefined,
    "the release name, such as `--release v1.4.2`",
  );
  const imageId = flags.imageId as string | undefined;
  const imageFromEnv = flags.imageFromEnv as string | undefined;
  parser.release("--release", release);
  parser.imageId("--image-id", imageId);
  parser.name("--image-from-env", imageFromEnv);
  if (imageId !== undefined && imageFromEnv !== undefined)
    parser.add("--image-from-env", imageFromEnv, "cannot be given with --image-id: choose one AMI");
  parser.instanceType("--instance-type", flags.instanceType as string | undefined);
  return {
    release: release ?? "",
    imageId,
    imageFromEnv,
    instanceType: flags.instanceType as string | undefined,
    capacity: parser.capacity({
      min: flags.min as string | undefined,
      max: flags.max as string | undefined,
      desired: flags.desired as string | undefined,
    }),
    userData: await parser.file("--user-data", flags.userData as string | undefined, () => cliIo.readStdin()),
    force: Boolean(flags.force),
  };
}

export function registerUp(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "up",
    summary: "deploy a release to the idle colour and wait until it is healthy",
    description:
      "Deploys the release to the colour without traffic: its stack is created whole (launch template and auto " +
      "scaling group named by the release identity), previewed first so that no immutable resource is ever " +
      "updated in place. An older release on the idle colour is destroyed first (asked on a terminal; refused " +
      "while it is the rollback target inside its keep-warm window, unless --force). Then waits until every " +
      "desired target is healthy. On any failure it destroys what it created. Never touches the traffic: " +
      "`phoenix swap` does.",
    examples: [
      "phoenix up --app shop --env prod --release v1.4.2 --image-id ami-0123456789abcdef0",
      "phoenix up --app shop --env prod --release v1.4.3 --image-id ami-0fedcba9876543210 \\\n" +
        "    --instance-type m7g.large --min 2 --max 6 --desired 3 --health-timeout 15m --yes",
      "phoenix up --app shop --env prod --release v1.4.4 --image-id ami-0fedcba9876543210 --user-data boot.yaml",
    ],
    keepWarm: true,
    healthTimeout: true,
    options: addDeployOptions,
    parse: parseDeployOptions,
    async confirm(deployment, args, settings) {
      const idle = await idleColour(deployment, args.release);
      if (idle.release === undefined || idle.release === args.release) return undefined;
      return (
        `deploying ${args.release} to ${settings.app}/${settings.env} first destroys release ${idle.release} ` +
        `on the idle ${idle.colour} colour${args.force ? " (--force: even while it is the rollback target)" : ""}`
      );
    },
    run: (deployment, args, call) => deployment.up({ ...args, ...call }),
    render: renderUp,
  });
}
