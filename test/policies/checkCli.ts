// `phoenix check` run through the CLI entry point with captured output, and the small real-shaped stack
// export resources the check*.test.ts files build their documents from (shapes as `pulumi stack export` writes
// them at version 3: apitype.ResourceV3 in sdk/go/common/apitype/core.go of Pulumi 3.274).
import { memoryIo } from "../../cli/io";
import { runCli } from "../../cli/main";

export interface CheckRun {
  code: number;
  out: string;
  err: string;
}

/** `phoenix check <args…>`, standard input given. */
export async function checkCli(args: string[], stdin = ""): Promise<CheckRun> {
  const io = memoryIo(stdin);
  const code = await runCli(["check", ...args], io);
  return { code, out: io.out, err: io.err };
}

/** `phoenix check - <args…>` with `document` on standard input (text as it is, anything else as JSON). */
export function checkDocument(document: unknown, ...args: string[]): Promise<CheckRun> {
  return checkCli(["-", ...args], typeof document === "string" ? document : JSON.stringify(document));
}

export const SG_TYPE = "aws:ec2/securityGroup:SecurityGroup";
export const SG_URN = `urn:pulumi:shop-prod-network::phoenix::${SG_TYPE}::fleet-sg`;

/** A security group admitting SSH from anywhere: one mandatory `no-ssh-access` violation. */
export function openSshGroup(urn = SG_URN): Record<string, unknown> {
  return {
    urn,
    custom: true,
    id: "sg-0fleet",
    type: SG_TYPE,
    inputs: {
      vpcId: "vpc-1",
      ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
    },
  };
}

/** The text report of one stack holding only `openSshGroup()`, as `phoenix check -` prints it. */
export const ONE_OPEN_SSH_GROUP =
  "Stack phoenix/shop-prod-network (-): 1 resources\n" +
  "  aws:ec2/securityGroup:SecurityGroup fleet-sg\n" +
  '    ✗ mandatory no-ssh-access: Security group "fleet-sg" must not admit remote access: ingress[0] ' +
  "(protocol tcp) admits port 22 from 0.0.0.0/0.\n" +
  "\n" +
  "Failed: 1 stack, 1 resources checked; 1 mandatory violation, 0 advisory, 0 undecided.\n";

/** What `phoenix check` prints for an export with no resources at all. */
export const NOTHING_CHECKED =
  "Passed: 0 stacks, 0 resources checked; 0 mandatory violations, 0 advisory, 0 undecided.\n";

/** Standard error of a run refused as unusable input (exit 2). */
export const refusal = (message: string) => `phoenix: ${message}\n`;
