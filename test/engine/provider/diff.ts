// Diff: the desired inputs against the live outputs. Used by `up` (olds = outputs in state) and by refresh,
// where the engine passes the freshly read outputs as olds and the recorded inputs as news, then inverts the
// result (pulumi pkg/resource/deploy/step.go v3.274.0, RefreshStep.Apply: "we compute the diff that a user
// would see if they immediately ran an `up` …", line 1881 `s.diff = diff.Invert()`). The op of the refresh
// step's resOutputsEvent is `update` exactly when this Diff reports changes (RefreshStep.ResultOp, line 1670).
import { FORCE_NEW, replaceOnKeys } from "../../../automation/memory/forceNew";
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
  // The one ForceNew table and rule, MemoryEngine's too: a key of the type's row replaces when it changed; a
  // key the rule adds (a security group rule whose kind of source changes) replaces as it is, for the old
  // source is no desired input and never in `changed`.
  const row = new Set<string>(FORCE_NEW[token]?.replaceOn ?? []);
  const replaces = changed.filter((key) => row.has(key));
  for (const key of replaceOnKeys(token, olds, news)) if (!row.has(key)) replaces.push(key);
  return { changes: changed.length > 0, replaces: [...new Set(replaces)], changed };
}
