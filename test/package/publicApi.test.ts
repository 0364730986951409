// The package root exports its public API and nothing else: the names of test/package/publicApi.ts, no internal
// helper, and every error class a document tells users to catch (an error a doc names is either Phoenix's, from
// the root, or the Automation API's, from @pulumi/pulumi/automation, whose errors Phoenix passes through).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "fs";
import { join, relative } from "path";
import * as automationApi from "@pulumi/pulumi/automation";
import * as root from "../../index";
import { ROOT_TYPES, ROOT_VALUES } from "./publicApi";

const ROOT = join(__dirname, "..", "..");

/** The hand-written documents (docs/api/ is generated from the code, so it cannot be a witness for it). */
function documents(): string[] {
  const docs = readdirSync(join(ROOT, "docs"), { recursive: true, encoding: "utf8" })
    .filter((file) => file.endsWith(".md") && !file.startsWith("api"))
    .map((file) => join(ROOT, "docs", file));
  return [join(ROOT, "README.md"), ...docs];
}

/** Every `SomethingError` a document names in code (backticks or a fenced block), with where. */
function documentedErrors(): Map<string, string> {
  const named = new Map<string, string>();
  for (const file of documents())
    for (const [, name] of readFileSync(file, "utf8").matchAll(/\b([A-Z][A-Za-z0-9]*Error)\b/g))
      if (!named.has(name)) named.set(name, relative(ROOT, file));
  return named;
}

/** The entry points' sources, as the exports map of package.json maps them (types are checked against the list). */
const ENTRY_SOURCES: Record<string, string> = {
  "phoenix-fleet/components": "../../components",
  "phoenix-fleet/automation": "../../automation",
  "phoenix-fleet/testing": "../../testing",
  "phoenix-fleet/policies": "../../policyPackPath",
};

/** Every `import { … } from "phoenix-fleet…"` in the documents: the specifier, and each name with its kind. */
function documentedImports(): { file: string; specifier: string; name: string; typeOnly: boolean }[] {
  const found = [];
  for (const file of documents())
    for (const [, typeImport, names, specifier] of readFileSync(file, "utf8").matchAll(
      /import (type )?\{([^}]*)\} from "(phoenix-fleet(?:\/[a-z]+)?)"/g,
    ))
      for (const entry of names
        .split(",")
        .map((part) => part.trim())
        .filter(Boolean)) {
        const typeOnly = Boolean(typeImport) || entry.startsWith("type ");
        const name = entry.replace(/^type /, "").split(/\s+as\s+/)[0];
        found.push({ file: relative(ROOT, file), specifier, name, typeOnly });
      }
  return found;
}

describe("the package root is the public API", () => {
  it("exports exactly the listed values", () => {
    assert.deepEqual(Object.keys(root).sort(), [...ROOT_VALUES].sort());
  });

  it("lists no name twice, and none both as a value and as a type", () => {
    const all = [...ROOT_VALUES, ...ROOT_TYPES];
    assert.deepEqual(
      all.filter((name, i) => all.indexOf(name) !== i),
      [],
    );
  });

  it("keeps the internal helpers inside", () => {
    const exported = new Set<string>([...ROOT_VALUES, ...ROOT_TYPES]);
    for (const internal of [
      "UNKNOWN_SENTINEL",
      "show",
      "sameValue",
      "Problems",
      "errorMessage",
      "canonicalJson",
    ])
      assert.ok(!exported.has(internal) && !(internal in root), `the root exports ${internal}`);
  });

  it("exports every error class the documents name (or the Automation API does)", () => {
    const errors = documentedErrors();
    assert.ok(
      errors.size >= 20,
      `only ${errors.size} error names found in the documents: is the scan broken?`,
    );
    const missing: string[] = [];
    for (const [name, file] of errors) {
      const fromRoot = (root as Record<string, unknown>)[name];
      const fromAutomationApi = (automationApi as Record<string, unknown>)[name];
      const fromJavaScript = (globalThis as Record<string, unknown>)[name];
      const found = [fromRoot, fromAutomationApi, fromJavaScript].find(
        (value) => typeof value === "function",
      );
      if (!(found instanceof Function && found.prototype instanceof Error)) missing.push(`${name} (${file})`);
    }
    assert.deepEqual(missing, [], "documented errors that cannot be imported");
  });

  it("offers every name the documents import from it or from another entry point", () => {
    const imports = documentedImports();
    assert.ok(
      imports.length >= 10,
      `only ${imports.length} imports found in the documents: is the scan broken?`,
    );
    const rootNames = new Set<string>([...ROOT_VALUES, ...ROOT_TYPES]);
    const missing = imports.filter(({ specifier, name, typeOnly }) => {
      if (specifier === "phoenix-fleet") return !rootNames.has(name);
      if (!(specifier in ENTRY_SOURCES)) return true; // no such entry point
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- the entry point's source, as built
      const entry = require(ENTRY_SOURCES[specifier]) as Record<string, unknown>;
      return !typeOnly && entry[name] === undefined; // a type leaves no trace at run time: tsc checks those
    });
    assert.deepEqual(
      missing.map(({ file, specifier, name }) => `${file}: ${name} from ${specifier}`),
      [],
    );
  });
});
