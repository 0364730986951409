// Loaded by .mocharc.json before any test: every fast-check property in `npm test` runs from one fixed seed, so
// its power (which cases it tries) is the same on every run and a failure reproduces. fast-check's failure
// message names the seed and the path of the counterexample; PHOENIX_FC_SEED=<seed> replays it.
// `npm run test:long` (PHOENIX_FC_LONG=1) takes a fresh seed, printed first, and many more runs per property.
import fc from "fast-check";

/** The seed of `npm test`; any fixed number would do. */
export const DEFAULT_SEED = 20261203;
/** How many times more runs `test:long` gives each property. */
const LONG_FACTOR = 20;

const long = process.env.PHOENIX_FC_LONG === "1";
const seed = process.env.PHOENIX_FC_SEED
  ? Number(process.env.PHOENIX_FC_SEED)
  : long
    ? Date.now() % 2 ** 31
    : DEFAULT_SEED;
if (!Number.isSafeInteger(seed)) throw new Error(`PHOENIX_FC_SEED must be an integer, got ${seed}`);

/** Runs for a property: `n` in `npm test`, LONG_FACTOR times as many in `test:long`. */
export function runs(n: number): number {
  return long ? n * LONG_FACTOR : n;
}

fc.configureGlobal({ seed, numRuns: runs(100) });
if (long || process.env.PHOENIX_FC_SEED)
  process.stderr.write(`fast-check: seed ${seed}, ${runs(100)} runs\n`);
