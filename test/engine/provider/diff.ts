// Diff: the desired inputs against the live outputs. Used by `up` (olds = outputs in state) and by refresh,
// where the engine passes the freshly read outputs as olds and the recorded inputs as news, then inverts the
// result (pulumi pkg/resource/deploy/step.go v3.274.0, RefreshStep.Apply: "we compute the diff that a user
// would see if they immediately ran an `up` …", line 1881 `s.diff = diff.Invert()`). The op of the refresh
// step's resOutputsEvent is `update` exactly when this Diff reports changes (RefreshStep.ResultOp, line 1670).
import { FORCE_NEW, RULE_SOURCE_KINDS } from "./forceNew";
import { isUnknown, satisfies, type Props } from "./values";

export interface DiffOutcome {
  changes: boolean;
  replaces: string[];
  changed: string[];
}

/** Inputs that steer the provider itself and are never compared with the emulator. */
const NOT_COMPARED = new Set(["__defaults", "region"]);

export function diffResource(token: string, olds: Props, news: Props): DiffOutcome {
  const changed = Object.keys(news).filter((key) => {
    if (NOT_COMPARED.has(key)) return false;
    const desired = news[key];
    // Unknown during a preview: it may change (a replacement when the property is ForceNew).
    if (isUnknown(desired)) return true;
    return !satisfies(desired, olds[key], key);
  });
  const replaceOn = new Set(FORCE_NEW[token]?.replaceOn ?? []);
  const replaces = changed.filter((key) => replaceOn.has(key));
  if (token.startsWith("aws:vpc/securityGroup") && sourceKind(olds) !== sourceKind(news)) {
    for (const key of RULE_SOURCE_KINDS)
      if (olds[key] !== undefined || news[key] !== undefined) replaces.push(key);
  }
  return { changes: changed.length > 0, replaces: [...new Set(replaces)], changed };
}

function sourceKind(props: Props): string | undefined {
  return RULE_SOURCE_KINDS.find((k) => props[k] !== undefined && props[k] !== null && props[k] !== "");
}
