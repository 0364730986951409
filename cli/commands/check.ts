// `phoenix check <export…>`: run the CrossGuard pack offline on `pulumi stack export` documents.
import { withPolicies } from "../policiesPeer";
import { readFileSync } from "fs";
import { Option, type Command } from "commander";
import type { StackResources } from "../check/load";
import { CliError, EXIT } from "../exitCodes";
import type { CliIo } from "../io";

interface CheckFlags {
  policyConfig?: string;
  format: "text" | "json" | "sarif";
  json?: boolean;
}

export function registerCheck(program: Command, io: CliIo): void {
  program
    .command("check")
    .summary("run the policy pack on stack exports, offline")
    .description(
      [
        "Runs every Phoenix policy (resource and stack policies) on the resources of",
        "`pulumi stack export` files, as `pulumi preview --policy-pack policies` would,",
        "without the Pulumi CLI or AWS. Resource policies see inputs, stack policies",
        "outputs; an unknown value or an encrypted secret gives no verdict (undecided).",
        "Exit code: 0 no mandatory violation, 1 a mandatory policy is violated,",
        "2 unusable input or config.",
      ].join("\n"),
    )
    .argument(
      "<exports...>",
      "stack export files (`pulumi stack export --file f.json`), or - for standard input",
    )
    .option("--policy-config <file>", "policy config, as `pulumi up --policy-pack-config` takes it")
    .addOption(
      new Option("--format <format>", "output format").choices(["text", "json", "sarif"]).default("text"),
    )
    .option("--json", "same as --format json")
    .addHelpText(
      "after",
      "\nExamples:\n  pulumi stack export --stack shop-prod-blue | phoenix check -\n" +
        "  phoenix check network.json blue.json --policy-config policy-config.json\n" +
        "  phoenix check blue.json --format sarif > phoenix.sarif\n",
    )
    .action(async (files: string[], flags: CheckFlags) => {
      const stdinUses = files.filter((f) => f === "-").length + (flags.policyConfig === "-" ? 1 : 0);
      if (stdinUses > 1) {
        throw new CliError(
          "standard input (-) can be read once: give the export or the --policy-config on it, not both",
          EXIT.badInput,
        );
      }
      const config = flags.policyConfig
        ? await readJsonFile(flags.policyConfig, "--policy-config", io)
        : undefined;
      // Loaded here, not at start-up: other commands don't need the policies.
      const { parseStackExport } = await import("../check/load");
      const [{ evaluateResources, validatePolicyConfig, PolicyConfigError }, { ALL_POLICIES }] =
        await withPolicies("check", () =>
          Promise.all([import("../../policies/offline"), import("../../policies/all")]),
        );
      const { renderJson, renderSarif, renderText, summarize } = await import("../check/report");
      try {
        for (const warning of validatePolicyConfig(config)) {
          io.stderr(`phoenix: warning: --policy-config ${flags.policyConfig}: ${warning}\n`);
        }
      } catch (error) {
        if (error instanceof PolicyConfigError) {
          throw new CliError(`--policy-config ${flags.policyConfig}: ${error.message}`, EXIT.badInput);
        }
        throw error;
      }

      const stacks: StackResources[] = [];
      for (const file of files) stacks.push(...parseStackExport(await readInput(file, io), file));

      const reports = stacks.map((group) => ({
        project: group.project,
        stack: group.stack,
        pending: group.pending,
        source: group.source,
        resources: group.resources.length,
        positions: group.positions,
        verdicts: evaluateResources(group.resources, { config }),
      }));
      const summary = summarize(reports);
      const format = flags.json ? "json" : flags.format;
      if (format === "json") io.stdout(renderJson(reports, summary));
      else if (format === "sarif") {
        const { packageVersion } = await import("../packageInfo");
        io.stdout(renderSarif(reports, ALL_POLICIES, packageVersion()));
      } else io.stdout(renderText(reports, summary));
      if (!summary.passed) {
        throw new CliError(
          `${summary.mandatory} mandatory policy violation${summary.mandatory === 1 ? "" : "s"}`,
          EXIT.failed,
        );
      }
    });
}

async function readInput(file: string, io: CliIo): Promise<string> {
  if (file === "-") return io.readStdin();
  try {
    // Synchronous on purpose: nothing else runs meanwhile, and for an export of tens of megabytes the
    // promise API's chunked read and decode cost more than half of parsing it.
    return readFileSync(file, "utf8");
  } catch (error) {
    throw new CliError(`cannot read ${file}: ${(error as Error).message}`, EXIT.badInput);
  }
}

async function readJsonFile(file: string, option: string, io: CliIo): Promise<unknown> {
  const text = await readInput(file, io);
  // The Pulumi CLI takes an empty config file as no config (pkg/resource/analyzer/config.go:114-117).
  if (text.trim() === "") return undefined;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CliError(`${option} ${file} is not JSON: ${(error as Error).message}`, EXIT.badInput);
  }
}
