// The blocking message rule between MemoryEngine's thread and its program worker
// (automation/memory/programProtocol.ts), on one thread: a send bumps the receiver's counter, a receive takes
// a message already posted without waiting, and gives up with a clear error when none comes in time.
import assert from "assert";
import { MessageChannel } from "worker_threads";
import { receive, send } from "../../automation/memory/programProtocol";

describe("the program worker protocol", () => {
  it("posts the message and bumps the counter of the slot it wakes, and no other", () => {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(8));
    try {
      send(port1, signal, 1, { kind: "lookup", stack: "shop-prod-network" });
      send(port1, signal, 1, { kind: "outputs", outputs: undefined });
      assert.deepStrictEqual([...signal], [0, 2]);
      send(port1, signal, 0, { kind: "failed", message: "boom" });
      assert.deepStrictEqual([...signal], [1, 2]);
      assert.deepStrictEqual(receive(port2, signal, 1, 0), { kind: "lookup", stack: "shop-prod-network" });
      assert.deepStrictEqual(receive(port2, signal, 1, 0), { kind: "outputs", outputs: undefined });
      assert.deepStrictEqual(receive(port2, signal, 0, 0), { kind: "failed", message: "boom" });
    } finally {
      port1.close();
      port2.close();
    }
  });

  it("gives up when no message is there by the deadline, naming the time it waited", () => {
    const { port1, port2 } = new MessageChannel();
    const signal = new Int32Array(new SharedArrayBuffer(8));
    try {
      assert.throws(() => receive(port2, signal, 0, 0), {
        message: "program worker: no answer within 0 ms",
      });
      assert.throws(() => receive(port2, signal, 0, -5), {
        message: "program worker: no answer within -5 ms",
      });
    } finally {
      port1.close();
      port2.close();
    }
  });
});
