// fast-check arbitraries shared by the workflow property tests (property.test.ts, rollbackProperty.test.ts).
import fc from "fast-check";
import type { FaultMode } from "../../automation/memoryEngine";
import type { Colour } from "../../programs/contract";

export type Fault = { offset: number; mode: FaultMode };

/** At most two faults per workflow: each undo action is tried three times, so one attempt always succeeds. */
export const faults: fc.Arbitrary<Fault[]> = fc.array(
  fc.record({
    offset: fc.integer({ min: 1, max: 40 }),
    mode: fc.constantFrom<FaultMode>("before", "midway", "after"),
  }),
  { maxLength: 2 },
);

export const colour: fc.Arbitrary<Colour> = fc.constantFrom<Colour>("blue", "green");
