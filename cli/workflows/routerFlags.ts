// `--router alb|route53`, `--zone-id`, `--record-name`: the router mode of an app/env, for `phoenix bootstrap`
// and `phoenix plan --offline`. The rules are the library's (automation/routers/options.ts).
import type { Command } from "commander";
import { routerChoiceProblems, type RouterChoice } from "../../automation/routers/options";
import type { RouterMode } from "../../programs/contract";

export interface RouterFlags {
  router?: string;
  zoneId?: string;
  recordName?: string;
}

export function addRouterOptions(command: Command): Command {
  return command
    .option(
      "--router <mode>",
      "how traffic reaches the colours: alb (one listener weights two target groups) or route53 (weighted alias records to one load balancer per colour); fixed for the life of the app/env (default alb)",
    )
    .option("--zone-id <id>", "route53: id of the existing hosted zone that holds the records (Z…)")
    .option("--record-name <name>", "route53: the name clients resolve, inside that zone (shop.example.com)");
}

/** The router choice of the flags, and every problem with them (`stickiness` is the parsed --stickiness). */
export function routerFromFlags(
  flags: RouterFlags,
  stickinessSeconds?: number,
): { choice: RouterChoice; problems: string[] } {
  const choice: RouterChoice = {
    mode: flags.router as RouterMode | undefined,
    zoneId: flags.zoneId,
    recordName: flags.recordName,
    stickinessSeconds,
  };
  const problems = routerChoiceProblems(choice, {
    mode: "--router",
    zoneId: "--zone-id",
    recordName: "--record-name",
    stickinessSeconds: "--stickiness",
  });
  return { choice, problems };
}
