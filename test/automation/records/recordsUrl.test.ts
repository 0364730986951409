// `--records` values: exactly `file` or `dynamodb://<table>` with DynamoDB's own table-name rule; the parser
// itself, at the edges of that rule (the CLI test checks the message the user sees).
import assert from "node:assert/strict";
import { parseRecordsUrl, RECORDS_ALLOWED } from "../../../automation/records/url";

describe("records URL", () => {
  it("accepts file and dynamodb://<table>, with or without a trailing slash", () => {
    assert.deepEqual(parseRecordsUrl("file"), { kind: "file" });
    assert.deepEqual(parseRecordsUrl("dynamodb://phoenix-records"), {
      kind: "dynamodb",
      table: "phoenix-records",
    });
    assert.deepEqual(parseRecordsUrl("dynamodb://phoenix-records/"), {
      kind: "dynamodb",
      table: "phoenix-records",
    });
    assert.deepEqual(parseRecordsUrl("dynamodb://Team.records_1-a"), {
      kind: "dynamodb",
      table: "Team.records_1-a",
    });
  });

  it("accepts table names of exactly 3 and 255 characters, and refuses 2 and 256", () => {
    assert.deepEqual(parseRecordsUrl("dynamodb://abc"), { kind: "dynamodb", table: "abc" });
    const longest = "t".repeat(255);
    assert.deepEqual(parseRecordsUrl(`dynamodb://${longest}`), { kind: "dynamodb", table: longest });
    assert.equal(parseRecordsUrl("dynamodb://ab"), undefined);
    assert.equal(parseRecordsUrl(`dynamodb://${"t".repeat(256)}`), undefined);
  });

  it("refuses anything else: other schemes, a path after the table, characters outside the rule, padding", () => {
    for (const value of [
      "",
      "files",
      " file",
      "file ",
      "xfile",
      "dynamodb://",
      "dynamodb:///",
      "dynamodb://a/b",
      "dynamodb://records//",
      "DynamoDB://records",
      "s3://records",
      "xdynamodb://records",
      "dynamodb://records x",
      "dynamodb://rec ords",
      "dynamodb://records!",
      "dynamodb://records\n",
      "\ndynamodb://records",
    ])
      assert.equal(parseRecordsUrl(value), undefined, JSON.stringify(value));
  });

  it("says what is allowed, word for word", () => {
    assert.equal(
      RECORDS_ALLOWED,
      "must be `file` (records and lock in the project's .phoenix directory, one machine) or " +
        "`dynamodb://<table>` (shared by every machine; a table name of 3–255 letters, digits, `_`, `-` or `.`)",
    );
  });
});
