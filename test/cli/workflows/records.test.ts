// `--records` / PHOENIX_RECORDS: checked before any engine call, passed to the deployment as parsed.
import assert from "node:assert/strict";
import { EXIT } from "../../../cli/exitCodes";
import { cliHarness, TARGET, type CliHarness } from "./harness";

describe("phoenix --records", () => {
  let h: CliHarness;
  let saved: string | undefined;
  beforeEach(() => {
    h = cliHarness();
    saved = process.env.PHOENIX_RECORDS;
    delete process.env.PHOENIX_RECORDS;
  });
  afterEach(() => {
    h.cleanup();
    if (saved === undefined) delete process.env.PHOENIX_RECORDS;
    else process.env.PHOENIX_RECORDS = saved;
  });

  it("defaults to the file store of the project", async () => {
    assert.equal((await h.phoenix(["history", ...TARGET])).code, EXIT.ok);
    assert.deepEqual(h.created[0].records, { kind: "file" });
  });

  it("takes dynamodb://<table> from the flag or PHOENIX_RECORDS, the flag first", async () => {
    await h.phoenix(["history", ...TARGET, "--records", "dynamodb://phoenix-records"]);
    process.env.PHOENIX_RECORDS = "dynamodb://team.records_1";
    await h.phoenix(["history", ...TARGET]);
    await h.phoenix(["history", ...TARGET, "--records", "file"]);
    assert.deepEqual(
      h.created.map((settings) => settings.records),
      [
        { kind: "dynamodb", table: "phoenix-records" },
        { kind: "dynamodb", table: "team.records_1" },
        { kind: "file" },
      ],
    );
  });

  it("refuses anything else before any engine call, naming the option, the value and what is allowed", async () => {
    for (const value of [
      "dynamodb://",
      "dynamodb://ab",
      "dynamodb://a/b",
      "s3://bucket",
      "DynamoDB://records",
      "files",
    ]) {
      const run = await h.phoenix(["swap", ...TARGET, "--yes", "--records", value]);
      assert.equal(run.code, EXIT.badInput, value);
      assert.ok(run.err.includes(`\`--records\` (${JSON.stringify(value)}) must be \`file\``), run.err);
      assert.match(run.err, /`dynamodb:\/\/<table>`/);
    }
    assert.deepEqual(h.created, []);
  });

  it('"nothing here yet" names the shared table', async () => {
    const run = await h.phoenix(["history", ...TARGET, "--records", "dynamodb://phoenix-records"]);
    assert.match(
      run.out,
      /No workflows yet for shop\/prod \(project .*, backend .*, records dynamodb:\/\/phoenix-records\)/,
    );
  });
});
