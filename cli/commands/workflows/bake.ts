// `phoenix bake`: build, test and distribute a new golden AMI of an app/env (an `up` of its golden-ami stack).
import type { Command } from "commander";
import type { BakeOptions } from "../../../automation/images/types";
import type { CliIo } from "../../io";
import { collect, registerWorkflowCommand } from "../../workflows/command";
import { renderBake } from "../../workflows/renderImages";

export function registerBake(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "bake",
    summary: "bake a new golden AMI of the app/env with EC2 Image Builder",
    description:
      "Deploys the app/env's golden-ami stack (<app>-<env>-ami) with a new bake id, so Image Builder builds an " +
      "image from the recipe, runs its tests on an instance of it and distributes the AMI to every region. " +
      "Progress shows the phases; a failing build step or image test fails the bake and records no AMI. The " +
      "AMIs are the stack's outputs and the bake record goes to the deployment records: `phoenix up` without " +
      "--image-id takes the newest. Options not given keep the stack's values (--parent-image is needed once).",
    examples: [
      "phoenix bake --app shop --env staging --parent-image ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64 \\\n" +
        "    --build-step 'dnf install -y nginx' --test-step 'nginx -t'",
      "phoenix bake --app shop --env staging            # again, same recipe: a new image version",
    ],
    options: (command) =>
      command
        .option("--parent-image <image>", "AMI id, Image Builder image ARN or ssm:<parameter> to start from")
        .option(
          "--build-step <command>",
          "shell command run on the build instance (repeatable, in order)",
          collect,
        )
        .option("--test-step <command>", "shell command of the image tests (repeatable)", collect)
        .option("--instance-type <type>", "build instance type (repeatable; default t3.small)", collect)
        .option(
          "--distribute-to <region>",
          "region the AMI is distributed to (repeatable; default the stack's)",
          collect,
        ),
    parse: (flags): BakeOptions => ({
      parentImage: flags.parentImage as string | undefined,
      buildSteps: flags.buildStep as string[] | undefined,
      testSteps: flags.testStep as string[] | undefined,
      instanceTypes: flags.instanceType as string[] | undefined,
      distributionRegions: flags.distributeTo as string[] | undefined,
    }),
    run: (deployment, args, call) => deployment.bake({ ...args, ...call }),
    render: renderBake,
  });
}
