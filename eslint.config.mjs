// Lint with the rules the Pulumi TypeScript world uses: eslint recommended + typescript-eslint recommended.
// Formatting belongs to prettier (`npm run lint` checks both).
import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "dist/**",
      "node_modules/**",
      "coverage/**",
      ".rig/**",
      ".stryker-tmp/**",
      "**/*.d.ts",
      "bin/**",
      "policies/bin/**",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  {
    // Plain CommonJS JavaScript (test and bench fixtures that Node or the policy host load as they are).
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        exports: "writable",
        __dirname: "readonly",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off", "no-console": "off" },
  },
  {
    files: ["cli/**/*.ts", "bench/**/*.ts", "test/**/*.ts", "scripts/**/*.ts"],
    rules: { "no-console": "off" },
  },
);
