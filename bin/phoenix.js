#!/usr/bin/env node
// The `phoenix` command. `npm ci` compiles the TypeScript sources to dist/ (the `prepare` script).
"use strict";
const path = require("path");
let cli;
try {
  cli = require(path.join(__dirname, "..", "dist", "cli", "main.js"));
} catch (error) {
  if (error && error.code === "MODULE_NOT_FOUND" && String(error.message).includes("dist")) {
    process.stderr.write(
      "phoenix: not built yet; run `npm run build` (npm ci does it) in " +
        path.resolve(__dirname, "..") +
        "\n",
    );
    process.exitCode = 4;
    return;
  }
  throw error;
}
cli.main();
