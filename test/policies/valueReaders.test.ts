// How policies read engine-shaped inputs (policies/lib/values.ts, unreadable.ts): the AWS provider types some
// numbers and booleans as strings, lists may be absent, null or a lone value, tags come as a map or as
// `[{ key, value }]`, and a value may be unknown (a preview) or encrypted (an export). Offline values are
// guarded as `phoenix check` guards them (readableInputs); engine values through the SDK's own proxy.
import { strict as assert } from "assert";
import { UndecidableInputError } from "../../components/immutability/identity";
import { readableInputs } from "../../policies/lib/guard";
import {
  Judgement,
  attempt,
  isSetField,
  isUnreadable,
  isUnreadableError,
  itemsAt,
  itemsOf,
  readKey,
  readOrUndecided,
  Unreadable,
} from "../../policies/lib/unreadable";
import {
  asBoolean,
  asList,
  asNumber,
  asRecord,
  asString,
  isPresent,
  tagsOf,
} from "../../policies/lib/values";
import { UNKNOWN, engineArgs } from "./harness";

const ENCRYPTED = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: "v1:abc",
};

describe("reading scalar inputs", () => {
  it("asString: a string as it is, anything else undefined", () => {
    assert.equal(asString("tcp"), "tcp");
    assert.equal(asString(""), "");
    assert.equal(asString(6), undefined);
    assert.equal(asString(null), undefined);
  });

  it("asNumber: a number or a numeric string (spaces around it allowed), never a blank or infinite one", () => {
    assert.equal(asNumber(22), 22);
    assert.equal(asNumber("22"), 22);
    assert.equal(asNumber(" 3389 "), 3389);
    assert.equal(asNumber("0"), 0);
    assert.equal(asNumber(""), undefined);
    assert.equal(asNumber("   "), undefined, "Number('   ') is 0, not a port");
    assert.equal(asNumber("22/tcp"), undefined);
    assert.equal(asNumber("Infinity"), undefined);
    assert.equal(asNumber(Number.POSITIVE_INFINITY), undefined);
    assert.equal(asNumber(true), undefined);
  });

  it("asBoolean: a boolean or its string spelling in any case, with spaces; anything else undefined", () => {
    assert.equal(asBoolean(true), true);
    assert.equal(asBoolean(false), false);
    assert.equal(asBoolean(" TRUE "), true);
    assert.equal(asBoolean("False"), false);
    assert.equal(asBoolean("yes"), undefined);
    assert.equal(asBoolean(1), undefined);
  });

  it("isPresent: a non-blank string, or any value but null and undefined", () => {
    assert.equal(isPresent("web"), true);
    assert.equal(isPresent("  "), false);
    assert.equal(isPresent(""), false);
    assert.equal(isPresent(0), true);
    assert.equal(isPresent(false), true);
    assert.equal(isPresent(null), false);
    assert.equal(isPresent(undefined), false);
  });

  it("isSetField: like isPresent; an encrypted value is set, an unknown one can't be told", () => {
    assert.equal(isSetField("#!/bin/sh"), true);
    assert.equal(isSetField(" "), false);
    assert.equal(isSetField(0), true);
    assert.equal(isSetField(null), false);
    assert.equal(isSetField(undefined), false);
    const secret = new Unreadable(new UndecidableInputError("userData", "secret"));
    const unknown = new Unreadable(new UndecidableInputError("userData", "unknown"));
    assert.equal(isSetField(secret), true);
    assert.equal(isSetField(unknown), unknown);
  });
});

describe("reading lists and objects", () => {
  it("asList: absent or null is empty, a lone value a list of one, a list as it is", () => {
    assert.deepEqual(asList(undefined), []);
    assert.deepEqual(asList(null), []);
    assert.deepEqual(asList("sg-1"), ["sg-1"]);
    assert.deepEqual(asList(["sg-1", "sg-2"]), ["sg-1", "sg-2"]);
    assert.deepEqual(asList(0), [0]);
  });

  it("asRecord: an object as it is; null, a list or a scalar is an empty object", () => {
    const record = { a: 1 };
    assert.equal(asRecord(record), record);
    assert.deepEqual(asRecord(null), {});
    assert.deepEqual(asRecord([1]), {});
    assert.deepEqual(asRecord("a"), {});
  });

  it("itemsOf: each item in its place, an unreadable one as an Unreadable; absent or null is empty", () => {
    assert.deepEqual(
      itemsOf(() => [1, 2]),
      [1, 2],
    );
    assert.deepEqual(
      itemsOf(() => undefined),
      [],
    );
    assert.deepEqual(
      itemsOf(() => null),
      [],
    );
    assert.deepEqual(
      itemsOf(() => "one"),
      ["one"],
    );
    const inputs = readableInputs({ list: ["a", UNKNOWN, "c"] });
    const items = itemsOf(() => inputs.list);
    assert.ok(Array.isArray(items));
    assert.equal(items.length, 3);
    assert.equal(items[0], "a");
    assert.ok(isUnreadable(items[1]));
    assert.equal(String(items[1]), "a value not known until apply");
    assert.equal(items[2], "c");
    const whole = itemsOf(() => readableInputs({ list: UNKNOWN }).list);
    assert.ok(isUnreadable(whole));
  });
});

