// `npm run bench`: runs every bench/*.bench.ts in turn. Each prints ratios measured in this one run
// (never absolute thresholds asserted in tests): machines differ, ratios on one machine in one run do not lie.
import { readdirSync } from "fs";
import { join } from "path";

async function main(): Promise<void> {
  const only = process.argv.slice(2);
  const files = readdirSync(__dirname)
    .filter((f) => f.endsWith(".bench.ts"))
    .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
    .sort();
  for (const file of files) {
    console.log(`\n## ${file.replace(/\.bench\.ts$/, "")}`);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bench = require(join(__dirname, file)) as { default: () => Promise<void> };
    await bench.default();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
