// The router mode of an app/env, as bootstrap and `phoenix plan` take it: "alb" (the default) or "route53" with
// an existing hosted zone and a record name. One set of rules for the library and the CLI, each naming its
// own inputs (`router.zoneId` or `--zone-id`).
import { RECORD_NAME_PATTERN, ZONE_ID_PATTERN } from "../../components/route53RouterSettings";
import { ROUTER_MODES, type RouterMode } from "../../programs/contract";
import { Problems } from "../validate";

export interface RouterChoice {
  mode?: RouterMode;
  zoneId?: string;
  recordName?: string;
  /** ALB-only settings, refused with route53 (listener stickiness has no DNS equivalent). */
  stickinessSeconds?: number;
}

/** What each input is called where it was given. */
export interface RouterChoiceNames {
  mode: string;
  zoneId: string;
  recordName: string;
  stickinessSeconds: string;
}

export const LIBRARY_ROUTER_NAMES: RouterChoiceNames = {
  mode: "router.mode",
  zoneId: "router.zoneId",
  recordName: "router.recordName",
  stickinessSeconds: "router.stickinessSeconds",
};

/** Every problem with a router choice, each naming the input, the value and what is allowed. */
export function routerChoiceProblems(choice: RouterChoice, names: RouterChoiceNames): string[] {
  const problems = new Problems();
  const mode = choice.mode;
  if (mode !== undefined && !(ROUTER_MODES as readonly string[]).includes(mode))
    problems.add(names.mode, mode, `must be one of ${ROUTER_MODES.join(", ")}`);
  if (mode === "route53") {
    if (choice.zoneId === undefined)
      problems.list.push(
        `\`${names.zoneId}\` is required with ${names.mode} route53: an existing hosted zone's id`,
      );
    else if (!ZONE_ID_PATTERN.test(choice.zoneId))
      problems.add(
        names.zoneId,
        choice.zoneId,
        "must be a Route 53 hosted zone id: upper-case letters and digits, without /hostedzone/ (Z0123456789ABC)",
      );
    if (choice.recordName === undefined)
      problems.list.push(
        `\`${names.recordName}\` is required with ${names.mode} route53: the name clients resolve (shop.example.com)`,
      );
    else if (!RECORD_NAME_PATTERN.test(choice.recordName))
      problems.add(
        names.recordName,
        choice.recordName,
        "must be a lower-case DNS name inside the zone, without the trailing dot (shop.example.com)",
      );
    if (choice.stickinessSeconds !== undefined)
      problems.add(
        names.stickinessSeconds,
        choice.stickinessSeconds,
        "cannot be used with route53: DNS weighting cannot keep a client on one colour",
      );
  } else {
    for (const key of ["zoneId", "recordName"] as const)
      if (choice[key] !== undefined)
        problems.add(
          names[key],
          choice[key],
          `needs ${names.mode} route53 (the ALB router has no DNS record)`,
        );
  }
  return problems.list;
}