describe("tags, as a map or as a list of { key, value }", () => {
  it("reads a map, and tagsAll under explicit tags", () => {
    const tags = tagsOf({ tagsAll: { team: "ops", env: "dev" }, tags: { team: "web" } });
    assert.deepEqual(
      [...tags.values],
      [
        ["team", "web"],
        ["env", "dev"],
      ],
    );
    assert.equal(tags.unreadable, undefined);
  });

  it("reads a list; a tag without a value is an empty string, one whose key is not a string is no tag", () => {
    const tags = tagsOf({ tags: [{ key: "team", value: "web" }, { key: "note" }, { key: 5, value: "x" }] });
    assert.deepEqual(
      [...tags.values],
      [
        ["team", "web"],
        ["note", ""],
      ],
    );
    assert.equal(tags.unreadable, undefined);
  });

  it("keeps the key of a tag whose value is encrypted, and says so", () => {
    const tags = tagsOf(readableInputs({ tags: { team: "web", secret: ENCRYPTED } }));
    assert.equal(tags.values.get("team"), "web");
    assert.equal(String(tags.values.get("secret")), "an encrypted value");
    assert.equal(tags.unreadable, undefined, "which tags there are is known");
  });

  it("reads one resource's tags once for every policy that asks, and each resource's own", () => {
    const props = { tags: { team: "web" } };
    assert.equal(tagsOf(props), tagsOf(props));
    assert.equal(tagsOf({ tags: { team: "ops" } }).values.get("team"), "ops");
  });

  it("notes a list item or a key that can't be read: the tags may then hold any tag", () => {
    const item = tagsOf(readableInputs({ tags: [{ key: "team", value: "web" }, UNKNOWN] }));
    assert.deepEqual([...item.values.keys()], ["team"]);
    assert.equal(String(item.unreadable), "a value not known until apply");

    const key = tagsOf(
      readableInputs({
        tags: [
          { key: UNKNOWN, value: "x" },
          { key: "team", value: "web" },
        ],
      }),
    );
    assert.deepEqual([...key.values.keys()], ["team"]);
    assert.equal(String(key.unreadable), "a value not known until apply");

    const whole = tagsOf(readableInputs({ tags: ENCRYPTED }));
    assert.equal(whole.values.size, 0);
    assert.equal(String(whole.unreadable), "an encrypted value");
  });
});

describe("which errors mean 'this value can't be read'", () => {
  it("the SDK's UnknownValueError, as the engine's proxy throws it on a preview's unknown", () => {
    const args = engineArgs("aws:ec2/instance:Instance", { userData: UNKNOWN });
    const value = attempt(() => (args.props as { userData: unknown }).userData);
    assert.ok(isUnreadable(value));
    assert.equal(value.isSecret, false);
    assert.equal(String(value), "a value not known until apply");
  });

  it("Phoenix's own UndecidableInputError, for an unknown or an encrypted value offline", () => {
    assert.equal(isUnreadableError(new UndecidableInputError("a", "secret")), true);
    assert.equal(isUnreadableError(new UndecidableInputError("a", "unknown")), true);
  });

  it("not any other error: a policy's own bug propagates, never reads as undecided", () => {
    assert.equal(isUnreadableError(new TypeError("x is undefined")), false);
    assert.throws(
      () =>
        attempt(() => {
          throw new TypeError("x is undefined");
        }),
      TypeError,
    );
  });

  it("not another library's error of the same name without the SDK's sentinel, nor one that only has a sentinel", () => {
    class UnknownValueError extends Error {}
    assert.equal(isUnreadableError(new UnknownValueError("other")), false);
    const sentinelOnly = Object.assign(new Error("other"), { unknownTypeSentinel: UNKNOWN });
    assert.equal(isUnreadableError(sentinelOnly), false);
    assert.equal(isUnreadableError({ constructor: UnknownValueError, unknownTypeSentinel: UNKNOWN }), false);
  });

  it("readKey and itemsAt: an unreadable value as an Unreadable, any other error propagates", () => {
    const inputs = readableInputs({ name: "web", userData: UNKNOWN, ports: [22, UNKNOWN] });
    assert.equal(readKey(inputs, "name"), "web");
    assert.equal(String(readKey(inputs, "userData")), "a value not known until apply");
    const ports = itemsAt(inputs, "ports");
    assert.ok(Array.isArray(ports));
    assert.equal(ports[0], 22);
    assert.ok(isUnreadable(ports[1]));
    const broken = {
      get name(): string {
        throw new TypeError("a getter's own bug");
      },
    };
    assert.throws(() => readKey(broken, "name"), TypeError);
    assert.throws(() => itemsAt(broken, "name"), TypeError);
  });

  it("readOrUndecided hands a readable value back and throws the reading error of an unreadable one", () => {
    assert.equal(readOrUndecided("web"), "web");
    const error = new UndecidableInputError("tags", "unknown");
    assert.throws(
      () => readOrUndecided(new Unreadable(error)),
      (thrown) => thrown === error,
    );
  });

  it("a Judgement: a violation decides it, an unreadable check alone leaves it undecided", () => {
    const error = new UndecidableInputError("ingress", "unknown");
    const reported: string[] = [];
    const violated = new Judgement((m) => reported.push(m));
    violated.cannotTell(new Unreadable(error));
    violated.report('Security group "web" must not admit SSH.');
    violated.finish();
    assert.deepEqual(reported, ['Security group "web" must not admit SSH.']);

    const unsure = new Judgement(() => assert.fail("nothing to report"));
    assert.equal(unsure.readable(new Unreadable(error)), undefined);
    assert.equal(unsure.readable("tcp"), "tcp");
    assert.throws(
      () => unsure.finish(),
      (thrown) => thrown === error,
    );
  });
});
