// Prints the line coverage of `npm test` per folder of the product (components, programs, automation, cli,
// policies, and their subfolders), from c8's json-summary report: the per-file table is too long to see a
// folder in, and the total hides one. The testing kit (automation/memory*, the offline fakes) is product.
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import process from "node:process";

const summary = JSON.parse(readFileSync(process.argv[2] ?? "coverage/coverage-summary.json", "utf8"));
const folders = new Map();
for (const [file, metrics] of Object.entries(summary)) {
  if (file === "total") continue;
  const parts = relative(process.cwd(), file).split("/");
  // Each folder by its subfolders (automation/memory, components/immutability); a file directly in a folder
  // counts for the folder.
  const folder = parts.length > 2 ? `${parts[0]}/${parts[1]}` : parts[0];
  const sum = folders.get(folder) ?? { covered: 0, total: 0 };
  sum.covered += metrics.lines.covered;
  sum.total += metrics.lines.total;
  folders.set(folder, sum);
}
const rows = [...folders].sort(([a], [b]) => a.localeCompare(b));
const width = Math.max(...rows.map(([folder]) => folder.length));
process.stdout.write("\nLine coverage per folder:\n");
for (const [folder, { covered, total }] of rows) {
  const percent = total === 0 ? 100 : (100 * covered) / total;
  process.stdout.write(
    `  ${folder.padEnd(width)}  ${percent.toFixed(2).padStart(6)} %  (${covered}/${total})\n`,
  );
}
