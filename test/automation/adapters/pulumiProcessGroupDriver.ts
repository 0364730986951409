// The `phoenix` side of pulumiProcessGroup.test.ts, run as a child process that leads its own process group
// (as a shell starts a foreground job): it runs `<root>/bin/pulumi wait` through the SDK's `PulumiCommand`
// (`sdk`) or through `inOwnProcessGroup` (`own`), and handles SIGINT as cli/workflows/context.ts and
// command.ts do (`abort`: the first aborts the command's AbortSignal, the second exits 130), or not at all
// (`ignore`: to see what reaches `pulumi` from the terminal alone).
import { PulumiCommand } from "@pulumi/pulumi/automation";
import {
  inOwnProcessGroup,
  type RunnablePulumiCommand,
} from "../../../automation/localWorkspace/pulumiProcessGroup";

async function main(): Promise<void> {
  const [root, mode, onSigint] = process.argv.slice(2);
  const sdk = await PulumiCommand.get({ root, skipVersionCheck: true });
  const command = (mode === "own" ? inOwnProcessGroup(sdk) : sdk) as unknown as RunnablePulumiCommand;
  const controller = new AbortController();
  let presses = 0;
  process.on("SIGINT", () => {
    process.stdout.write("driver: SIGINT\n");
    if (onSigint === "ignore") return;
    presses += 1;
    if (presses === 1) controller.abort();
    else process.exit(130);
  });
  await command.run(
    ["wait"],
    process.cwd(),
    {},
    (out) => process.stdout.write(out),
    undefined,
    controller.signal,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
