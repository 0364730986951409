// The status codes of the errors the service can meet, including those the in-memory engine never raises (the
// LocalWorkspace engine's, matched by their documented `code`).
import assert from "node:assert/strict";
import { DeployFailedError, InvalidInputError, LockedError } from "phoenix-fleet";
import { BadRequestError, BusyError, errorBody, httpStatusOf } from "../src/httpStatus";

/** An error as the LocalWorkspace engine shapes its own: a class name and a stable code. */
function engineError(name: string, code: string): Error {
  return Object.assign(new Error(`${name} (${code})`), { name, code });
}

describe("httpStatusOf", () => {
  const cases: [string, unknown, number][] = [
    ["the service's own bad input", new BadRequestError(["`x` is not a field"]), 400],
    ["the library's bad input", new InvalidInputError(['`release` ("A") must be …']), 400],
    ["a release running here", new BusyError({ id: "r1", release: "v1" }), 409],
    ["the app/env lock held elsewhere", new LockedError("/state/shop-dev.lock", undefined), 409],
    ["a stack locked by another pulumi", engineError("StackLockedError", "STACK_LOCKED"), 409],
    [
      "the Automation API's concurrent update",
      Object.assign(new Error("conflict"), { name: "ConcurrentUpdateError" }),
      409,
    ],
    ["no pulumi CLI", engineError("PulumiCliNotFoundError", "PULUMI_CLI_NOT_FOUND"), 503],
    ["no passphrase", engineError("PassphraseMissingError", "PASSPHRASE_MISSING"), 503],
    [
      "a failed deploy caused by a missing passphrase (through `cause`)",
      new DeployFailedError(
        "blue",
        "v2",
        "no passphrase",
        true,
        engineError("PassphraseMissingError", "PASSPHRASE_MISSING"),
      ),
      503,
    ],
    ["a failed deploy", new DeployFailedError("blue", "v2", "unhealthy", true), 500],
    ["anything else", new Error("boom"), 500],
    ["a thrown string", "boom", 500],
  ];
  for (const [what, error, status] of cases)
    it(`${status} for ${what}`, () => assert.equal(httpStatusOf(error), status));
});

describe("errorBody", () => {
  it("carries the class, the message and, for bad input, every problem", () => {
    const body = errorBody(new InvalidInputError(["`a` bad", "`b` bad"]));
    assert.deepEqual(body, {
      error: "InvalidInputError",
      message: "Invalid input:\n  - `a` bad\n  - `b` bad",
      problems: ["`a` bad", "`b` bad"],
    });
    assert.deepEqual(errorBody("boom"), { error: "Error", message: "boom" });
  });
});
