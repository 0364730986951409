// The published package carries its docs: every relative link in a shipped Markdown file leads to a file that
// is shipped too (README → docs/…, docs → each other), and none leaves the package. What is shipped is asked
// of npm itself (`npm pack --dry-run`), so the `files` list of package.json is what is checked.
import assert from "node:assert/strict";
import { execFileSync } from "child_process";
import { readFileSync } from "fs";
import { dirname, join, normalize } from "path";

const ROOT = join(__dirname, "..", "..");

function packedFiles(): Set<string> {
  const out = execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], {
    cwd: ROOT,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  return new Set((JSON.parse(out) as { files: { path: string }[] }[])[0].files.map((file) => file.path));
}

describe("the packed package's documents", function () {
  this.timeout(60_000);
  const files = packedFiles();
  const markdown = [...files].filter((file) => file.endsWith(".md"));

  it("ships the README, the docs, the changelog and the licence", () => {
    for (const file of [
      "README.md",
      "CHANGELOG.md",
      "LICENSE",
      "docs/cli.md",
      "docs/records.md",
      "docs/ci.md",
    ])
      assert.ok(files.has(file), `${file} is not in the package`);
  });

  it("every relative link of a shipped document leads to a shipped file", () => {
    const broken: string[] = [];
    for (const file of markdown) {
      const text = readFileSync(join(ROOT, file), "utf8").replace(/```[\s\S]*?```/g, "");
      for (const [, target] of text.matchAll(/\]\(([^)\s]+)\)/g)) {
        if (/^[a-z]+:/i.test(target) || target.startsWith("#")) continue;
        const path = normalize(join(dirname(file), target.split("#")[0]));
        if (!files.has(path)) broken.push(`${file} → ${target}`);
      }
    }
    assert.deepEqual(broken, []);
  });
});
