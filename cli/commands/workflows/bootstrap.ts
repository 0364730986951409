// `phoenix bootstrap`: create the network and router stacks of an app/env (idempotent).
import type { Command } from "commander";
import type { BootstrapOptions } from "../../../automation/types";
import type { CliIo } from "../../io";
import { registerWorkflowCommand } from "../../workflows/command";
import { renderBootstrap } from "../../workflows/render";
import { addVpcOptions, type VpcFlags } from "../../workflows/vpcFlags";
import { addRouterOptions, routerFromFlags, type RouterFlags } from "../../workflows/routerFlags";

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const CERTIFICATE_ARN = /^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[0-9a-f-]+$/;

function validCidr(value: string): boolean {
  const match = IPV4_CIDR.exec(value);
  return match !== null && match.slice(1, 5).every((o) => Number(o) <= 255) && Number(match[5]) <= 28;
}

export function registerBootstrap(program: Command, io: CliIo): void {
  registerWorkflowCommand(program, io, {
    name: "bootstrap",
    summary: "create the network and router stacks of an app/env (idempotent)",
    description:
      "Creates <app>-<env>-network (VPC, ALB, security groups without SSH, the blue and green target groups) and " +
      "<app>-<env>-router (the listener, at 0/0: it answers 503 until the first `phoenix swap` puts a release " +
      "live) when they do not exist yet. Running it again changes nothing. With --vpc-id, --public-subnets and " +
      "--private-subnets the network goes into that existing VPC instead of a new one; a network stack already " +
      "deployed in another VPC (or other subnets) is refused, naming both, and nothing is changed. With --router " +
      "route53 --zone-id --record-name each colour gets its own load balancer and the router stack holds two " +
      "weighted alias records in that existing hosted zone (docs/route53.md); the mode is fixed for the life of " +
      "the app/env, and another mode on existing stacks is refused before any change.",
    examples: [
      "phoenix bootstrap --app shop --env prod",
      "phoenix bootstrap --app shop --env staging --app-port 3000 --health-check-path /ready",
      "phoenix bootstrap --app shop --env prod --vpc-id vpc-0a1b2c3d4e5f60718 \\\n" +
        "    --public-subnets subnet-0aaaaaaaaaaaaaaa1,subnet-0aaaaaaaaaaaaaaa2 \\\n" +
        "    --private-subnets subnet-0bbbbbbbbbbbbbbb1,subnet-0bbbbbbbbbbbbbbb2",
      "phoenix bootstrap --app shop --env prod --router route53 --zone-id Z0123456789ABC --record-name shop.example.com",
      "phoenix bootstrap --app shop --env prod --certificate-arn arn:aws:acm:eu-west-1:123456789012:certificate/5f3c1c2e-8a8b-4c55-9a6e-2f2b0c1d3e4f \\\n" +
        "    --backend s3://my-pulumi-state",
    ],
    options: (command) =>
      addRouterOptions(
        addVpcOptions(
          command
            .option("--app-port <port>", "port the application listens on (default 8080)")
            .option("--health-check-path <path>", "health check path of the target groups (default /health)")
            .option("--vpc-cidr <cidr>", "CIDR of the VPC Phoenix creates (default 10.0.0.0/16)")
            .option("--listener-port <port>", "listener port (default 80, or 443 with a certificate)")
            .option("--certificate-arn <arn>", "ACM certificate: makes the listener HTTPS")
            .option("--stickiness <duration>", "stickiness across the two colours, e.g. 1h (default off)"),
          true,
        ),
      ),
    parse(flags, parser): BootstrapOptions {
      const healthCheckPath = flags.healthCheckPath as string | undefined;
      if (healthCheckPath !== undefined && !/^\/[\x21-\x7e]*$/.test(healthCheckPath))
        parser.add(
          "--health-check-path",
          healthCheckPath,
          "must be a URL path starting with /, such as /health",
        );
      const vpcCidr = flags.vpcCidr as string | undefined;
      if (vpcCidr !== undefined && !validCidr(vpcCidr))
        parser.add("--vpc-cidr", vpcCidr, "must be an IPv4 CIDR block of /28 or larger, such as 10.0.0.0/16");
      const certificateArn = flags.certificateArn as string | undefined;
      if (certificateArn !== undefined && !CERTIFICATE_ARN.test(certificateArn))
        parser.add(
          "--certificate-arn",
          certificateArn,
          "must be an ACM certificate ARN (arn:aws:acm:<region>:<account>:certificate/<id>)",
        );
      const stickinessMs = parser.duration("--stickiness", flags.stickiness as string | undefined);
      const vpc = parser.existingVpc(flags as VpcFlags);
      const network = {
        appPort: parser.integer("--app-port", flags.appPort as string | undefined, 1, 65535),
        healthCheckPath,
        vpcCidr,
        ...vpc,
      };
      const stickinessSeconds = stickinessMs === undefined ? undefined : Math.floor(stickinessMs / 1000);
      const choice = routerFromFlags(flags as RouterFlags, stickinessSeconds);
      // Already worded by the library's rules (automation/routers/options.ts), flag names and all.
      for (const problem of choice.problems) (parser.list as string[]).push(problem);
      const router = {
        listenerPort: parser.integer("--listener-port", flags.listenerPort as string | undefined, 1, 65535),
        certificateArn,
        ...choice.choice,
      };
      return { network: withoutUndefined(network), router: withoutUndefined(router) };
    },
    createsProject: true,
    run: (deployment, args, call) => deployment.bootstrap({ ...args, ...call }),
    render: renderBootstrap,
  });
}

/** The object without its undefined keys, or undefined when nothing is left (the library's defaults apply). */
function withoutUndefined<T extends object>(value: T): T | undefined {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return entries.length > 0 ? (Object.fromEntries(entries) as T) : undefined;
}
