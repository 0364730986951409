// The instruction counts of `npm run bench -- check-scaling` (PHOENIX_BENCH_INSTRUCTIONS=1): reading
// callgrind_annotate's listing and sorting its symbols into what V8 was doing.
import assert from "assert";
import { categoryOf, parseAnnotation } from "../../bench/fixtures/instructions";

// Lines as callgrind_annotate 3.19 writes them (recorded from a `phoenix check` run, symbols shortened).
const LISTING = `--------------------------------------------------------------------------------
Ir
--------------------------------------------------------------------------------
3,112,085,011 (100.0%)  PROGRAM TOTALS

--------------------------------------------------------------------------------
Ir                    file:function
--------------------------------------------------------------------------------
112,926,350 ( 3.63%)  ???:v8::internal::JsonParser<unsigned char>::BuildJsonObject(v8::internal::JsonParser<unsigned char>::JsonContinuation const&) [/usr/bin/node]
 84,618,352 ( 2.72%)  ???:heap::base::SlotCallbackResult v8::internal::Scavenger::ScavengeObject<v8::internal::FullHeapObjectSlot>(v8::internal::FullHeapObjectSlot) [/usr/bin/node]
 47,801,692 ( 1.54%)  ???:v8::internal::compiler::GraphReducer::ReduceTop() [/usr/bin/node]
 44,869,976 ( 1.44%)  ???:Builtins_LoadIC [/usr/bin/node]
 40,860,768 ( 1.31%)  ???:0x000000000d087940 [???]
 37,947,400 ( 1.22%)  ./malloc/./malloc/malloc.c:_int_free [/usr/lib/x86_64-linux-gnu/libc.so.6]
`;

describe("bench: instruction counts from callgrind", () => {
  it("adds up the listed functions by category, leaving out the program total", () => {
    const { total, byCategory } = parseAnnotation(LISTING);
    assert.strictEqual(total, 369_024_538);
    assert.deepStrictEqual(Object.fromEntries(byCategory), {
      "JSON.parse": 112_926_350,
      "garbage collection": 84_618_352,
      "optimising compiler": 47_801_692,
      "JavaScript (compiled code, builtins, interpreter)": 85_730_744,
      other: 37_947_400,
    });
  });

  it("sorts symbols into what V8 was doing", () => {
    const cases: [string, string][] = [
      ["???:v8::internal::JsonParser<unsigned char>::ScanJsonString(bool) [/usr/bin/node]", "JSON.parse"],
      [
        "???:v8::internal::compiler::Reducer::Reduce(v8::internal::compiler::Node*) [/usr/bin/node]",
        "optimising compiler",
      ],
      ["???:v8::internal::maglev::MaglevGraphBuilder::Build() [/usr/bin/node]", "optimising compiler"],
      [
        "???:v8::internal::MarkingBarrier::Write(v8::internal::HeapObject) [/usr/bin/node]",
        "garbage collection",
      ],
      ["???:v8::internal::Sweeper::RawSweep(v8::internal::Page*) [/usr/bin/node]", "garbage collection"],
      [
        "???:Builtins_KeyedLoadIC_Megamorphic [/usr/bin/node]",
        "JavaScript (compiled code, builtins, interpreter)",
      ],
      ["???:0x000000000d087940 [???]", "JavaScript (compiled code, builtins, interpreter)"],
      [
        "???:v8::internal::String::ComputeAndSetRawHash(v8::internal::SharedStringAccessGuardIfNeeded const&) [/usr/bin/node]",
        "other",
      ],
      ["???:ossl_lh_strcasehash [/usr/bin/node]", "other"],
    ];
    assert.deepStrictEqual(
      cases.map(([symbol]) => categoryOf(symbol)),
      cases.map(([, category]) => category),
    );
  });
});
