// Names each documented module by the specifier users import it with (`phoenix-fleet/components`), read from the
// `exports` map of package.json, instead of TypeDoc's file-derived name (`components`).
import { readFileSync } from "node:fs";
import { URL } from "node:url";
import { Converter, ReflectionKind } from "typedoc";

const manifest = JSON.parse(readFileSync(new URL("./package.json", import.meta.url), "utf8"));

/**
 * `./dist/components/index.d.ts` → `components`, `./dist/index.d.ts` → `index`: the name TypeDoc gives the module
 * of an entry point (its path without extension, and without `/index` below the root).
 */
const moduleNameOf = (types) =>
  types
    .replace(/^\.\/dist\//, "")
    .replace(/\.d\.ts$/, "")
    .replace(/(.)\/index$/, "$1");

const SPECIFIERS = new Map(
  Object.entries(manifest.exports)
    .filter(([, target]) => typeof target === "object")
    .map(([subpath, target]) => [moduleNameOf(target.types), manifest.name + subpath.slice(1)]),
);

/** @param {import("typedoc").Application} app */
export function load(app) {
  app.converter.on(Converter.EVENT_RESOLVE_BEGIN, (context) => {
    for (const module of context.project.getReflectionsByKind(ReflectionKind.Module)) {
      const specifier = SPECIFIERS.get(module.name);
      if (!specifier)
        throw new Error(`typedoc: no entry of package.json "exports" for the module ${module.name}`);
      module.name = specifier;
    }
  });
}
