// The resources of a stack by type, found in one pass and shared by every stack policy of the pack.
//
// Three stack policies look for a few types among all of a stack's resources (tens of thousands in a large
// `phoenix check`); each scanning the whole list, cold, cost more than what they then judge. The engine
// (and `phoenix check`) hands every stack policy the same `resources` array, so the index is kept per array.
import type { PolicyResource } from "@pulumi/policy";

const indexes = new WeakMap<readonly PolicyResource[], Map<string, number[]>>();

/** Positions in `resources` of each type. */
function indexOf(resources: readonly PolicyResource[]): Map<string, number[]> {
  let index = indexes.get(resources);
  // Stryker disable next-line ConditionalExpression: the index kept per array is a cache; built again it is the same
  if (!index) indexes.set(resources, (index = positionsByType(resources)));
  return index;
}

// On its own, so that the code V8 compiles while this loop runs (on-stack replacement) has nothing after
// the loop that has not run yet: code after it, never run, deoptimised it on the way out and compiled twice.
function positionsByType(resources: readonly PolicyResource[]): Map<string, number[]> {
  const index = new Map<string, number[]>();
  for (let i = 0; i < resources.length; i++) {
    const type = resources[i].type;
    const positions = index.get(type);
    if (positions) positions.push(i);
    else index.set(type, [i]);
  }
  return index;
}

/** The resources of any of `types`, in stack order (as a scan of the whole list would meet them). */
export function resourcesOfTypes(
  resources: readonly PolicyResource[],
  types: readonly string[],
): PolicyResource[] {
  const index = indexOf(resources);
  const positions: number[] = [];
  // Stryker disable next-line EqualityOperator: one more turn looks up an undefined type, which has no positions
  for (let t = 0; t < types.length; t++) {
    const found = index.get(types[t]);
    if (found) for (let p = 0; p < found.length; p++) positions.push(found[p]);
  }
  // Stryker disable next-line ConditionalExpression,EqualityOperator: one type's positions are already in stack order
  if (types.length > 1) positions.sort((a, b) => a - b);
  // Stryker disable next-line ArrayDeclaration: the length is a size hint; every place is filled below
  const found: PolicyResource[] = new Array(positions.length);
  for (let p = 0; p < positions.length; p++) found[p] = resources[positions[p]];
  return found;
}
