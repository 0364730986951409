// `--records` / PHOENIX_RECORDS: where the lock and the deployment records live. `file` (the default) keeps
// them in the project's .phoenix directory, for one machine; `dynamodb://<table>` shares them between
// machines. Parsed without loading the AWS SDK, so that a bad value is refused before anything runs.
export type RecordsUrl = { kind: "file" } | { kind: "dynamodb"; table: string };

/** DynamoDB's own rule for table names. */
const TABLE_NAME = /^[A-Za-z0-9_.-]{3,255}$/;

export const RECORDS_ALLOWED =
  "must be `file` (records and lock in the project's .phoenix directory, one machine) or " +
  "`dynamodb://<table>` (shared by every machine; a table name of 3–255 letters, digits, `_`, `-` or `.`)";

/** The parsed value, or undefined when it is not one of the allowed forms. */
export function parseRecordsUrl(value: string): RecordsUrl | undefined {
  if (value === "file") return { kind: "file" };
  const table = /^dynamodb:\/\/([^/]*)\/?$/.exec(value)?.[1];
  if (table !== undefined && TABLE_NAME.test(table)) return { kind: "dynamodb", table };
  return undefined;
}
