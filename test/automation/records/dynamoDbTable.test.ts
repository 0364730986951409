// The records table found or created on first use: a table another machine is creating is waited for, one
// with another key schema is refused (word for word), and every failure names the store and what it could not do.
import assert from "node:assert/strict";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  type TableDescription,
} from "@aws-sdk/client-dynamodb";
import { mockClient } from "aws-sdk-client-mock";
import { RecordStoreError } from "../../../automation/errors";
import { ensureTable, tableExists } from "../../../automation/records/dynamodb/table";
import { onFakeTime } from "../../helpers/fakeTime";

const LOCATION = "dynamodb://phoenix-records";
const PHOENIX_KEYS = [
  { AttributeName: "pk", KeyType: "HASH" as const },
  { AttributeName: "sk", KeyType: "RANGE" as const },
];
const notFound = () =>
  new ResourceNotFoundException({ message: "Requested resource not found", $metadata: {} });
const active = (extra: Partial<TableDescription> = {}) => ({
  Table: { TableName: "phoenix-records", TableStatus: "ACTIVE" as const, KeySchema: PHOENIX_KEYS, ...extra },
});

describe("DynamoDB records table", () => {
  const client = new DynamoDBClient({ region: "us-east-1" });
  const mock = mockClient(client);
  afterEach(() => mock.reset());
  after(() => mock.restore());

  it("exists when described, not when DynamoDB says not found; other failures name the store", async () => {
    mock.on(DescribeTableCommand).resolves(active());
    assert.equal(await tableExists(client, "phoenix-records", LOCATION), true);
    mock.on(DescribeTableCommand).rejects(notFound());
    assert.equal(await tableExists(client, "phoenix-records", LOCATION), false);
    mock
      .on(DescribeTableCommand)
      .rejects(Object.assign(new Error("User is not authorized"), { name: "AccessDeniedException" }));
    await assert.rejects(tableExists(client, "phoenix-records", LOCATION), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.equal(
        error.message,
        "The record store dynamodb://phoenix-records could not find the table (AccessDeniedException: User is not " +
          "authorized). Check the credentials and the IAM permissions listed in docs/records.md.",
      );
      return true;
    });
    assert.equal(mock.commandCalls(CreateTableCommand).length, 0, "a read never creates the table");
  });

  it("an active table with Phoenix's keys is used as it is", async () => {
    mock.on(DescribeTableCommand).resolves(active());
    await ensureTable(client, "phoenix-records", LOCATION);
    assert.equal(mock.commandCalls(DescribeTableCommand).length, 1);
    assert.equal(mock.commandCalls(CreateTableCommand).length, 0);
  });

  it("a missing table is created with string pk/sk keys and on-demand billing, then waited for", async () => {
    mock.on(DescribeTableCommand).rejectsOnce(notFound()).resolves(active());
    mock.on(CreateTableCommand).resolves({});
    const outcome = await onFakeTime(() => ensureTable(client, "phoenix-records", LOCATION), { stepMs: 100 });
    assert.ok(
      outcome.settled && "value" in outcome.settled,
      String(outcome.settled && "error" in outcome.settled && outcome.settled.error),
    );
    const [create] = mock.commandCalls(CreateTableCommand);
    assert.deepEqual(create.args[0].input, {
      TableName: "phoenix-records",
      AttributeDefinitions: [
        { AttributeName: "pk", AttributeType: "S" },
        { AttributeName: "sk", AttributeType: "S" },
      ],
      KeySchema: PHOENIX_KEYS,
      BillingMode: "PAY_PER_REQUEST",
    });
    assert.ok(mock.commandCalls(DescribeTableCommand).length >= 2, "waited for the table it created");
    for (const call of mock.commandCalls(DescribeTableCommand))
      assert.deepEqual(call.args[0].input, { TableName: "phoenix-records" });
  });

  it("a table another machine created meanwhile is fine, and so is one still being created", async () => {
    mock
      .on(DescribeTableCommand)
      .rejectsOnce(notFound())
      .resolvesOnce(active({ TableStatus: "CREATING" }))
      .resolvesOnce(active({ TableStatus: "CREATING" }))
      .resolves(active());
    mock
      .on(CreateTableCommand)
      .rejects(new ResourceInUseException({ message: "Table already exists", $metadata: {} }));
    const outcome = await onFakeTime(() => ensureTable(client, "phoenix-records", LOCATION), { stepMs: 100 });
    assert.ok(
      outcome.settled && "value" in outcome.settled,
      String(outcome.settled && "error" in outcome.settled && outcome.settled.error),
    );
    assert.equal(mock.commandCalls(CreateTableCommand).length, 1);
  });

  it("a table still being created (no creation of ours) is waited for until active", async () => {
    mock
      .on(DescribeTableCommand)
      .resolvesOnce(active({ TableStatus: "CREATING" }))
      .resolves(active());
    const outcome = await onFakeTime(() => ensureTable(client, "phoenix-records", LOCATION), { stepMs: 100 });
    assert.ok(outcome.settled && "value" in outcome.settled);
    assert.equal(mock.commandCalls(CreateTableCommand).length, 0);
    assert.ok(mock.commandCalls(DescribeTableCommand).length >= 3, "described, waited, described again");
  });

  it("a creation refused for another reason names the store and the operation", async () => {
    mock.on(DescribeTableCommand).rejects(notFound());
    mock
      .on(CreateTableCommand)
      .rejects(Object.assign(new Error("Subscriber limit exceeded"), { name: "LimitExceededException" }));
    await assert.rejects(ensureTable(client, "phoenix-records", LOCATION), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.equal(error.operation, "find or create the table");
      assert.equal(
        error.message,
        "The record store dynamodb://phoenix-records could not find or create the table (LimitExceededException: " +
          "Subscriber limit exceeded). Run `phoenix status` once it is reachable: the next workflow completes or " +
          "undoes this one.",
      );
      return true;
    });
  });

  it("a table that is gone again once created has no key schema to use", async () => {
    mock.on(DescribeTableCommand).rejectsOnce(notFound()).resolvesOnce(active()).rejects(notFound());
    mock.on(CreateTableCommand).resolves({});
    const outcome = await onFakeTime(() => ensureTable(client, "phoenix-records", LOCATION), { stepMs: 100 });
    const error =
      outcome.settled && "error" in outcome.settled ? (outcome.settled.error as Error) : undefined;
    assert.ok(error instanceof RecordStoreError, String(error));
    assert.match(error.message, /could not use the table \(Error: its key schema is unknown;/);
  });

  it("a table with other keys is refused, naming them and the keys Phoenix needs", async () => {
    mock.on(DescribeTableCommand).resolves(
      active({
        KeySchema: [
          { AttributeName: "id", KeyType: "HASH" },
          { AttributeName: "sk", KeyType: "RANGE" },
        ],
      }),
    );
    await assert.rejects(ensureTable(client, "phoenix-records", LOCATION), (error: Error) => {
      assert.ok(error instanceof RecordStoreError);
      assert.equal(
        error.message,
        "The record store dynamodb://phoenix-records could not use the table (Error: its key schema is " +
          "id:HASH,sk:RANGE; Phoenix needs pk (string, HASH) and sk (string, RANGE)). Run `phoenix status` once " +
          "it is reachable: the next workflow completes or undoes this one.",
      );
      return true;
    });
    mock.on(DescribeTableCommand).resolves(active({ KeySchema: [PHOENIX_KEYS[1], PHOENIX_KEYS[0]] }));
    await assert.rejects(
      ensureTable(client, "phoenix-records", LOCATION),
      /its key schema is sk:RANGE,pk:HASH;/,
    );
    mock.on(DescribeTableCommand).resolves(active({ KeySchema: undefined }));
    await assert.rejects(ensureTable(client, "phoenix-records", LOCATION), /its key schema is unknown;/);
  });
});
