// The provider: routes each gRPC call to the resource type named in the URN, and each invoke to its data
// source. Check applies auto-naming and defaults; Diff is diffResource; Read returns live inputs too.
import type * as provider from "@pulumi/pulumi/provider";
import { diffResource } from "./diff";
import { takeReadInputs } from "./grpcHooks";
import { invoke } from "./invokes";
import { RESOURCE_TYPES } from "./resources/index";
import type { ResourceType } from "./resourceType";
import { autoName, prefixedName, type Props } from "./values";

/** "urn:pulumi:stack::project::parent$aws:lb/listener:Listener::name" → type token and logical name. */
export function parseUrn(urn: string): { token: string; name: string } {
  const parts = urn.split("::");
  const qualifiedType = parts[2] ?? "";
  return { token: qualifiedType.split("$").pop() ?? qualifiedType, name: parts.slice(3).join("::") };
}

function typeOf(urn: string): ResourceType {
  const { token } = parseUrn(urn);
  const type = RESOURCE_TYPES[token];
  if (!type)
    throw new Error(`the rig's aws provider does not serve ${token} (test/engine/provider/README.md)`);
  return type;
}

/**
 * What Read returns as the live inputs: for every input the resource was given, its live value (as the
 * bridge's ExtractInputsFromOutputs does), so state inputs follow the emulator after a refresh.
 */
function liveInputs(recorded: Props, outs: Props): Props {
  return Object.fromEntries(
    Object.entries(recorded).map(([k, v]) => [k, k.startsWith("__") || outs[k] === undefined ? v : outs[k]]),
  );
}

/**
 * A replacement deletes first when the program named the resource itself: a new one of the same name could
 * not exist beside the old. pulumi-terraform-bridge's Diff sets DeleteBeforeReplace exactly so
 * (pkg/tfbridge/provider.go: `len(replaces) > 0 && (… || nameRequiresDeleteBeforeReplace(news, …))`;
 * pkg/tfbridge/schema.go: an auto-nameable property present in the inputs but not in `__defaults`).
 */
export function hasExplicitName(token: string, news: Props): boolean {
  const autoName = RESOURCE_TYPES[token]?.autoName;
  if (!autoName) return false;
  const key = autoName.property ?? "name";
  const defaulted = news.__defaults;
  if (!Array.isArray(defaulted)) return false; // no list: considered auto-named (schema.go)
  return news[key] !== undefined && !defaulted.includes(key);
}

export function makeProvider(version: string): provider.Provider {
  return {
    version,

    async check(urn, olds: Props, news: Props) {
      // An unserved type passes Check unchanged, so that the engine's analyzers (the policy pack) still see
      // it and can refuse it; Create then fails, naming it.
      const type = RESOURCE_TYPES[parseUrn(urn).token];
      if (!type) return { inputs: news };
      const inputs: Props = { ...(type.defaults ?? {}), ...news };
      const defaulted = Object.keys(type.defaults ?? {}).filter((k) => news[k] === undefined);
      const nameKey = type.autoName?.property ?? "name";
      if (type.autoName && inputs[nameKey] === undefined) {
        // Keep the name chosen at the first Check, as pulumi-aws does (it records it in __defaults).
        const previous = (olds.__defaults as string[] | undefined)?.includes(nameKey)
          ? olds[nameKey]
          : undefined;
        const prefix = inputs[`${nameKey}Prefix`] as string | undefined;
        inputs[nameKey] =
          previous ??
          (prefix !== undefined
            ? prefixedName(prefix)
            : autoName(parseUrn(urn).name, type.autoName.maxLength));
        defaulted.push(nameKey);
      }
      // Always recorded, even empty, as the bridge does: its absence means "inputs from before defaults were
      // tracked", which hasExplicitName treats as auto-named.
      inputs.__defaults = defaulted;
      return { inputs };
    },

    async diff(_id, urn, olds: Props, news: Props) {
      const { token } = parseUrn(urn);
      const { changes, replaces } = diffResource(token, olds, news);
      return { changes, replaces, deleteBeforeReplace: replaces.length > 0 && hasExplicitName(token, news) };
    },

    async create(urn, inputs: Props) {
      return typeOf(urn).create(inputs);
    },

    async read(id, urn, props?: Props) {
      const recordedInputs = takeReadInputs(); // first, synchronously: see grpcHooks.ts
      const outs = await typeOf(urn).read(id, props ?? {});
      // Gone: an empty id tells the engine the resource was deleted (step.go v3.274.0 line 1782: "If the ID
      // is blank treat this as a delete"), and its resOutputsEvent then has op `delete`.
      if (outs === undefined) return { id: "", props: {}, inputs: {} };
      return { id, props: outs, inputs: liveInputs(recordedInputs, outs) };
    },

    async update(id, urn, olds: Props, news: Props) {
      return { outs: await typeOf(urn).update(id, olds, news) };
    },

    async delete(id, urn, props: Props) {
      await typeOf(urn).delete(id, props);
    },

    async invoke(token, inputs: Props) {
      return { outputs: await invoke(token, inputs) };
    },
  };
}
