// `npm run rig -- <command…>`: run any command inside the rig (see rig.ts); `start`, `stop`, `env` and
// `status` manage the rig itself. The rig's name (its folder under .rig/) comes from PHOENIX_RIG_NAME.
import { LANGUAGE_HOST_MISSING, runInRig, startRig, stopRig } from "./rig";

const USAGE = `usage: npm run rig -- <command> [args…]   run a command inside the rig (started when needed)
       npm run rig -- start                  start the rig and say what runs where
       npm run rig -- env                    print the rig's variables as shell exports
       npm run rig -- stop                   stop the rig's AWS emulator`;

async function main(argv: string[]): Promise<number> {
  const name = process.env.PHOENIX_RIG_NAME ?? "default";
  const [first] = argv;
  if (first === undefined || first === "--help" || first === "-h") {
    console.log(USAGE);
    return first === undefined ? 2 : 0;
  }
  if (first === "stop") {
    console.error((await stopRig(name)) ? `rig ${name}: stopped` : `rig ${name}: was not running`);
    return 0;
  }
  const rig = await startRig(name);
  if (first === "start") {
    console.error(
      [
        `rig ${name} in ${rig.dir}`,
        `  pulumi ${rig.pulumiVersion}  (${rig.vars.PATH.split(":")[0]})`,
        `  Node.js language host: ${rig.languageHost ? "yes" : LANGUAGE_HOST_MISSING}`,
        `  AWS API ${rig.endpoint}  (moto), region ${rig.env.AWS_REGION}`,
        `  default VPC ${rig.network.vpcId}: public ${rig.vars.PHOENIX_PUBLIC_SUBNETS}, private ${rig.vars.PHOENIX_PRIVATE_SUBNETS}`,
        `  state ${rig.vars.PULUMI_BACKEND_URL}`,
      ].join("\n"),
    );
    return 0;
  }
  if (first === "env") {
    const exports = Object.entries(rig.vars).map(([key, value]) =>
      key === "PATH" ? `export PATH=${quote(value)}:"$PATH"` : `export ${key}=${quote(value)}`,
    );
    console.log(exports.join("\n"));
    return 0;
  }
  return runInRig(rig, argv);
}

function quote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`rig: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);
